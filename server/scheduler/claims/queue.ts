import {
  CLAIMED_NODE_STATES,
  type ClaimRecord,
  type Clock,
  type Logger,
  type NodeRecord,
  type Slot,
  type Store,
} from "../../core/index.js";
import type { SchedulerObserver } from "../../core/observer.js";
import type { Catalog } from "../catalog.js";
import type { ClaimSettings, ClaimView, Demand, ProviderRanking } from "./types.js";
import { resolveSlots } from "./validation.js";

/** A claim waiting in the queue. */
export interface Queued {
  record: ClaimRecord;
  /** Per slot, the labels that satisfy its expression. */
  slots: Slot[];
  /** The ready-node epoch at its last allocation attempt (-1: never tried). */
  triedAt: number;
  lastSeen: number;
  /** A nodeset's provider and since when (its nodes are launched there only). */
  pin?: { provider: string; since: number };
}

/** A new claim waiting to be inserted (and allocated) by the next allocation round. */
export interface PendingCreate {
  record: ClaimRecord;
  slots: Slot[];
  resolve(result: { claim: ClaimRecord; created: boolean }): void;
  reject(err: unknown): void;
}

export interface ClaimQueueDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  catalog: () => Catalog;
  settings: () => ClaimSettings;
}

/**
 * The claims this scheduler holds in memory: the priority queue (with
 * ageing: one priority step per agingStep waited), claims whose keys are
 * being handed over, and the nodes of live leases; and what the pool needs
 * from them (demand, a nodeset's provider).
 */
export class ClaimQueue {
  private readonly queue = new Map<string, Queued>();
  /** Fulfilled claims whose claimer's keys are being added to their nodes; shown as queued meanwhile. */
  readonly handing = new Map<string, ClaimRecord>();
  /** Nodes handed out per live claim, so release needs no extra read. */
  readonly leased = new Map<string, NodeRecord[]>();

  constructor(private readonly deps: ClaimQueueDeps) {}

  /** Loads queued claims after a start. */
  async load(observer: SchedulerObserver): Promise<void> {
    const now = this.deps.clock.now();
    for (const record of await this.deps.store.listClaims({ states: ["queued"] })) {
      let slots: Slot[];
      try {
        slots = this.slotsFor(record.labelExpressions);
      } catch {
        slots = record.labelExpressions.map(() => ({ labels: [] }));
      }
      this.queue.set(record.id, { record, slots, triedAt: -1, lastSeen: Math.max(now, record.lastSeenAt) });
      observer.claimLoaded(record);
    }
  }

  /** The configuration changed: every queued claim's labels are resolved again. */
  refresh(): void {
    for (const q of this.queue.values()) q.slots = this.slotsFor(q.record.labelExpressions);
  }

  slotsFor(expressions: string[]): Slot[] {
    return resolveSlots(this.deps.catalog(), expressions);
  }

  get(claimId: string): Queued | undefined {
    return this.queue.get(claimId);
  }

  add(q: Queued): void {
    this.queue.set(q.record.id, q);
  }

  remove(claimId: string): void {
    this.queue.delete(claimId);
  }

  all(): Queued[] {
    return [...this.queue.values()];
  }

  get size(): number {
    return this.queue.size;
  }

  isQueued(claimId: string): boolean {
    return this.queue.has(claimId);
  }

  /** A sign of life from a queued claim's client. */
  touch(claimId: string): void {
    const q = this.queue.get(claimId);
    if (q) q.lastSeen = this.deps.clock.now();
  }

  /** The claim with its nodes (in the order it asked for them) and its place in the queue. */
  async view(claim: ClaimRecord): Promise<ClaimView> {
    let nodes: NodeRecord[] = [];
    if (claim.nodeIds.length > 0) {
      nodes = this.leased.get(claim.id) ?? (await this.deps.store.listNodes({ claimId: claim.id, states: [...CLAIMED_NODE_STATES] }));
      const order = new Map(claim.nodeIds.map((id, i) => [id, i]));
      nodes = [...nodes].sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
    }
    return { claim, nodes, queuePosition: this.position(claim.id) };
  }

  /** Whether a comes before b in the queue now. */
  before(a: ClaimRecord, b: ClaimRecord, now: number): boolean {
    return before(a, b, now, this.deps.settings().agingStepMs);
  }

  /** Sorts queue entries, first in line first. */
  order(now: number): (a: Queued, b: Queued) => number {
    return (a, b) => (this.before(a.record, b.record, now) ? -1 : this.before(b.record, a.record, now) ? 1 : 0);
  }

