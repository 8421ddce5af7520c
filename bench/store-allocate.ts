import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { createConnection } from "mysql2/promise";
import type { Allocation, AllocationRequest, ClaimEnd, ClaimRecord, NodeRecord, NodeTransition, Store } from "../server/core/index.js";
import { openStore } from "../server/store/index.js";

/**
 * The store's share of the warm claim path, as the scheduler drives it.
 *
 * Cycles (default): each caller claims a ready node (allocate with the new
 * claim inserted in the same transaction), releases it (endClaims), then
 * retires the node (released → deleting → gone) while a replacement is
 * inserted and brought up (launching → booted → checking → ready): five
 * transitions and one insert per cycle, plus countNodes every tenth cycle,
 * as the pool manager does. Calls go through per-kind batchers that take
 * whatever arrived during one turn of the event loop and keep one batch in
 * flight, like the scheduler's allocation loop and node writer.
 *
 * --ops: single calls, one at a time, on a database holding 2,000 gone nodes
 * and 100 ready ones; the median of each kind.
 *
 *   node dist/bench/store-allocate.js [--seconds 5] [--runs 3] [--only sqlite|mariadb]
 *     [--clients 1,64] [--ops] [--no-cycles] [--create insert|separate]
 *
 * --create separate: createClaim, then allocate without `insert` (two
 * transactions; for stores that predate AllocationRequest.insert).
 */
const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? (args[i + 1] as string) : fallback;
};
const flag = (name: string) => args.includes(`--${name}`);
const seconds = Number(opt("seconds", "5"));
const runs = Number(opt("runs", "3"));
const only = opt("only", "");
const clientCounts = opt("clients", "1,64").split(",").map(Number);
const createMode = opt("create", "insert") as "insert" | "separate";
const doOps = flag("ops");
const doCycles = !flag("no-cycles");
const mysqlServer = process.env.STANDBY_TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";

const LABELS = ["jammy", "noble"] as const;
const PROVIDERS = ["alpha", "beta"] as const;

/**
 * Runs `fn` on the items submitted during one turn of the event loop; one
 * batch in flight at a time, later arrivals ride the next one.
 */
class Batcher<I, O> {
  private queue: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private running = false;
  private scheduled = false;
  batches = 0;
  items = 0;

  constructor(
    private readonly fn: (items: I[]) => Promise<O[]>,
    private readonly maxBatch = 256,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.running || this.queue.length === 0) return;
    this.running = true;
    const batch = this.queue.splice(0, this.maxBatch);
    this.batches++;
    this.items += batch.length;
    try {
      const out = await this.fn(batch.map((b) => b.item));
      batch.forEach((b, i) => b.resolve(out[i]!));
    } catch (err) {
      batch.forEach((b) => b.reject(err));
    } finally {
      this.running = false;
      if (this.queue.length > 0) this.schedule();
    }
  }

  get meanBatch(): number {
    return Number((this.items / Math.max(1, this.batches)).toFixed(1));
  }
}

let seq = 0;
const newId = (prefix: string) => `${prefix}-${process.pid}-${(++seq).toString(36)}`;

function node(state: NodeRecord["state"], label: string, provider: string, now: number): NodeRecord {
  return {
    id: newId("n"),
    label,
    provider,
    state,
    instanceId: "",
    addresses: [],
    sshPort: 22,
    username: "ci",
    hostKeys: [],
    tags: ["linux", label],
    image: `${label}-cached`,
    flavor: "small",
    claimId: "",
    createdAt: now,
    stateChangedAt: now,
    readyAt: state === "ready" ? now : 0,
    failureReason: "",
  };
}

function queuedClaim(label: string, now: number): ClaimRecord {
  return {
    id: newId("c"),
    requestId: newId("r"),
    requestHash: "h",
    state: "queued",
    labelExpressions: [label],
    requester: "bench",
    jobName: "bench",
    priority: 0,
    leaseTtlSeconds: 600,
    sshPublicKeys: [],
    tokenHash: "t",
    createdAt: now,
    lastSeenAt: now,
    fulfilledAt: 0,
    leaseHash: "",
    leaseExpiresAt: 0,
    nodeIds: [],
    outcome: "",
    endedAt: 0,
    failureReason: "",
  };
}

