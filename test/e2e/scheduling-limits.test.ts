import assert from "node:assert/strict";
import { ClaimState, Outcome, type ListProvidersResponse } from "../../gen/ts/standby/v1/standby.js";
import { readFakeCloud } from "../../plugins/fake/state.js";
import { ManualClock } from "../../common/clock.js";
import { NODE_TAG } from "../../common/provider.js";
import { suite } from "../lib/harness.js";
import { call, eventually, startCluster, type Cluster } from "../lib/cluster.js";
import { create, liveInstances } from "./helpers.js";

/** Caps, quota pauses, ageing and stuck launches, with fake clouds as real plugin processes. */
const t = suite("scheduling limits and ageing", { timeoutMs: 120_000 });

const providersOf = (c: Cluster) => call<ListProvidersResponse>((cb) => c.client.listProviders({}, cb));
const nodesOf = async (c: Cluster, provider: string, states = ["ready"] as const) =>
  (await c.store.listNodes({ provider, states: [...states] })).map((n) => n.id);
const release = (c: Cluster, leaseToken: string) =>
  call((cb) => c.client.releaseLease({ leaseToken, outcome: Outcome.OUTCOME_SUCCESS, holdSeconds: 0, holdReason: "" }, cb));
const settle = (ms = 400) => new Promise((r) => setTimeout(r, ms));

t("cores and RAM caps use the plugin's flavor sizes: a provider launches only what fits", async () => {
  const c = await startCluster({
    config: {
      // medium = 2 cores / 4096 MiB, large = 4 cores / 8192 MiB (the fake cloud's default flavors).
      providers: [
        { name: "cores", plugin: "fake", settings: { bootLatencyMs: 10 }, maxCores: 5 },
        { name: "ram", plugin: "fake", settings: { bootLatencyMs: 10 }, maxRamMb: 10_000 },
      ],
      labels: [{ name: "jammy", minReady: 6 }],
      templates: [
        { label: "jammy", provider: "cores", image: "ubuntu-jammy", flavor: "medium" },
        { label: "jammy", provider: "ram", image: "ubuntu-jammy", flavor: "large" },
      ],
    },
  });
  try {
    await eventually(
      "both providers at their caps",
      async () => (await nodesOf(c, "cores")).length === 2 && (await nodesOf(c, "ram")).length === 1,
    );
    await settle();
    assert.equal((await liveInstances(c, "cores")).length, 2, "5 cores hold two 2-core nodes, not three");
    assert.equal((await liveInstances(c, "ram")).length, 1, "10000 MiB hold one 8192 MiB node, not two");
    // A claim takes one; its release frees the room for a replacement, within the caps again.
    const res = await create(c, {});
    assert.equal(res.claim?.state, ClaimState.CLAIM_STATE_FULFILLED);
    const taken = res.claim?.nodes[0];
    await release(c, res.leaseToken);
    await eventually("the released node gone and replaced", async () => {
      const ready = await nodesOf(c, taken?.provider ?? "");
      return !ready.includes(taken?.id ?? "") && ready.length === (taken?.provider === "cores" ? 2 : 1);
    });
    assert.ok((await liveInstances(c, "cores")).length <= 2);
    assert.ok((await liveInstances(c, "ram")).length <= 1);
  } finally {
    await c.close();
  }
});

