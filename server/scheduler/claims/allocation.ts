import { sha256, type Allocation, type Clock, type Logger, type Store } from "../../core/index.js";
import { NOOP_OBSERVER, type AllocationOutcome, type SchedulerObserver } from "../../core/observer.js";
import type { Signal } from "../signal.js";
import type { Tokens } from "../tokens.js";
import type { Handover } from "./handover.js";
import type { ClaimQueue, PendingCreate, Queued } from "./queue.js";
import type { ClaimWatches } from "./watches.js";
import { SinglePass } from "../single-pass.js";

export interface AllocatorDeps {
  store: Store;
  tokens: Tokens;
  clock: Clock;
  logger: Logger;
  observer: SchedulerObserver;
  queue: ClaimQueue;
  watches: ClaimWatches;
  handover: Handover;
  /** Claims wait for nodes: the pool should look at once. */
  poolWanted: Signal<boolean>;
}

/** Claims allocated per transaction at most. */
const ROUND = 256;

/**
 * Allocation in batches: all claims arriving while one allocation
 * transaction runs go into the next one, with every queued claim worth
 * trying again.
 */
export class Allocator {
  /** New claims waiting to be inserted (and allocated) by the next round. */
  private pending: PendingCreate[] = [];
  private readyEpoch = 0;
  private readonly rounds: SinglePass;

  constructor(private readonly deps: AllocatorDeps) {
    this.rounds = new SinglePass({
      pass: () => this.round(),
      // Rounds serve every claim: they run in no caller's trace context.
      start: (loop) => void deps.observer.detached(loop),
      failed: (err) => {
        deps.logger.error({ err }, "allocation failed");
        deps.clock.setTimer(1000, () => this.kick());
      },
    });
  }

  /** A new claim for the next round. */
  add(create: PendingCreate): void {
    this.pending.push(create);
    this.kick();
  }

  /** Nodes became ready (or a claim came back): every queued claim is worth trying again. */
  nodeReady(): void {
    this.readyEpoch++;
    this.kick();
  }

  kick(): void {
    this.rounds.request();
  }

  /**
   * One transaction for the new claims that arrived since the last round
   * (inserted and allocated together, so a warm claim is one transaction)
   * and every queued claim worth trying: those never tried, and all of them
   * once new nodes became ready. Priority order, FIFO within one.
   */
  private async round(): Promise<void> {
    const { queue, observer } = this.deps;
    const epoch = this.readyEpoch;
    const creates = this.pending;
    this.pending = [];
    const fresh: Queued[] = creates.map((c) => ({ record: c.record, slots: c.slots, triedAt: -1, lastSeen: c.record.createdAt }));
    const waiting = queue.all().filter((q) => q.triedAt < epoch || q.triedAt === -1);
    if (fresh.length === 0 && waiting.length === 0) return;
    const limit = Math.max(0, ROUND - fresh.length);
    const now = this.deps.clock.now();
    const order = queue.order(now);
    const old = waiting.sort(order).slice(0, limit);
    if (waiting.length > old.length) this.rounds.request(); // another round after this one
    const inserting = new Set(fresh.map((q) => q.record.id));
    const batch = [...fresh, ...old].sort(order);
    let results: Allocation[];
    try {
      results = await this.deps.store.allocate(
        batch.map((q) => ({
          claimId: q.record.id,
          slots: q.slots,
          leaseHash: sha256(this.deps.tokens.leaseToken(q.record.id)),
          leaseExpiresAt: now + q.record.leaseTtlSeconds * 1000,
          ...(inserting.has(q.record.id) ? { insert: q.record } : {}),
        })),
        now,
      );
    } catch (err) {
      // Nothing of this transaction was stored: the new claims' callers get the error.
      for (const c of creates) c.reject(err);
      throw err;
    }
    const pending = new Map(creates.map((c) => [c.record.id, c]));
    if (observer !== NOOP_OBSERVER) observer.allocated(now, outcomesOf(results, pending));
    let fulfilled = 0;
    let unfulfilled = 0;
    for (const result of results) {
      const create = pending.get(result.claimId);
      if (create && result.inserted && !result.inserted.created) {
        // Same request id as an earlier claim: hand that one back.
        create.resolve(result.inserted);
        continue;
      }
      if (result.claim && result.nodes.length > 0) {
        fulfilled++;
        const queued = queue.get(result.claimId) ?? fresh.find((f) => f.record.id === result.claimId);
        queue.remove(result.claimId);
        this.deps.handover.fulfilled(result.claim, result.nodes, queued, create);
        continue;
      }
      unfulfilled++;
      if (create) {
        const q = fresh.find((f) => f.record.id === result.claimId) as Queued;
        q.triedAt = epoch;
        queue.add(q);
        create.resolve({ claim: result.inserted?.claim ?? q.record, created: true });
      } else {
        const q = queue.get(result.claimId);
        if (q) q.triedAt = epoch;
      }
    }
    if (unfulfilled > 0) this.deps.poolWanted.emit(true);
    if (fulfilled > 0) {
      this.deps.poolWanted.emit(true);
      this.deps.watches.positionsMoved();
    }
  }
}

/** What a round did that observers care about: new claims tried, claims fulfilled. */
function outcomesOf(results: readonly Allocation[], created: ReadonlyMap<string, PendingCreate>): AllocationOutcome[] {
  const outcomes: AllocationOutcome[] = [];
  for (const r of results) {
    const create = created.get(r.claimId);
    if (create && r.inserted && !r.inserted.created) continue;
    if (r.claim && r.nodes.length > 0) outcomes.push({ claim: r.claim, nodes: r.nodes, fresh: create !== undefined });
    else if (create) outcomes.push({ claim: r.inserted?.claim ?? create.record, nodes: [], fresh: true });
  }
  return outcomes;
}
