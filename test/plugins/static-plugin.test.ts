import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { suite } from "../lib/harness.js";
import { NODE_TAG, OWNER_TAG, type Provider } from "../../common/provider.js";
import { STATE_FILE, type StaticState } from "../../plugins/static/index.js";
import { startSshServer, type SshServer } from "../../plugins/sdk/ssh-server.js";
import { generateEd25519Key, type KeyPair } from "../../common/ssh-keys.js";
import { bootSpec, codeOf, isAlive, waitFor } from "../plugin-host/helpers.js";
import { ssh, sshKeygen, startPluginHost, staticCommand, type HostUnderTest, type KeyFiles, type SshEndpoint } from "./local-helpers.js";

/**
 * The static-hosts provider through the plugin host, against "existing
 * machines" that are SSH servers of the SDK started by this test (each with
 * its own address, host key and home directory).
 */
const t = suite("static provider", { timeoutMs: 90_000 });

interface Machine {
  name: string;
  address: string;
  port: number;
  home: string;
  hostKey: KeyPair;
  server: SshServer | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
}

interface Ctx {
  h: HostUnderTest;
  p: Provider;
  machines: Machine[];
  pluginKey: KeyPair;
  /** The key the scheduler would put in its templates (boot's ssh_public_keys). */
  scheduler: KeyFiles;
  state: () => Promise<StaticState>;
}

const CLEANUP = 'echo "$STANDBY_NODE_ID idle=$STANDBY_HOST_IDLE" >> cleanups.log; rm -rf job; test ! -e fail-cleanup';

async function machine(dir: string, name: string, address: string, pluginKey: KeyPair): Promise<Machine> {
  const home = path.join(dir, name);
  await mkdir(path.join(home, ".ssh"), { recursive: true });
  // As an operator sets a static host up: the plugin's key may log in.
  await writeFile(path.join(home, ".ssh", "authorized_keys"), `${pluginKey.publicKey}\n`);
  const hostKey = generateEd25519Key(name);
  const m: Machine = {
    name,
    address,
    port: 0,
    home,
    hostKey,
    server: undefined,
    async start() {
      m.server = await startSshServer({
        host: address,
        port: m.port,
        hostKey: hostKey.privateKey,
        authorizedKeysFile: path.join(home, ".ssh", "authorized_keys"),
        workDir: home,
      });
      m.port = m.server.port;
    },
    async stop() {
      await m.server?.close();
      m.server = undefined;
    },
  };
  await m.start();
  return m;
}

