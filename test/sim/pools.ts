import assert from "node:assert/strict";
import { fakeInstance } from "../../plugins/fake/state.js";
import { NODE_TAG, OWNER_TAG } from "../../server/core/index.js";
import { Sim } from "../../sim/index.js";
import { suite } from "../lib/harness.js";
import { jammyOn } from "./helpers.js";

/** Ready pools: min-ready, refills, caps, recycling, stuck and vanished nodes, leaks, ready checks. */
const t = suite("ready pools (in-process, virtual time)");

t("min-ready fills the pool, and every released node is deleted and replaced", async () => {
  const sim = await Sim.start({
    config: {
      providers: [{ name: "east", settings: { bootLatencyMs: 30_000 } }],
      labels: [{ name: "jammy", minReady: 3 }],
      templates: jammyOn("east"),
    },
  });
  try {
    await sim.until("three ready", async () => (await sim.readyIds()).length === 3);
    const res = await sim.claimAndWait();
    const node = res.view.nodes[0];
    assert.ok(node);
    await sim.until("a replacement launching at once", async () => (await sim.nodes({ states: ["launching"] })).length === 1, 1_000);
    const released = await sim.release(res.leaseToken);
    assert.equal(released.claim.state, "released");
    await sim.until("the released node gone, in the store and the cloud", async () => {
      return (await sim.node(node.id)).state === "gone" && !sim.liveInstances("east").includes(node.id);
    });
    await sim.until("the pool back at three", async () => (await sim.readyIds()).length === 3);
    assert.equal(sim.liveInstances("east").length, 3, "no instance beyond the pool");
    const again = await sim.release(res.leaseToken);
    assert.equal(again.claim.state, "released", "releasing again is a no-op, not an error");
  } finally {
    await sim.close();
  }
});

t("a label's node cap holds with claims waiting: the claim beyond it waits for a release", async () => {
  const sim = await Sim.start({
    config: {
      providers: [{ name: "east" }, { name: "west" }],
      labels: [{ name: "jammy", maxNodes: 2 }],
      templates: jammyOn("east", "west"),
    },
  });
  try {
    const claims = [await sim.claim({ jobName: "one" }), await sim.claim({ jobName: "two" }), await sim.claim({ jobName: "three" })];
    await sim.until("two fulfilled", async () => (await sim.claims(["fulfilled"])).length === 2);
    await sim.advance(30_000);
    assert.equal((await sim.claims(["fulfilled"])).length, 2);
    assert.equal((await sim.nodes()).filter((n) => n.state !== "gone").length, 2, "never more than two nodes of the label");
    const first = await sim.scheduler.getClaim(claims[0]?.claimToken ?? "");
    await sim.release(first.leaseToken);
    await sim.until("the third fulfilled", async () => (await sim.claimRecord(claims[2]?.view.claim.id ?? "")).state === "fulfilled");
  } finally {
    await sim.close();
  }
});

t("max-ready-age replaces old ready nodes, a few at a time", async () => {
  const sim = await Sim.start({
    config: { providers: [{ name: "east" }], labels: [{ name: "jammy", minReady: 3, maxReadyAge: "10m" }], templates: jammyOn("east") },
    tickMs: 30_000,
  });
  try {
    await sim.until("three ready nodes", async () => (await sim.readyIds("east")).length === 3);
    const first = await sim.readyIds("east");
    await sim.advance(9 * 60_000);
    assert.deepEqual((await sim.readyIds("east")).sort(), [...first].sort(), "younger than max-ready-age: kept");
    await sim.advance(2 * 60_000);
    await sim.until("the old nodes replaced by new ready ones", async () => {
      const now = await sim.readyIds("east");
      return now.length === 3 && now.every((id) => !first.includes(id));
    });
    for (const id of first) assert.ok(["deleting", "gone"].includes((await sim.node(id)).state), `${id} recycled`);
    await sim.until("the old instances gone from the cloud", () => first.every((id) => !sim.liveInstances("east").includes(id)));
  } finally {
    await sim.close();
  }
});

t("a node stuck in launching past its boot timeout is deleted from the cloud and replaced", async () => {
  const sim = await Sim.start({
    config: {
      // An hour of boot time: the instance stays BOOTING for the whole test.
      providers: [{ name: "slow", settings: { bootLatencyMs: 3_600_000 }, bootTimeout: "2m", readyTimeout: "1m" }],
      labels: [{ name: "jammy", minReady: 1 }],
      templates: jammyOn("slow"),
    },
    pollMs: 1000,
  });
  try {
    const stuck = await sim.until("a launching node with its instance", async () => {
      const [node] = await sim.nodes({ provider: "slow", states: ["launching"] });
      return node && sim.liveInstances("slow").includes(node.id) ? node : undefined;
    });
    await sim.advance(2 * 60_000);
    assert.equal((await sim.node(stuck.id)).state, "launching", "inside boot + ready timeout: still waiting");
    await sim.advance(2 * 60_000);
    await sim.until("the stuck node failed and deleted", async () => (await sim.node(stuck.id)).state === "gone");
    assert.match((await sim.node(stuck.id)).failureReason, /^boot-timeout/);
    assert.ok(!sim.liveInstances("slow").includes(stuck.id), "its instance is gone from the cloud");
    await sim.until("a replacement launching", async () =>
      (await sim.nodes({ provider: "slow", states: ["launching"] })).some((n) => n.id !== stuck.id),
    );
  } finally {
    await sim.close();
  }
});

