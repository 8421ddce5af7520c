import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { credentials } from "@grpc/grpc-js";
import ssh2 from "ssh2";
import { stringify } from "yaml";
import {
  NodeState,
  Outcome,
  StandbyServiceClient,
  type GetNodeResponse,
  type ListNodesResponse,
  type ReleaseLeaseRequest,
} from "../../gen/ts/standby/v1/standby.js";
import { publicKeyLine } from "../../common/ssh-keys.js";
import { startSshServer, type SshServer } from "../../plugins/sdk/ssh-server.js";
import { silentLogger } from "../../common/log.js";
import { serve, type Running } from "../../server/main.js";
import { call, eventually, REPO_ROOT } from "../lib/cluster.js";
import { startRecordingProxy, type RecordingProxy } from "../lib/recording-proxy.js";
import { suite } from "../lib/harness.js";
import { buildJava, JAVA, javaClasspath, LineProcess, requireFile } from "./tools.js";

/**
 * SSH from the Java launcher (JSch, Debian's libjsch-java 0.1.55) to nodes,
 * trusting only the host keys the scheduler pinned.
 *
 * First against the SSH server the local provider's nodes run
 * (plugins/sdk/ssh-server.ts) directly, then end to end: a live scheduler
 * (server/main.ts serve, with its SSH ready check and key hand-over) whose
 * provider (ssh-nodes-plugin.ts) makes every node a real SSH server.
 */

const { utils } = ssh2;
const PLUGIN = path.join(REPO_ROOT, "dist/test/clients/ssh-nodes-plugin.js");

type Event = Record<string, unknown> & { event: string };
type DriverNode = { id: string; address: string; sshPort: number; username: string; hostKeys: string[]; claimId: string };

let classpath = "";

class Driver {
  private taken = 0;
  publicKey = "";
  constructor(readonly proc: LineProcess) {}

  static async start(target: string): Promise<Driver> {
    const d = new Driver(
      new LineProcess(JAVA, ["-cp", classpath, "dev.standby.launcher.LauncherDriver", "--target", target, "--ttl", "60", "--wait", "60"]),
    );
    d.publicKey = (await d.next("ready")).publicKey as string;
    return d;
  }

  events(): Event[] {
    return this.proc.stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Event);
  }

  /** The next event, after those taken already, that is one of kinds. */
  async next(...kinds: string[]): Promise<Event> {
    const find = () => this.events().findIndex((e, i) => i >= this.taken && kinds.includes(e.event));
    await this.proc.waitFor(kinds.join(" or "), () => find() >= 0, 60_000);
    const index = find();
    this.taken = index + 1;
    return this.events()[index]!;
  }

  async collect(event: string, n: number): Promise<Event[]> {
    await this.proc.waitFor(`${n} "${event}" events`, () => this.events().filter((e) => e.event === event).length >= n, 60_000);
    return this.events()
      .filter((e) => e.event === event)
      .slice(0, n);
  }

  send(line: string): void {
    this.proc.send(line);
  }

  async stop(): Promise<void> {
    this.proc.child.stdin.end();
    try {
      await this.proc.exit(20_000);
    } finally {
      this.proc.kill();
    }
  }
}

interface Node {
  server: SshServer;
  dir: string;
  hostKey: string;
  close(): Promise<void>;
}

