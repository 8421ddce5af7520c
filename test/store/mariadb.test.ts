import assert from "node:assert/strict";
import { createConnection, type Connection } from "mysql2/promise";
import type { ClaimRecord } from "../../server/core/index.js";
import { isCode } from "../../server/core/index.js";
import type { SqlStore } from "../../server/store/index.js";
import { makeClaim, makeNode, mariadbFixture } from "./fixtures.js";
import { defineStoreContract } from "./contract.js";

const t = defineStoreContract("store on mariadb", mariadbFixture);

/** A fresh database, a store on it, and a raw connection playing another replica mid-transaction. */
async function withOtherReplica(fn: (ctx: { store: SqlStore; other: Connection }) => Promise<void>): Promise<void> {
  const fixture = await mariadbFixture();
  const store = await fixture.open();
  const other = await createConnection(fixture.url);
  try {
    await fn({ store, other });
  } finally {
    await other.end();
    await store.close();
    await fixture.dispose();
  }
}

t("every table is utf8mb4 with a binary collation", async () => {
  const fixture = await mariadbFixture();
  const store = await fixture.open();
  try {
    for (const table of await store.describeSchema()) assert.equal(table.collation, "utf8mb4_bin", table.name);
  } finally {
    await store.close();
    await fixture.dispose();
  }
});

t("allocate skips a node another replica has locked instead of waiting for it", () =>
  withOtherReplica(async ({ store, other }) => {
    const oldest = makeNode({ readyAt: 1 });
    const next = makeNode({ readyAt: 2 });
    await store.insertNodes([oldest, next]);
    const claim = makeClaim();
    await store.createClaim(claim);
    await other.query("START TRANSACTION");
    await other.query("SELECT id FROM nodes WHERE id = ? FOR UPDATE", [oldest.id]);
    const started = Date.now();
    const [allocation] = await store.allocate(
      [{ claimId: claim.id, slots: [{ labels: ["jammy"] }], leaseHash: "l", leaseExpiresAt: 9 }],
      5,
    );
    assert.ok(Date.now() - started < 3_000, "allocate waited for the lock");
    assert.deepEqual(
      allocation?.nodes.map((n) => n.id),
      [next.id],
    );
    await other.query("ROLLBACK");
    assert.equal((await store.getNode(oldest.id))?.state, "ready");
  }),
);

t("allocate leaves a claim another replica has locked queued, and serves it once free", () =>
  withOtherReplica(async ({ store, other }) => {
    await store.insertNodes([makeNode()]);
    const claim = makeClaim();
    await store.createClaim(claim);
    const req = { claimId: claim.id, slots: [{ labels: ["jammy"] }], leaseHash: "l", leaseExpiresAt: 9 };
    await other.query("START TRANSACTION");
    await other.query("SELECT id FROM claims WHERE id = ? FOR UPDATE", [claim.id]);
    const started = Date.now();
    assert.deepEqual(await store.allocate([req], 5), [{ claimId: claim.id, nodes: [] }]);
    assert.ok(Date.now() - started < 3_000, "allocate waited for the lock");
    await other.query("COMMIT");
    const [allocation] = await store.allocate([req], 6);
    assert.equal(allocation?.claim?.state, "fulfilled");
  }),
);

t("a claim that does not fit its columns is refused by allocate as by createClaim, and nothing is written", async () => {
  const fixture = await mariadbFixture();
  const store = await fixture.open();
  try {
    await store.insertNodes([makeNode()]);
    const fine = makeClaim({ requestId: "fine" });
    const tooLong = makeClaim({ requester: "r".repeat(300) });
    await assert.rejects(store.createClaim(tooLong), (err) => isCode(err, "internal"));
    const req = (claim: ClaimRecord) => ({
      claimId: claim.id,
      slots: [{ labels: ["jammy"] }],
      leaseHash: "l",
      leaseExpiresAt: 9,
      insert: claim,
    });
    await assert.rejects(store.allocate([req(fine), req(tooLong)], 5), (err) => isCode(err, "internal"));
    assert.deepEqual(await store.listClaims(), []);
    assert.equal((await store.listNodes({ states: ["ready"] })).length, 1);
  } finally {
    await store.close();
    await fixture.dispose();
  }
});

t.run();
