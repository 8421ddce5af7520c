import assert from "node:assert/strict";
import { DEFAULT_CLAIM, Sim } from "../../sim/index.js";
import { suite } from "../lib/harness.js";
import { CLAIMER_KEY, jammyOn, standbyError } from "./helpers.js";

/** Claims and leases: idempotency, priorities and ageing, expiry, renewal, abandonment, requeue, nodesets. */
const t = suite("claims and leases (in-process, virtual time)");

const twoProviders = (minReady = 2, settings: Record<string, unknown> = {}) => ({
  providers: [
    { name: "east", settings },
    { name: "west", settings },
  ],
  labels: [
    { name: "jammy", tags: ["ubuntu", "py312"], minReady },
    { name: "noble", tags: ["ubuntu", "py313"], minReady: 0 },
  ],
  templates: [...jammyOn("east", "west"), { label: "noble", provider: "west", image: "ubuntu-noble", flavor: "small" }],
});

t("a retried create with the same request id returns the same claim and tokens", async () => {
  const sim = await Sim.start({ config: twoProviders(1) });
  try {
    await sim.until("a ready node", async () => (await sim.readyIds()).length >= 1);
    const first = await sim.claim({ requestId: "build-42" });
    const second = await sim.claim({ requestId: "build-42" });
    assert.equal(second.view.claim.id, first.view.claim.id);
    assert.equal(second.claimToken, first.claimToken);
    assert.equal(second.leaseToken, first.leaseToken);
    assert.deepEqual(
      second.view.nodes.map((n) => n.id),
      first.view.nodes.map((n) => n.id),
    );
    assert.equal((await sim.claims()).filter((x) => x.requestId === "build-42").length, 1);
    await assert.rejects(sim.claim({ requestId: "build-42", jobName: "another job" }), standbyError("already-exists"));
  } finally {
    await sim.close();
  }
});

t("an expired lease's node is deleted, driven by the injected clock", async () => {
  const sim = await Sim.start({ config: twoProviders(1) });
  try {
    await sim.until("a ready node", async () => (await sim.readyIds()).length >= 1);
    const res = await sim.claim({ leaseTtlSeconds: 30 });
    const node = res.view.nodes[0];
    assert.ok(node && res.leaseToken);
    await sim.advance(20_000);
    assert.equal((await sim.node(node.id)).state, "claimed", "not yet expired after 20 s of a 30 s lease");
    await sim.advance(15_000);
    await sim.until("the claim to expire", async () => (await sim.claimRecord(res.view.claim.id)).state === "expired");
    await sim.until("the expired node's instance to be gone", () => !sim.liveInstances(node.provider).includes(node.id));
    await sim.until("the node to be gone in the store", async () => (await sim.node(node.id)).state === "gone");
    await assert.rejects(sim.scheduler.renewLease(res.leaseToken, 0), standbyError("failed-precondition"));
  } finally {
    await sim.close();
  }
});

t("renewal keeps a lease alive past its original expiry", async () => {
  const sim = await Sim.start({ config: twoProviders(1) });
  try {
    await sim.until("a ready node", async () => (await sim.readyIds()).length >= 1);
    const res = await sim.claim({ leaseTtlSeconds: 30 });
    await sim.advance(25_000);
    await sim.scheduler.renewLease(res.leaseToken, 0);
    await sim.advance(25_000);
    assert.equal((await sim.claimRecord(res.view.claim.id)).state, "fulfilled");
    await assert.rejects(sim.scheduler.renewLease(res.leaseToken + "x", 0), standbyError("unauthenticated"));
  } finally {
    await sim.close();
  }
});

t("a queued claim whose client went away is cancelled after the abandon time", async () => {
  // A cloud that takes an hour to boot: the claim stays queued.
  const sim = await Sim.start({ config: { ...twoProviders(0, { bootLatencyMs: 3_600_000 }), claims: { abandonAfter: "60s" } } });
  try {
    const res = await sim.claim();
    assert.equal(res.view.claim.state, "queued");
    assert.equal(res.view.queuePosition, 1);
    await sim.advance(30_000);
    const seen = await sim.scheduler.getClaim(res.claimToken);
    assert.equal(seen.view.claim.state, "queued", "a get is a keepalive");
    await sim.advance(45_000);
    assert.equal((await sim.claimRecord(res.view.claim.id)).state, "queued", "75 s after creation but only 45 s after the last keepalive");
    await sim.advance(20_000);
    await sim.until("the claim to be cancelled", async () => (await sim.claimRecord(res.view.claim.id)).state === "cancelled");
    const after = await sim.scheduler.getClaim(res.claimToken);
    assert.match(after.view.claim.failureReason, /abandoned/);
  } finally {
    await sim.close();
  }
});

