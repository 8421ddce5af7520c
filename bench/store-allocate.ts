import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConnection } from "mysql2/promise";
import type { Allocation, AllocationRequest, ClaimEnd, ClaimRecord, NodeRecord, Store } from "../server/core/index.js";
import { openStore } from "../server/store/index.js";

/**
 * Store-level claim cycles: createClaim → allocate → endClaims, with callers
 * funnelled through micro-batchers (as the scheduler would: whoever arrives
 * while a batch is in flight rides the next one). Ready nodes are topped up
 * in the background so the pool never runs dry.
 *
 *   node dist/bench/store-allocate.js [--seconds 5] [--only sqlite|mariadb] [--clients 1,64]
 */
const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? (args[i + 1] as string) : fallback;
};
const seconds = Number(opt("seconds", "5"));
const only = opt("only", "");
const clientCounts = opt("clients", "1,64").split(",").map(Number);
const mysqlServer = process.env.STANDBY_TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";

/** Runs `fn` on batches of submitted items; at most `parallel` batches in flight. */
class Batcher<I, O> {
  private queue: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private inFlight = 0;
  batches = 0;
  items = 0;

  constructor(
    private readonly fn: (items: I[]) => Promise<O[]>,
    private readonly maxBatch: number,
    private readonly parallel: number,
  ) {}

  private scheduled = false;

  /** Queued until the current turn of the event loop ends, so callers that
   * arrive together share a batch even when the store answers synchronously. */
  submit(item: I): Promise<O> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.pump();
      });
    });
  }

  private pump(): void {
    while (this.inFlight < this.parallel && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      this.batches++;
      this.items += batch.length;
      this.fn(batch.map((b) => b.item)).then(
        (out) => batch.forEach((b, i) => b.resolve(out[i]!)),
        (err) => batch.forEach((b) => b.reject(err)),
      ).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }
}

let seq = 0;
const id = (prefix: string) => `${prefix}-${process.pid}-${(++seq).toString(36)}`;

function readyNode(now: number): NodeRecord {
  return {
    id: id("n"), label: seq % 2 ? "jammy" : "noble", provider: seq % 3 ? "alpha" : "beta", state: "ready",
    instanceId: `i-${seq}`, addresses: ["10.0.0.1"], sshPort: 22, username: "ci", hostKeys: ["10.0.0.1 ssh-ed25519 AAAA"],
    tags: ["linux"], image: "jammy-cached", flavor: "small", claimId: "", createdAt: now, stateChangedAt: now,
    readyAt: now, failureReason: "",
  };
}

function queuedClaim(label: string, now: number): ClaimRecord {
  return {
    id: id("c"), requestId: "", requestHash: "h", state: "queued", labelExpressions: [label], requester: "bench",
    jobName: "bench", priority: 0, leaseTtlSeconds: 600, sshPublicKeys: [], tokenHash: "t", createdAt: now,
    lastSeenAt: now, fulfilledAt: 0, leaseHash: "", leaseExpiresAt: 0, nodeIds: [], outcome: "", endedAt: 0,
    failureReason: "",
  };
}

