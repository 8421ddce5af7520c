import { createHash } from "node:crypto";
import { promises as fs, readFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { Logger } from "../../common/log.js";
import { startSshServer, type SshServer } from "../sdk/ssh-server.js";
import type { FakeInstance } from "./state.js";

/**
 * Real SSH endpoints for the fake cloud's instances, so the scheduler's ready
 * check, host-key pinning and key injection run over real SSH against fake
 * machines. Each instance with an `endpoint` gets one loopback port:
 *
 * - network "up": an SSH server (plugins/sdk/ssh-server.ts) whose commands
 *   run on this host in the instance's own directory, with
 *   STANDBY_FAKE_NETWORK=up in their environment;
 * - network "down": the same server, but STANDBY_FAKE_NETWORK=down, so a
 *   ready script that checks the network (`test "$STANDBY_FAKE_NETWORK" = up`,
 *   standing in for "can reach the package mirror") fails;
 * - network "silent": a port that accepts connections and never says a word,
 *   like a machine whose network never came up.
 *
 * Endpoints live in the plugin process; the instance's port and host key live
 * in the state file, so after a plugin restart the same endpoint comes back
 * on the same port with the same host key.
 *
 * A claimer's commands never run as root on this host: when the plugin runs
 * as root, they run as the unprivileged user `nobody`, in an instance
 * directory it owns under a world-traversable directory of the system's
 * temporary directory (one per cloud state file), and SFTP sees only that
 * directory. Otherwise they run as the plugin's own user.
 */
export interface FakeEndpoint {
  port: number;
  /** OpenSSH private key of the instance's host key. */
  hostPrivateKey: string;
  network: "up" | "down" | "silent";
}

interface Running {
  close(): Promise<void>;
}

export class FakeEndpoints {
  private readonly running = new Map<string, Promise<(Running & { port: number }) | undefined>>();
  /** Who runs the instances' commands; undefined: the plugin's own user. */
  private readonly runAs = unprivilegedUser();
  /** Where instance directories go. */
  private readonly root: string;

  constructor(
    /** Where instance directories go when commands run as the plugin's own user (beside the state file). */
    root: string,
    private readonly address: string,
    private readonly log: Logger,
  ) {
    this.root = this.runAs
      ? path.join(os.tmpdir(), "standby-fake-nodes", createHash("sha256").update(path.resolve(root)).digest("hex").slice(0, 16))
      : root;
  }

  /** The instance's directory: its HOME, with .ssh/authorized_keys. */
  dir(instanceId: string): string {
    return path.join(this.root, instanceId);
  }

  /** The instance's HOME and .ssh, owned by the user its commands run as; the folders above it traversable by that user. */
  private async makeHome(home: string): Promise<void> {
    if (this.runAs) {
      await fs.mkdir(path.dirname(path.dirname(home)), { recursive: true, mode: 0o711 });
      await fs.mkdir(path.dirname(home), { recursive: true, mode: 0o711 });
    }
    await fs.mkdir(path.join(home, ".ssh"), { recursive: true, mode: 0o700 });
    if (!this.runAs) return;
    await fs.chown(home, this.runAs.uid, this.runAs.gid);
    await fs.chown(path.join(home, ".ssh"), this.runAs.uid, this.runAs.gid);
  }

  /**
   * Starts the endpoint of a new instance on a free port and returns that
   * port; authorized_keys gets the boot's keys.
   */
  async start(instance: FakeInstance, endpoint: Omit<FakeEndpoint, "port">, keys: string[]): Promise<number> {
    const home = this.dir(instance.instanceId);
    await this.makeHome(home);
    await fs.writeFile(path.join(home, ".ssh", "authorized_keys"), keys.map((k) => `${k}\n`).join(""), { mode: 0o600 });
    if (this.runAs) await fs.chown(path.join(home, ".ssh", "authorized_keys"), this.runAs.uid, this.runAs.gid);
    const started = this.listen(instance.instanceId, { ...endpoint, port: 0 });
    this.running.set(instance.instanceId, started);
    return (await started)?.port ?? 0;
  }

  /**
   * Brings the running endpoints in line with the instances: starts missing
   * ones (after a plugin restart), stops those of instances that are gone.
   */
  sync(instances: Iterable<{ instance: FakeInstance; alive: boolean }>): void {
    const alive = new Set<string>();
    for (const { instance, alive: isAlive } of instances) {
      if (!isAlive) continue;
      // An instance whose endpoint is still being started has no port recorded yet.
      alive.add(instance.instanceId);
      if (!instance.endpoint || instance.endpoint.port === 0 || this.running.has(instance.instanceId)) continue;
      this.running.set(instance.instanceId, this.listen(instance.instanceId, instance.endpoint));
    }
    for (const id of [...this.running.keys()]) if (!alive.has(id)) void this.stop(id);
  }

  /** Stops an instance's endpoint and removes its directory. */
  async stop(instanceId: string): Promise<void> {
    const running = this.running.get(instanceId);
    this.running.delete(instanceId);
    await (await running)?.close();
    await fs.rm(this.dir(instanceId), { recursive: true, force: true });
  }

  async closeAll(): Promise<void> {
    const all = [...this.running.values()];
    this.running.clear();
    await Promise.all(all.map(async (r) => (await r)?.close()));
  }

  private async listen(instanceId: string, endpoint: FakeEndpoint): Promise<(Running & { port: number }) | undefined> {
    try {
      if (endpoint.network === "silent") return await blackHole(this.address, endpoint.port);
      const home = this.dir(instanceId);
      await this.makeHome(home);
      const server: SshServer = await startSshServer({
        host: this.address,
        port: endpoint.port,
        hostKey: endpoint.hostPrivateKey,
        authorizedKeysFile: path.join(home, ".ssh", "authorized_keys"),
        workDir: home,
        ...(this.runAs ? { runAs: this.runAs, sftpRoot: home } : {}),
        env: { STANDBY_FAKE_NETWORK: endpoint.network, STANDBY_FAKE_INSTANCE: instanceId },
        logger: this.log,
      });
      return { port: server.port, close: () => server.close() };
    } catch (err) {
      this.log.error({ err, instance: instanceId, port: endpoint.port }, "cannot start the instance's SSH endpoint");
      return undefined;
    }
  }
}

/**
 * `nobody`, when this process is root and the system has that user: the
 * user the instances' commands run as.
 */
function unprivilegedUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const line = readFileSync("/etc/passwd", "utf8")
      .split("\n")
      .find((l) => l.startsWith("nobody:"));
    const [, , uid, gid] = line?.split(":") ?? [];
    return uid && gid ? { uid: Number(uid), gid: Number(gid) } : undefined;
  } catch {
    return undefined;
  }
}

/** Accepts connections and never answers (until closed). */
function blackHole(host: string, port: number): Promise<Running & { port: number }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const close = () =>
        new Promise<void>((done) => {
          for (const s of sockets) s.destroy();
          server.close(() => done());
        });
      resolve({ port: (server.address() as net.AddressInfo).port, close });
    });
  });
}
