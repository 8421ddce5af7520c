import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { AllocationRequest } from "../../server/core/index.js";
import { openStore } from "../../server/store/index.js";
import { defineStoreContract } from "./contract.js";
import { makeClaim, makeNode, sqliteFixture } from "./fixtures.js";

const t = defineStoreContract("store on sqlite", sqliteFixture);

t("schedulers in four threads allocating from one file never hand one node to two claims", async () => {
  const dir = await mkdtemp(join(tmpdir(), "standby-store-threads-"));
  const url = `sqlite:${join(dir, "standby.db")}`;
  const store = await openStore(url);
  try {
    const nodes = Array.from({ length: 600 }, (_, i) => makeNode({ label: i % 2 ? "x" : "y", provider: i % 3 ? "a" : "b", readyAt: i }));
    await store.insertNodes(nodes);
    const claims = Array.from({ length: 400 }, () => makeClaim());
    for (const c of claims) await store.createClaim(c);
    const requests: AllocationRequest[] = claims.map((c, i) => ({
      claimId: c.id,
      slots: i % 5 === 0 ? [{ labels: ["x"] }, { labels: ["y"] }] : [{ labels: [i % 2 ? "x" : "y"] }],
      leaseHash: "l",
      leaseExpiresAt: 1,
    }));
    // Small batches and many rounds, so the threads' transactions overlap
    // often: without BEGIN IMMEDIATE and the re-checks this fails at once.
    const runs = [0, 1, 2, 3].map(
      (seed) =>
        new Promise<{ claimId: string; nodeIds: string[] }[]>((resolve, reject) => {
          const worker = new Worker(new URL("./sqlite-worker.js", import.meta.url), {
            workerData: { url, requests, rounds: 200, batchSize: 4, seed },
          });
          worker.once("message", resolve);
          worker.once("error", reject);
        }),
    );
    const handedOut = (await Promise.all(runs)).flat();
    assert.ok(handedOut.length > 50, `only ${handedOut.length} claims fulfilled`);
    assert.equal(new Set(handedOut.map((h) => h.claimId)).size, handedOut.length, "a claim was fulfilled twice");
    const nodeIds = handedOut.flatMap((h) => h.nodeIds);
    assert.equal(new Set(nodeIds).size, nodeIds.length, "a node was handed to two claims");
    const claimed = await store.listNodes({ states: ["claimed"] });
    assert.equal(claimed.length, nodeIds.length);
    assert.equal((await store.listClaims({ states: ["fulfilled"] })).length, handedOut.length);
    const owner = new Map(handedOut.flatMap((h) => h.nodeIds.map((id) => [id, h.claimId] as const)));
    for (const node of claimed) assert.equal(node.claimId, owner.get(node.id));
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});

t.run();
