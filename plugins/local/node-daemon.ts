#!/usr/bin/env node
import { spawn, spawnSync } from "node:child_process";
import { existsSync, promises as fs, openSync, closeSync, watch, readFileSync, statSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { startSshServer, type SshServer } from "../sdk/ssh-server.js";
import { replaceFile, type DaemonStatus, type NodeRecord } from "./nodes.js";

/**
 * One local node: `node dist/plugins/local/node-daemon.js <nodeDir>`, started
 * by the plugin detached in its own session (and, with isolation namespaces,
 * inside unshare). It is not the plugin's child in any way that matters: it
 * outlives plugin restarts and SIGKILLs, and reads everything from its
 * directory. It puts the image in place, installs the boot's keys, runs the
 * setup script, waits out the boot delay, then serves SSH on the node's
 * address and writes daemon.json. It exits when its directory disappears.
 *
 * `node-daemon.js --spare <spareDir>` is a warm spare: started ahead of time
 * (Node and ssh2 take a few hundred milliseconds to load, more than the rest
 * of a boot), it waits until the plugin writes the path of a node directory
 * into <spareDir>/assign, then becomes that node. See spares.ts.
 */
const SPARE_POLL_MS = 250;
/** A spare whose plugin has not shown a sign of life (spares/heartbeat) for this long exits. */
const SPARE_ORPHAN_MS = 10 * 60_000;
const WATCHDOG_MS = 2000;

/** JSON lines on stderr (daemon.log); pino would add ~50 ms to every boot. */
const log = {
  write(level: string, fields: object, msg: string): void {
    process.stderr.write(`${JSON.stringify({ level, time: Date.now(), name: "local-node", ...fields, msg })}\n`);
  },
  debug(fields: object, msg: string): void {
    if (process.env.STANDBY_LOG_LEVEL === "debug") this.write("debug", fields, msg);
  },
  info(fields: object, msg: string): void {
    this.write("info", fields, msg);
  },
  error(fields: object, msg: string): void {
    this.write("error", fields, msg);
  },
};

let ssh: SshServer | undefined;
let silent: net.Server | undefined;

async function shutdown(reason: string): Promise<void> {
  log.info({ reason }, "node stopping");
  await ssh?.close().catch(() => undefined);
  silent?.close();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGHUP", () => undefined);

/** A spare waits here until it is told which node to become. */
async function waitForAssignment(spareDir: string): Promise<string> {
  process.chdir(spareDir);
  const assignFile = path.join(spareDir, "assign");
  const nodeDir = await new Promise<string>((resolve) => {
    let done = false;
    let checks = 0;
    const check = (): void => {
      if (done) return;
      if (!existsSync(spareDir)) {
        done = true;
        void shutdown("spare directory removed");
        return;
      }
      if (++checks % 40 === 0 && orphaned(path.join(path.dirname(spareDir), "heartbeat"))) {
        done = true;
        void shutdown("no plugin has looked after this spare for a while");
        return;
      }
      try {
        const target = readFileSync(assignFile, "utf8").trim();
        if (!target) return;
        done = true;
        watcher?.close();
        clearInterval(poll);
        resolve(target);
      } catch {
        // Not assigned yet.
      }
    };
    let watcher: ReturnType<typeof watch> | undefined;
    try {
      watcher = watch(spareDir, check);
      watcher.on("error", () => undefined);
    } catch {
      watcher = undefined;
    }
    const poll = setInterval(check, SPARE_POLL_MS);
    void fs.writeFile(path.join(spareDir, "ready"), `${Date.now()}\n`).then(check, check);
  });
  // The log goes with the node; the spare's directory goes away, first out
  // of sight in one rename, so that no plugin ever sees it half removed
  // (its record without the assign file) and takes it for a free spare.
  await fs.rename(path.join(spareDir, "daemon.log"), path.join(nodeDir, "daemon.log")).catch(() => undefined);
  const gone = path.join(path.dirname(spareDir), `.gone-${path.basename(spareDir)}`);
  const removed = await fs.rename(spareDir, gone).then(
    () => gone,
    () => spareDir,
  );
  await fs.rm(removed, { recursive: true, force: true }).catch(() => undefined);
  return nodeDir;
}

async function runNode(nodeDir: string): Promise<void> {
  process.chdir(nodeDir);
  const record = JSON.parse(await fs.readFile(path.join(nodeDir, "node.json"), "utf8")) as NodeRecord;
  const workspace = path.join(nodeDir, "root");
  const status: DaemonStatus = { state: "starting", error: "", port: 0, placementMs: 0, listeningAt: 0 };
  const report = (): Promise<void> => replaceFile(path.join(nodeDir, "daemon.json"), JSON.stringify(status));

  const fail = async (message: string): Promise<never> => {
    log.error({ node: record.nodeId }, message);
    status.state = "error";
    status.error = message;
    await report().catch(() => undefined);
    process.exit(1);
  };

  const commandEnv = (): Record<string, string> => ({
    PATH: process.env.PATH ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    LANG: process.env.LANG ?? "C.UTF-8",
    STANDBY_NODE_ID: record.nodeId,
  });

  /** The image into the workspace: an overlay mount, or a (reflink) copy. */
  const place = (): void => {
    const started = process.hrtime.bigint();
    if (record.placement === "overlay") {
      const upper = path.join(nodeDir, "upper");
      const work = path.join(nodeDir, "work");
      const result = spawnSync(
        "mount",
        ["-t", "overlay", "overlay", "-o", `lowerdir=${record.imageRoot},upperdir=${upper},workdir=${work}`, workspace],
        { encoding: "utf8" },
      );
      if (result.status !== 0) throw new Error(`overlay mount failed: ${(result.stderr || result.error?.message || "").trim()}`);
    } else {
      const reflink = record.placement === "reflink" ? "--reflink=always" : "--reflink=never";
      const result = spawnSync("cp", ["-a", reflink, `${record.imageRoot}/.`, `${workspace}/`], { encoding: "utf8" });
      if (result.status !== 0) throw new Error(`copy of the image failed: ${(result.stderr || result.error?.message || "").trim()}`);
    }
    status.placementMs = Number(process.hrtime.bigint() - started) / 1e6;
  };

  /** The boot's keys become the workspace's authorized_keys (replacing any the image had). */
  const installKeys = async (): Promise<void> => {
    const keys = await fs.readFile(path.join(nodeDir, "initial_keys"), "utf8").catch(() => "");
    const sshDir = path.join(workspace, ".ssh");
    await fs.mkdir(sshDir, { recursive: true, mode: 0o700 });
    await fs.writeFile(path.join(sshDir, "authorized_keys"), keys, { mode: 0o600 });
    await fs.chmod(path.join(sshDir, "authorized_keys"), 0o600);
  };

  const runSetup = async (): Promise<void> => {
    if (!record.setupScript.trim()) return;
    const out = openSync(path.join(nodeDir, "setup.log"), "a");
    try {
      const code = await new Promise<number | null>((resolve) => {
        const child = spawn("/bin/sh", ["-c", record.setupScript], {
          cwd: workspace,
          env: { ...commandEnv(), HOME: workspace, USER: record.username, LOGNAME: record.username, SHELL: "/bin/sh" },
          stdio: ["ignore", out, out],
        });
        child.on("error", () => resolve(127));
        child.on("close", (c) => resolve(c));
      });
      if (code !== 0) throw new Error(`the setup script exited with ${code ?? "a signal"} (see setup.log)`);
    } finally {
      closeSync(out);
    }
  };

  /** A node without network: the port accepts connections and never says a word. */
  const listenSilently = async (): Promise<net.Server> => {
    const server = net.createServer((socket) => {
      socket.on("error", () => undefined);
      socket.setTimeout(600_000, () => socket.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(record.port, record.address, () => resolve());
    });
    return server;
  };

  try {
    await report();
    place();
    await installKeys();
    if (record.isolation === "namespaces") setHostname(hostnameOf(record.nodeId));
    await runSetup();
  } catch (err) {
    await fail((err as Error).message);
  }

  const wait = record.createdAt + record.bootDelayMs - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));

  try {
    if (record.outcome === "no-network") {
      silent = await listenSilently();
      status.port = (silent.address() as net.AddressInfo).port;
    } else {
      const hostKey = await fs.readFile(path.join(nodeDir, "host_key"), "utf8");
      const ecdsaKey = await fs.readFile(path.join(nodeDir, "host_key_ecdsa"), "utf8").catch(() => undefined);
      ssh = await startSshServer({
        host: record.address,
        port: record.port,
        hostKey,
        ...(ecdsaKey ? { extraHostKeys: [ecdsaKey] } : {}),
        authorizedKeysFile: path.join(workspace, ".ssh", "authorized_keys"),
        username: record.username,
        workDir: workspace,
        env: commandEnv(),
        logger: log,
      });
      status.port = ssh.port;
    }
  } catch (err) {
    await fail(`cannot listen on ${record.address}:${record.port}: ${(err as Error).message}`);
  }
  status.state = "listening";
  status.listeningAt = Date.now();
  await report();
  log.info({ node: record.nodeId, address: record.address, port: status.port, placementMs: status.placementMs }, "node listening");

  // A node whose directory is gone (deleted, or its state dir wiped) has no reason to live.
  setInterval(() => {
    if (!existsSync(path.join(nodeDir, "node.json"))) void shutdown("node directory removed");
  }, WATCHDOG_MS);
}

/** In our own UTS namespace: /proc/sys/kernel/hostname is this namespace's (cheaper than running hostname). */
function setHostname(name: string): void {
  try {
    writeFileSync("/proc/sys/kernel/hostname", name);
  } catch {
    spawnSync("hostname", [name]);
  }
}

function orphaned(heartbeat: string): boolean {
  try {
    return Date.now() - statSync(heartbeat).mtimeMs > SPARE_ORPHAN_MS;
  } catch {
    return true;
  }
}

function hostnameOf(nodeId: string): string {
  const name = nodeId
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .replace(/^-+/, "")
    .slice(0, 63)
    .replace(/-+$/, "");
  return name || "standby-node";
}

const [first, second] = process.argv.slice(2);
if (first === "--spare" && second) {
  await runNode(await waitForAssignment(second));
} else if (first && !first.startsWith("--")) {
  await runNode(first);
} else {
  process.stderr.write("usage: node-daemon.js <nodeDir> | --spare <spareDir> (started by the local provider plugin)\n");
  process.exit(2);
}
