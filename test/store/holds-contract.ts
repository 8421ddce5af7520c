import assert from "node:assert/strict";
import type { HoldKeyRecord, HoldRecord, HoldRuleRecord, HoldSnapshotRecord } from "../../server/core/index.js";
import type { SqlStore } from "../../server/store/index.js";
import type { Suite } from "../lib/harness.js";
import type { StoreFixture } from "./fixtures.js";

let sequence = 0;
const unique = (prefix: string) => `${prefix}-${(++sequence).toString().padStart(5, "0")}`;

export function makeHold(over: Partial<HoldRecord> = {}): HoldRecord {
  return {
    nodeId: unique("n"),
    reason: "flaky test",
    requester: "alice",
    source: "release",
    ruleId: "",
    claimId: "c-1",
    jobName: "build",
    heldAt: 1_000,
    expiresAt: 90_000,
    endedAt: 0,
    endReason: "",
    ...over,
  };
}

export function makeRule(over: Partial<HoldRuleRecord> = {}): HoldRuleRecord {
  return {
    id: unique("rule"),
    source: "api",
    labelExpression: "jammy && py312",
    requester: "jenkins",
    jobNamePattern: "^integration-",
    maxCount: 2,
    fired: 0,
    durationMs: 3_600_000,
    reason: "flaky integration",
    createdBy: "ops",
    createdAt: 1_000,
    ...over,
  };
}

function makeSnapshot(over: Partial<HoldSnapshotRecord> = {}): HoldSnapshotRecord {
  return {
    id: unique("snap"),
    nodeId: "n-1",
    provider: "east",
    imageName: "hold-n-1",
    visibility: "shared",
    operationId: "",
    imageId: "",
    state: "running",
    error: "",
    requestedBy: "bob",
    createdAt: 5_000,
    doneAt: 0,
    ...over,
  };
}

/**
 * The hold part of the store contract (HoldStore), on SQLite and MariaDB
 * alike; called from contract.ts.
 */
