import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { suite } from "../lib/harness.js";
import { FakeCloud } from "../../plugins/fake/cloud.js";
import { emptyFakeCloud, fakeInstance, readFakeCloud, writeFakeCloud } from "../../plugins/fake/state.js";
import { ManualClock } from "../../common/clock.js";
import { OWNER_TAG } from "../../common/provider.js";
import { bootSpec, startHost, tempDir } from "../plugin-host/helpers.js";
import { generateEd25519Key } from "../../common/ssh-keys.js";
import { probeSsh, sshExec } from "../../common/ssh-client.js";

/** The fake cloud's own behaviour: in-process with a manual clock, and its state file shared by processes. */
const t = suite("fake cloud");

async function cloudOn(file: string, owner = "o", settings: Record<string, unknown> = {}, clock = new ManualClock()) {
  const cloud = new FakeCloud({ clock });
  await cloud.configure({ settings: { stateFile: file, ...settings }, secrets: {}, ownerId: owner, providerName: "p" });
  return { cloud, clock };
}

t("instances boot for bootLatencyMs of the injected clock", async () => {
  const { dir, remove } = await tempDir();
  try {
    const { cloud, clock } = await cloudOn(path.join(dir, "c.json"), "o", { bootLatencyMs: 60_000, deleteLatencyMs: 5_000 });
    assert.equal((await cloud.boot(bootSpec("n-1"))).state, "booting");
    await clock.advance(59_999);
    assert.equal((await cloud.getInstance("n-1")).state, "booting");
    await clock.advance(1);
    assert.equal((await cloud.getInstance("n-1")).state, "running");
    await cloud.deleteInstance("n-1");
    assert.equal((await cloud.getInstance("n-1")).state, "deleting");
    await clock.advance(5_000);
    await assert.rejects(cloud.getInstance("n-1"), { code: "not-found" });
    // A node id can be booted again once its instance is gone.
    assert.equal((await cloud.boot(bootSpec("n-1"))).state, "booting");
    await cloud.close();
  } finally {
    await remove();
  }
});

t("the cloud outlives the plugin: a new one on the same file finds the instances", async () => {
  const { dir, remove } = await tempDir();
  try {
    const file = path.join(dir, "c.json");
    const first = await cloudOn(file);
    const booted = await first.cloud.boot(bootSpec("n-1"));
    const second = await cloudOn(file);
    assert.equal((await second.cloud.boot(bootSpec("n-1"))).instanceId, booted.instanceId);
    assert.equal((await readFakeCloud(file)).instances.length, 1);
  } finally {
    await remove();
  }
});

t("a cloud on stateFile :memory: writes no file, keeps its instances across a reconfigure, and refuses endpoints", async () => {
  const { dir, remove } = await tempDir();
  const cwd = process.cwd();
  try {
    process.chdir(dir);
    const { cloud } = await cloudOn(":memory:");
    const booted = await cloud.boot(bootSpec("n-1"));
    await cloud.configure({ settings: { stateFile: ":memory:", bootLatencyMs: 5 }, secrets: {}, ownerId: "o", providerName: "p" });
    assert.equal((await cloud.boot(bootSpec("n-1"))).instanceId, booted.instanceId, "the same cloud after a reconfigure");
    assert.equal(cloud.records.instances.size, 1);
    await cloud.close();
    assert.deepEqual(await readdir(dir), [], "nothing written");
    await assert.rejects(cloudOn(":memory:", "o", { endpoints: {} }), { code: "invalid-argument" });
  } finally {
    process.chdir(cwd);
    await remove();
  }
});

t("two clouds on one state file keep each other's writes", async () => {
  const { dir, remove } = await tempDir();
  try {
    const file = path.join(dir, "c.json");
    const a = await cloudOn(file, "owner-a");
    const b = await cloudOn(file, "owner-b");
    await Promise.all(Array.from({ length: 100 }, (_, i) => [a.cloud.boot(bootSpec(`a-${i}`)), b.cloud.boot(bootSpec(`b-${i}`))]).flat());
    await Promise.all(Array.from({ length: 50 }, (_, i) => a.cloud.deleteInstance(`a-${i}`)));
    const state = await readFakeCloud(file);
    assert.equal(state.instances.length, 150);
    assert.equal((await a.cloud.listInstances()).length, 150);
    assert.equal((await b.cloud.listInstances()).filter((i) => i.nodeId !== "").length, 100);
  } finally {
    await remove();
  }
});

t("two plugin processes on one state file keep each other's writes", async () => {
  const { dir, remove } = await tempDir();
  const file = path.join(dir, "shared.json");
  const h = await startHost([
    { name: "p1", settings: { stateFile: file } },
    { name: "p2", settings: { stateFile: file } },
  ]);
  try {
    const [p1, p2] = [h.host.get("p1"), h.host.get("p2")];
    await Promise.all(Array.from({ length: 200 }, (_, i) => [p1.boot(bootSpec(`x-${i}`)), p2.boot(bootSpec(`y-${i}`))]).flat());
    assert.equal((await readFakeCloud(file)).instances.length, 400);
    assert.equal((await p1.listInstances()).length, 400);
  } finally {
    await h.close();
    await remove();
  }
});