t("RESOURCE_EXHAUSTED from a boot pauses the provider; launches go elsewhere until a deletion there frees room", async () => {
  const clock = new ManualClock(Date.now());
  const c = await startCluster({
    clock,
    tickMs: 1000,
    config: {
      providers: [
        // The cloud itself holds two instances at most; the scheduler does not know that beforehand.
        { name: "full", plugin: "fake", settings: { quota: { maxInstances: 2 } }, priority: 10 },
        { name: "spare", plugin: "fake", settings: {} },
      ],
      labels: [{ name: "jammy", minReady: 5 }],
      templates: [
        { label: "jammy", provider: "full", image: "ubuntu-jammy", flavor: "small" },
        { label: "jammy", provider: "spare", image: "ubuntu-jammy", flavor: "small" },
      ],
    },
  });
  try {
    await eventually("five ready nodes", async () => (await nodesOf(c, "full")).length + (await nodesOf(c, "spare")).length >= 5);
    assert.equal((await nodesOf(c, "full")).length, 2, "the full cloud holds its two");
    const full = (await providersOf(c)).providers.find((p) => p.name === "full");
    assert.match(full?.pausedReason ?? "", /at quota: quota exceeded: instances 2\/2/);
    assert.ok(
      full?.recentFailures.some((f) => f.reason === "resource-exhausted"),
      "the refusal is listed with its reason",
    );
    // Past the backoff the cloud still reports its quota used up: still no launches there.
    await clock.advance(31_000);
    await settle();
    assert.match((await providersOf(c)).providers.find((p) => p.name === "full")?.pausedReason ?? "", /quota/);
    assert.equal((await liveInstances(c, "full")).length, 2);
    // A deletion there frees room: the pause is lifted and the pool refills on the preferred cloud again.
    const [victim] = await nodesOf(c, "full");
    await call((cb) => c.client.deleteNode({ id: victim ?? "" }, cb));
    await eventually("a replacement on the full cloud", async () => {
      const ready = await nodesOf(c, "full");
      return ready.length === 2 && !ready.includes(victim ?? "");
    });
    assert.ok((await liveInstances(c, "full")).length <= 2, "never more than the cloud's quota");
  } finally {
    await c.close();
  }
});

t("max-ready-age replaces old ready nodes, a few at a time, in virtual time", async () => {
  const clock = new ManualClock(Date.now());
  const c = await startCluster({
    clock,
    tickMs: 1000,
    config: {
      // Instances run at once: polling a booting one would wait on the virtual clock.
      providers: [{ name: "east", plugin: "fake", settings: {} }],
      labels: [{ name: "jammy", minReady: 3, maxReadyAge: "10m" }],
      templates: [{ label: "jammy", provider: "east", image: "ubuntu-jammy", flavor: "small" }],
    },
  });
  try {
    await eventually("three ready nodes", async () => (await nodesOf(c, "east")).length === 3);
    const first = await nodesOf(c, "east");
    await clock.advance(9 * 60_000);
    await settle();
    assert.deepEqual((await nodesOf(c, "east")).sort(), [...first].sort(), "younger than max-ready-age: kept");
    await clock.advance(2 * 60_000);
    await eventually("the old nodes replaced by new ready ones", async () => {
      const now = await nodesOf(c, "east");
      return now.length === 3 && now.every((id) => !first.includes(id));
    });
    for (const id of first) {
      const node = await c.store.getNode(id);
      assert.ok(node && ["deleting", "gone"].includes(node.state), `${id} recycled`);
    }
    await eventually("the old instances gone from the cloud", async () => {
      const live = await liveInstances(c, "east");
      return first.every((id) => !live.includes(id));
    });
  } finally {
    await c.close();
  }
});

t("a node stuck in launching past its boot timeout is deleted from the cloud and replaced", async () => {
  const clock = new ManualClock(Date.now());
  const c = await startCluster({
    clock,
    tickMs: 1000,
    pollMs: 1000,
    config: {
      // An hour of (real) boot time: the instance stays BOOTING for the whole test.
      providers: [{ name: "slow", plugin: "fake", settings: { bootLatencyMs: 3_600_000 }, bootTimeout: "2m", readyTimeout: "1m" }],
      labels: [{ name: "jammy", minReady: 1 }],
      templates: [{ label: "jammy", provider: "slow", image: "ubuntu-jammy", flavor: "small" }],
    },
  });
  try {
    const stuck = await eventually("a launching node with its instance", async () => {
      const [node] = await c.store.listNodes({ provider: "slow", states: ["launching"] });
      return node && (await readFakeCloud(c.stateFile("slow"))).instances.some((i) => i.tags[NODE_TAG] === node.id) ? node : undefined;
    });
    await clock.advance(2 * 60_000);
    await settle();
    assert.equal((await c.store.getNode(stuck.id))?.state, "launching", "inside boot + ready timeout: still waiting");
    await clock.advance(2 * 60_000);
    await eventually("the stuck node failed and deleted", async () => (await c.store.getNode(stuck.id))?.state === "gone");
    assert.match((await c.store.getNode(stuck.id))?.failureReason ?? "", /^boot-timeout/);
    assert.ok(!(await liveInstances(c, "slow")).includes(stuck.id), "its instance is gone from the cloud");
    await eventually("a replacement launching", async () =>
      (await c.store.listNodes({ provider: "slow", states: ["launching"] })).some((n) => n.id !== stuck.id),
    );
  } finally {
    await c.close();
  }
});