const request = (claim: ClaimRecord, insert: boolean): AllocationRequest => ({
  claimId: claim.id,
  slots: [{ labels: claim.labelExpressions }],
  leaseHash: "l",
  leaseExpiresAt: Date.now() + 600_000,
  ...(insert ? { insert: claim } : {}),
});

const booted = { instanceId: "i-0123456789", addresses: ["10.0.0.1"], hostKeys: ["10.0.0.1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA"] };

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const median = (xs: number[]) => percentile(xs, 50);
const ms = (x: number, digits = 2) => Number(x.toFixed(digits));

/** 2,000 gone nodes (history) and `ready` ready ones, spread over labels and providers. */
async function seed(store: Store, ready: number): Promise<void> {
  const now = Date.now();
  const gone = Array.from({ length: 2000 }, (_, i) => node("gone", LABELS[i % 2]!, PROVIDERS[(i >> 1) % 2]!, now - 86_400_000));
  await store.insertNodes(gone);
  await store.insertNodes(
    Array.from({ length: ready }, (_, i) => node("ready", LABELS[i % 2]!, PROVIDERS[(i >> 1) % 2]!, now - ready + i)),
  );
}

interface CycleRun {
  dialect: string;
  clients: number;
  cycles: number;
  cyclesPerSecond: number;
  /** allocate (claim inserted) + endClaims, as a client of the API waits for them. */
  claimReleaseP50Ms: number;
  claimReleaseP99Ms: number;
  /** The whole cycle, node replacement included. */
  cycleP50Ms: number;
  allocateP50Ms: number;
  endP50Ms: number;
  replenishP50Ms: number;
  batches: { allocate: number; end: number; transition: number; insert: number };
  dry: number;
}

async function runCycles(store: Store, dialect: string, clients: number): Promise<CycleRun> {
  await seed(store, Math.max(200, clients * 4));
  const allocator = new Batcher<AllocationRequest, Allocation>((reqs) => store.allocate(reqs, Date.now()));
  const ender = new Batcher<ClaimEnd, ClaimRecord | undefined>(async (ends) => {
    const ended = new Map((await store.endClaims(ends)).map((c) => [c.id, c]));
    return ends.map((e) => ended.get(e.claimId));
  });
  const writer = new Batcher<Omit<NodeTransition, "at">, boolean>(async (changes) => {
    const at = Date.now();
    const changed = new Set(await store.transitionNodes(changes.map((c) => ({ ...c, at }))));
    return changes.map((c) => changed.has(c.id));
  });
  const inserter = new Batcher<NodeRecord, void>(async (nodes) => {
    await store.insertNodes(nodes);
    return nodes.map(() => undefined);
  });
  const transition = async (change: Omit<NodeTransition, "at">) => {
    if (!(await writer.submit(change))) throw new Error(`transition of ${change.id} to ${change.to} did not apply`);
  };

  const claimRelease: number[] = [];
  const cycleMs: number[] = [];
  const allocateMs: number[] = [];
  const endMs: number[] = [];
  const replenishMs: number[] = [];
  let cycles = 0;
  let dry = 0;
  const end = performance.now() + seconds * 1000;
  const client = async (n: number) => {
    for (let i = 0; performance.now() < end; i++) {
      // Requests arrive through I/O: let timers and other callers in.
      await new Promise((resolve) => setImmediate(resolve));
      const claim = queuedClaim(LABELS[(n + i) % 2]!, Date.now());
      const t0 = performance.now();
      let allocation: Allocation;
      if (createMode === "insert") {
        allocation = await allocator.submit(request(claim, true));
      } else {
        await store.createClaim(claim);
        allocation = await allocator.submit(request(claim, false));
      }
      const t1 = performance.now();
      const taken = allocation.nodes[0];
      if (!allocation.claim || !taken) {
        dry++;
        await store.transitionClaims([{ id: claim.id, from: ["queued"], to: "cancelled" }]);
        continue;
      }
      await ender.submit({
        claimId: claim.id,
        from: ["fulfilled"],
        to: "released",
        at: Date.now(),
        outcome: "success",
        nodesTo: "released",
      });
      const t2 = performance.now();
      await Promise.all([
        (async () => {
          await transition({ id: taken.id, from: ["released"], to: "deleting" });
          await transition({ id: taken.id, from: ["deleting"], to: "gone" });
        })(),
        (async () => {
          const fresh = node("launching", taken.label, taken.provider, Date.now());
          await inserter.submit(fresh);
          await transition({ id: fresh.id, from: ["launching"], to: "booted", patch: booted });
          await transition({ id: fresh.id, from: ["booted"], to: "checking" });
          await transition({ id: fresh.id, from: ["checking"], to: "ready" });
        })(),
      ]);
      if (++cycles % 10 === 0) await store.countNodes();
      const t3 = performance.now();
      allocateMs.push(t1 - t0);
      endMs.push(t2 - t1);
      claimRelease.push(t2 - t0);
      replenishMs.push(t3 - t2);
      cycleMs.push(t3 - t0);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, (_, i) => client(i)));
  const elapsed = (performance.now() - started) / 1000;
  return {
    dialect,
    clients,
    cycles,
    cyclesPerSecond: Math.round(cycles / elapsed),
    claimReleaseP50Ms: ms(median(claimRelease), 3),
    claimReleaseP99Ms: ms(percentile(claimRelease, 99)),
    cycleP50Ms: ms(median(cycleMs), 3),
    allocateP50Ms: ms(median(allocateMs), 3),
    endP50Ms: ms(median(endMs), 3),
    replenishP50Ms: ms(median(replenishMs), 3),
    batches: { allocate: allocator.meanBatch, end: ender.meanBatch, transition: writer.meanBatch, insert: inserter.meanBatch },
    dry,
  };
}