/** One SSH server like a local node's, with a host key of the given type, accepting authorizedKey. */
async function sshNode(type: "ecdsa" | "ed25519" | "rsa", authorizedKey: string): Promise<Node> {
  const dir = await mkdtemp(path.join(tmpdir(), "standby-jsch-"));
  await mkdir(path.join(dir, ".ssh"));
  await writeFile(path.join(dir, ".ssh/authorized_keys"), `${authorizedKey}\n`);
  const pair =
    type === "ecdsa"
      ? utils.generateKeyPairSync("ecdsa", { bits: 256 })
      : type === "rsa"
        ? utils.generateKeyPairSync("rsa", { bits: 2048 })
        : utils.generateKeyPairSync("ed25519");
  const server = await startSshServer({
    host: "127.0.0.1",
    port: 0,
    hostKey: pair.private,
    authorizedKeysFile: path.join(dir, ".ssh/authorized_keys"),
    username: "ci",
    workDir: dir,
  });
  return {
    server,
    dir,
    hostKey: publicKeyLine(pair.public),
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const otherEcdsaKey = () => publicKeyLine(utils.generateKeyPairSync("ecdsa", { bits: 256 }).public);

const t = suite("java launcher over ssh", { timeoutMs: 180_000 });

t.before(async () => {
  requireFile(JAVA, "default-jdk-headless");
  requireFile(PLUGIN, "(none: the test plugin is built by `npx tsc -p .`)");
  await buildJava();
  classpath = await javaClasspath();
});

t("JSch reaches a node's SSH server with an ECDSA host key, verifies the pinned key and runs a command", async () => {
  const d = await Driver.start("127.0.0.1:1");
  const node = await sshNode("ecdsa", d.publicKey);
  try {
    d.send(`ssh-direct 127.0.0.1 ${node.server.port} ci ${node.hostKey} echo "hello from $USER in $PWD"; echo oops >&2; exit 3`);
    const r = await d.next("ssh", "ssh-failed");
    assert.equal(r.event, "ssh", JSON.stringify(r));
    assert.equal(r.exit, 3);
    assert.equal(r.stdout, `hello from ci in ${node.dir}\n`);
    assert.equal(r.stderr, "oops\n");
    assert.equal(r.hostKeyType, "ecdsa-sha2-nistp256");
  } finally {
    await d.stop();
    await node.close();
  }
});

t("a host key other than the pinned one is refused before anything runs", async () => {
  const d = await Driver.start("127.0.0.1:1");
  const node = await sshNode("ecdsa", d.publicKey);
  try {
    const marker = path.join(node.dir, "marker");
    d.send(`ssh-direct 127.0.0.1 ${node.server.port} ci ${otherEcdsaKey()} touch ${marker}`);
    const r = await d.next("ssh", "ssh-failed");
    assert.equal(r.event, "ssh-failed", JSON.stringify(r));
    assert.equal(r.kind, "JSchException");
    assert.match(r.message as string, /HostKey has been changed/);
    assert.ok(!existsSync(marker), "the command never ran");
  } finally {
    await d.stop();
    await node.close();
  }
});

t("a node that pins only an ed25519 host key is refused without connecting: JSch 0.1.55 cannot verify it", async () => {
  const d = await Driver.start("127.0.0.1:1");
  const node = await sshNode("ed25519", d.publicKey);
  try {
    const marker = path.join(node.dir, "marker");
    d.send(`ssh-direct 127.0.0.1 ${node.server.port} ci ${node.hostKey} touch ${marker}`);
    const r = await d.next("ssh", "ssh-failed");
    assert.equal(r.kind, "UnsupportedHostKeyException", JSON.stringify(r));
    assert.match(r.message as string, /pins host keys of type ssh-ed25519; JSch 0\.1\.55 can verify only ecdsa-sha2-nistp256, .*ssh-rsa/);
    assert.equal(node.server.connections(), 0);
    assert.ok(!existsSync(marker));
  } finally {
    await d.stop();
    await node.close();
  }
});

t("a pinned ssh-rsa host key works too (JSch verifies it with SHA-1 signatures: a fallback, ECDSA is preferred)", async () => {
  const d = await Driver.start("127.0.0.1:1");
  const node = await sshNode("rsa", d.publicKey);
  try {
    d.send(`ssh-direct 127.0.0.1 ${node.server.port} ci ${node.hostKey} echo rsa-ok`);
    const r = await d.next("ssh", "ssh-failed");
    assert.equal(r.event, "ssh", JSON.stringify(r));
    assert.equal(r.stdout, "rsa-ok\n");
    assert.equal(r.hostKeyType, "ssh-rsa");
  } finally {
    await d.stop();
    await node.close();
  }
});

/**
 * A live scheduler (serve) whose one provider makes real SSH nodes: the test
 * plugin, or the local provider with ECDSA host keys beside ed25519. The
 * launcher talks to it through a recording proxy (what did Java send?).
 */
async function scheduler(
  hostKeyType: "ecdsa" | "ed25519" | "local",
  minReady: number,
): Promise<{ running: Running; proxy: RecordingProxy; client: StandbyServiceClient; close(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), "standby-java-ssh-"));
  const file = path.join(dir, "standby.yaml");
  const provider =
    hostKeyType === "local"
      ? {
          name: "sshnodes",
          plugin: "local",
          settings: { addressRange: `127.42.${Math.floor(Math.random() * 250)}.0/24`, ecdsaHostKey: true },
        }
      : { name: "sshnodes", command: [process.execPath, PLUGIN], settings: { hostKeyType } };
  const template = hostKeyType === "local" ? { image: "base", flavor: "local" } : { image: "ubuntu-jammy", flavor: "small" };
  await writeFile(
    file,
    stringify({
      server: { listen: "127.0.0.1:0", db: `sqlite:${path.join(dir, "standby.db")}`, stateDir: path.join(dir, "state") },
      providers: [provider],
      labels: [{ name: "jammy", tags: ["ubuntu", "py312"], minReady }],
      templates: [{ label: "jammy", provider: "sshnodes", ...template }],
    }),
  );
  const running = await serve({ config: file, logger: silentLogger });
  const proxy = await startRecordingProxy(running.address);
  const client = new StandbyServiceClient(running.address, credentials.createInsecure());
  return {
    running,
    proxy,
    client,
    async close() {
      client.close();
      await proxy.close();
      await running.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

t(
  "provision 3 nodes from a live scheduler, SSH to each from Java verifying the pinned host key, release one with failure and a hold",
  async () => {
    const s = await scheduler("ecdsa", 2);
    const d = await Driver.start(s.proxy.address);
    try {
      d.send("provision 3 jammy && py312");
      const nodes = (await d.collect("provisioned", 3)).map((e) => e.node as DriverNode);
      assert.equal(new Set(nodes.map((n) => n.id)).size, 3);
      for (const n of nodes) {
        assert.equal(n.address, "127.0.0.1");
        assert.equal(n.username, "ci");
        assert.equal(n.hostKeys.length, 1);
        assert.match(n.hostKeys[0]!, /^ecdsa-sha2-nistp256 /);
        // The scheduler injected the launcher's key at claim time; the node accepts it.
        d.send(`ssh ${n.id} echo "$USER on $(hostname)"; grep -c launcher-driver .ssh/authorized_keys; exit 7`);
        const r = await d.next("ssh", "ssh-failed");
        assert.equal(r.event, "ssh", JSON.stringify(r));
        assert.equal(r.id, n.id);
        assert.equal(r.exit, 7);
        assert.match(r.stdout as string, /^ci on .+\n1\n$/);
        assert.equal(r.hostKeyType, "ecdsa-sha2-nistp256");
      }

      const [failed, ...passed] = nodes as [DriverNode, ...DriverNode[]];
      d.send(`terminate ${failed.id} failure 7200 flaky test, keep it`);
      const term = await d.next("terminated", "terminate-failed");
      assert.equal(term.event, "terminated", JSON.stringify(term));
      assert.equal(term.outcome, "FAILURE");
      assert.equal(term.claimState, "released");
      assert.equal(term.holdRequested, "PT2H");
      await expectHoldSent(s, failed.id, term, 7200, "flaky test, keep it");
      for (const n of passed) {
        d.send(`terminate ${n.id} success`);
        assert.equal((await d.next("terminated", "terminate-failed")).claimState, "released");
      }
      const ids = new Set(passed.map((n) => n.id));
      await eventually("the two passed nodes deleted", async () => {
        const res = await call<ListNodesResponse>((cb) => s.client.listNodes({ label: "", provider: "", state: 0 }, cb));
        return res.nodes.every((n) => !ids.has(n.id));
      });
      const kept = await call<GetNodeResponse>((cb) => s.client.getNode({ id: failed.id }, cb));
      assert.equal(kept.node?.state, NodeState.NODE_STATE_HELD, "the failed one is held for diagnosis");
    } finally {
      await d.stop();
      await s.close();
    }
  },
);

t("nodes whose only host key is ed25519 (the local provider's default) are provisioned, and Java refuses to connect to them", async () => {
  const s = await scheduler("ed25519", 1);
  const d = await Driver.start(s.proxy.address);
  try {
    d.send("provision 1 jammy");
    const node = (await d.next("provisioned", "provision-failed")).node as DriverNode;
    assert.match(node.hostKeys[0]!, /^ssh-ed25519 /);
    d.send(`ssh ${node.id} true`);
    const r = await d.next("ssh", "ssh-failed");
    assert.equal(r.kind, "UnsupportedHostKeyException", JSON.stringify(r));
    assert.match(r.message as string, /the node's template must add one of those host keys/);
    d.send(`terminate ${node.id} aborted`);
    assert.equal((await d.next("terminated", "terminate-failed")).claimState, "released");
  } finally {
    await d.stop();
    await s.close();
  }
});

t(
  "against the local provider with ecdsaHostKey: 3 nodes for a label expression, Java SSHes to each verifying the pinned ECDSA key, one is released with failure and a hold",
  async () => {
    requireFile(path.join(REPO_ROOT, "dist/plugins/local/main.js"), "(none: plugins/local, built by `npx tsc -p .`)");
    const s = await scheduler("local", 2);
    const d = await Driver.start(s.proxy.address);
    try {
      d.send("provision 3 jammy && py312");
      const nodes = (await d.collect("provisioned", 3)).map((e) => e.node as DriverNode);
      assert.equal(new Set(nodes.map((n) => n.id)).size, 3);
      for (const n of nodes) {
        assert.match(n.address, /^127\.42\.\d+\.\d+$/);
        // ed25519 for everyone else, ECDSA for JSch: both pinned by the scheduler.
        assert.deepEqual(
          n.hostKeys.map((k) => k.split(" ")[0]),
          ["ssh-ed25519", "ecdsa-sha2-nistp256"],
        );
        d.send(`ssh ${n.id} echo "ok $USER"; grep -c launcher-driver .ssh/authorized_keys; hostname`);
        const r = await d.next("ssh", "ssh-failed");
        assert.equal(r.event, "ssh", JSON.stringify(r));
        assert.equal(r.id, n.id);
        assert.equal(r.exit, 0);
        const [greeting, keys] = (r.stdout as string).split("\n");
        assert.match(greeting ?? "", /^ok \S+$/);
        assert.equal(keys, "1", "the launcher's key was injected at claim time");
        assert.equal(r.hostKeyType, "ecdsa-sha2-nistp256", "JSch verified the pinned ECDSA key");
      }
      const [failed, ...passed] = nodes as [DriverNode, ...DriverNode[]];
      d.send(`terminate ${failed.id} failure 3600`);
      const term = await d.next("terminated", "terminate-failed");
      assert.equal(term.claimState, "released", JSON.stringify(term));
      await expectHoldSent(s, failed.id, term, 3600, /^job failure \(/);
      for (const n of passed) {
        d.send(`terminate ${n.id} success`);
        const t2 = await d.next("terminated", "terminate-failed");
        assert.equal(t2.claimState, "released");
        assert.equal(t2.held, false);
      }
      const successes = s.proxy.of<ReleaseLeaseRequest>("ReleaseLease").filter((r) => r.outcome === Outcome.OUTCOME_SUCCESS);
      assert.equal(successes.length, 2);
      assert.ok(
        successes.every((r) => r.holdSeconds === 0 && r.holdReason === ""),
        "no hold without asking",
      );
      const ids = new Set(passed.map((n) => n.id));
      await eventually(
        "the two released local nodes deleted",
        async () => {
          const res = await call<ListNodesResponse>((cb) => s.client.listNodes({ label: "", provider: "", state: 0 }, cb));
          return res.nodes.every((n) => !ids.has(n.id));
        },
        60_000,
      );
    } finally {
      await d.stop();
      await s.close();
    }
  },
);

/**
 * The launcher sent the hold with the failed node's release, and its
 * Termination says "held" exactly when the scheduler kept the node (a
 * scheduler without holds deletes it; one with holds keeps it HELD).
 */
async function expectHoldSent(
  s: { proxy: RecordingProxy; client: StandbyServiceClient },
  nodeId: string,
  term: Event,
  seconds: number,
  reason: string | RegExp,
): Promise<void> {
  const sent = s.proxy.of<ReleaseLeaseRequest>("ReleaseLease").filter((r) => r.outcome === Outcome.OUTCOME_FAILURE);
  assert.equal(sent.length, 1, JSON.stringify(s.proxy.of("ReleaseLease")));
  assert.equal(sent[0]!.holdSeconds, seconds);
  if (typeof reason === "string") assert.equal(sent[0]!.holdReason, reason);
  else assert.match(sent[0]!.holdReason, reason);
  const state = await call<GetNodeResponse>((cb) => s.client.getNode({ id: nodeId }, cb)).then(
    (res) => res.node?.state,
    () => NodeState.NODE_STATE_GONE,
  );
  assert.equal(state, NodeState.NODE_STATE_HELD, "the scheduler holds the node");
  assert.equal(term.held, true, "and the launcher says so");
}

t.run();