t("a cancelled queued claim gives up its place; the node launched for it joins the pool and serves the next claim at once", async () => {
  const sim = await Sim.start({
    config: { providers: [{ name: "east", settings: { bootLatencyMs: 60_000 } }], labels: [{ name: "jammy" }], templates: jammyOn("east") },
  });
  try {
    const res = await sim.claim();
    assert.equal(res.view.claim.state, "queued");
    const [launched] = await sim.until("a launch for it", async () => {
      const nodes = await sim.nodes({ states: ["launching"] });
      return nodes.length === 1 ? nodes : undefined;
    });
    const cancelled = await sim.run(sim.scheduler.cancelClaim(res.claimToken));
    assert.equal(cancelled.claim.state, "cancelled");
    await sim.until("the launched node ready in the pool", async () => (await sim.readyIds()).includes(launched?.id ?? ""));
    const next = await sim.claim({ jobName: "next" });
    assert.equal(next.view.claim.state, "fulfilled", "served from the pool when it was created");
    assert.equal(next.view.nodes[0]?.id, launched?.id);
  } finally {
    await sim.close();
  }
});

t("a waiting client keeps its claim alive past the abandon time", async () => {
  const sim = await Sim.start({ config: { ...twoProviders(0, { bootLatencyMs: 120_000 }), claims: { abandonAfter: "60s" } } });
  try {
    const started = sim.now();
    const res = await sim.claimAndWait({}, 600_000);
    assert.equal(res.view.claim.state, "fulfilled");
    assert.ok(sim.now() - started >= 120_000, "it waited for the two-minute boot");
  } finally {
    await sim.close();
  }
});

t("a claim on an empty pool waits for one boot: it is fulfilled once the cloud's API, boot and ready check are done", async () => {
  const sim = await Sim.start({
    config: { providers: [{ name: "slow", settings: { bootLatencyMs: 90_000 } }], labels: [{ name: "jammy" }], templates: jammyOn("slow") },
    providers: { slow: { callLatencyMs: 1_000 } },
    readyCheckMs: 2_000,
  });
  try {
    const started = sim.now();
    const res = await sim.claimAndWait();
    const waited = sim.now() - started;
    assert.equal(res.view.claim.state, "fulfilled");
    // The boot call (1 s), the boot (90 s), polls at most 5 s apart (1 s each) to notice it, the ready check (2 s).
    assert.ok(waited >= 93_000 && waited <= 93_000 + 5_000 + 1_000, `waited ${waited} ms`);
    assert.equal((await sim.nodes()).length, 1, "one launch for one claim");
  } finally {
    await sim.close();
  }
});

t("when a node frees up, the higher-priority claim gets it, whatever the order they came in", async () => {
  const sim = await Sim.start({
    config: { providers: [{ name: "one", maxNodes: 1 }], labels: [{ name: "jammy" }], templates: jammyOn("one") },
  });
  try {
    const first = await sim.claimAndWait({ jobName: "first" });
    const low = sim.scheduler.createClaim({ ...DEFAULT_CLAIM, jobName: "low", priority: 0 }, { timeoutMs: 600_000 });
    await sim.advance(1_000);
    const high = sim.scheduler.createClaim({ ...DEFAULT_CLAIM, jobName: "high", priority: 10 }, { timeoutMs: 600_000 });
    await sim.advance(1_000);
    await sim.release(first.leaseToken);
    const served = await sim.run(high);
    assert.equal(served.view.claim.state, "fulfilled");
    const waiting = (await sim.claims(["queued"])).map((c) => c.jobName);
    assert.deepEqual(waiting, ["low"], "the earlier, lower-priority claim still waits");
    await sim.release(served.leaseToken);
    assert.equal((await sim.run(low)).view.claim.state, "fulfilled");
  } finally {
    await sim.close();
  }
});

t("a low-priority claim under a steady stream of high-priority claims is served within the ageing bound", async () => {
  const sim = await Sim.start({
    config: {
      providers: [{ name: "one", settings: { bootLatencyMs: 30 }, maxNodes: 1 }],
      labels: [{ name: "jammy", minReady: 0 }],
      templates: jammyOn("one"),
      claims: { agingStep: "300ms" },
    },
    tickMs: 200,
    pollMs: 50,
  });
  try {
    // One node at a time: every claim waits its turn. High-priority claims keep arriving.
    let streaming = true;
    const served: string[] = [];
    const stream = Promise.all(
      Array.from({ length: 3 }, async (_, w) => {
        for (let i = 0; streaming; i++) {
          const res = await sim.scheduler.createClaim({ ...DEFAULT_CLAIM, priority: 10, jobName: `high-${w}-${i}` }, { timeoutMs: 30_000 });
          served.push(res.view.claim.jobName);
          await sim.scheduler.releaseLease(res.leaseToken, "success");
        }
      }),
    );
    await sim.advance(500);
    const started = sim.now();
    const low = await sim.run(sim.scheduler.createClaim({ ...DEFAULT_CLAIM, priority: 0, jobName: "low" }, { timeoutMs: 30_000 }));
    const waited = sim.now() - started;
    const overtakenBy = served.length;
    streaming = false;
    assert.equal(low.view.claim.state, "fulfilled");
    // Hand the only node back so the stream's last claims can finish.
    await sim.release(low.leaseToken);
    await sim.run(stream);
    // Ten steps of 300 ms bring priority 0 level with 10; a few more turns of the single node at most.
    assert.ok(waited < 3_000 + 2_000, `the low-priority claim waited ${waited} ms`);
    assert.ok(overtakenBy > 0, "high-priority claims were served meanwhile (the stream was real)");
  } finally {
    await sim.close();
  }
});