type OpTimes = Record<string, number>;

/** Median milliseconds per single call of each kind. */
async function runOps(store: Store, iterations: number): Promise<OpTimes> {
  await seed(store, 100);
  const samples = new Map<string, number[]>();
  const time = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const out = await fn();
    const dt = performance.now() - t0;
    const list = samples.get(name);
    if (list) list.push(dt);
    else samples.set(name, [dt]);
    return out;
  };
  const at = () => Date.now();
  for (let i = 0; i < iterations; i++) {
    const label = LABELS[i % 2]!;
    const provider = PROVIDERS[(i >> 1) % 2]!;
    // Two replacements in, two nodes out: the pool stays at 100.
    for (let k = 0; k < 2; k++) {
      const fresh = node("launching", label, provider, at());
      await time("insertNodes (1)", () => store.insertNodes([fresh]));
      await time("transitionNodes (1)", () =>
        store.transitionNodes([{ id: fresh.id, from: ["launching"], to: "booted", at: at(), patch: booted }]),
      );
      await time("transitionNodes (1)", () => store.transitionNodes([{ id: fresh.id, from: ["booted"], to: "checking", at: at() }]));
      await time("transitionNodes (1)", () => store.transitionNodes([{ id: fresh.id, from: ["checking"], to: "ready", at: at() }]));
    }
    const taken: string[] = [];
    const claim = queuedClaim(label, at());
    await time("createClaim", () => store.createClaim(claim));
    await time("getClaim", () => store.getClaim(claim.id));
    await time("updateClaims (1)", () => store.updateClaims([{ id: claim.id, from: ["queued"], patch: { lastSeenAt: at() } }]));
    const [a] = await time("allocate (1)", () => store.allocate([request(claim, false)], at()));
    taken.push(...(a?.nodes.map((n) => n.id) ?? []));
    await time("endClaims (1)", () =>
      store.endClaims([{ claimId: claim.id, from: ["fulfilled"], to: "released", at: at(), outcome: "success", nodesTo: "released" }]),
    );
    if (createMode === "insert") {
      const inserted = queuedClaim(label, at());
      const [b] = await time("allocate+insert (1)", () => store.allocate([request(inserted, true)], at()));
      taken.push(...(b?.nodes.map((n) => n.id) ?? []));
      await store.endClaims([
        { claimId: inserted.id, from: ["fulfilled"], to: "released", at: at(), outcome: "success", nodesTo: "released" },
      ]);
    } else {
      const other = queuedClaim(label, at());
      await store.createClaim(other);
      const [b] = await store.allocate([request(other, false)], at());
      taken.push(...(b?.nodes.map((n) => n.id) ?? []));
      await store.endClaims([
        { claimId: other.id, from: ["fulfilled"], to: "released", at: at(), outcome: "success", nodesTo: "released" },
      ]);
    }
    for (const id of taken) {
      await time("transitionNodes (1)", () => store.transitionNodes([{ id, from: ["released"], to: "deleting", at: at() }]));
      await time("transitionNodes (1)", () => store.transitionNodes([{ id, from: ["deleting"], to: "gone", at: at() }]));
    }
    await time("countNodes", () => store.countNodes());
  }
  return Object.fromEntries([...samples].map(([name, xs]) => [name, ms(median(xs), 4)]));
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
    host: server.hostname,
    port: Number(server.port || 3306),
    user: decodeURIComponent(server.username),
    password: decodeURIComponent(server.password),
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