  position(claimId: string): number {
    const q = this.queue.get(claimId);
    if (!q) return 0;
    let ahead = 0;
    const now = this.deps.clock.now();
    for (const other of this.queue.values()) if (this.before(other.record, q.record, now)) ahead++;
    return ahead + 1;
  }

  /** Queued claims a node of the label could serve, first in line first, at most limit. */
  waitingOn(label: string, limit: number): string[] {
    const found: Queued[] = [];
    for (const q of this.queue.values()) if (q.slots.some((s) => s.labels.includes(label))) found.push(q);
    if (found.length === 0) return [];
    found.sort(this.order(this.deps.clock.now()));
    return found.slice(0, limit).map((q) => q.record.id);
  }

  queuedCount(label?: string): number {
    if (!label) return this.queue.size;
    let n = 0;
    for (const q of this.queue.values()) if (q.slots.some((s) => s.labels.includes(label))) n++;
    return n;
  }

  /** The labels each slot of a queued claim can take ([] if not queued). */
  slotsOf(claimId: string): string[][] {
    return (this.queue.get(claimId)?.slots ?? []).map((s) => s.labels);
  }

  /**
   * Nodes queued claims are waiting for, per label; a nodeset's nodes are
   * pinned to one provider that can make all of them (it is filled from one).
   */
  demand(rank: ProviderRanking = (c) => c): Demand[] {
    const catalog = this.deps.catalog();
    const demand = new Map<string, Demand>();
    const add = (label: string, provider: string | undefined) => {
      const key = `${label}\u0000${provider ?? ""}`;
      const d = demand.get(key) ?? { label, provider, count: 0 };
      d.count++;
      demand.set(key, d);
    };
    for (const q of this.queue.values()) {
      if (q.slots.length === 1) {
        const slot = q.slots[0] as Slot;
        const label = slot.labels.find((l) => (catalog.labels.get(l)?.templates.length ?? 0) > 0);
        if (!label) continue;
        // A label that fits only on some providers (their extra tags) is launched there.
        const only = slot.providers?.[label];
        add(label, only ? (rank(only, [label])[0] ?? only[0]) : undefined);
        continue;
      }
      const common = [...q.slots.map((slot) => catalog.makers(slot)).reduce((a, b) => new Set([...a].filter((p) => b.has(p))))].sort();
      const provider = this.pin(q, common, rank);
      if (!provider) continue;
      for (const slot of q.slots) {
        const label = slot.labels.find((l) => catalog.fits(slot, l, provider));
        if (label) add(label, provider);
      }
    }
    return [...demand.values()];
  }

  /**
   * The provider a queued nodeset's nodes are launched on. It stays while it
   * can launch and the set is not overdue; otherwise the next best provider
   * that can make every node takes over. Nodes the old one made stay in the
   * pool for anyone (a set never holds a partial set's nodes), and the set is
   * only ever filled from one provider.
   */
  private pin(q: Queued, common: string[], rank: ProviderRanking): string | undefined {
    const now = this.deps.clock.now();
    const labels = [...new Set(q.slots.flatMap((s) => s.labels))];
    const ranked = rank(common, labels);
    const current = q.pin;
    if (current && ranked.includes(current.provider) && now - current.since < this.deps.settings().nodesetTimeoutMs)
      return current.provider;
    const next = ranked.find((p) => p !== current?.provider) ?? ranked[0];
    // Nothing can launch now: keep what there is (its launches may still finish).
    if (!next) return current?.provider ?? common[0];
    if (next !== current?.provider || !current) {
      if (current) this.deps.logger.info({ claim: q.record.id, from: current.provider, to: next }, "nodeset moved to another provider");
      q.pin = { provider: next, since: now };
    } else {
      current.since = now;
    }
    return next;
  }
}

/** Priority plus one step per agingStepMs waited: an old low-priority claim overtakes new high ones. */
export function effectivePriority(claim: ClaimRecord, now: number, agingStepMs: number): number {
  return agingStepMs > 0 ? claim.priority + Math.floor(Math.max(0, now - claim.createdAt) / agingStepMs) : claim.priority;
}

function before(a: ClaimRecord, b: ClaimRecord, now = 0, agingStepMs = 0): boolean {
  const pa = effectivePriority(a, now, agingStepMs);
  const pb = effectivePriority(b, now, agingStepMs);
  if (pa !== pb) return pa > pb;
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt;
  return a.id < b.id;
}
