import assert from "node:assert/strict";
import { ManualClock, systemClock } from "../../common/clock.js";
import { StandbyError } from "../../common/errors.js";
import { silentLogger } from "../../common/log.js";
import type { Instance, Provider } from "../../common/provider.js";
import {
  CrashLoopDetector,
  DEFAULT_POLICIES,
  GuardedProvider,
  MalformedResponseError,
  RateLimiter,
  resolvePolicies,
  type CallTarget,
  type PolicyOverrides,
} from "../../server/plugin-host/index.js";
import { suite } from "../lib/harness.js";
import { bootSpec, codeOf, waitFor } from "./helpers.js";

const t = suite("provider isolation policies");

const instance = (nodeId: string): Instance => ({
  nodeId,
  instanceId: `i-${nodeId}`,
  state: "running",
  addresses: [],
  sshPort: 22,
  username: "u",
  hostKeys: [],
  tags: {},
  image: "img",
  flavor: "small",
  createdAt: 1,
  error: "",
});

/** A provider in this process whose every call does what `behaviour` says; counts calls per method. */
function scriptedTarget(behaviour: (method: keyof Provider) => "ok" | "hang" | StandbyError) {
  const calls: string[] = [];
  const deadlines: number[] = [];
  const target: CallTarget = {
    invoke: ((method: keyof Provider, args: unknown[], ctx: { deadline: number }) => {
      calls.push(method);
      deadlines.push(ctx.deadline);
      const what = behaviour(method);
      if (what === "hang") return new Promise(() => undefined);
      if (what instanceof StandbyError) return Promise.reject(what);
      if (method === "listInstances") return Promise.resolve([]);
      return Promise.resolve(instance(typeof args[0] === "string" ? args[0] : "x"));
    }) as CallTarget["invoke"],
  };
  return { target, calls, deadlines };
}

function guard(target: CallTarget, overrides: PolicyOverrides, unavailable?: () => StandbyError | undefined, onClose?: () => void) {
  return new GuardedProvider(target, {
    name: "p1",
    policies: resolvePolicies(overrides),
    clock: systemClock,
    log: silentLogger,
    ...(unavailable ? { unavailable } : {}),
    ...(onClose ? { onClose } : {}),
  });
}

t("policies are the defaults, then the host's, then the provider's own; bad values name the field", () => {
  assert.deepEqual(resolvePolicies(), DEFAULT_POLICIES);
  const p = resolvePolicies({ deadlines: { fastMs: 5_000 }, rateLimit: { perSecond: 10 } }, { deadlines: { acceptMs: 90_000 } });
  assert.deepEqual(p.deadlines, { fastMs: 5_000, acceptMs: 90_000, longMs: DEFAULT_POLICIES.deadlines.longMs });
  assert.equal(p.rateLimit.perSecond, 10);
  assert.equal(p.bulkhead.maxConcurrent, DEFAULT_POLICIES.bulkhead.maxConcurrent);
  assert.throws(() => resolvePolicies({ deadlines: { fastMs: 0 } }), { code: "invalid-argument", field: "policies.deadlines.fastMs" });
  assert.throws(() => resolvePolicies({ bulkhead: { maxQueued: -1 } }), { field: "policies.bulkhead.maxQueued" });
  assert.throws(() => resolvePolicies({ circuitBreaker: { nope: 1 } as never }), { field: "policies.circuitBreaker.nope" });
  assert.throws(() => resolvePolicies({ rateLimit: { perSecond: 5, burst: 0 } }), { field: "policies.rateLimit.burst" });
  // Bulkhead queue and rate limit may be 0 (no queue, no limit).
  assert.equal(resolvePolicies({ bulkhead: { maxQueued: 0 }, rateLimit: { perSecond: 0 } }).bulkhead.maxQueued, 0);
});

t("each call class gets its own deadline, and a call that never answers fails with deadline-exceeded", async () => {
  const s = scriptedTarget(() => "hang");
  const g = guard(s.target, { deadlines: { fastMs: 60, acceptMs: 150, longMs: 400 } });
  try {
    const fastStart = Date.now();
    await assert.rejects(g.getInstance("n1"), { code: "deadline-exceeded", message: /getInstance on provider p1: no answer within 60 ms/ });
    const fast = Date.now() - fastStart;
    const acceptStart = Date.now();
    await assert.rejects(g.boot(bootSpec("n1")), { code: "deadline-exceeded", message: /within 150 ms/ });
    const accept = Date.now() - acceptStart;
    assert.ok(fast >= 55 && fast < 140, `fast call took ${fast} ms`);
    assert.ok(accept >= 145 && accept < 300, `accept call took ${accept} ms`);
    // The provider underneath gets the same deadline (the plugin's gRPC deadline).
    const [d1 = 0, d2 = 0] = s.deadlines;
    assert.ok(d1 - fastStart >= 60 && d1 - fastStart < 70, `fast deadline ${d1 - fastStart} ms after the call`);
    assert.ok(d2 - acceptStart >= 150 && d2 - acceptStart < 160, `accept deadline ${d2 - acceptStart} ms after the call`);
  } finally {
    g.dispose();
  }
});

t("the bulkhead lets maxConcurrent calls run, queues maxQueued, and refuses the rest at once", async () => {
  let release: (() => void) | undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const target: CallTarget = {
    invoke: (async (method: keyof Provider, args: unknown[]) => {
      await gate;
      return instance(String(args[0]));
    }) as unknown as CallTarget["invoke"],
  };
  const g = guard(target, { bulkhead: { maxConcurrent: 2, maxQueued: 1 } });
  try {
    const running = [g.getInstance("a"), g.getInstance("b"), g.getInstance("c")];
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual({ inFlight: g.status().inFlight, queued: g.status().queued }, { inFlight: 2, queued: 1 });
    const started = Date.now();
    await assert.rejects(g.getInstance("d"), { code: "unavailable", message: /too many calls waiting \(2 in flight, 1 queued\)/ });
    assert.ok(Date.now() - started < 50);
    release?.();
    assert.deepEqual(
      (await Promise.all(running)).map((i) => i.nodeId),
      ["a", "b", "c"],
    );
    assert.equal(g.status().circuit, "closed", "refusals by the bulkhead are not the provider's failures");
  } finally {
    g.dispose();
  }
});

