import { parentPort, workerData } from "node:worker_threads";
import type { AllocationRequest } from "../../server/core/index.js";
import { openStore } from "../../server/store/index.js";

/**
 * A second scheduler in another thread, for the SQLite concurrency test:
 * opens its own handle on the file and allocates overlapping batches.
 */
interface Job {
  url: string;
  requests: AllocationRequest[];
  rounds: number;
  batchSize: number;
  seed: number;
}

const job = workerData as Job;
const store = await openStore(job.url);
const handedOut: { claimId: string; nodeIds: string[] }[] = [];
try {
  for (let round = 0; round < job.rounds; round++) {
    const offset = (job.seed * 37 + round * 53) % job.requests.length;
    const batch = [...job.requests.slice(offset), ...job.requests.slice(0, offset)].slice(0, job.batchSize);
    for (const a of await store.allocate(batch, 1_000 + round)) {
      if (a.claim) handedOut.push({ claimId: a.claimId, nodeIds: a.nodes.map((n) => n.id) });
    }
  }
} finally {
  await store.close();
}
parentPort?.postMessage(handedOut);