t("a claim whose node refuses the claimer's keys is requeued and served by another node; the refusing node is failed", async () => {
  const sim = await Sim.start({
    config: { providers: [{ name: "east" }], labels: [{ name: "jammy", minReady: 1 }], templates: jammyOn("east") },
  });
  try {
    const [refusing] = await sim.until("a ready node", async () => {
      const ready = await sim.readyIds();
      return ready.length === 1 ? ready : undefined;
    });
    sim.access.refuseKeys(refusing ?? "");
    const res = await sim.claimAndWait({ sshPublicKeys: [CLAIMER_KEY] });
    assert.equal(res.view.claim.state, "fulfilled");
    const node = res.view.nodes[0];
    assert.ok(node && node.id !== refusing, "served by another node");
    assert.ok(sim.access.handedOver.includes(node.id), "the claimer's keys are on the node it got");
    const failed = await sim.node(refusing ?? "");
    assert.ok(["failed", "deleting", "gone"].includes(failed.state), failed.state);
    assert.match(failed.failureReason, /^handover/);
    const timeline = await sim.scheduler.claimTimeline({ claimId: res.view.claim.id });
    assert.ok(
      timeline.entries.some((e) => /refused the keys/.test(JSON.stringify(e))),
      JSON.stringify(timeline.entries),
    );
  } finally {
    await sim.close();
  }
});

t("a nodeset comes from one provider, and expressions select labels by tag", async () => {
  const sim = await Sim.start({
    config: {
      ...twoProviders(0),
      labels: [
        { name: "jammy", tags: ["ubuntu", "py312"], minReady: 1 },
        { name: "noble", tags: ["ubuntu", "py313"], minReady: 1 },
      ],
    },
  });
  try {
    const res = await sim.claimAndWait({ labelExpressions: ["ubuntu && py313", "jammy || windows"] });
    assert.equal(res.view.claim.state, "fulfilled");
    const [a, b] = res.view.nodes;
    assert.equal(a?.label, "noble");
    assert.equal(b?.label, "jammy");
    assert.equal(a?.provider, "west", "noble is only made by west");
    assert.equal(b?.provider, "west", "so the whole set comes from west");
  } finally {
    await sim.close();
  }
});

t(
  "a provider's extra tags are part of its nodes' tags: an expression on them picks that provider's nodes, and launches there",
  async () => {
    const sim = await Sim.start({
      config: {
        providers: [
          { name: "east", settings: {}, extraTags: ["rax"] },
          { name: "west", settings: {}, priority: 5 },
        ],
        labels: [{ name: "jammy", tags: ["py312"], minReady: 0 }, { name: "noble" }],
        templates: [...jammyOn("east", "west"), { label: "noble", provider: "west", image: "ubuntu-noble", flavor: "small" }],
      },
    });
    try {
      const rax = await sim.claimAndWait({ labelExpressions: ["jammy && rax"] });
      assert.equal(rax.view.nodes[0]?.provider, "east", "only east's nodes carry rax");
      assert.ok(rax.view.nodes[0]?.tags.includes("rax"));
      const notRax = await sim.claimAndWait({ labelExpressions: ["py312 && !rax"] });
      assert.equal(notRax.view.nodes[0]?.provider, "west");
      assert.equal(notRax.view.nodes[0]?.label, "jammy");
      // A nodeset whose first node must carry rax comes wholly from east, which can make both.
      const set = await sim.claimAndWait({ labelExpressions: ["rax", "jammy"] });
      assert.deepEqual(
        set.view.nodes.map((n) => n.provider),
        ["east", "east"],
      );
      // noble is made by west only, so "noble && rax" can never be served: refused at once.
      await assert.rejects(sim.claim({ labelExpressions: ["noble && rax"] }), standbyError("failed-precondition", /no configured label/));
      await assert.rejects(sim.claim({ labelExpressions: ["rax", "noble"] }), standbyError("failed-precondition", /no single provider/));
    } finally {
      await sim.close();
    }
  },
);