t("a queued call still fails at its deadline when the slots stay taken", async () => {
  const s = scriptedTarget(() => "hang");
  const g = guard(s.target, { bulkhead: { maxConcurrent: 1, maxQueued: 5 }, deadlines: { fastMs: 80 } });
  try {
    const first = assert.rejects(g.getInstance("a"), { code: "deadline-exceeded" });
    const started = Date.now();
    await assert.rejects(g.getInstance("b"), { code: "deadline-exceeded" });
    assert.ok(Date.now() - started < 200);
    await first;
    assert.deepEqual(s.calls, ["getInstance"], "the queued call never reached the provider");
  } finally {
    g.dispose();
  }
});

t("the rate limiter spends a burst at once, then spaces calls, and refuses a call it cannot serve before its deadline", async () => {
  const clock = new ManualClock(0);
  const limiter = new RateLimiter({ perSecond: 10, burst: 2 }, clock);
  await limiter.acquire(1_000);
  await limiter.acquire(1_000);
  let third = false;
  const waiting = limiter.acquire(1_000).then(() => (third = true));
  await clock.advance(99);
  assert.equal(third, false, "the third call waits for a token");
  await clock.advance(1);
  await waiting;
  assert.equal(third, true, "and goes 100 ms later (10 per second)");
  await assert.rejects(limiter.acquire(50), { code: "unavailable", message: /rate limited/ });
  assert.equal(new RateLimiter({ perSecond: 0, burst: 1 }, clock).limited, false);
});

t("the circuit opens after consecutive transient failures, fails fast while open, and a probe closes it", async () => {
  let healthy = false;
  let closed = 0;
  const s = scriptedTarget(() => (healthy ? "ok" : new StandbyError("unavailable", "cloud API down")));
  const g = guard(s.target, { circuitBreaker: { failures: 3, halfOpenAfterMs: 100, maxHalfOpenAfterMs: 100 } }, undefined, () => closed++);
  try {
    // Errors that are the caller's (not-found) do not count; transient ones do.
    for (let i = 0; i < 3; i++) await assert.rejects(g.getInstance("n"), { code: "unavailable", message: /cloud API down/ });
    assert.equal(g.status().circuit, "open");
    assert.match(g.status().reason, /3 transient failures in a row; last: cloud API down/);
    const calls = s.calls.length;
    const started = Date.now();
    await assert.rejects(g.boot(bootSpec("n2")), { code: "unavailable", message: /circuit open/ });
    assert.ok(Date.now() - started < 20);
    assert.equal(s.calls.length, calls, "an open circuit does not call the provider");
    healthy = true;
    await waitFor("the probe to close the circuit", () => g.status().circuit === "closed", 3_000);
    assert.equal(s.calls.at(-1), "listInstances", "the probe is a ListInstances");
    assert.equal(closed, 1, "closing is announced (the host tells the scheduler to reconcile)");
    assert.equal((await g.getInstance("n3")).nodeId, "n3");
  } finally {
    g.dispose();
  }
});

t("errors that are not transient do not open the circuit, malformed answers do", async () => {
  const notFound = scriptedTarget(() => new StandbyError("not-found", "no such node"));
  const g1 = guard(notFound.target, { circuitBreaker: { failures: 2 } });
  const malformed = scriptedTarget(() => new MalformedResponseError("plugin sent a malformed GetInstance answer"));
  const g2 = guard(malformed.target, { circuitBreaker: { failures: 2 } });
  try {
    for (let i = 0; i < 5; i++) assert.equal(await codeOf(g1.getInstance("n")), "not-found");
    assert.equal(g1.status().circuit, "closed");
    for (let i = 0; i < 2; i++) assert.equal(await codeOf(g2.getInstance("n")), "internal");
    assert.equal(g2.status().circuit, "open");
  } finally {
    g1.dispose();
    g2.dispose();
  }
});

t("while the plugin is restarting calls fail fast with its reason and the breaker does not count them", async () => {
  let down: StandbyError | undefined = new StandbyError("unavailable", "provider p1 is not serving (backoff)");
  const s = scriptedTarget(() => "ok");
  const g = guard(s.target, { circuitBreaker: { failures: 1 } }, () => down);
  try {
    for (let i = 0; i < 3; i++) await assert.rejects(g.getInstance("n"), { message: /not serving \(backoff\)/ });
    assert.equal(s.calls.length, 0);
    assert.equal(g.status().circuit, "closed");
    down = undefined;
    assert.equal((await g.getInstance("n")).nodeId, "n");
  } finally {
    g.dispose();
  }
});

t("a crash loop is so many unplanned ends within the window, and older ones fall out of it", () => {
  const d = new CrashLoopDetector({ maxCrashes: 3, windowMs: 1_000, disableForMs: 5_000 });
  assert.equal(d.record(0), false);
  assert.equal(d.record(500), false);
  assert.equal(d.record(1_200), false, "the crash at 0 is outside the window by now");
  assert.equal(d.record(1_400), true);
  assert.equal(d.count(1_400), 3);
  d.reset();
  assert.equal(d.count(1_400), 0);
  assert.match(d.describe(), /3 crashes within 1 s/);
});

t.run();