async function withStore<T>(within: typeof withSqlite, fn: (store: Store) => Promise<T>): Promise<T> {
  return within(async (url) => {
    const store = await openStore(url);
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  });
}

const report: { cycles: CycleRun[]; ops: { dialect: string; run: number; times: OpTimes }[] } = { cycles: [], ops: [] };
const opsSummary: string[] = [];
const cycleSummary: string[] = [];
const dialects = (
  [
    ["sqlite", withSqlite],
    ["mariadb", withMariadb],
  ] as const
).filter(([d]) => !only || only === d);
console.log(`create=${createMode} seconds=${seconds} runs=${runs} node ${process.version}, ${cpus().length} cores`);

for (const [dialect, within] of dialects) {
  if (doOps) {
    const all: OpTimes[] = [];
    for (let run = 0; run < runs; run++) {
      const times = await withStore(within, (store) => runOps(store, dialect === "sqlite" ? 2000 : 300));
      report.ops.push({ dialect, run, times });
      all.push(times);
      console.log(
        `${dialect.padEnd(8)} ops run ${run + 1}: ${Object.entries(times)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ")}`,
      );
    }
    for (const name of Object.keys(all[0] ?? {})) {
      opsSummary.push(`| ${dialect} | ${name} | ${median(all.map((t) => t[name] ?? 0)).toFixed(3)} |`);
    }
  }
  if (!doCycles) continue;
  for (const clients of clientCounts) {
    const mine: CycleRun[] = [];
    for (let run = 0; run < runs; run++) {
      const r = await withStore(within, (store) => runCycles(store, dialect, clients));
      mine.push(r);
      report.cycles.push(r);
      console.log(
        `${dialect.padEnd(8)} clients=${String(clients).padStart(3)} run ${run + 1}: ${String(r.cyclesPerSecond).padStart(6)} cycles/s` +
          `  claim+release p50=${r.claimReleaseP50Ms} p99=${r.claimReleaseP99Ms} ms  cycle p50=${r.cycleP50Ms} ms` +
          `  (allocate ${r.allocateP50Ms}, end ${r.endP50Ms}, replenish ${r.replenishP50Ms})` +
          `  batches ${JSON.stringify(r.batches)}  dry=${r.dry}`,
      );
    }
    cycleSummary.push(
      `| ${dialect} | ${clients} | ${median(mine.map((r) => r.cyclesPerSecond))} | ${median(mine.map((r) => r.claimReleaseP50Ms)).toFixed(3)} | ` +
        `${median(mine.map((r) => r.cycleP50Ms)).toFixed(3)} | ${median(mine.map((r) => r.allocateP50Ms)).toFixed(3)} | ` +
        `${median(mine.map((r) => r.endP50Ms)).toFixed(3)} |`,
    );
  }
}
console.log(`\nmedians of ${runs} runs (create=${createMode}):`);
if (opsSummary.length > 0) console.log(["| store | single call | p50 ms |", "|---|---|---|", ...opsSummary, ""].join("\n"));
if (cycleSummary.length > 0) {
  console.log(
    [
      "| store | callers | cycles/s | claim+release p50 ms | cycle p50 ms | allocate p50 ms | endClaims p50 ms |",
      "|---|---|---|---|---|---|---|",
      ...cycleSummary,
      "",
    ].join("\n"),
  );
}
console.log(JSON.stringify(report));
