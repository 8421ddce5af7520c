import {
  sha256,
  StandbyError,
  type ClaimRecord,
  type Clock,
  type Logger,
  type NodeRecord,
  type Outcome,
  type Random,
  type Store,
} from "../../core/index.js";
import type { NodeAccess } from "../../core/node-access.js";
import type { SchedulerObserver } from "../../core/observer.js";
import type { Catalog } from "../catalog.js";
import type { Signal } from "../signal.js";
import type { Tokens } from "../tokens.js";
import { Allocator } from "./allocation.js";
import { Handover } from "./handover.js";
import { Leases } from "./leases.js";
import type { ClaimQueue } from "./queue.js";
import {
  isProgressEvent,
  type ClaimEvent,
  type ClaimInput,
  type ClaimSettings,
  type ClaimView,
  type HoldRequest,
  type LeaseHolds,
} from "./types.js";
import { validateClaim } from "./validation.js";
import type { ClaimWatches } from "./watches.js";

export interface ClaimServiceDeps {
  store: Store;
  tokens: Tokens;
  clock: Clock;
  random: Random;
  logger: Logger;
  observer: SchedulerObserver;
  catalog: () => Catalog;
  settings: () => ClaimSettings;
  /** The claims held in memory, built first: the pool reads its demand from it. */
  queue: ClaimQueue;
  watches: ClaimWatches;
  /** How the claimer's keys reach the nodes; none: claims are announced at once. */
  access: NodeAccess | undefined;
  /** How the end of a lease may hold its nodes (holds.ts). */
  holds: LeaseHolds | undefined;
  /** The pool's side: failing a node whose hand-over failed, deleting released nodes, asking for a pool pass. */
  pool: {
    launcher: { failHandover(node: NodeRecord, message: string): Promise<void> };
    deleter: { deleteNodes(nodes: NodeRecord[]): void };
    poolWanted: Signal<boolean>;
  };
  /** A pool node became ready (or a claim came back to the queue): allocation runs again. */
  nodeReady: Signal<void>;
}

/**
 * Claims and their leases, one concern per file: validation, the queue
 * and its ageing (queue.ts), allocation in batches (allocation.ts),
 * hand-over with the claimer's keys (handover.ts), watches (watches.ts),
 * renewal, release and expiry (leases.ts). This class creates a claim,
 * reads one, waits for one, and passes the rest on.
 */
export class ClaimService {
  private readonly queue: ClaimQueue;
  private readonly allocator: Allocator;
  private readonly leases: Leases;

  constructor(private readonly deps: ClaimServiceDeps) {
    const { store, clock, logger, observer, queue, watches } = deps;
    this.queue = queue;
    const requeued = deps.nodeReady;
    const handover = new Handover({
      store,
      clock,
      logger,
      observer,
      access: deps.access,
      queue,
      watches,
      nodes: {
        failHandover: (node, message) => deps.pool.launcher.failHandover(node, message),
        deleteNodes: (nodes) => deps.pool.deleter.deleteNodes(nodes),
      },
      requeued,
      poolWanted: deps.pool.poolWanted,
    });
    this.allocator = new Allocator({
      store,
      tokens: deps.tokens,
      clock,
      logger,
      observer,
      queue,
      watches,
      handover,
      poolWanted: deps.pool.poolWanted,
    });
    deps.nodeReady.on(() => this.allocator.nodeReady());
    this.leases = new Leases({
      store,
      clock,
      logger,
      observer,
      queue,
      watches,
      settings: deps.settings,
      holds: () => deps.holds,
      deleter: deps.pool.deleter,
    });
  }

  /** Loads queued claims after a start. */
  load(): Promise<void> {
    return this.queue.load(this.deps.observer);
  }

  /** The configuration changed. */
  refresh(): void {
    this.queue.refresh();
  }

