import assert from "node:assert/strict";
import { suite } from "../lib/harness.js";
import { fakeInstance, readFakeCloud, updateFakeCloud } from "../../plugins/fake/state.js";
import { NODE_TAG, OWNER_TAG, type Provider } from "../../common/provider.js";
import { bootSpec, codeOf, startHost, waitFor, type TestHost } from "./helpers.js";

/** The fake cloud through the plugin host: real child process, real gRPC. */
const t = suite("fake provider through the plugin host");

async function withProvider(settings: Record<string, unknown>, fn: (p: Provider, h: TestHost) => Promise<void>): Promise<void> {
  const h = await startHost([{ name: "p1", settings }]);
  try {
    assert.equal(h.host.status("p1").health, "serving", h.host.status("p1").lastError);
    await fn(h.host.get("p1"), h);
  } finally {
    await h.close();
  }
}

t("boot is idempotent on the node id, also for concurrent boots", async () => {
  await withProvider({}, async (p, h) => {
    const results = await Promise.all(Array.from({ length: 20 }, () => p.boot(bootSpec("n-1"))));
    assert.equal(new Set(results.map((i) => i.instanceId)).size, 1);
    const again = await p.boot(bootSpec("n-1"));
    assert.equal(again.instanceId, results[0]?.instanceId);
    const state = await readFakeCloud(h.stateFile("p1"));
    assert.equal(state.instances.length, 1);
  });
});

t("an acknowledged boot is in the state file, tagged with owner, node and the requested tags", async () => {
  await withProvider({}, async (p, h) => {
    const instance = await p.boot(bootSpec("n-2", { tags: { team: "ci" }, sshPublicKeys: ["ssh-ed25519 AAAA dev"] }));
    assert.equal(instance.state, "running");
    assert.deepEqual(instance.addresses, ["127.0.0.1"]);
    assert.equal(instance.sshPort, 22);
    assert.equal(instance.username, "standby");
    assert.match(instance.hostKeys[0] ?? "", /^ssh-ed25519 AAAA/);
    assert.deepEqual(instance.tags, { team: "ci", [OWNER_TAG]: "owner-test", [NODE_TAG]: "n-2" });
    const [stored] = (await readFakeCloud(h.stateFile("p1"))).instances;
    assert.equal(stored?.instanceId, instance.instanceId);
    assert.deepEqual(stored?.sshPublicKeys, ["ssh-ed25519 AAAA dev"]);
  });
});

t("delete is idempotent and the instance is not found afterwards", async () => {
  await withProvider({}, async (p) => {
    await p.boot(bootSpec("n-3"));
    await p.deleteInstance("n-3");
    await p.deleteInstance("n-3");
    await p.deleteInstance("never-booted");
    assert.equal(await codeOf(p.getInstance("n-3")), "not-found");
    assert.deepEqual(await p.listInstances(), []);
  });
});

t("a delete with latency passes through deleting", async () => {
  await withProvider({ deleteLatencyMs: 300 }, async (p) => {
    await p.boot(bootSpec("n-4"));
    await p.deleteInstance("n-4");
    assert.equal((await p.getInstance("n-4")).state, "deleting");
    assert.equal((await p.getQuota()).usedInstances, 1);
    await waitFor("the delete to finish", async () => (await codeOf(p.getInstance("n-4"))) === "not-found");
    assert.equal((await p.getQuota()).usedInstances, 0);
  });
});

t("list returns every instance in the cloud, ours with node ids and foreign ones without", async () => {
  await withProvider({}, async (p, h) => {
    await p.boot(bootSpec("n-5"));
    await updateFakeCloud(h.stateFile("p1"), (state) => {
      state.instances.push(fakeInstance({ instanceId: "planted-1", tags: { [OWNER_TAG]: "someone-else", [NODE_TAG]: "n-5" } }));
      state.instances.push(fakeInstance({ instanceId: "planted-2", tags: { [OWNER_TAG]: "owner-test", [NODE_TAG]: "n-leaked" } }));
    });
    const list = await p.listInstances();
    const byId = new Map(list.map((i) => [i.instanceId, i]));
    assert.equal(list.length, 3);
    assert.equal(byId.get("planted-1")?.nodeId, "");
    assert.equal(byId.get("planted-1")?.tags[OWNER_TAG], "someone-else");
    assert.equal(byId.get("planted-2")?.nodeId, "n-leaked");
    // A planted instance of ours is found by node id, and boot does not duplicate it.
    assert.equal((await p.boot(bootSpec("n-leaked"))).instanceId, "planted-2");
  });
});

