import assert from "node:assert/strict";
import type { AllocationRequest, ClaimEventRecord, ClaimRecord, NodeRecord, Store } from "../../server/core/index.js";
import { isCode, LIVE_NODE_STATES } from "../../server/core/index.js";
import {
  MYSQL_MIGRATIONS,
  mysqlTables,
  shapeOfMysqlTables,
  shapeOfSqliteTables,
  SQLITE_MIGRATIONS,
  sqliteTables,
  type SqlStore,
} from "../../server/store/index.js";
import { suite, type Suite } from "../lib/harness.js";
import { makeClaim, makeNode, type StoreFixture } from "./fixtures.js";
import { defineImageStoreContract } from "./images-contract.js";
import { defineHoldStoreContract } from "./holds-contract.js";
import { defineTransitionContract } from "./transitions-contract.js";

type Open = () => Promise<SqlStore>;

const request = (claim: ClaimRecord, ...slots: string[][]): AllocationRequest => ({
  claimId: claim.id,
  slots: (slots.length > 0 ? slots : [claim.labelExpressions]).map((labels) => ({ labels })),
  leaseHash: `lease-of-${claim.id}`,
  leaseExpiresAt: 9_000_000,
});

/** A request that inserts its claim in the same transaction. */
const inserting = (claim: ClaimRecord, ...slots: string[][]): AllocationRequest => ({ ...request(claim, ...slots), insert: claim });

/**
 * The behaviour every Store must have, run against SQLite and MariaDB alike.
 * Each test gets a fresh database from `fresh`.
 */