  async create(input: ClaimInput): Promise<{ view: ClaimView; created: boolean }> {
    const { slots, ttlMs } = validateClaim(input, this.deps.catalog(), this.deps.settings());
    const now = this.deps.clock.now();
    const requestHash = sha256(
      JSON.stringify([input.labelExpressions, input.requester, input.jobName, input.priority, input.leaseTtlSeconds, input.sshPublicKeys]),
    );
    const record: ClaimRecord = {
      id: this.deps.random.id("c"),
      requestId: input.requestId,
      requestHash,
      state: "queued",
      labelExpressions: input.labelExpressions,
      requester: input.requester,
      jobName: input.jobName,
      priority: input.priority,
      leaseTtlSeconds: Math.round(ttlMs / 1000),
      sshPublicKeys: input.sshPublicKeys,
      tokenHash: "",
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
    this.deps.observer.claimCreated(record);
    const { claim, created } = await new Promise<{ claim: ClaimRecord; created: boolean }>((resolve, reject) => {
      this.allocator.add({ record, slots, resolve, reject });
    });
    if (!created) {
      if (claim.requestHash !== requestHash) {
        throw new StandbyError("already-exists", "request_id: already used for a different claim", { field: "request_id" });
      }
      this.queue.touch(claim.id);
      return { view: await this.queue.view(claim), created: false };
    }
    if (claim.state === "fulfilled")
      return { view: { claim, nodes: this.queue.leased.get(claim.id) ?? [], queuePosition: 0 }, created: true };
    return { view: { claim, nodes: [], queuePosition: this.queue.position(claim.id) }, created: true };
  }
  async get(claimId: string): Promise<ClaimView> {
    const claim = this.queue.get(claimId)?.record ?? this.queue.handing.get(claimId) ?? (await this.deps.store.getClaim(claimId));
    if (!claim) throw new StandbyError("not-found", `claim ${claimId} not found`);
    this.queue.touch(claimId);
    return this.queue.view(claim);
  }
  /** Resolves when the claim leaves the queue (or after timeoutMs) with its latest view. */
  async wait(claimId: string, timeoutMs: number, signal?: AbortSignal): Promise<ClaimView> {
    // Listen first, then look: an event between the two cannot be missed.
    let settle: ((view: ClaimView) => void) | undefined;
    let early: ClaimView | undefined;
    const unsubscribe = this.subscribe(claimId, (event) => {
      if (isProgressEvent(event.kind)) return;
      if (settle) settle(event.view);
      else early = event.view;
    });
    let current: ClaimView;
    try {
      current = await this.get(claimId);
    } catch (err) {
      unsubscribe();
      throw err;
    }
    if (early || current.claim.state !== "queued") {
      unsubscribe();
      return early ?? current;
    }
    return new Promise<ClaimView>((resolve) => {
      const onAbort = () => void this.get(claimId).then(done, () => done(current));
      const timer = this.deps.clock.setTimer(timeoutMs, onAbort);
      const done = (view: ClaimView) => {
        timer.cancel();
        unsubscribe();
        signal?.removeEventListener("abort", onAbort);
        resolve(view);
      };
      settle = done;
      signal?.addEventListener("abort", onAbort);
    });
  }
  /** Listens to a claim's events; an open subscription keeps a queued claim alive. */
  subscribe(claimId: string, listener: (event: ClaimEvent) => void): () => void {
    return this.deps.watches.subscribe(claimId, listener);
  }

  queuedCount(label?: string): number {
    return this.queue.queuedCount(label);
  }

  /** The labels each slot of a queued claim can take ([] if not queued). */
  slotsOf(claimId: string): string[][] {
    return this.queue.slotsOf(claimId);
  }

  kickAllocation(): void {
    this.allocator.kick();
  }

  renew(claimId: string, ttlSeconds: number): Promise<number> {
    return this.leases.renew(claimId, ttlSeconds);
  }

  release(claimId: string, outcome: Outcome, hold?: HoldRequest): Promise<ClaimView> {
    return this.leases.release(claimId, outcome, hold);
  }

  cancel(claimId: string, reason?: string): Promise<ClaimView> {
    return this.leases.cancel(claimId, reason);
  }

  /** Expires leases past their time and cancels queued claims nobody waits for. */
  sweep(): Promise<void> {
    return this.leases.sweep();
  }
}