export function defineHoldStoreContract(t: Suite, fresh: () => Promise<StoreFixture>): void {
  const withStores = async (fn: (store: SqlStore, open: () => Promise<SqlStore>) => Promise<void>): Promise<void> => {
    const fixture = await fresh();
    const opened: SqlStore[] = [];
    const open = async () => {
      const s = await fixture.open();
      opened.push(s);
      return s;
    };
    try {
      await fn(await open(), open);
    } finally {
      for (const s of opened) await s.close();
      await fixture.dispose();
    }
  };

  t("holds: a hold round-trips every field, a second put replaces it, unknown nodes have none", () =>
    withStores(async (store) => {
      const hold = makeHold({
        reason: `it's "odd"; \\ and ünïcode ✓`,
        source: "rule",
        ruleId: "config/flaky",
        heldAt: 2 ** 41,
        expiresAt: 2 ** 41 + 1,
      });
      await store.holds.putHolds([hold, makeHold()]);
      assert.deepEqual(await store.holds.getHolds([hold.nodeId]), [hold]);
      const replaced = { ...hold, reason: "again", requester: "bob", expiresAt: 5 };
      await store.holds.putHolds([replaced]);
      assert.deepEqual(await store.holds.getHolds([hold.nodeId, "n-unknown"]), [replaced]);
      assert.deepEqual(await store.holds.getHolds([]), []);
    }),
  );

  t("holds: active holds are listed oldest first; ending and extending apply only while a hold lasts", () =>
    withStores(async (store) => {
      const late = makeHold({ heldAt: 300 });
      const early = makeHold({ heldAt: 100 });
      const gone = makeHold({ heldAt: 200 });
      await store.holds.putHolds([late, early, gone]);
      assert.equal(await store.holds.endHold(gone.nodeId, 400, "expired"), true);
      assert.equal(await store.holds.endHold(gone.nodeId, 500, "again"), false, "ending twice");
      assert.deepEqual(
        (await store.holds.listActiveHolds()).map((h) => h.nodeId),
        [early.nodeId, late.nodeId],
      );
      const [ended] = await store.holds.getHolds([gone.nodeId]);
      assert.equal(ended?.endedAt, 400);
      assert.equal(ended?.endReason, "expired");
      assert.equal(await store.holds.extendHold(early.nodeId, 777, "longer"), true);
      assert.equal(await store.holds.extendHold(gone.nodeId, 777, "longer"), false, "an ended hold is not extended");
      const [extended] = await store.holds.getHolds([early.nodeId]);
      assert.equal(extended?.expiresAt, 777);
      assert.equal(extended?.reason, "longer");
    }),
  );

  t("holds: a key is recorded once per node and fingerprint, the latest adder winning", () =>
    withStores(async (store) => {
      const key: HoldKeyRecord = {
        nodeId: "n-1",
        fingerprint: "SHA256:abc",
        publicKey: "ssh-ed25519 AAAA dev",
        addedBy: "alice",
        addedAt: 10,
      };
      await store.holds.putKey(key);
      await store.holds.putKey({ ...key, addedBy: "bob", addedAt: 20 });
      await store.holds.putKey({ ...key, fingerprint: "SHA256:def", addedAt: 15 });
      await store.holds.putKey({ ...key, nodeId: "n-2" });
      const keys = await store.holds.listKeys(["n-1"]);
      assert.deepEqual(
        keys.map((k) => [k.fingerprint, k.addedBy, k.addedAt]),
        [
          ["SHA256:def", "alice", 15],
          ["SHA256:abc", "bob", 20],
        ],
      );
      assert.equal((await store.holds.listKeys(["n-1", "n-2"])).length, 3);
    }),
  );

  t("holds: snapshots round-trip, are replaced by id and filtered by node and state", () =>
    withStores(async (store) => {
      const running = makeSnapshot();
      const other = makeSnapshot({ nodeId: "n-2", state: "failed", error: "no room", createdAt: 6_000, doneAt: 7_000 });
      await store.holds.putSnapshot(running);
      await store.holds.putSnapshot(other);
      assert.deepEqual(await store.holds.getSnapshot(running.id), running);
      assert.equal(await store.holds.getSnapshot("snap-unknown"), undefined);
      const done = { ...running, operationId: "op-1", imageId: "img-1", state: "done" as const, doneAt: 9_000 };
      await store.holds.putSnapshot(done);
      assert.deepEqual(await store.holds.listSnapshots({ nodeIds: ["n-1"] }), [done]);
      assert.deepEqual(
        (await store.holds.listSnapshots({ states: ["failed"] })).map((s) => s.id),
        [other.id],
      );
      assert.deepEqual(
        (await store.holds.listSnapshots({})).map((s) => s.id),
        [running.id, other.id],
      );
      assert.deepEqual(await store.holds.listSnapshots({ states: [] }), []);
    }),
  );

  t("holds: a rule fires up to its count and no further, can be given a firing back, and is unique by id", () =>
    withStores(async (store) => {
      const rule = makeRule({ maxCount: 2 });
      assert.equal(await store.holds.createRule(rule), true);
      assert.equal(await store.holds.createRule({ ...rule, reason: "another" }), false);
      assert.deepEqual(await store.holds.getRule(rule.id), rule);
      assert.equal(await store.holds.fireRule(rule.id), true);
      assert.equal(await store.holds.fireRule(rule.id), true);
      assert.equal(await store.holds.fireRule(rule.id), false);
      assert.equal((await store.holds.getRule(rule.id))?.fired, 2);
      await store.holds.unfireRule(rule.id);
      assert.equal(await store.holds.fireRule(rule.id), true);
      assert.equal(await store.holds.fireRule("rule-unknown"), false);
      assert.equal(await store.holds.deleteRule(rule.id), true);
      assert.equal(await store.holds.deleteRule(rule.id), false);
      assert.deepEqual(await store.holds.listRules(), []);
    }),
  );

  t("holds: firing one rule concurrently from two handles never exceeds its count", () =>
    withStores(async (store, open) => {
      const other = await open();
      const rule = makeRule({ maxCount: 5 });
      await store.holds.createRule(rule);
      const fired = await Promise.all(Array.from({ length: 24 }, (_, i) => (i % 2 ? store : other).holds.fireRule(rule.id)));
      assert.equal(fired.filter(Boolean).length, 5);
      assert.equal((await other.holds.getRule(rule.id))?.fired, 5);
    }),
  );

  t(
    "holds: syncing config rules inserts, updates keeping the fire count, removes stale ones and leaves API rules alone; counts survive a reopen",
    () =>
      withStores(async (store, open) => {
        const api = makeRule({ id: "by-hand", createdAt: 1 });
        await store.holds.createRule(api);
        const a = makeRule({ id: "config/a", source: "config", maxCount: 3, createdAt: 2 });
        const b = makeRule({ id: "config/b", source: "config", createdAt: 3 });
        await store.holds.syncConfigRules([a, b]);
        assert.equal(await store.holds.fireRule("config/a"), true);
        await store.holds.syncConfigRules([{ ...a, maxCount: 4, reason: "changed", fired: 0, createdAt: 99 }]);
        const again = await open();
        const rules = await again.holds.listRules();
        assert.deepEqual(
          rules.map((r) => r.id),
          ["by-hand", "config/a"],
        );
        const synced = rules[1];
        assert.equal(synced?.fired, 1, "the fire count is kept");
        assert.equal(synced?.maxCount, 4);
        assert.equal(synced?.reason, "changed");
        assert.equal(synced?.createdAt, 2, "the creation time is kept");
        await again.holds.syncConfigRules([]);
        assert.deepEqual(
          (await store.holds.listRules()).map((r) => r.id),
          ["by-hand"],
        );
      }),
  );
}