t("planted state is read as a cloud; writes are atomic and a dead writer's lock is broken", async () => {
  const { dir, remove } = await tempDir();
  try {
    const file = path.join(dir, "c.json");
    const dead = spawnSync("true").pid;
    await writeFile(`${file}.lock`, `${dead}\n`);
    const state = emptyFakeCloud();
    state.instances.push(fakeInstance({ instanceId: "foreign", tags: { [OWNER_TAG]: "other" }, outcome: "error", error: "boom" }));
    await writeFakeCloud(file, state);
    assert.deepEqual((await readdir(dir)).sort(), ["c.json"]);
    const { cloud } = await cloudOn(file);
    const [foreign] = await cloud.listInstances();
    assert.equal(foreign?.instanceId, "foreign");
    assert.equal(foreign?.state, "error");
    assert.equal(foreign?.error, "boom");
    assert.equal(foreign?.nodeId, "");
    await assert.rejects(
      writeFile(file, "{not json").then(() => cloudOn(file)),
      { code: "failed-precondition" },
    );
  } finally {
    await remove();
  }
});

t(
  "with endpoints, instances answer real SSH on their own port with their own host key, also after a restart; no-network ones do not",
  async () => {
    const { dir, remove } = await tempDir();
    const key = generateEd25519Key("tester");
    try {
      const file = path.join(dir, "c.json");
      const settings = { endpoints: { address: "127.0.0.1" } };
      const first = await cloudOn(file, "o", settings);
      const a = await first.cloud.boot(bootSpec("n-a", { sshPublicKeys: [key.publicKey] }));
      const b = await first.cloud.boot(bootSpec("n-b", { sshPublicKeys: [key.publicKey] }));
      assert.notEqual(a.sshPort, b.sshPort);
      assert.notEqual(a.hostKeys[0], b.hostKeys[0]);
      const run = (i: typeof a, command: string) =>
        sshExec(
          {
            host: i.addresses[0] as string,
            port: i.sshPort,
            username: i.username,
            privateKey: key.privateKey,
            hostKey: i.hostKeys[0] as string,
          },
          command,
          { timeoutMs: 10_000 },
        );
      const out = await run(a, 'echo "$STANDBY_FAKE_NETWORK $STANDBY_FAKE_INSTANCE"; echo made > here.txt');
      assert.equal(out.code, 0);
      assert.equal(out.stdout.trim(), `up ${a.instanceId}`);
      // A claimer's commands never run as root on the host: as nobody when the plugin is root.
      const who = await run(a, "id -u; cat /etc/shadow >/dev/null 2>&1 && echo read-shadow; pwd");
      if (process.getuid?.() === 0) {
        assert.notEqual(who.stdout.split("\n")[0], "0", who.stdout);
        assert.doesNotMatch(who.stdout, /read-shadow/);
      } else {
        assert.equal(who.stdout.split("\n")[0], String(process.getuid?.()));
      }
      // Key injection (as the scheduler does it) works as that user.
      const extra = generateEd25519Key("second");
      assert.equal((await run(a, `echo '${extra.publicKey}' >> ~/.ssh/authorized_keys`)).code, 0);
      // A new plugin on the same cloud brings the endpoint back on the same port and key, files kept.
      await first.cloud.close();
      assert.equal(await probeSsh("127.0.0.1", a.sshPort, 500), false);
      const second = await cloudOn(file, "o", settings);
      await second.cloud.listInstances();
      await waitFor(() => probeSsh("127.0.0.1", a.sshPort, 500));
      assert.equal((await run(a, "cat here.txt")).stdout.trim(), "made");
      // Deleted: the port closes.
      await second.cloud.deleteInstance("n-a");
      assert.equal(await probeSsh("127.0.0.1", a.sshPort, 500), false);
      await second.cloud.close();

      const silent = await cloudOn(path.join(dir, "s.json"), "o", { endpoints: { noNetworkRate: 1 } });
      const s = await silent.cloud.boot(bootSpec("n-s", { sshPublicKeys: [key.publicKey] }));
      await assert.rejects(
        sshExec({ host: "127.0.0.1", port: s.sshPort, username: s.username, privateKey: key.privateKey }, "true", {
          connectTimeoutMs: 700,
          timeoutMs: 1_000,
        }),
        (err: Error) => /timeout|timed out/i.test(err.message),
      );
      await silent.cloud.close();

      const down = await cloudOn(path.join(dir, "d.json"), "o", { endpoints: { noNetworkRate: 1, noNetwork: "down" } });
      const d = await down.cloud.boot(bootSpec("n-d", { sshPublicKeys: [key.publicKey] }));
      assert.equal((await run(d, 'test "$STANDBY_FAKE_NETWORK" = up')).code, 1);
      await down.cloud.close();
    } finally {
      await remove();
    }
  },
);

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

t.run();