t("quota exhaustion is resource-exhausted", async () => {
  await withProvider({ quota: { maxInstances: 2 } }, async (p) => {
    await p.boot(bootSpec("q-1"));
    await p.boot(bootSpec("q-2"));
    assert.equal(await codeOf(p.boot(bootSpec("q-3"))), "resource-exhausted");
    const quota = await p.getQuota();
    assert.deepEqual(quota, { maxInstances: 2, maxCores: 0, maxRamMb: 0, usedInstances: 2, usedCores: 2, usedRamMb: 2048 });
    await p.deleteInstance("q-1");
    await p.boot(bootSpec("q-3"));
  });
  await withProvider({ quota: { maxCores: 3 } }, async (p) => {
    await p.boot(bootSpec("c-1", { flavor: "medium" }));
    await assert.rejects(p.boot(bootSpec("c-2", { flavor: "medium" })), { code: "resource-exhausted", message: /cores/ });
  });
});

t("unknown images and flavors are not-found", async () => {
  await withProvider({}, async (p) => {
    await assert.rejects(p.boot(bootSpec("x-1", { image: "windows-95" })), { code: "not-found", message: /windows-95/ });
    await assert.rejects(p.boot(bootSpec("x-2", { flavor: "huge" })), { code: "not-found", message: /huge/ });
    await assert.rejects(p.boot(bootSpec("")), { code: "invalid-argument", field: "node_id" });
  });
});

t("instances boot for bootLatencyMs, and failureRate makes them end in error", async () => {
  await withProvider({ bootLatencyMs: 300 }, async (p) => {
    assert.equal((await p.boot(bootSpec("l-1"))).state, "booting");
    await waitFor("running", async () => (await p.getInstance("l-1")).state === "running");
  });
  await withProvider({ failureRate: 1 }, async (p) => {
    const instance = await p.boot(bootSpec("f-1"));
    assert.equal(instance.state, "error");
    assert.match(instance.error, /simulated/);
  });
});

t("bootErrorRate makes Boot itself unavailable, and nothing is created", async () => {
  await withProvider({ bootErrorRate: 1 }, async (p) => {
    assert.equal(await codeOf(p.boot(bootSpec("e-1"))), "unavailable");
    assert.deepEqual(await p.listInstances(), []);
  });
});

t("snapshots become images that nodes can boot from; image deletion is idempotent", async () => {
  await withProvider({ snapshotLatencyMs: 200 }, async (p) => {
    await p.boot(bootSpec("s-1"));
    const op = await p.createSnapshot({ nodeId: "s-1", imageName: "jammy-cached", visibility: "private", tags: { build: "7" } });
    assert.equal(op.done, false);
    assert.equal(op.imageId, "");
    const done = await waitFor("the snapshot", async () => {
      const o = await p.getOperation(op.id);
      return o.done && o;
    });
    assert.equal(done.error, "");
    const image = (await p.listImages()).find((i) => i.id === done.imageId);
    assert.equal(image?.name, "jammy-cached");
    assert.equal(image?.tags[OWNER_TAG], "owner-test");
    assert.equal(image?.tags.build, "7");
    assert.equal((await p.boot(bootSpec("s-2", { image: "jammy-cached" }))).image, done.imageId);
    await p.deleteImage(done.imageId);
    await p.deleteImage(done.imageId);
    assert.equal(
      (await p.listImages()).some((i) => i.id === done.imageId),
      false,
    );
    assert.equal(await codeOf(p.deleteImage("ubuntu-jammy")), "failed-precondition");
    assert.equal(await codeOf(p.getOperation("op-missing")), "not-found");
    assert.equal(await codeOf(p.createSnapshot({ nodeId: "nope", imageName: "x", visibility: "private", tags: {} })), "not-found");
  });
});

t("flavors and images come from the settings", async () => {
  await withProvider({ flavors: [{ name: "tiny", cores: 1, ramMb: 512 }], images: ["debian-bookworm"] }, async (p) => {
    assert.deepEqual(await p.listFlavors(), [{ name: "tiny", cores: 1, ramMb: 512, diskGb: 10 }]);
    assert.deepEqual(
      (await p.listImages()).map((i) => i.name),
      ["debian-bookworm"],
    );
  });
});

t.run();
