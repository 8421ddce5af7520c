import assert from "node:assert/strict";
import type { CreateResult } from "../../server/scheduler/scheduler.js";
import { DEFAULT_CLAIM, Sim } from "../../sim/index.js";
import { suite } from "../lib/harness.js";
import { jammyOn, standbyError } from "./helpers.js";

/** Provider choice and ranking, failover, pauses, caps and operator modes, in virtual time. */
const t = suite("scheduling across providers (in-process, virtual time)");

t("the highest-priority provider gets every launch while it is healthy", async () => {
  const sim = await Sim.start({
    config: {
      providers: [
        { name: "east", priority: 5 },
        { name: "west", priority: 0 },
      ],
      labels: [{ name: "jammy", minReady: 4 }],
      templates: jammyOn("east", "west"),
    },
  });
  try {
    await sim.until("four ready", async () => (await sim.readyIds()).length === 4);
    assert.equal((await sim.readyIds("east")).length, 4);
    assert.equal((await sim.nodes({ provider: "west" })).length, 0, "the lower priority launches nothing");
  } finally {
    await sim.close();
  }
});

t("providers of equal priority share the pool: each launch goes to the one with the fewest nodes", async () => {
  const sim = await Sim.start({
    config: {
      providers: [{ name: "east" }, { name: "west" }],
      labels: [{ name: "jammy", minReady: 4 }],
      templates: jammyOn("east", "west"),
    },
  });
  try {
    await sim.until("four ready", async () => (await sim.readyIds()).length === 4);
    assert.equal((await sim.readyIds("east")).length, 2);
    assert.equal((await sim.readyIds("west")).length, 2);
  } finally {
    await sim.close();
  }
});

t("with one of two providers failing every boot, 100 claims are all fulfilled and the failures are visible per reason", async () => {
  const sim = await Sim.start({
    config: {
      providers: [
        { name: "good", settings: { bootLatencyMs: 50 } },
        { name: "bad", settings: { bootLatencyMs: 50, failureRate: 1 }, priority: 10, launchRetries: 1 },
      ],
      labels: [{ name: "jammy", minReady: 4 }],
      templates: jammyOn("good", "bad"),
    },
    tickMs: 200,
    pollMs: 50,
  });
  try {
    const results = await sim.run(
      Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          sim.scheduler.createClaim({ ...DEFAULT_CLAIM, jobName: `job-${i}` }, { timeoutMs: 60_000 }).then((res) => {
            assert.equal(res.view.claim.state, "fulfilled", `claim ${i} was fulfilled`);
            assert.equal(res.view.nodes[0]?.provider, "good");
            return res;
          }),
        ),
      ),
    );
    assert.equal(results.length, 100);
    const bad = await sim.provider("bad");
    assert.ok(bad.recentFailures.length >= 2, "the failing provider's failures are listed");
    assert.ok(
      bad.recentFailures.every((f) => f.reason === "instance-error" && f.label === "jammy"),
      JSON.stringify(bad.recentFailures),
    );
    assert.equal((await sim.provider("good")).recentFailures.length, 0);
    await sim.run(Promise.all(results.map((r) => sim.scheduler.releaseLease(r.leaseToken, "success"))));
  } finally {
    await sim.close();
  }
});

t("launches leave a provider that fails them, and come back to it once its failures are forgotten", async () => {
  const sim = await Sim.start({
    config: {
      providers: [
        { name: "primary", settings: { failureRate: 1 }, priority: 10 },
        { name: "secondary", settings: {} },
      ],
      labels: [{ name: "jammy", minReady: 2 }],
      templates: jammyOn("primary", "secondary"),
    },
    // Eleven quiet minutes follow: coarse ticks are enough.
    tickMs: 30_000,
  });
  try {
    await sim.until("two ready on the secondary", async () => (await sim.readyIds("secondary")).length === 2);
    const failures = (await sim.provider("primary")).recentFailures;
    assert.ok(failures.length >= 1 && failures.every((f) => f.reason === "instance-error"), JSON.stringify(failures));
    // The cloud recovers; its failures leave the window (10 minutes) a while later.
    await sim.providers.reconfigure("primary", {});
    await sim.advance(11 * 60_000);
    for (let i = 0; i < 2; i++) await sim.release((await sim.claim({ jobName: `turnover-${i}` })).leaseToken);
    await sim.until("the replacements on the preferred provider again", async () => (await sim.readyIds("primary")).length === 2);
  } finally {
    await sim.close();
  }
});