interface Run {
  dialect: string;
  clients: number;
  cycles: number;
  cyclesPerSecond: number;
  allocateP50Ms: number;
  allocateP99Ms: number;
  meanAllocateBatch: number;
  /** createClaim is one claim per call (not batched). */
  createP50Ms: number;
  endP50Ms: number;
  dry: number;
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function run(store: Store, dialect: string, clients: number): Promise<Run> {
  const allocator = new Batcher<AllocationRequest, Allocation>((reqs) => store.allocate(reqs, Date.now()), 128, store.dialect === "mysql" ? 2 : 1);
  const ender = new Batcher<ClaimEnd, ClaimRecord | undefined>(async (ends) => {
    const ended = new Map((await store.endClaims(ends)).map((c) => [c.id, c]));
    return ends.map((e) => ended.get(e.claimId));
  }, 128, store.dialect === "mysql" ? 2 : 1);

  // Keep about a thousand ready nodes of each label (counted here, not
  // queried, so the top-up costs the store only its inserts).
  let stop = false;
  let ready = 0;
  const fill = async () => {
    if (ready >= 2000) return;
    const batch = Array.from({ length: 2200 - ready }, () => readyNode(Date.now()));
    await store.insertNodes(batch);
    ready += batch.length;
  };
  await fill();
  const topUp = (async () => {
    while (!stop) {
      await fill();
      await new Promise((r) => setTimeout(r, 20));
    }
  })();

  const latencies: number[] = [];
  const createMs: number[] = [];
  const endMs: number[] = [];
  let cycles = 0;
  let dry = 0;
  const end = Date.now() + seconds * 1000;
  const client = async (n: number) => {
    while (Date.now() < end) {
      // Requests arrive through I/O; without this an embedded (synchronous)
      // store never lets the top-up timer run.
      await new Promise((resolve) => setImmediate(resolve));
      const label = (n + cycles) % 2 ? "jammy" : "noble";
      const claim = queuedClaim(label, Date.now());
      const c0 = performance.now();
      await store.createClaim(claim);
      const t0 = performance.now();
      createMs.push(t0 - c0);
      const allocation = await allocator.submit({
        claimId: claim.id, slots: [{ labels: [label] }], leaseHash: "l", leaseExpiresAt: Date.now() + 600_000,
      });
      latencies.push(performance.now() - t0);
      ready -= allocation.nodes.length;
      if (!allocation.claim) {
        dry++;
        await store.updateClaims([{ id: claim.id, from: ["queued"], patch: { state: "cancelled" } }]);
        continue;
      }
      const e0 = performance.now();
      await ender.submit({ claimId: claim.id, from: ["fulfilled"], to: "released", at: Date.now(), outcome: "success", nodesTo: "released" });
      endMs.push(performance.now() - e0);
      cycles++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, (_, i) => client(i)));
  const elapsed = (performance.now() - started) / 1000;
  stop = true;
  await topUp;
  return {
    dialect,
    clients,
    cycles,
    cyclesPerSecond: Math.round(cycles / elapsed),
    allocateP50Ms: Number(percentile(latencies, 50).toFixed(2)),
    allocateP99Ms: Number(percentile(latencies, 99).toFixed(2)),
    meanAllocateBatch: Number((allocator.items / Math.max(1, allocator.batches)).toFixed(1)),
    createP50Ms: Number(percentile(createMs, 50).toFixed(2)),
    endP50Ms: Number(percentile(endMs, 50).toFixed(2)),
    dry,
  };
}

async function withSqlite<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "standby-bench-store-"));
  try {
    return await fn(`sqlite:${join(dir, "standby.db")}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function withMariadb<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const server = new URL(mysqlServer);
  const name = `standby_bench_${randomBytes(4).toString("hex")}`;
  const admin = await createConnection({
    host: server.hostname, port: Number(server.port || 3306),
    user: decodeURIComponent(server.username), password: decodeURIComponent(server.password),
  });
  await admin.query(`CREATE DATABASE \`${name}\``);
  try {
    const url = new URL(mysqlServer);
    url.pathname = `/${name}`;
    url.searchParams.set("connectionLimit", "16");
    return await fn(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.end();
  }
}

const results: Run[] = [];
for (const [dialect, within] of [["sqlite", withSqlite], ["mariadb", withMariadb]] as const) {
  if (only && only !== dialect) continue;
  for (const clients of clientCounts) {
    results.push(
      await within(async (url) => {
        const store = await openStore(url);
        try {
          return await run(store, dialect, clients);
        } finally {
          await store.close();
        }
      }),
    );
    const r = results[results.length - 1]!;
    console.log(
      `${r.dialect.padEnd(8)} clients=${String(r.clients).padStart(3)}  ${String(r.cyclesPerSecond).padStart(6)} cycles/s` +
        `  allocate p50=${r.allocateP50Ms} ms p99=${r.allocateP99Ms} ms  mean batch=${r.meanAllocateBatch}` +
        `  createClaim p50=${r.createP50Ms} ms  endClaims p50=${r.endP50Ms} ms  dry=${r.dry}`,
    );
  }
}
console.log(JSON.stringify(results));
