import assert from "node:assert/strict";
import { silentLogger } from "../../server/core/index.js";
import { Backoff, DELETE_POLICY, POLL_POLICY, retryDelay, startingAt } from "../../server/core/retry.js";
import { QUOTA_PAUSE_POLICY } from "../../server/scheduler/pool/pauses.js";
import { LeakReaper } from "../../server/scheduler/reaper.js";
import { suite } from "../lib/harness.js";

const t = suite("retry policies and the two-pass reaper");

t("a poll backs off from its first delay, doubling up to 5 s; a delete up to 30 s", () => {
  const poll = new Backoff(startingAt(POLL_POLICY, 100));
  assert.deepEqual(
    Array.from({ length: 8 }, () => poll.next()),
    [100, 200, 400, 800, 1600, 3200, 5000, 5000],
  );
  const del = new Backoff(DELETE_POLICY);
  assert.deepEqual(
    Array.from({ length: 8 }, () => del.next()),
    [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000],
  );
  assert.equal(del.attempts, 8);
  del.reset();
  assert.equal(del.next(), 500);
});

t("a quota pause lasts 30 s, doubling per refusal in a row up to 10 min", () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7].map((n) => retryDelay(QUOTA_PAUSE_POLICY, n)),
    [30_000, 60_000, 120_000, 240_000, 480_000, 600_000, 600_000],
  );
});

t("jitter spreads a delay by at most its fraction either way", () => {
  const policy = { initialDelayMs: 1000, maxDelayMs: 1000, multiplier: 2, jitter: 0.2 };
  assert.equal(
    retryDelay(policy, 1, () => 0),
    800,
  );
  assert.equal(
    retryDelay(policy, 1, () => 0.5),
    1000,
  );
  assert.equal(
    retryDelay(policy, 1, () => 0.999999),
    1200,
  );
});

t("a leaked resource is deleted only when two passes in a row find it; one seen once and then accounted for starts over", async () => {
  const reaper = new LeakReaper("instance", "node", silentLogger);
  const deleted: string[] = [];
  const remove = async (id: string) => {
    deleted.push(id);
  };
  assert.deepEqual(await reaper.pass("a", new Set(["x", "y"]), remove), []);
  // y is accounted for in the second pass; x is found again, and z for the first time.
  assert.deepEqual(await reaper.pass("a", new Set(["x", "z"]), remove), ["x"]);
  assert.deepEqual(await reaper.pass("a", new Set(["y"]), remove), []);
  // Passes over another provider count apart.
  assert.deepEqual(await reaper.pass("b", new Set(["y"]), remove), []);
  assert.deepEqual(await reaper.pass("a", new Set(["y", "z"]), remove), ["y"]);
  assert.deepEqual(deleted, ["x", "y"]);
});

t("a failed deletion is tried again at the next pass", async () => {
  const reaper = new LeakReaper("image", "image", silentLogger);
  let fail = true;
  const remove = async () => {
    if (fail) throw new Error("busy");
  };
  await reaper.pass("a", new Set(["i"]), remove);
  assert.deepEqual(await reaper.pass("a", new Set(["i"]), remove), []);
  fail = false;
  assert.deepEqual(await reaper.pass("a", new Set(["i"]), remove), ["i"]);
});

t.run();