t(
  "a nodeset waits for one provider that can make all of it; when that provider keeps failing a node, the set moves to another, never mixed",
  async () => {
    const sim = await Sim.start({
      config: {
        claims: { nodesetTimeout: "5m" },
        providers: [
          // alpha (first by name) makes a and b, but its image for c does not exist: every c boot fails.
          { name: "alpha", settings: { bootLatencyMs: 10 }, launchRetries: 1 },
          { name: "beta", settings: { bootLatencyMs: 10 } },
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
      tickMs: 200,
      pollMs: 50,
    });
    try {
      const res = await sim.claimAndWait({ labelExpressions: ["a", "b", "c"] }, 60_000);
      assert.equal(res.view.claim.state, "fulfilled", res.view.claim.failureReason);
      assert.deepEqual([...new Set(res.view.nodes.map((n) => n.provider))], ["beta"], "all three from one provider");
      assert.ok(
        (await sim.provider("alpha")).recentFailures.some((f) => f.label === "c"),
        "alpha's failures for c are listed",
      );
      // What alpha made for the set is back in the pool for anyone, not held by the set.
      const leftovers = await sim.nodes({ provider: "alpha", states: ["ready"] });
      for (const n of leftovers) assert.equal(n.claimId, "");
      if (leftovers.some((n) => n.label === "a")) {
        const single = await sim.claimAndWait({ labelExpressions: ["a"] });
        assert.equal(single.view.claim.state, "fulfilled");
      }
    } finally {
      await sim.close();
    }
  },
);

t("a queued nodeset whose provider cannot assemble it within the bound moves to another provider", async () => {
  const sim = await Sim.start({
    config: {
      claims: { nodesetTimeout: "5m", abandonAfter: "1h" },
      providers: [
        // alpha boots for an hour: its set never assembles; beta is quick but less preferred.
        { name: "alpha", settings: { bootLatencyMs: 3_600_000 }, priority: 10, bootTimeout: "1h" },
        { name: "beta", settings: {} },
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
    const res = await sim.claim({ labelExpressions: ["a", "b"] });
    await sim.until("both launches on alpha", async () => (await sim.nodes({ provider: "alpha", states: ["launching"] })).length === 2);
    await sim.advance(60_000);
    assert.equal((await sim.nodes({ provider: "beta" })).length, 0, "within the bound nothing is launched elsewhere");
    await sim.advance(4 * 60_000 + 1_000);
    await sim.until("the set fulfilled from beta", async () => (await sim.claimRecord(res.view.claim.id)).state === "fulfilled");
    const claim = await sim.claimRecord(res.view.claim.id);
    const nodes = await Promise.all(claim.nodeIds.map((id) => sim.node(id)));
    assert.deepEqual(
      nodes.map((n) => n.provider),
      ["beta", "beta"],
    );
  } finally {
    await sim.close();
  }
});

t("64 claims that arrive together cost a handful of allocation transactions, not 64, and never share a node", async () => {
  const sim = await Sim.start({ config: twoProviders(64) });
  try {
    await sim.until("64 ready nodes", async () => (await sim.readyIds()).length >= 64);
    const store = sim.store as { allocate: (...args: unknown[]) => Promise<unknown> };
    const allocate = store.allocate.bind(sim.store);
    let transactions = 0;
    store.allocate = (...args: unknown[]) => {
      transactions++;
      return allocate(...args);
    };
    const results = await Promise.all(Array.from({ length: 64 }, (_, i) => sim.claim({ jobName: `job-${i}` })));
    const nodes = results.flatMap((r) => r.view.nodes.map((n) => n.id));
    assert.equal(nodes.length, 64, "every claim was served from the pool at once");
    assert.equal(new Set(nodes).size, 64, "a node went to two claims");
    assert.ok(transactions <= 8, `${transactions} allocation transactions for 64 claims`);
  } finally {
    await sim.close();
  }
});

t("the launches of a pool fill are written in batches, not one transaction per node", async () => {
  const sim = await Sim.start({ config: twoProviders(0) });
  try {
    const store = sim.store as { insertNodes: (...args: unknown[]) => Promise<unknown> };
    const insert = store.insertNodes.bind(sim.store);
    let inserted = 0;
    let transactions = 0;
    store.insertNodes = (...args: unknown[]) => {
      transactions++;
      inserted += (args[0] as unknown[]).length;
      return insert(...args);
    };
    await Promise.all(Array.from({ length: 40 }, (_, i) => sim.claim({ jobName: `cold-${i}` })));
    await sim.until("40 launches written", () => inserted >= 40);
    assert.ok(transactions <= 10, `${transactions} insert transactions for ${inserted} launches`);
  } finally {
    await sim.close();
  }
});

t.run();