t("a lone provider failing every boot is retried past its launch retries, and serves the waiting claim once it recovers", async () => {
  const sim = await Sim.start({
    config: {
      providers: [{ name: "only", settings: { failureRate: 1, bootLatencyMs: 5_000 }, launchRetries: 2 }],
      labels: [{ name: "jammy" }],
      templates: jammyOn("only"),
    },
  });
  try {
    const waiting = sim.scheduler.createClaim({ ...DEFAULT_CLAIM, jobName: "patient" }, { timeoutMs: 3_600_000 });
    await sim.until("more failures than its launch retries", async () => (await sim.provider("only")).recentFailures.length > 3);
    await sim.providers.reconfigure("only", { bootLatencyMs: 5_000 });
    const res = await sim.run(waiting);
    assert.equal(res.view.claim.state, "fulfilled");
    assert.equal(res.view.nodes[0]?.provider, "only");
  } finally {
    await sim.close();
  }
});

t("transient boot refusals (UNAVAILABLE) are retried on the same node and never counted as launch failures", async () => {
  const sim = await Sim.start({
    config: {
      providers: [{ name: "flaky", settings: { bootErrorRate: 0.5, bootErrorCode: "unavailable", seed: 7 } }],
      labels: [{ name: "jammy", minReady: 3 }],
      templates: jammyOn("flaky"),
    },
  });
  try {
    await sim.until("three ready", async () => (await sim.readyIds()).length === 3);
    const nodes = await sim.nodes();
    assert.deepEqual(
      nodes.map((n) => n.state),
      ["ready", "ready", "ready"],
      "three launches, no failed node in between",
    );
    assert.deepEqual((await sim.provider("flaky")).recentFailures, []);
  } finally {
    await sim.close();
  }
});

t("RESOURCE_EXHAUSTED from a boot pauses the provider; launches go elsewhere until a deletion there frees room", async () => {
  const sim = await Sim.start({
    config: {
      providers: [
        // The cloud itself holds two instances at most; the scheduler does not know that beforehand.
        { name: "full", settings: { quota: { maxInstances: 2 } }, priority: 10 },
        { name: "spare", settings: {} },
      ],
      labels: [{ name: "jammy", minReady: 5 }],
      templates: jammyOn("full", "spare"),
    },
    reconcileMs: 2000,
  });
  try {
    await sim.until("five ready nodes", async () => (await sim.readyIds()).length >= 5);
    assert.equal((await sim.readyIds("full")).length, 2, "the full cloud holds its two");
    const full = await sim.provider("full");
    assert.match(full.pausedReason, /at quota: quota exceeded: instances 2\/2/);
    assert.ok(
      full.recentFailures.some((f) => f.reason === "resource-exhausted"),
      "the refusal is listed with its reason",
    );
    // Past the backoff the cloud still reports its quota used up: still no launches there.
    await sim.advance(31_000);
    assert.match((await sim.provider("full")).pausedReason, /quota/);
    assert.equal(sim.liveInstances("full").length, 2);
    // A deletion there frees room: the pause is lifted and the pool refills on the preferred cloud again.
    const [victim] = await sim.readyIds("full");
    await sim.scheduler.deleteNode(victim ?? "");
    await sim.until("a replacement on the full cloud", async () => {
      const ready = await sim.readyIds("full");
      return ready.length === 2 && !ready.includes(victim ?? "");
    });
    assert.ok(sim.liveInstances("full").length <= 2, "never more than the cloud's quota");
  } finally {
    await sim.close();
  }
});