export function defineStoreContract(name: string, fresh: () => Promise<StoreFixture>): Suite {
  const t = suite(name, { timeoutMs: 120_000 });

  /** Opens handles on a fresh database (none until asked), closes and drops them after. */
  async function withFixture(fn: (open: Open) => Promise<void>): Promise<void> {
    const fixture = await fresh();
    const opened: SqlStore[] = [];
    const open: Open = async () => {
      const store = await fixture.open();
      opened.push(store);
      return store;
    };
    try {
      await fn(open);
    } finally {
      for (const store of opened) await store.close();
      await fixture.dispose();
    }
  }

  const withStore = (fn: (store: SqlStore, open: Open) => Promise<void>) => withFixture(async (open) => fn(await open(), open));

  // ---- schema and migrations ----

  t("opening a database twice applies each migration once", () =>
    withStore(async (store, open) => {
      const again = await open();
      const expected = (store.dialect === "sqlite" ? SQLITE_MIGRATIONS : MYSQL_MIGRATIONS).map((m) => m.version);
      assert.deepEqual(
        (await store.appliedMigrations()).map((m) => m.version),
        expected,
      );
      assert.deepEqual(
        (await again.appliedMigrations()).map((m) => m.version),
        expected,
      );
    }),
  );

  t("two schedulers starting on an empty database at once both open it and migrate it once", () =>
    withFixture(async (open) => {
      const [a, b, c] = await Promise.all([open(), open(), open()]);
      const applied = await a.appliedMigrations();
      assert.equal(applied.length, (a.dialect === "sqlite" ? SQLITE_MIGRATIONS : MYSQL_MIGRATIONS).length);
      assert.deepEqual(await b.appliedMigrations(), applied);
      await c.insertNodes([makeNode()]);
      assert.equal((await a.listNodes()).length, 1);
    }),
  );

  t("the migrated database has exactly the tables, columns and indexes of the drizzle schema", () =>
    withStore(async (store) => {
      const live = (await store.describeSchema()).map(({ collation: _collation, ...table }) => table);
      const declared = store.dialect === "sqlite" ? shapeOfSqliteTables(sqliteTables) : shapeOfMysqlTables(mysqlTables);
      assert.deepEqual(live, declared);
    }),
  );

  // ---- meta ----

  t("meta keeps the first value set and ignores later ones", () =>
    withStore(async (store) => {
      assert.equal(await store.getMeta("owner-id"), undefined);
      assert.equal(await store.setMetaIfAbsent("owner-id", "first"), "first");
      assert.equal(await store.setMetaIfAbsent("owner-id", "second"), "first");
      assert.equal(await store.getMeta("owner-id"), "first");
    }),
  );

  t("meta set concurrently by two handles settles on one value for both", () =>
    withStore(async (store, open) => {
      const other = await open();
      const values = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? store : other).setMetaIfAbsent("token-key", `v${i}`)));
      assert.equal(new Set(values).size, 1);
      assert.equal(await store.getMeta("token-key"), values[0]);
    }),
  );

  // ---- nodes ----

  t("a node round-trips every field exactly", () =>
    withStore(async (store) => {
      const rich = makeNode({
        label: "jammy-py312",
        provider: "rax-dfw",
        state: "held",
        instanceId: "0f9c2e1a-7d4b-4c55-9e0b-2f1d3a4b5c6d",
        addresses: ["10.0.0.5", "2001:db8::5"],
        sshPort: 2222,
        username: "zuul",
        hostKeys: ["10.0.0.5 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB", "[10.0.0.5]:2222 ecdsa-sha2-nistp256 AAAA"],
        tags: ["jammy", "py312", "x86_64", "ünïcødé ✓"],
        image: "jammy-cached@2026-01-01",
        flavor: "m1.large",
        claimId: "c-123",
        createdAt: 1_767_225_600_123,
        stateChangedAt: 1_767_225_700_456,
        readyAt: 1_767_225_650_789,
        failureReason: "ssh: connect to host 10.0.0.5 port 22: No route to host\nretried 3×",
      });
      const plain = makeNode({ sshPort: 0, username: "", tags: [], createdAt: 0, stateChangedAt: 0, readyAt: 0, state: "launching" });
      await store.insertNodes([rich, plain]);
      assert.deepEqual(await store.getNode(rich.id), rich);
      assert.deepEqual(await store.getNode(plain.id), plain);
      assert.equal(await store.getNode("n-missing"), undefined);
    }),
  );

  t("inserting a node whose id exists fails as already-exists and inserts none of the batch", () =>
    withStore(async (store) => {
      const node = makeNode();
      await store.insertNodes([node]);
      const fresh = makeNode();
      await assert.rejects(store.insertNodes([fresh, { ...node }]), (err) => isCode(err, "already-exists"));
      assert.equal(await store.getNode(fresh.id), undefined);
    }),
  );

  t("listNodes orders by creation then id, hides gone nodes unless asked, and filters", () =>
    withStore(async (store) => {
      const a = makeNode({ id: "n-b", createdAt: 5, label: "x", provider: "p1" });
      const b = makeNode({ id: "n-a", createdAt: 5, label: "y", provider: "p1", state: "claimed", claimId: "c-1" });
      const c = makeNode({ id: "n-c", createdAt: 1, label: "x", provider: "p2" });
      const gone = makeNode({ id: "n-d", createdAt: 0, label: "x", provider: "p2", state: "gone" });
      await store.insertNodes([a, b, c, gone]);
      const ids = (nodes: NodeRecord[]) => nodes.map((n) => n.id);
      assert.deepEqual(ids(await store.listNodes()), ["n-c", "n-a", "n-b"]);
      assert.deepEqual(ids(await store.listNodes({ states: ["gone"] })), ["n-d"]);
      assert.deepEqual(ids(await store.listNodes({ states: [...LIVE_NODE_STATES, "gone"] })), ["n-d", "n-c", "n-a", "n-b"]);
      assert.deepEqual(ids(await store.listNodes({ label: "x" })), ["n-c", "n-b"]);
      assert.deepEqual(ids(await store.listNodes({ provider: "p2", label: "x" })), ["n-c"]);
      assert.deepEqual(ids(await store.listNodes({ claimId: "c-1" })), ["n-a"]);
      assert.deepEqual(ids(await store.listNodes({ states: ["ready"], provider: "p1" })), ["n-b"]);
      assert.deepEqual(await store.listNodes({ states: [] }), []);
    }),
  );

  t("a transition from the wrong state changes nothing", () =>
    withStore(async (store) => {
      const node = makeNode({ state: "booted", stateChangedAt: 10, readyAt: 0 });
      await store.insertNodes([node]);
      const changed = await store.transitionNodes([{ id: node.id, from: ["checking"], to: "ready", at: 50 }]);
      assert.deepEqual(changed, []);
      assert.deepEqual(await store.getNode(node.id), node);
      assert.deepEqual(await store.transitionNodes([{ id: "n-missing", from: ["booted"], to: "checking", at: 50 }]), []);
    }),
  );

  t("a transition stamps the change, sets readyAt on entering ready, and applies its patch", () =>
    withStore(async (store) => {
      const a = makeNode({ state: "checking", stateChangedAt: 10, readyAt: 0 });
      const b = makeNode({ state: "launching", stateChangedAt: 10, readyAt: 0 });
      const c = makeNode({ state: "checking", stateChangedAt: 10, readyAt: 0 });
      await store.insertNodes([a, b, c]);
      const changed = await store.transitionNodes([
        { id: a.id, from: ["checking"], to: "ready", at: 100 },
        { id: b.id, from: ["launching"], to: "booted", at: 101, patch: { instanceId: "i-9", addresses: ["10.1.1.1"], hostKeys: ["k"] } },
        { id: c.id, from: ["checking"], to: "ready", at: 102, patch: { readyAt: 7 } },
      ]);
      assert.deepEqual(changed, [a.id, b.id, c.id]);
      assert.deepEqual(await store.getNode(a.id), { ...a, state: "ready", stateChangedAt: 100, readyAt: 100 });
      assert.deepEqual(await store.getNode(b.id), {
        ...b,
        state: "booted",
        stateChangedAt: 101,
        instanceId: "i-9",
        addresses: ["10.1.1.1"],
        hostKeys: ["k"],
      });
      assert.deepEqual(await store.getNode(c.id), { ...c, state: "ready", stateChangedAt: 102, readyAt: 7 });
    }),
  );

  t("a batch of transitions applies exactly the ones whose from-state matches", () =>
    withStore(async (store) => {
      const nodes = Array.from({ length: 600 }, (_, i) =>
        makeNode({ state: i % 3 === 0 ? "checking" : i % 3 === 1 ? "booted" : "claimed", readyAt: 0 }),
      );
      await store.insertNodes(nodes);
      const changes = nodes.map((n, i) =>
        i % 2 === 0
          ? { id: n.id, from: ["checking" as const], to: "ready" as const, at: 500 }
          : { id: n.id, from: ["booted" as const, "checking" as const], to: "failed" as const, at: 600, patch: { failureReason: "boom" } },
      );
      const changed = await store.transitionNodes(changes);
      const expected = nodes.filter((n, i) => (i % 2 === 0 ? n.state === "checking" : n.state !== "claimed")).map((n) => n.id);
      assert.deepEqual(changed, expected);
      const after = new Map((await store.listNodes({ states: [...LIVE_NODE_STATES] })).map((n) => [n.id, n]));
      nodes.forEach((n, i) => {
        const now = after.get(n.id)!;
        if (!expected.includes(n.id)) assert.deepEqual(now, n);
        else if (i % 2 === 0) assert.deepEqual(now, { ...n, state: "ready", stateChangedAt: 500, readyAt: 500 });
        else assert.deepEqual(now, { ...n, state: "failed", stateChangedAt: 600, failureReason: "boom" });
      });
    }),
  );

  t("a node changed twice in one batch sees the first change, in small batches and large", () =>
    withStore(async (store) => {
      for (const others of [0, 8]) {
        const node = makeNode({ state: "booted" });
        const rest = Array.from({ length: others }, () => makeNode({ state: "launching" }));
        await store.insertNodes([node, ...rest]);
        const changed = await store.transitionNodes([
          ...rest.map((n) => ({
            id: n.id,
            from: ["launching" as const],
            to: "booted" as const,
            at: 19,
            patch: { instanceId: `i-${n.id}` },
          })),
          { id: node.id, from: ["booted"], to: "checking", at: 20, patch: { failureReason: "slow boot" } },
          { id: node.id, from: ["booted"], to: "failed", at: 21 },
          { id: node.id, from: ["checking"], to: "ready", at: 22, patch: { instanceId: "i-final" } },
        ]);
        assert.deepEqual(changed, [...rest.map((n) => n.id), node.id]);
        assert.deepEqual(await store.getNode(node.id), {
          ...node,
          state: "ready",
          stateChangedAt: 22,
          readyAt: 22,
          instanceId: "i-final",
          failureReason: "slow boot",
        });
        for (const n of rest)
          assert.deepEqual(await store.getNode(n.id), { ...n, state: "booted", stateChangedAt: 19, instanceId: `i-${n.id}` });
      }
    }),
  );

  t("countNodes counts per label, provider and state, leaving gone nodes out", () =>
    withStore(async (store) => {
      await store.insertNodes([
        makeNode({ label: "x", provider: "p1", state: "ready" }),
        makeNode({ label: "x", provider: "p1", state: "ready" }),
        makeNode({ label: "x", provider: "p1", state: "launching" }),
        makeNode({ label: "x", provider: "p2", state: "ready" }),
        makeNode({ label: "y", provider: "p1", state: "claimed" }),
        makeNode({ label: "y", provider: "p1", state: "gone" }),
      ]);
      const counts = await store.countNodes();
      const key = (c: { label: string; provider: string; state: string }) => `${c.label}/${c.provider}/${c.state}`;
      assert.deepEqual(
        new Map(counts.map((c) => [key(c), c.count])),
        new Map([
          ["x/p1/launching", 1],
          ["x/p1/ready", 2],
          ["x/p2/ready", 1],
          ["y/p1/claimed", 1],
        ]),
      );
      assert.ok(counts.every((c) => typeof c.count === "number"));
    }),
  );

  // ---- claims ----

  t("a claim round-trips every field exactly, including an empty request id", () =>
    withStore(async (store) => {
      const rich = makeClaim({
        requestId: "jenkins-build-42-attempt-1",
        requestHash: "sha256:abcdef",
        state: "fulfilled",
        labelExpressions: ["jammy && py312", "oneiric || (jammy && !arm64)"],
        requester: "jenkins@ci.example.org",
        jobName: "folder/sub folder/job name ✓",
        priority: -5,
        leaseTtlSeconds: 3600,
        sshPublicKeys: ["ssh-ed25519 AAAAC3 dev@laptop", "ssh-rsa AAAAB3 other"],
        tokenHash: "0".repeat(64),
        createdAt: 1_767_225_600_001,
        lastSeenAt: 1_767_225_600_002,
        fulfilledAt: 1_767_225_600_003,
        leaseHash: "f".repeat(64),
        leaseExpiresAt: 1_767_229_200_004,
        nodeIds: ["n-1", "n-2"],
        outcome: "failure",
        endedAt: 1_767_229_000_005,
        failureReason: "job failed: exit 1",
      });
      const plain = makeClaim({
        requestId: "",
        labelExpressions: [],
        requester: "",
        jobName: "",
        tokenHash: "",
        createdAt: 0,
        lastSeenAt: 0,
        leaseTtlSeconds: 0,
      });
      assert.deepEqual(await store.createClaim(rich), { claim: rich, created: true });
      assert.deepEqual(await store.createClaim(plain), { claim: plain, created: true });
      assert.deepEqual(await store.getClaim(rich.id), rich);
      assert.deepEqual(await store.getClaim(plain.id), plain);
      assert.equal(await store.getClaim("c-missing"), undefined);
    }),
  );

  t("creating a claim with a known request id returns the existing claim", () =>
    withStore(async (store) => {
      const first = makeClaim({ requestId: "req-1", requestHash: "h1" });
      const retry = makeClaim({ requestId: "req-1", requestHash: "h2", priority: 9 });
      assert.equal((await store.createClaim(first)).created, true);
      assert.deepEqual(await store.createClaim(retry), { claim: first, created: false });
      assert.equal(await store.getClaim(retry.id), undefined);
    }),
  );

  t("claims without a request id are never taken for duplicates", () =>
    withStore(async (store) => {
      const a = await store.createClaim(makeClaim({ requestId: "" }));
      const b = await store.createClaim(makeClaim({ requestId: "" }));
      assert.equal(a.created && b.created, true);
      assert.equal((await store.listClaims()).length, 2);
    }),
  );

  t("creating a claim whose id exists fails as already-exists", () =>
    withStore(async (store) => {
      const claim = makeClaim();
      await store.createClaim(claim);
      await assert.rejects(store.createClaim({ ...claim, priority: 3 }), (err) => isCode(err, "already-exists"));
    }),
  );

  t("concurrent creates with one request id, from two handles, make exactly one claim", () =>
    withStore(async (store, open) => {
      const other = await open();
      const attempts = Array.from({ length: 16 }, () => makeClaim({ requestId: "req-race" }));
      const results = await Promise.all(attempts.map((c, i) => (i % 2 ? store : other).createClaim(c)));
      assert.equal(results.filter((r) => r.created).length, 1);
      const winner = results.find((r) => r.created)!.claim;
      for (const r of results) assert.deepEqual(r.claim, winner);
      assert.equal((await store.listClaims()).length, 1);
    }),
  );

  t("listClaims orders by priority, then age, then id, and filters by state and lease expiry", () =>
    withStore(async (store) => {
      const claims = [
        makeClaim({ id: "c-4", priority: 0, createdAt: 10 }),
        makeClaim({ id: "c-2", priority: 5, createdAt: 30, state: "fulfilled", leaseExpiresAt: 100 }),
        makeClaim({ id: "c-3", priority: 0, createdAt: 10, state: "fulfilled", leaseExpiresAt: 300 }),
        makeClaim({ id: "c-1", priority: 0, createdAt: 20 }),
        makeClaim({ id: "c-5", priority: -1, createdAt: 0, state: "released" }),
      ];
      for (const c of claims) await store.createClaim(c);
      const ids = (list: ClaimRecord[]) => list.map((c) => c.id);
      assert.deepEqual(ids(await store.listClaims()), ["c-2", "c-3", "c-4", "c-1", "c-5"]);
      assert.deepEqual(ids(await store.listClaims({ states: ["queued"] })), ["c-4", "c-1"]);
      assert.deepEqual(ids(await store.listClaims({ states: ["fulfilled", "released"] })), ["c-2", "c-3", "c-5"]);
      assert.deepEqual(ids(await store.listClaims({ leaseExpiresBefore: 300 })), ["c-2"]);
      assert.deepEqual(ids(await store.listClaims({ leaseExpiresBefore: 301, states: ["fulfilled"] })), ["c-2", "c-3"]);
      assert.deepEqual(await store.listClaims({ states: [] }), []);
    }),
  );

  t("a batch of claim updates applies in order, each seeing the state the previous one left", () =>
    withStore(async (store) => {
      const claims = Array.from({ length: 6 }, () => makeClaim());
      for (const c of claims) await store.createClaim(c);
      const [a, b] = claims as [ClaimRecord, ClaimRecord];
      const moved = await store.transitionClaims([
        { id: b.id, from: ["queued"], to: "cancelled", patch: { endedAt: 5 } },
        { id: b.id, from: ["queued"], to: "failed" },
      ]);
      assert.deepEqual(moved, [b.id]);
      const changed = await store.updateClaims([
        { id: a.id, from: ["queued"], patch: { lastSeenAt: 6 } },
        { id: b.id, from: ["queued"], patch: { failureReason: "not queued" } },
        { id: b.id, from: ["cancelled"], patch: { failureReason: "gone" } },
        ...claims.slice(2).map((c) => ({ id: c.id, from: ["queued" as const], patch: { priority: 3 } })),
      ]);
      assert.deepEqual(changed, [a.id, b.id, ...claims.slice(2).map((c) => c.id)]);
      assert.deepEqual(await store.getClaim(a.id), { ...a, lastSeenAt: 6 });
      assert.deepEqual(await store.getClaim(b.id), { ...b, state: "cancelled", endedAt: 5, failureReason: "gone" });
      for (const c of claims.slice(2)) assert.deepEqual(await store.getClaim(c.id), { ...c, priority: 3 });
    }),
  );

  t("updateClaims is compare-and-set and applies patches", () =>
    withStore(async (store) => {
      const a = makeClaim({ requestId: "r-a" });
      const b = makeClaim({ state: "cancelled" });
      const c = makeClaim();
      for (const claim of [a, b, c]) await store.createClaim(claim);
      const changed = await store.updateClaims([
        { id: a.id, from: ["queued"], patch: { lastSeenAt: 77, sshPublicKeys: ["ssh-ed25519 K"], requestId: "" } },
        { id: b.id, from: ["queued"], patch: { lastSeenAt: 78 } },
        { id: "c-missing", from: ["queued"], patch: { lastSeenAt: 1 } },
      ]);
      assert.deepEqual(changed, [a.id]);
      const moved = await store.transitionClaims([
        { id: b.id, from: ["queued"], to: "failed" },
        { id: c.id, from: ["queued", "fulfilled"], to: "cancelled", patch: { endedAt: 80, outcome: "aborted" } },
        { id: "c-missing", from: ["queued"], to: "cancelled" },
      ]);
      assert.deepEqual(moved, [c.id]);
      assert.deepEqual(await store.getClaim(a.id), { ...a, lastSeenAt: 77, sshPublicKeys: ["ssh-ed25519 K"], requestId: "" });
      assert.deepEqual(await store.getClaim(b.id), b);
      assert.deepEqual(await store.getClaim(c.id), { ...c, state: "cancelled", endedAt: 80, outcome: "aborted" });
      // The request id was cleared, so it may be used again.
      assert.equal((await store.createClaim(makeClaim({ requestId: "r-a" }))).created, true);
    }),
  );

  // ---- allocate ----

  t("allocate hands a ready node to a queued claim and returns both as stored", () =>
    withStore(async (store) => {
      const node = makeNode({ label: "jammy", provider: "alpha", readyAt: 100 });
      const claim = makeClaim({ labelExpressions: ["jammy"] });
      await store.insertNodes([node]);
      await store.createClaim(claim);
      const [allocation] = await store.allocate([request(claim, ["jammy"])], 2_000);
      assert.ok(allocation?.claim);
      assert.deepEqual(
        allocation.nodes.map((n) => n.id),
        [node.id],
      );
      const storedNode = await store.getNode(node.id);
      const storedClaim = await store.getClaim(claim.id);
      assert.deepEqual(storedNode, { ...node, state: "claimed", claimId: claim.id, stateChangedAt: 2_000 });
      assert.deepEqual(storedClaim, {
        ...claim,
        state: "fulfilled",
        fulfilledAt: 2_000,
        leaseHash: `lease-of-${claim.id}`,
        leaseExpiresAt: 9_000_000,
        nodeIds: [node.id],
      });
      assert.deepEqual(allocation.nodes, [storedNode]);
      assert.deepEqual(allocation.claim, storedClaim);
    }),
  );

  t("allocate takes the oldest ready node first, across providers", () =>
    withStore(async (store) => {
      const newer = makeNode({ provider: "alpha", readyAt: 300 });
      const oldest = makeNode({ provider: "beta", readyAt: 100 });
      const middle = makeNode({ provider: "alpha", readyAt: 200 });
      await store.insertNodes([newer, oldest, middle]);
      const claims = [makeClaim(), makeClaim(), makeClaim()];
      for (const c of claims) await store.createClaim(c);
      const allocations = await store.allocate(
        claims.map((c) => request(c)),
        5,
      );
      assert.deepEqual(
        allocations.map((a) => a.nodes[0]?.id),
        [oldest.id, middle.id, newer.id],
      );
    }),
  );

  t("allocate never takes a node that is not ready", () =>
    withStore(async (store) => {
      const states = ["launching", "booted", "checking", "claimed", "released", "deleting", "gone", "failed", "held"] as const;
      await store.insertNodes(states.map((state) => makeNode({ state, readyAt: 1 })));
      const claim = makeClaim();
      await store.createClaim(claim);
      const [allocation] = await store.allocate([request(claim)], 5);
      assert.deepEqual(allocation, { claimId: claim.id, nodes: [] });
      assert.equal((await store.getClaim(claim.id))?.state, "queued");
    }),
  );

  t("a nodeset comes from one provider, never mixed", () =>
    withStore(async (store) => {
      // alpha has the oldest jammy nodes but no oneiric; only beta can fill both slots.
      const alphaJammy = makeNode({ provider: "alpha", label: "jammy", readyAt: 1 });
      const betaJammy = makeNode({ provider: "beta", label: "jammy", readyAt: 50 });
      const betaOneiric = makeNode({ provider: "beta", label: "oneiric", readyAt: 60 });
      await store.insertNodes([alphaJammy, betaJammy, betaOneiric]);
      const claim = makeClaim({ labelExpressions: ["jammy", "oneiric"] });
      await store.createClaim(claim);
      const [allocation] = await store.allocate([request(claim, ["jammy"], ["oneiric"])], 5);
      assert.deepEqual(
        allocation?.nodes.map((n) => n.id),
        [betaJammy.id, betaOneiric.id],
      );
      assert.deepEqual(allocation?.claim?.nodeIds, [betaJammy.id, betaOneiric.id]);
      assert.equal((await store.getNode(alphaJammy.id))?.state, "ready");
    }),
  );

  t("a slot that names providers for a label takes that label's nodes only from them", () =>
    withStore(async (store) => {
      // jammy && rax: only beta's jammy nodes carry rax.
      const alphaJammy = makeNode({ provider: "alpha", label: "jammy", readyAt: 1 });
      const betaJammy = makeNode({ provider: "beta", label: "jammy", readyAt: 50 });
      const alphaNoble = makeNode({ provider: "alpha", label: "noble", readyAt: 2 });
      await store.insertNodes([alphaJammy, betaJammy, alphaNoble]);
      const claim = makeClaim({ labelExpressions: ["rax"] });
      const other = makeClaim({ labelExpressions: ["rax"] });
      await store.createClaim(claim);
      await store.createClaim(other);
      const slot = { labels: ["jammy"], providers: { jammy: ["beta"] } };
      const [first, second] = await store.allocate(
        [
          { ...request(claim), slots: [slot] },
          { ...request(other), slots: [slot] },
        ],
        5,
      );
      assert.deepEqual(
        first?.nodes.map((n) => n.id),
        [betaJammy.id],
        "the older alpha node does not fit",
      );
      assert.deepEqual(second, { claimId: other.id, nodes: [] }, "and is not taken when beta has no more");
      assert.equal((await store.getNode(alphaJammy.id))?.state, "ready");
      // A label the slot does not restrict still fits from any provider.
      const third = makeClaim({ labelExpressions: ["rax || noble"] });
      await store.createClaim(third);
      const [got] = await store.allocate(
        [{ ...request(third), slots: [{ labels: ["jammy", "noble"], providers: { jammy: ["beta"] } }] }],
        6,
      );
      assert.deepEqual(
        got?.nodes.map((n) => n.id),
        [alphaNoble.id],
      );
    }),
  );

  t("a nodeset no single provider can fill waits, taking nothing", () =>
    withStore(async (store) => {
      const alphaJammy = makeNode({ provider: "alpha", label: "jammy" });
      const betaOneiric = makeNode({ provider: "beta", label: "oneiric" });
      await store.insertNodes([alphaJammy, betaOneiric]);
      const claim = makeClaim({ labelExpressions: ["jammy", "oneiric"] });
      await store.createClaim(claim);
      const [allocation] = await store.allocate([request(claim, ["jammy"], ["oneiric"])], 5);
      assert.deepEqual(allocation, { claimId: claim.id, nodes: [] });
      assert.equal((await store.getClaim(claim.id))?.state, "queued");
      assert.deepEqual((await store.listNodes({ states: ["ready"] })).length, 2);
    }),
  );

  t("a nodeset is found even when a label's oldest nodes all belong to another provider", () =>
    withStore(async (store) => {
      const alpha = Array.from({ length: 40 }, (_, i) => makeNode({ provider: "alpha", label: "jammy", readyAt: i }));
      const betaJammy = makeNode({ provider: "beta", label: "jammy", readyAt: 1_000 });
      const betaOneiric = makeNode({ provider: "beta", label: "oneiric", readyAt: 1_000 });
      await store.insertNodes([...alpha, betaJammy, betaOneiric]);
      const claim = makeClaim();
      await store.createClaim(claim);
      const [allocation] = await store.allocate([request(claim, ["jammy"], ["oneiric"])], 5);
      assert.deepEqual(
        allocation?.nodes.map((n) => n.id),
        [betaJammy.id, betaOneiric.id],
      );
    }),
  );

  t("slots that accept several labels are matched so that every slot is filled", () =>
    withStore(async (store) => {
      const y = makeNode({ label: "y", readyAt: 1 });
      const x = makeNode({ label: "x", readyAt: 2 });
      await store.insertNodes([y, x]);
      const claim = makeClaim();
      await store.createClaim(claim);
      const [allocation] = await store.allocate([request(claim, ["x", "y"], ["y"])], 5);
      assert.deepEqual(
        allocation?.nodes.map((n) => n.id),
        [x.id, y.id],
      );
    }),
  );

  t("allocate serves requests in the order given, not by stored priority", () =>
    withStore(async (store) => {
      await store.insertNodes([makeNode()]);
      const low = makeClaim({ priority: -10 });
      const high = makeClaim({ priority: 10 });
      await store.createClaim(low);
      await store.createClaim(high);
      const allocations = await store.allocate([request(low), request(high)], 5);
      assert.equal(allocations[0]?.claim?.id, low.id);
      assert.deepEqual(allocations[1], { claimId: high.id, nodes: [] });
      assert.equal((await store.getClaim(high.id))?.state, "queued");
    }),
  );

  t("a claim that is no longer queued is not fulfilled, and an unknown one is skipped", () =>
    withStore(async (store) => {
      const node = makeNode();
      await store.insertNodes([node]);
      const cancelled = makeClaim({ state: "cancelled" });
      const queued = makeClaim();
      await store.createClaim(cancelled);
      await store.createClaim(queued);
      const ghost = makeClaim();
      const allocations = await store.allocate([request(cancelled), request(ghost), request(queued)], 5);
      assert.deepEqual(allocations[0], { claimId: cancelled.id, nodes: [] });
      assert.deepEqual(allocations[1], { claimId: ghost.id, nodes: [] });
      assert.deepEqual(
        allocations[2]?.nodes.map((n) => n.id),
        [node.id],
      );
      assert.deepEqual(await store.getClaim(cancelled.id), cancelled);
    }),
  );

  t("a claim listed twice in one batch is fulfilled once", () =>
    withStore(async (store) => {
      await store.insertNodes([makeNode(), makeNode()]);
      const claim = makeClaim();
      await store.createClaim(claim);
      const allocations = await store.allocate([request(claim), request(claim)], 5);
      assert.equal(allocations[0]?.nodes.length, 1);
      assert.deepEqual(allocations[1], { claimId: claim.id, nodes: [] });
      assert.equal((await store.listNodes({ states: ["ready"] })).length, 1);
    }),
  );

  t("a large batch over several labels and providers fills what it can and stays consistent", () =>
    withStore(async (store) => {
      const labels = ["jammy", "oneiric", "noble"];
      const providers = ["alpha", "beta", "gamma"];
      const nodes = Array.from({ length: 150 }, (_, i) =>
        makeNode({ label: labels[i % 3]!, provider: providers[Math.floor(i / 3) % 3]!, readyAt: (i * 7919) % 1000 }),
      );
      await store.insertNodes(nodes);
      const claims = Array.from({ length: 120 }, (_, i) => makeClaim({ priority: i % 5 }));
      for (const c of claims) await store.createClaim(c);
      const requests = claims.map((c, i) =>
        i % 4 === 0 ? request(c, ["jammy"], ["oneiric"]) : i % 4 === 1 ? request(c, ["noble", "jammy"]) : request(c, [labels[i % 3]!]),
      );
      const allocations = await store.allocate(requests, 77);
      await assertConsistent(store);
      const fulfilled = allocations.filter((a) => a.claim);
      assert.ok(fulfilled.length > 50, `only ${fulfilled.length} fulfilled`);
      for (const a of fulfilled) {
        assert.equal(new Set(a.nodes.map((n) => n.provider)).size, 1);
        const req = requests.find((r) => r.claimId === a.claimId)!;
        a.nodes.forEach((n, i) => assert.ok(req.slots[i]!.labels.includes(n.label)));
      }
      // The oldest node of each label was handed out first.
      const taken = new Set(fulfilled.flatMap((a) => a.nodes.map((n) => n.id)));
      for (const label of labels) {
        const left = nodes.filter((n) => n.label === label && !taken.has(n.id)).map((n) => n.readyAt);
        const used = nodes.filter((n) => n.label === label && taken.has(n.id)).map((n) => n.readyAt);
        if (left.length > 0 && used.length > 0 && label !== "jammy") assert.ok(Math.min(...used) <= Math.min(...left));
      }
    }),
  );

  // ---- allocate with insert ----

  t("allocate with insert stores the claim and fulfils it in one call", () =>
    withStore(async (store) => {
      const node = makeNode({ readyAt: 5 });
      await store.insertNodes([node]);
      const claim = makeClaim({ requestId: "req-warm", sshPublicKeys: ["ssh-ed25519 K"] });
      const [allocation] = await store.allocate([inserting(claim)], 2_000);
      assert.deepEqual(allocation?.inserted, { claim, created: true });
      const storedClaim = await store.getClaim(claim.id);
      const storedNode = await store.getNode(node.id);
      assert.deepEqual(storedClaim, {
        ...claim,
        state: "fulfilled",
        fulfilledAt: 2_000,
        leaseHash: `lease-of-${claim.id}`,
        leaseExpiresAt: 9_000_000,
        nodeIds: [node.id],
      });
      assert.deepEqual(storedNode, { ...node, state: "claimed", claimId: claim.id, stateChangedAt: 2_000 });
      assert.deepEqual(allocation?.claim, storedClaim);
      assert.deepEqual(allocation?.nodes, [storedNode]);
      // The records returned share nothing with the one passed in.
      allocation!.inserted!.claim.labelExpressions.push("mutated");
      assert.deepEqual(claim.labelExpressions, ["jammy"]);
    }),
  );

  t("allocate with insert and no ready node leaves the claim stored and queued", () =>
    withStore(async (store) => {
      await store.insertNodes([makeNode({ label: "oneiric" }), makeNode({ state: "booted" })]);
      const claim = makeClaim({ requestId: "req-cold" });
      const allocations = await store.allocate([inserting(claim)], 10);
      assert.deepEqual(allocations, [{ claimId: claim.id, nodes: [], inserted: { claim, created: true } }]);
      assert.deepEqual(await store.getClaim(claim.id), claim);
      assert.deepEqual(await store.listClaims({ states: ["queued"] }), [claim]);
      assert.equal((await store.listNodes({ states: ["ready"] })).length, 1);
    }),
  );

  t("inserted and already queued claims share a batch and are served in request order", () =>
    withStore(async (store) => {
      const oldest = makeNode({ readyAt: 1 });
      const newer = makeNode({ readyAt: 2 });
      await store.insertNodes([newer, oldest]);
      const waiting = makeClaim();
      await store.createClaim(waiting);
      const fresh = makeClaim({ requestId: "" });
      const late = makeClaim();
      const allocations = await store.allocate([inserting(fresh), request(waiting), inserting(late)], 50);
      assert.deepEqual(
        allocations.map((a) => a.nodes.map((n) => n.id)),
        [[oldest.id], [newer.id], []],
      );
      assert.deepEqual(
        allocations.map((a) => a.inserted?.created),
        [true, undefined, true],
      );
      assert.equal(allocations[1]?.claim?.state, "fulfilled");
      assert.equal((await store.getClaim(fresh.id))?.state, "fulfilled");
      assert.equal((await store.getClaim(late.id))?.state, "queued");
      await assertConsistent(store);
    }),
  );

  t("a request id used twice in one batch makes one claim and allocates once", () =>
    withStore(async (store) => {
      await store.insertNodes([makeNode({ readyAt: 1 }), makeNode({ readyAt: 2 })]);
      const first = makeClaim({ requestId: "req-twice" });
      const second = makeClaim({ requestId: "req-twice", requestHash: "other" });
      const [a, b] = await store.allocate([inserting(first), inserting(second)], 30);
      assert.deepEqual(a?.inserted, { claim: first, created: true });
      assert.equal(a?.claim?.state, "fulfilled");
      // The second reports the claim holding the request id, as this call left it.
      assert.deepEqual(b, { claimId: second.id, nodes: [], inserted: { claim: await store.getClaim(first.id), created: false } });
      assert.equal(await store.getClaim(second.id), undefined);
      assert.equal((await store.listClaims()).length, 1);
      assert.equal((await store.listNodes({ states: ["ready"] })).length, 1);
    }),
  );

  t("a request id already stored returns the existing claim and allocates nothing for it", () =>
    withStore(async (store) => {
      const existing = makeClaim({ requestId: "req-again" });
      const [cold] = await store.allocate([inserting(existing)], 10);
      assert.equal(cold?.inserted?.created, true);
      assert.equal(cold?.claim, undefined);
      // Nodes are ready now, but the retry neither inserts nor allocates: the claim stays queued.
      await store.insertNodes([makeNode(), makeNode()]);
      const retry = makeClaim({ requestId: "req-again", priority: 7 });
      const sameId = { ...existing, jobName: "changed" };
      const allocations = await store.allocate([inserting(retry), inserting(sameId)], 20);
      assert.deepEqual(allocations, [
        { claimId: retry.id, nodes: [], inserted: { claim: existing, created: false } },
        { claimId: existing.id, nodes: [], inserted: { claim: existing, created: false } },
      ]);
      assert.equal(await store.getClaim(retry.id), undefined);
      assert.deepEqual(await store.getClaim(existing.id), existing);
      assert.equal((await store.listNodes({ states: ["ready"] })).length, 2);
      // createClaim sees the same request id as taken.
      assert.deepEqual(await store.createClaim(makeClaim({ requestId: "req-again" })), { claim: existing, created: false });
    }),
  );

  t("inserting a claim whose id exists fails as already-exists and writes nothing of the batch", () =>
    withStore(async (store) => {
      await store.insertNodes([makeNode(), makeNode()]);
      const taken = makeClaim({ requestId: "" });
      await store.createClaim(taken);
      const fresh = makeClaim({ requestId: "req-fresh" });
      await assert.rejects(store.allocate([inserting(fresh), inserting({ ...taken, requestId: "req-new" }), request(taken)], 5), (err) =>
        isCode(err, "already-exists"),
      );
      assert.equal(await store.getClaim(fresh.id), undefined);
      assert.deepEqual(await store.getClaim(taken.id), taken);
      assert.equal((await store.listNodes({ states: ["ready"] })).length, 2);
    }),
  );

  t("concurrent inserts of one request id from two handles make exactly one claim", () =>
    withStore(async (store, open) => {
      const other = await open();
      await store.insertNodes(Array.from({ length: 4 }, (_, i) => makeNode({ readyAt: i })));
      const attempts = Array.from({ length: 16 }, () => makeClaim({ requestId: "req-race" }));
      const results = (
        await Promise.all(
          attempts.map((c, i) => (i % 2 ? store : other).allocate([inserting(c), inserting(makeClaim({ requestId: `solo-${i}` }))], 40)),
        )
      ).map((r) => r[0]!);
      const created = results.filter((r) => r.inserted?.created);
      assert.equal(created.length, 1);
      const winner = created[0]!;
      for (const r of results) {
        assert.equal(r.inserted?.claim.id, winner.claimId);
        if (r !== winner) assert.deepEqual(r.nodes, []);
      }
      const stored = await store.listClaims();
      assert.equal(stored.filter((c) => c.requestId === "req-race").length, 1);
      assert.equal(stored.length, 17);
      await assertConsistent(store);
    }),
  );

  t("quotes, backslashes and semicolons in values round-trip through the hot paths", () =>
    withStore(async (store) => {
      const nasty = `it's a \\'; DROP TABLE nodes; -- \\\\ "x" \u0000 ✓ ?`;
      const node = makeNode({ failureReason: nasty, tags: [nasty] });
      await store.insertNodes([node]);
      await store.updateNodes([{ id: node.id, from: ["ready"], patch: { instanceId: nasty, readyAt: 3 } }]);
      const claim = makeClaim({ requestId: nasty, jobName: nasty, labelExpressions: [nasty, "jammy"] });
      const [allocation] = await store.allocate([inserting(claim, ["jammy"])], 10);
      assert.equal(allocation?.nodes[0]?.instanceId, nasty);
      assert.deepEqual(await store.getClaim(claim.id), allocation?.claim);
      assert.equal((await store.getClaim(claim.id))?.jobName, nasty);
      await store.updateClaims([{ id: claim.id, from: ["fulfilled"], patch: { failureReason: nasty } }]);
      const [ended] = await store.endClaims([
        { claimId: claim.id, from: ["fulfilled"], to: "released", at: 11, reason: nasty, nodesTo: "released" },
      ]);
      assert.equal(ended?.failureReason, nasty);
      assert.deepEqual(await store.getNode(node.id), {
        ...node,
        instanceId: nasty,
        readyAt: 3,
        state: "released",
        claimId: claim.id,
        stateChangedAt: 11,
      });
      assert.equal((await store.listNodes({ states: [...LIVE_NODE_STATES, "gone"] })).length, 1);
    }),
  );

  // ---- endClaims ----

  t("endClaims ends a claim and moves its claimed nodes on, compare-and-set", () =>
    withStore(async (store) => {
      const mine = [makeNode(), makeNode()];
      const other = makeNode();
      await store.insertNodes([...mine, other]);
      const claim = makeClaim();
      const otherClaim = makeClaim();
      await store.createClaim(claim);
      await store.createClaim(otherClaim);
      await store.allocate([request(claim, ["jammy"], ["jammy"]), request(otherClaim)], 10);

      assert.deepEqual(await store.endClaims([{ claimId: claim.id, from: ["queued"], to: "cancelled", at: 20, nodesTo: "released" }]), []);
      assert.equal((await store.getClaim(claim.id))?.state, "fulfilled");

      const ended = await store.endClaims([
        { claimId: claim.id, from: ["fulfilled"], to: "released", at: 30, outcome: "failure", reason: "tests failed", nodesTo: "held" },
        { claimId: "c-missing", from: ["fulfilled"], to: "released", at: 30, nodesTo: "released" },
      ]);
      const stored = await store.getClaim(claim.id);
      assert.deepEqual(ended, [stored]);
      assert.equal(stored?.state, "released");
      assert.equal(stored?.endedAt, 30);
      assert.equal(stored?.outcome, "failure");
      assert.equal(stored?.failureReason, "tests failed");
      for (const n of await store.listNodes({ claimId: claim.id })) {
        assert.equal(n.state, "held");
        assert.equal(n.stateChangedAt, 30);
      }
      assert.equal((await store.listNodes({ claimId: otherClaim.id }))[0]?.state, "claimed");

      const [again] = await store.endClaims([{ claimId: otherClaim.id, from: ["fulfilled"], to: "expired", at: 40, nodesTo: "deleting" }]);
      assert.equal(again?.outcome, "");
      assert.equal(again?.failureReason, "");
      assert.equal((await store.listNodes({ claimId: otherClaim.id }))[0]?.state, "deleting");
    }),
  );

  t("endClaims leaves a claim's nodes alone once they have moved on", () =>
    withStore(async (store) => {
      const node = makeNode();
      await store.insertNodes([node]);
      const claim = makeClaim();
      await store.createClaim(claim);
      await store.allocate([request(claim)], 10);
      await store.transitionNodes([{ id: node.id, from: ["claimed"], to: "failed", at: 15, patch: { failureReason: "lost" } }]);
      await store.endClaims([{ claimId: claim.id, from: ["fulfilled"], to: "released", at: 20, outcome: "success", nodesTo: "released" }]);
      const stored = await store.getNode(node.id);
      assert.equal(stored?.state, "failed");
      assert.equal(stored?.stateChangedAt, 15);
    }),
  );

  t("endClaims never puts claimed nodes back to ready (they may carry the claimer's keys): the call is refused, nothing changes", () =>
    withStore(async (store) => {
      const node = makeNode({ readyAt: 1 });
      await store.insertNodes([node]);
      const claim = makeClaim();
      await store.createClaim(claim);
      await store.allocate([request(claim)], 10);
      const before = { node: await store.getNode(node.id), claim: await store.getClaim(claim.id) };
      await assert.rejects(
        store.endClaims([{ claimId: claim.id, from: ["fulfilled"], to: "cancelled", at: 20, outcome: "aborted", nodesTo: "ready" }]),
        (err) => isCode(err, "internal") && /claimed → ready/.test((err as Error).message),
      );
      assert.deepEqual({ node: await store.getNode(node.id), claim: await store.getClaim(claim.id) }, before);
      assert.equal(before.node?.state, "claimed");
    }),
  );

  // ---- concurrency ----

  t("two handles allocating concurrently never hand one node to two claims", () =>
    withStore(async (store, open) => {
      const other = await open();
      const labels = ["jammy", "oneiric"];
      const nodes = Array.from({ length: 160 }, (_, i) =>
        makeNode({ label: labels[i % 2]!, provider: i % 3 === 0 ? "alpha" : "beta", readyAt: i }),
      );
      await store.insertNodes(nodes);
      const claims = Array.from({ length: 220 }, () => makeClaim());
      for (const c of claims) await store.createClaim(c);
      const requests = claims.map((c, i) => (i % 5 === 0 ? request(c, ["jammy"], ["oneiric"]) : request(c, [labels[i % 2]!])));
      const handedOut: { claimId: string; nodeIds: string[] }[] = [];
      // Four workers per handle, each taking overlapping batches of the same claims.
      const worker = async (s: Store, seed: number) => {
        for (let round = 0; round < 12; round++) {
          const offset = (seed * 37 + round * 53) % requests.length;
          const batch = [...requests.slice(offset), ...requests.slice(0, offset)].slice(0, 40);
          for (const a of await s.allocate(batch, 1_000 + round)) {
            if (a.claim) handedOut.push({ claimId: a.claimId, nodeIds: a.nodes.map((n) => n.id) });
          }
        }
      };
      await Promise.all([0, 1, 2, 3].flatMap((i) => [worker(store, i), worker(other, i + 4)]));
      // Sweep up whatever is left, so the pool ends up exhausted or the queue empty.
      for (const a of await store.allocate(requests, 5_000)) {
        if (a.claim) handedOut.push({ claimId: a.claimId, nodeIds: a.nodes.map((n) => n.id) });
      }

      assert.equal(new Set(handedOut.map((h) => h.claimId)).size, handedOut.length, "a claim was fulfilled twice");
      const allNodeIds = handedOut.flatMap((h) => h.nodeIds);
      assert.equal(new Set(allNodeIds).size, allNodeIds.length, "a node was handed to two claims");
      const { fulfilledClaims, claimedNodes } = await assertConsistent(store);
      assert.equal(fulfilledClaims, handedOut.length);
      assert.equal(claimedNodes, allNodeIds.length);
      const queued = await store.listClaims({ states: ["queued"] });
      const ready = await store.listNodes({ states: ["ready"] });
      assert.ok(queued.length === 0 || ready.length < 2, `${queued.length} claims still queued with ${ready.length} nodes ready`);
    }),
  );

  t("allocating, ending and transitioning concurrently from two handles stays consistent", () =>
    withStore(async (store, open) => {
      const other = await open();
      const nodes = Array.from({ length: 80 }, (_, i) => makeNode({ readyAt: i, provider: i % 2 ? "alpha" : "beta" }));
      await store.insertNodes(nodes);
      const claims = Array.from({ length: 100 }, () => makeClaim());
      for (const c of claims) await store.createClaim(c);
      const cycle = async (s: Store, part: ClaimRecord[]) => {
        for (const claim of part) {
          const [a] = await s.allocate([request(claim)], 10);
          if (!a?.claim) continue;
          await s.endClaims([{ claimId: claim.id, from: ["fulfilled"], to: "released", at: 20, outcome: "success", nodesTo: "released" }]);
          await s.transitionNodes(a.nodes.map((n) => ({ id: n.id, from: ["released"], to: "deleting", at: 30 })));
        }
      };
      await Promise.all(
        [0, 1, 2, 3].map((i) =>
          cycle(
            i % 2 ? store : other,
            claims.filter((_, j) => j % 4 === i),
          ),
        ),
      );
      const released = await store.listClaims({ states: ["released"] });
      assert.equal(released.length, 80);
      assert.equal((await store.listNodes({ states: ["deleting"] })).length, 80);
      const owners = new Set((await store.listNodes()).map((n) => n.claimId));
      assert.equal(owners.size, 80);
    }),
  );

  // ---- claim events ----

  const event = (claimId: string, at: number, kind: string, message = `${kind} at ${at}`): ClaimEventRecord => ({
    claimId,
    at,
    kind,
    label: "jammy",
    provider: "east",
    nodeId: `n-${at}`,
    message,
  });

  t("claim events round-trip every field and come back per claim, by time, then in write order", () =>
    withStore(async (store) => {
      await store.appendClaimEvents([
        event("c-1", 20, "launching"),
        event("c-2", 5, "launching"),
        event("c-1", 10, "launch-failed", 'it\'s "quoted"; \\ too'),
      ]);
      await store.appendClaimEvents([event("c-1", 20, "node-ready")]);
      const got = await store.listClaimEvents("c-1");
      assert.deepEqual(got, [
        event("c-1", 10, "launch-failed", 'it\'s "quoted"; \\ too'),
        event("c-1", 20, "launching"),
        event("c-1", 20, "node-ready"),
      ]);
      assert.deepEqual(await store.listClaimEvents("c-2"), [event("c-2", 5, "launching")]);
      assert.deepEqual(await store.listClaimEvents("c-none"), []);
    }),
  );

  t("claim events are written in the transaction of the node insert or transition they come with", () =>
    withStore(async (store) => {
      const node = makeNode({ state: "launching" });
      await store.insertNodes([node], [event("c-1", 1, "launching")]);
      assert.equal((await store.getNode(node.id))?.state, "launching");
      // Written even when the transition does not apply (the node was elsewhere).
      const applied = await store.transitionNodes(
        [{ id: node.id, from: ["ready"], to: "failed", at: 2 }],
        [event("c-1", 2, "launch-failed")],
      );
      assert.deepEqual(applied, []);
      // Many changes (the batched path on MySQL) and events together.
      const more = Array.from({ length: 8 }, () => makeNode({ state: "launching" }));
      await store.insertNodes(more);
      const changed = await store.transitionNodes(
        more.map((n) => ({ id: n.id, from: ["launching"] as const, to: "booted" as const, at: 3 })),
        [event("c-1", 3, "attempt-failed")],
      );
      assert.equal(changed.length, 8);
      // Events alone.
      await store.transitionNodes([], [event("c-1", 4, "node-ready")]);
      await store.insertNodes([], [event("c-1", 5, "launching")]);
      assert.deepEqual(
        (await store.listClaimEvents("c-1")).map((e) => `${e.at} ${e.kind}`),
        ["1 launching", "2 launch-failed", "3 attempt-failed", "4 node-ready", "5 launching"],
      );
    }),
  );

  t("a failed node insert writes none of its claim events", () =>
    withStore(async (store) => {
      const node = makeNode();
      await store.insertNodes([node]);
      await assert.rejects(store.insertNodes([node], [event("c-1", 1, "launching")]), (err) => isCode(err, "already-exists"));
      assert.deepEqual(await store.listClaimEvents("c-1"), []);
    }),
  );

  t("long event messages are cut, many events are written in one call", () =>
    withStore(async (store) => {
      await store.appendClaimEvents([event("c-1", 1, "launch-failed", "x".repeat(10_000))]);
      const [long] = await store.listClaimEvents("c-1");
      assert.ok(long && long.message.length <= 2000 && long.message.startsWith("xxx"));
      await store.appendClaimEvents(Array.from({ length: 1200 }, (_, i) => event("c-2", i, "launching")));
      const many = await store.listClaimEvents("c-2");
      assert.equal(many.length, 1200);
      assert.deepEqual(
        many.map((e) => e.at),
        Array.from({ length: 1200 }, (_, i) => i),
      );
    }),
  );

  t("a closed store refuses calls as unavailable", () =>
    withStore(async (store) => {
      await store.close();
      await assert.rejects(store.getNode("n-1"), (err) => isCode(err, "unavailable"));
      await store.close();
    }),
  );

  defineImageStoreContract(t, fresh);
  defineHoldStoreContract(t, fresh);
  defineTransitionContract(t, fresh);
  return t;
}

/**
 * Every fulfilled claim's nodes are claimed by it and from one provider;
 * every claimed node belongs to exactly one fulfilled claim's node list.
 */
async function assertConsistent(store: Store): Promise<{ fulfilledClaims: number; claimedNodes: number }> {
  const fulfilled = await store.listClaims({ states: ["fulfilled"] });
  const claimed = await store.listNodes({ states: ["claimed"] });
  const byId = new Map(claimed.map((n) => [n.id, n]));
  const listed = new Set<string>();
  for (const claim of fulfilled) {
    assert.ok(claim.nodeIds.length > 0);
    const providers = new Set<string>();
    for (const id of claim.nodeIds) {
      const node = byId.get(id);
      assert.ok(node, `claim ${claim.id} lists ${id}, which is not claimed`);
      assert.equal(node.claimId, claim.id);
      assert.ok(!listed.has(id), `node ${id} is listed by two claims`);
      listed.add(id);
      providers.add(node.provider);
    }
    assert.equal(providers.size, 1, `claim ${claim.id} mixes providers`);
  }
  assert.equal(listed.size, claimed.length, "a claimed node belongs to no fulfilled claim");
  return { fulfilledClaims: fulfilled.length, claimedNodes: claimed.length };
}