t(
  "an instance deleted behind the scheduler's back is noticed and replaced; a planted leak of ours goes on the second pass, a foreign one never",
  async () => {
    const sim = await Sim.start({
      config: { providers: [{ name: "east" }], labels: [{ name: "jammy", minReady: 2 }], templates: jammyOn("east") },
      reconcileMs: 10_000,
    });
    try {
      await sim.until("two ready", async () => (await sim.readyIds()).length >= 2);
      const [victim] = await sim.nodes({ states: ["ready"] });
      assert.ok(victim);
      const cloud = sim.providers.cloud("east").records;
      cloud.removeInstance(victim.instanceId);
      cloud.putInstance(
        fakeInstance({ instanceId: "leak-1", tags: { [OWNER_TAG]: sim.ownerId, [NODE_TAG]: "n-planted" }, createdAt: sim.now() }),
      );
      cloud.putInstance(
        fakeInstance({ instanceId: "foreign-1", tags: { [OWNER_TAG]: "someone-else", [NODE_TAG]: "n-theirs" }, createdAt: sim.now() }),
      );
      cloud.putInstance(fakeInstance({ instanceId: "untagged-1", tags: {}, createdAt: sim.now() }));
      await sim.until("the vanished node to be marked failed and gone", async () =>
        ["gone", "failed", "deleting"].includes((await sim.node(victim.id)).state),
      );
      assert.match((await sim.node(victim.id)).failureReason, /instance-vanished/);
      await sim.until("the pool back at two", async () => (await sim.readyIds()).length >= 2);
      await sim.until("the planted leak to be deleted", () => !sim.liveInstances("east").includes("n-planted"));
      assert.ok(cloud.instances.get("foreign-1")?.deleteAt === 0, "another owner's instance is never touched");
      assert.ok(cloud.instances.get("untagged-1")?.deleteAt === 0, "an untagged instance is never touched");
    } finally {
      await sim.close();
    }
  },
);

t("a leaked instance of ours survives one reconcile pass and is deleted on the second", async () => {
  const sim = await Sim.start({
    config: { providers: [{ name: "east" }], labels: [{ name: "jammy" }], templates: jammyOn("east") },
    reconcileMs: 60_000,
  });
  try {
    // Booted under our owner id for a node the store never knew (a crash between boot and write, say).
    await sim.providers.get("east").boot({
      nodeId: "n-orphan",
      label: "jammy",
      image: "ubuntu-jammy",
      flavor: "small",
      setupScript: "",
      networks: [],
      sshPublicKeys: [],
      tags: {},
    });
    await sim.advance(61_000);
    assert.ok(sim.liveInstances("east").includes("n-orphan"), "one pass that finds it is not enough");
    await sim.advance(60_000);
    assert.ok(!sim.liveInstances("east").includes("n-orphan"), "the second pass in a row deletes it");
  } finally {
    await sim.close();
  }
});

t(
  "at 30% no-network, min-ready still fills, only nodes with network reach claims, and the failures are counted as ready-check",
  async () => {
    const sim = await Sim.start({
      config: {
        providers: [{ name: "east", settings: { bootLatencyMs: 20_000 }, readyTimeout: "1m" }],
        labels: [{ name: "jammy", minReady: 6 }],
        templates: jammyOn("east"),
      },
      providers: { east: { noNetworkRate: 0.3 } },
      readyCheckMs: 3_000,
    });
    try {
      await sim.until("six ready", async () => (await sim.readyIds()).length === 6);
      const failures = (await sim.provider("east")).recentFailures;
      assert.ok(failures.length > 0, "some nodes had no network");
      assert.ok(
        failures.every((f) => f.reason === "ready-check" && /no network/.test(f.message)),
        JSON.stringify(failures),
      );
      for (const node of await sim.nodes({ states: ["ready"] }))
        assert.equal(sim.access.hasNoNetwork(node), false, `${node.id} has network`);
      for (let i = 0; i < 6; i++) {
        const res = await sim.claimAndWait({ jobName: `job-${i}` });
        const node = res.view.nodes[0];
        assert.ok(node && !sim.access.hasNoNetwork(node), "a claim never gets a node without network");
      }
    } finally {
      await sim.close();
    }
  },
);

t("a provider back to serving is reconciled at once: an instance that vanished while it was down is replaced", async () => {
  const sim = await Sim.start({
    config: { providers: [{ name: "east" }], labels: [{ name: "jammy", minReady: 1 }], templates: jammyOn("east") },
    reconcileMs: 3_600_000,
  });
  try {
    const [node] = await sim.until("a ready node", async () => {
      const ready = await sim.nodes({ states: ["ready"] });
      return ready.length === 1 ? ready : undefined;
    });
    assert.ok(node);
    sim.providers.setHealth("east", "not-serving", "crashed");
    sim.providers.cloud("east").records.removeInstance(node.instanceId);
    await sim.advance(60_000);
    assert.equal((await sim.node(node.id)).state, "ready", "nobody looks while it is down");
    sim.providers.setHealth("east", "serving");
    await sim.until("the vanished node failed", async () => /instance-vanished/.test((await sim.node(node.id)).failureReason), 5_000);
    await sim.until("a new ready node", async () => (await sim.readyIds()).some((id) => id !== node.id), 60_000);
  } finally {
    await sim.close();
  }
});

t.run();