t(
  "a nodeset waits for one provider that can make all of it; when that provider keeps failing a node, the set moves to another, never mixed",
  async () => {
    const c = await startCluster({
      config: {
        claims: { nodesetTimeout: "5m" },
        providers: [
          // alpha (first by name) makes a and b, but its image for c does not exist: every c boot fails.
          { name: "alpha", plugin: "fake", settings: { bootLatencyMs: 10 }, launchRetries: 1 },
          { name: "beta", plugin: "fake", settings: { bootLatencyMs: 10 } },
        ],
        labels: [{ name: "a" }, { name: "b" }, { name: "c" }],
        templates: [
          { label: "a", provider: "alpha", image: "ubuntu-jammy", flavor: "small" },
          { label: "b", provider: "alpha", image: "ubuntu-jammy", flavor: "small" },
          { label: "c", provider: "alpha", image: "no-such-image", flavor: "small" },
          { label: "a", provider: "beta", image: "ubuntu-jammy", flavor: "small" },
          { label: "b", provider: "beta", image: "ubuntu-jammy", flavor: "small" },
          { label: "c", provider: "beta", image: "ubuntu-jammy", flavor: "small" },
        ],
      },
    });
    try {
      const res = await create(c, { labelExpressions: ["a", "b", "c"], waitTimeoutSeconds: 60 });
      assert.equal(res.claim?.state, ClaimState.CLAIM_STATE_FULFILLED, res.claim?.failureReason);
      const providers = new Set(res.claim?.nodes.map((n) => n.provider));
      assert.deepEqual([...providers], ["beta"], "all three from one provider");
      const alpha = (await providersOf(c)).providers.find((p) => p.name === "alpha");
      assert.ok(
        alpha?.recentFailures.some((f) => f.label === "c"),
        "alpha's failures for c are listed",
      );
      // What alpha made for the set is back in the pool for anyone, not held by the set.
      const leftovers = await c.store.listNodes({ provider: "alpha", states: ["ready"] });
      for (const n of leftovers) assert.equal(n.claimId, "");
      if (leftovers.some((n) => n.label === "a")) {
        const single = await create(c, { labelExpressions: ["a"] });
        assert.equal(single.claim?.state, ClaimState.CLAIM_STATE_FULFILLED);
      }
    } finally {
      await c.close();
    }
  },
);

t("a queued nodeset whose provider cannot assemble it within the bound moves to another provider (virtual time)", async () => {
  const clock = new ManualClock(Date.now());
  const c = await startCluster({
    clock,
    tickMs: 1000,
    config: {
      claims: { nodesetTimeout: "5m", abandonAfter: "1h" },
      providers: [
        // alpha boots for an hour (real time): its set never assembles; beta is quick but less preferred.
        { name: "alpha", plugin: "fake", settings: { bootLatencyMs: 3_600_000 }, priority: 10, bootTimeout: "1h" },
        { name: "beta", plugin: "fake", settings: {} },
      ],
      labels: [{ name: "a" }, { name: "b" }],
      templates: [
        { label: "a", provider: "alpha", image: "ubuntu-jammy", flavor: "small" },
        { label: "b", provider: "alpha", image: "ubuntu-jammy", flavor: "small" },
        { label: "a", provider: "beta", image: "ubuntu-jammy", flavor: "small" },
        { label: "b", provider: "beta", image: "ubuntu-jammy", flavor: "small" },
      ],
    },
  });
  try {
    const res = await create(c, { labelExpressions: ["a", "b"], wait: false });
    await eventually(
      "both launches on alpha",
      async () => (await c.store.listNodes({ provider: "alpha", states: ["launching"] })).length === 2,
    );
    await settle();
    assert.equal((await c.store.listNodes({ provider: "beta" })).length, 0, "within the bound nothing is launched elsewhere");
    await clock.advance(5 * 60_000 + 1_000);
    await eventually("the set fulfilled from beta", async () => (await c.store.getClaim(res.claim?.id ?? ""))?.state === "fulfilled");
    const claim = await c.store.getClaim(res.claim?.id ?? "");
    const nodes = await Promise.all((claim?.nodeIds ?? []).map((id) => c.store.getNode(id)));
    assert.deepEqual(
      nodes.map((n) => n?.provider),
      ["beta", "beta"],
    );
  } finally {
    await c.close();
  }
});

t.run();