async function withStatic(
  hostSettings: (m: Machine, i: number) => Record<string, unknown>,
  count: number,
  fn: (ctx: Ctx) => Promise<void>,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const base = `127.${20 + Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 256)}`;
  const pluginKey = generateEd25519Key("standby-static-plugin");
  const dir = await mkdtemp(path.join(tmpdir(), "sb-static-"));
  const machines: Machine[] = [];
  let h: HostUnderTest | undefined;
  try {
    for (let i = 0; i < count; i++) machines.push(await machine(dir, `host${i + 1}`, `${base}.${i + 1}`, pluginKey));
    const settings = {
      hosts: machines.map((m, i) => ({
        name: m.name,
        address: m.address,
        port: m.port,
        username: "ci",
        hostKey: m.hostKey.publicKey,
        ...hostSettings(m, i),
      })),
      cleanupScript: CLEANUP,
      retryFailedMs: 300,
      connectTimeoutMs: 2000,
      ...extra,
    };
    h = await startPluginHost([{ name: "static", command: staticCommand(), settings, secrets: { sshPrivateKey: pluginKey.privateKey } }]);
    assert.equal(h.host.status("static").health, "serving", h.host.status("static").lastError);
    const scheduler = await sshKeygen(h.dir, "scheduler");
    const stateFile = path.join(h.dir, "plugins", "static", STATE_FILE);
    await fn({
      h,
      p: h.host.get("static"),
      machines,
      pluginKey,
      scheduler,
      state: async () => JSON.parse(await readFile(stateFile, "utf8")) as StaticState,
    });
  } finally {
    await h?.close();
    for (const m of machines) await m.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

function endpoint(m: Machine): SshEndpoint {
  return { address: m.address, port: m.port, username: "ci", hostKey: m.hostKey.publicKey };
}

function machineOf(machines: Machine[], address: string | undefined): Machine {
  const m = machines.find((x) => x.address === address);
  assert.ok(m, `no machine at ${address}`);
  return m;
}

t("two hosts with one job each: the third boot is refused until a delete, and the cleanup locks the last claimer out", async () => {
  await withStatic(
    () => ({ tags: { rack: "r1" } }),
    2,
    async ({ h, p, machines, scheduler, pluginKey, state }) => {
      const spec = (id: string) =>
        bootSpec(id, { image: "static", flavor: "static", sshPublicKeys: [scheduler.publicKey], tags: { team: "ci" } });
      const first = await p.boot(spec("n-1"));
      const second = await p.boot(spec("n-2"));
      assert.notEqual(first.addresses[0], second.addresses[0]);
      assert.equal(first.state, "running");
      assert.equal(first.username, "ci");
      assert.deepEqual(first.tags, { rack: "r1", team: "ci", [OWNER_TAG]: "owner-test", [NODE_TAG]: "n-1" });
      const m1 = machineOf(machines, first.addresses[0]);
      assert.equal(first.sshPort, m1.port);
      assert.deepEqual(first.hostKeys, [m1.hostKey.publicKey.split(" ").slice(0, 2).join(" ")]);
      assert.equal(await codeOf(p.boot(spec("n-3"))), "resource-exhausted");
      assert.equal((await p.boot(spec("n-1"))).instanceId, first.instanceId, "boot is idempotent");

      // The scheduler logs in with its key (installed at boot) and adds the claimer's key.
      const claimer = await sshKeygen(h.dir, "claimer");
      const add = await ssh(h.dir, endpoint(m1), scheduler, "mkdir -p job && cat >> .ssh/authorized_keys", `${claimer.publicKey}\n`);
      assert.equal(add.code, 0, add.stderr);
      assert.equal((await ssh(h.dir, endpoint(m1), claimer, "echo ok")).stdout, "ok\n");

      await p.deleteInstance("n-1");
      assert.equal(await codeOf(p.getInstance("n-1")), "not-found");
      assert.notEqual((await ssh(h.dir, endpoint(m1), claimer, "echo ok")).code, 0, "the claimer's key still logs in");
      assert.notEqual((await ssh(h.dir, endpoint(m1), scheduler, "echo ok")).code, 0, "the job's scheduler key still logs in");
      assert.equal(await readFile(path.join(m1.home, "cleanups.log"), "utf8"), "n-1 idle=1\n");
      assert.equal(
        await readFile(path.join(m1.home, ".ssh", "authorized_keys"), "utf8"),
        `${pluginKey.publicKey.split(" ").slice(0, 2).join(" ")}\n`,
      );

      // The freed host takes the waiting node.
      const third = await p.boot(spec("n-3"));
      assert.equal(third.addresses[0], m1.address);
      assert.equal((await ssh(h.dir, endpoint(m1), scheduler, "test -e job || echo clean")).stdout, "clean\n");
      assert.deepEqual((await p.listInstances()).map((i) => i.nodeId).sort(), ["n-2", "n-3"]);
      const quota = await p.getQuota();
      assert.equal(quota.maxInstances, 2);
      assert.equal(quota.usedInstances, 2);
      assert.equal((await state()).assignments.length, 2);

      // A SIGKILLed plugin comes back knowing which node is where.
      const pid = h.host.status("static").pid;
      process.kill(pid, "SIGKILL");
      await waitFor("the restarted plugin", () => {
        const s = h.host.status("static");
        return s.health === "serving" && s.pid !== pid && s.pid > 0 && !isAlive(pid);
      });
      assert.deepEqual((await p.listInstances()).map((i) => i.instanceId).sort(), [second.instanceId, third.instanceId].sort());
      assert.equal(await codeOf(p.boot(spec("n-4"))), "resource-exhausted");
    },
  );
});

t("a host whose SSH is down is marked failed, not handed out, and back once it answers", async () => {
  await withStatic(
    () => ({}),
    2,
    async ({ p, machines, scheduler, state }) => {
      const [down, up] = machines as [Machine, Machine];
      await down.stop();
      const spec = (id: string) => bootSpec(id, { image: "static", flavor: "static", sshPublicKeys: [scheduler.publicKey] });
      const first = await p.boot(spec("n-1"));
      assert.equal(first.addresses[0], up.address);
      const hosts = (await state()).hosts;
      assert.equal(hosts[down.name]?.failed, true);
      assert.equal(await codeOf(p.boot(spec("n-2"))), "resource-exhausted");

      await down.start();
      const second = await waitFor("the failed host to come back", async () => {
        try {
          return await p.boot(spec("n-2"));
        } catch (err) {
          if ((err as { code?: string }).code === "resource-exhausted") return undefined;
          throw err;
        }
      });
      assert.equal(second.addresses[0], down.address);
      assert.equal((await state()).hosts[down.name]?.failed, false);
    },
  );
});

t("a failed cleanup keeps the host out of the pool until a retry succeeds", async () => {
  await withStatic(
    () => ({}),
    1,
    async ({ h, p, machines, scheduler, state }) => {
      const [m] = machines as [Machine];
      const spec = (id: string) => bootSpec(id, { image: "static", flavor: "static", sshPublicKeys: [scheduler.publicKey] });
      await p.boot(spec("n-1"));
      await ssh(h.dir, endpoint(m), scheduler, "touch fail-cleanup");
      await p.deleteInstance("n-1");
      assert.equal(await codeOf(p.getInstance("n-1")), "not-found");
      const failed = (await state()).hosts[m.name];
      assert.equal(failed?.failed, true);
      assert.deepEqual(
        failed?.pending.map((j) => j.nodeId),
        ["n-1"],
      );
      assert.equal(await codeOf(p.boot(spec("n-2"))), "resource-exhausted");

      await rm(path.join(m.home, "fail-cleanup"));
      await waitFor("the retried cleanup", async () => (await state()).hosts[m.name]?.failed === false);
      assert.deepEqual((await state()).hosts[m.name]?.pending, []);
      assert.equal((await p.boot(spec("n-2"))).addresses[0], m.address);
      const log = (await readFile(path.join(m.home, "cleanups.log"), "utf8")).trim().split("\n");
      assert.ok(log.length >= 2 && log.every((line) => line === "n-1 idle=1"), log.join(" | "));
    },
  );
});

t("on a shared host a job's cleanup removes only that job's keys", async () => {
  await withStatic(
    () => ({ maxJobs: 2 }),
    1,
    async ({ h, p, machines, pluginKey }) => {
      const [m] = machines as [Machine];
      const ka = await sshKeygen(h.dir, "ka");
      const kb = await sshKeygen(h.dir, "kb");
      await p.boot(bootSpec("n-a", { image: "static", flavor: "static", sshPublicKeys: [ka.publicKey] }));
      await p.boot(bootSpec("n-b", { image: "static", flavor: "static", sshPublicKeys: [kb.publicKey] }));
      assert.equal(await codeOf(p.boot(bootSpec("n-c", { image: "static", flavor: "static" }))), "resource-exhausted");
      assert.equal((await ssh(h.dir, endpoint(m), ka, "echo a")).stdout, "a\n");
      await p.deleteInstance("n-a");
      assert.notEqual((await ssh(h.dir, endpoint(m), ka, "echo a")).code, 0);
      assert.equal((await ssh(h.dir, endpoint(m), kb, "echo b")).stdout, "b\n");
      await p.deleteInstance("n-b");
      assert.notEqual((await ssh(h.dir, endpoint(m), kb, "echo b")).code, 0);
      assert.equal(await readFile(path.join(m.home, "cleanups.log"), "utf8"), "n-a idle=0\nn-b idle=1\n");
      assert.equal(
        await readFile(path.join(m.home, ".ssh", "authorized_keys"), "utf8"),
        `${pluginKey.publicKey.split(" ").slice(0, 2).join(" ")}\n`,
      );
    },
  );
});

t("images, flavors and labels decide which hosts a boot may take", async () => {
  await withStatic(
    (_m, i) => (i === 0 ? { image: "jammy", labels: ["jammy"] } : { image: "noble", flavor: "big" }),
    2,
    async ({ p }) => {
      assert.deepEqual((await p.listImages()).map((i) => i.id).sort(), ["jammy", "noble"]);
      assert.deepEqual((await p.listFlavors()).map((f) => f.name).sort(), ["big", "static"]);
      assert.equal(await codeOf(p.boot(bootSpec("n-1", { label: "other", image: "jammy", flavor: "static" }))), "not-found");
      assert.equal(await codeOf(p.boot(bootSpec("n-2", { label: "x", image: "noble", flavor: "static" }))), "not-found");
      assert.equal((await p.boot(bootSpec("n-3", { label: "jammy", image: "jammy", flavor: "static" }))).image, "jammy");
      assert.equal((await p.boot(bootSpec("n-4", { label: "x", image: "noble", flavor: "big" }))).flavor, "big");
    },
    {
      flavors: [
        { name: "static", cores: 1, ramMb: 1024 },
        { name: "big", cores: 8, ramMb: 16384 },
      ],
    },
  );
});

t.run();