t("quota refusals in a row double the pause (30 s, 60 s, 120 s), and nothing is tried there while it lasts", async () => {
  const sim = await Sim.start({
    config: {
      providers: [{ name: "full", settings: { bootErrorRate: 1, bootErrorCode: "resource-exhausted" } }],
      labels: [{ name: "jammy", minReady: 1 }],
      templates: jammyOn("full"),
    },
  });
  try {
    const refusals = async () => (await sim.provider("full")).recentFailures.filter((f) => f.reason === "resource-exhausted");
    const pauses: number[] = [];
    for (let n = 1; n <= 3; n++) {
      await sim.until(`refusal ${n}`, async () => (await refusals()).length === n);
      const reason = (await sim.provider("full")).pausedReason;
      assert.match(reason, /^at quota: Quota exceeded for instances/);
      const until = Date.parse(/\(until (.*)\)$/.exec(reason)?.[1] ?? "");
      pauses.push(until - ((await refusals()).at(-1)?.at ?? 0));
      await sim.advance(pauses.at(-1)! - 1_000);
      assert.equal((await refusals()).length, n, "no boot while paused");
    }
    assert.deepEqual(pauses, [30_000, 60_000, 120_000]);
  } finally {
    await sim.close();
  }
});

t("a provider at its node cap launches nothing more; claims queue, then flow again after releases", async () => {
  const sim = await Sim.start({
    config: {
      providers: [{ name: "small", settings: { bootLatencyMs: 20 }, maxNodes: 3 }],
      labels: [{ name: "jammy", minReady: 0 }],
      templates: jammyOn("small"),
    },
    tickMs: 200,
    pollMs: 50,
  });
  try {
    const claims: CreateResult[] = [];
    for (let i = 0; i < 5; i++) claims.push(await sim.claim({ jobName: `job-${i}` }));
    await sim.until("three claims fulfilled", async () => (await sim.claims(["fulfilled"])).length === 3);
    await sim.advance(30_000);
    assert.equal((await sim.claims(["fulfilled"])).length, 3, "no more than the cap");
    assert.ok(sim.liveInstances("small").length <= 3, "the cloud never holds more than the cap");
    for (const claim of await sim.claims(["fulfilled"])) {
      const token = claims.find((x) => x.view.claim.id === claim.id)?.claimToken ?? "";
      const got = await sim.scheduler.getClaim(token);
      await sim.release(got.leaseToken);
    }
    await sim.until("the two queued claims to be fulfilled", async () => (await sim.claims(["fulfilled"])).length === 2);
  } finally {
    await sim.close();
  }
});

t("cores and RAM caps use the plugin's flavor sizes: a provider launches only what fits", async () => {
  const sim = await Sim.start({
    config: {
      // medium = 2 cores / 4096 MiB, large = 4 cores / 8192 MiB (the fake cloud's default flavors).
      providers: [
        { name: "cores", settings: { bootLatencyMs: 10 }, maxCores: 5 },
        { name: "ram", settings: { bootLatencyMs: 10 }, maxRamMb: 10_000 },
      ],
      labels: [{ name: "jammy", minReady: 6 }],
      templates: [
        { label: "jammy", provider: "cores", image: "ubuntu-jammy", flavor: "medium" },
        { label: "jammy", provider: "ram", image: "ubuntu-jammy", flavor: "large" },
      ],
    },
  });
  try {
    await sim.until(
      "both providers at their caps",
      async () => (await sim.readyIds("cores")).length === 2 && (await sim.readyIds("ram")).length === 1,
    );
    await sim.advance(60_000);
    assert.equal(sim.liveInstances("cores").length, 2, "5 cores hold two 2-core nodes, not three");
    assert.equal(sim.liveInstances("ram").length, 1, "10000 MiB hold one 8192 MiB node, not two");
    // A claim takes one; its release frees the room for a replacement, within the caps again.
    const res = await sim.claimAndWait();
    assert.equal(res.view.claim.state, "fulfilled");
    const taken = res.view.nodes[0];
    await sim.release(res.leaseToken);
    await sim.until("the released node gone and replaced", async () => {
      const ready = await sim.readyIds(taken?.provider ?? "");
      return !ready.includes(taken?.id ?? "") && ready.length === (taken?.provider === "cores" ? 2 : 1);
    });
    assert.ok(sim.liveInstances("cores").length <= 2);
    assert.ok(sim.liveInstances("ram").length <= 1);
  } finally {
    await sim.close();
  }
});

