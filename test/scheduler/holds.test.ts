import assert from "node:assert/strict";
import { ManualClock } from "../../common/clock.js";
import { silentLogger } from "../../common/log.js";
import { seededRandom } from "../../common/random.js";
import { effectiveExpiry } from "../../server/scheduler/hold-expiry.js";
import { AutoholdRules } from "../../server/scheduler/hold-rules.js";
import { fingerprintOf } from "../../server/scheduler/holds.js";
import { openStore } from "../../server/store/index.js";
import { suite } from "../lib/harness.js";
import { makeClaim, makeNode } from "../store/fixtures.js";
import { makeRule } from "../store/holds-contract.js";

const t = suite("holds: rules and expiry");
const HOUR = 3_600_000;

t("a rule matches on requester exactly, on the job-name pattern, and on any node's tags; empty conditions match anything", async () => {
  const store = await openStore("sqlite::memory:");
  try {
    const rules = new AutoholdRules(store.holds, new ManualClock(), seededRandom(1), silentLogger);
    const claim = makeClaim({ requester: "jenkins", jobName: "integration-db-7" });
    const nodes = [makeNode({ tags: ["noble", "py313"] }), makeNode({ tags: ["jammy", "py312", "x86_64"] })];
    const rule = makeRule({ labelExpression: "jammy && py312", requester: "jenkins", jobNamePattern: "^integration-" });
    assert.equal(rules.matches(rule, claim, nodes), true, "the second node satisfies the expression");
    assert.equal(rules.matches(rule, claim, nodes.slice(0, 1)), false, "no node satisfies it");
    assert.equal(rules.matches(rule, { ...claim, requester: "Jenkins" }, nodes), false, "requester is exact");
    assert.equal(rules.matches(rule, { ...claim, jobName: "unit-integration-1" }, nodes), false, "anchored pattern");
    assert.equal(rules.matches({ ...rule, jobNamePattern: "db" }, claim, nodes), true, "a pattern matches anywhere unless anchored");
    assert.equal(rules.matches(makeRule({ labelExpression: "", requester: "", jobNamePattern: "" }), claim, []), true);
    assert.equal(rules.matches({ ...rule, labelExpression: "!x86_64" }, claim, nodes), true, "negation, satisfied by the first node");
  } finally {
    await store.close();
  }
});

t("firing takes the oldest matching rule that has firings left, and stops at each rule's count", async () => {
  const store = await openStore("sqlite::memory:");
  try {
    const rules = new AutoholdRules(store.holds, new ManualClock(), seededRandom(1), silentLogger);
    await store.holds.createRule(
      makeRule({ id: "older", requester: "", jobNamePattern: "", labelExpression: "", maxCount: 1, createdAt: 1 }),
    );
    await store.holds.createRule(
      makeRule({ id: "newer", requester: "", jobNamePattern: "", labelExpression: "", maxCount: 2, createdAt: 2 }),
    );
    await store.holds.createRule(makeRule({ id: "never", requester: "nobody", maxCount: 9, createdAt: 0 }));
    const claim = makeClaim();
    const fired = [];
    for (let i = 0; i < 4; i++) fired.push((await rules.fire(claim, [makeNode()]))?.id ?? "none");
    assert.deepEqual(fired, ["older", "newer", "newer", "none"]);
    await rules.unfire("newer");
    assert.equal((await rules.fire(claim, [makeNode()]))?.id, "newer");
  } finally {
    await store.close();
  }
});

t("rules added at run time are validated and unique; config rules sync under config/ and cannot be deleted through the API", async () => {
  const store = await openStore("sqlite::memory:");
  try {
    const rules = new AutoholdRules(store.holds, new ManualClock(), seededRandom(1), silentLogger);
    await rules.sync([{ name: "nightly", labels: "", requester: "", jobName: "^nightly", count: 3, duration: 0, reason: "" }]);
    const base = {
      name: "",
      labelExpression: "",
      requester: "",
      jobNamePattern: "",
      count: 1,
      durationMs: 0,
      reason: "",
      createdBy: "ops",
    };
    const made = await rules.create(base, 2 * HOUR);
    assert.match(made.id, /^rule-/);
    await assert.rejects(rules.create({ ...base, name: "config/nightly" }, 2 * HOUR), /name/);
    await assert.rejects(rules.create({ ...base, name: made.id }, 2 * HOUR), /exists/);
    await assert.rejects(rules.create({ ...base, durationMs: 3 * HOUR }, 2 * HOUR), /duration_seconds/);
    await assert.rejects(rules.delete("config/nightly", "ops"), /configuration file/);
    await rules.delete(made.id, "ops");
    assert.deepEqual(
      (await rules.list()).map((r) => r.id),
      ["config/nightly"],
    );
  } finally {
    await store.close();
  }
});

t("a hold expires when asked, never later than the maximum after it began; a held node without a record gets the default", () => {
  const durations = { defaultMs: HOUR, maxMs: 4 * HOUR };
  const node = { stateChangedAt: 1_000 };
  assert.equal(effectiveExpiry(node, { heldAt: 10_000, expiresAt: 10_000 + 2 * HOUR }, durations), 10_000 + 2 * HOUR);
  assert.equal(effectiveExpiry(node, { heldAt: 10_000, expiresAt: 10_000 + 9 * HOUR }, durations), 10_000 + 4 * HOUR);
  assert.equal(
    effectiveExpiry(node, { heldAt: 10_000, expiresAt: 10_000 + 3 * HOUR }, { ...durations, maxMs: HOUR }),
    10_000 + HOUR,
    "a lowered maximum shortens holds",
  );
  assert.equal(effectiveExpiry(node, undefined, durations), 1_000 + HOUR);
});

t("a key's fingerprint is OpenSSH's SHA256 one", () => {
  const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl test";
  // What `ssh-keygen -lf` prints for it.
  assert.equal(fingerprintOf(key), "SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU");
  assert.equal(fingerprintOf(key), fingerprintOf(key.replace(" test", " other comment")));
});

t.run();