t("paused and draining providers launch nothing, draining recycles ready nodes, and resume restores launches", async () => {
  const sim = await Sim.start({
    config: {
      providers: [{ name: "east" }, { name: "west" }],
      labels: [{ name: "jammy", minReady: 4 }],
      templates: jammyOn("east", "west"),
    },
  });
  try {
    await sim.until("four ready", async () => (await sim.readyIds()).length >= 4);
    const drained = await sim.scheduler.setProviderMode("east", "draining");
    assert.equal(drained.mode, "draining");
    await sim.until("east to hold no ready nodes and west to fill the pool", async () => {
      return (await sim.readyIds("east")).length === 0 && (await sim.readyIds("west")).length >= 4;
    });
    await sim.scheduler.setProviderMode("west", "paused");
    const res = await sim.claimAndWait();
    assert.equal(res.view.nodes[0]?.provider, "west", "a paused provider's ready nodes still serve claims");
    await sim.advance(60_000);
    assert.equal(
      (await sim.nodes({ states: ["launching", "booted", "checking"] })).length,
      0,
      "nothing launches while both are paused or draining",
    );
    await sim.scheduler.setProviderMode("east", "active");
    await sim.until("east to launch again", async () => (await sim.readyIds("east")).length >= 1);
    await assert.rejects(sim.scheduler.setProviderMode("nowhere", "paused"), standbyError("not-found"));
  } finally {
    await sim.close();
  }
});

t("launches stuck on a provider that stops serving do not count as supply: the pool fills elsewhere meanwhile", async () => {
  const sim = await Sim.start({
    config: {
      providers: [
        { name: "east", settings: { bootLatencyMs: 600_000 }, priority: 10, bootTimeout: "1h" },
        { name: "west", settings: {} },
      ],
      labels: [{ name: "jammy", minReady: 2 }],
      templates: jammyOn("east", "west"),
    },
  });
  try {
    await sim.until("two launches on east", async () => (await sim.nodes({ provider: "east", states: ["launching"] })).length === 2);
    await sim.advance(30_000);
    assert.equal((await sim.nodes({ provider: "west" })).length, 0, "while east serves, its launches are the supply");
    sim.providers.setHealth("east", "not-serving", "the plugin stopped answering");
    const started = sim.now();
    await sim.until("two ready on west", async () => (await sim.readyIds("west")).length === 2);
    assert.ok(sim.now() - started <= 10_000, `filled elsewhere within a few ticks (${sim.now() - started} ms)`);
    assert.equal((await sim.provider("east")).health, "not-serving");
  } finally {
    await sim.close();
  }
});

t(
  "a claim behind a paused and a full provider is told why nothing is launched for it, once per change, and when it launches again",
  async () => {
    const sim = await Sim.start({
      config: {
        providers: [{ name: "east" }, { name: "west", maxNodes: 1 }],
        labels: [{ name: "jammy", minReady: 0 }],
        templates: jammyOn("east", "west"),
      },
    });
    try {
      await sim.scheduler.setProviderMode("east", "paused");
      const busy = await sim.claim({ jobName: "fills west" });
      await sim.until("west's one node claimed", async () => (await sim.claimRecord(busy.view.claim.id)).state === "fulfilled");
      const waiting = await sim.claim({ jobName: "waits" });
      const watched: string[] = [];
      const unwatch = await sim.scheduler.watchClaim(waiting.claimToken, (e) => {
        if (e.kind === "waiting") watched.push(e.message);
      });
      const reasons = async () =>
        (await sim.store.listClaimEvents(waiting.view.claim.id)).filter((e) => e.kind === "waiting").map((e) => e.message);
      await sim.until("the reason in the timeline", async () => (await reasons()).length > 0);
      await sim.advance(30_000);
      assert.deepEqual(await reasons(), ["no provider can launch jammy now (east: paused by an operator; west: full: 1 of 1 nodes)"]);
      // A new reason is told once more, to the timeline and to watchers.
      await sim.scheduler.setProviderMode("east", "draining");
      await sim.advance(30_000);
      const draining = "no provider can launch jammy now (east: draining by an operator; west: full: 1 of 1 nodes)";
      assert.equal((await reasons())[1], draining);
      assert.deepEqual(watched, [draining], "a watcher hears the new reason, once");
      await sim.scheduler.setProviderMode("east", "active");
      await sim.until("the claim served from east", async () => (await sim.claimRecord(waiting.view.claim.id)).state === "fulfilled");
      assert.equal((await reasons()).length, 2, "a reason was written again without a change");
      unwatch();
    } finally {
      await sim.close();
    }
  },
);

t.run();
