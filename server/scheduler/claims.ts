import type { Clock } from "../../common/clock.js";
import { StandbyError } from "../../common/errors.js";
import type { Logger } from "../../common/log.js";
import type { NodeAccess } from "../core/node-access.js";
import { NOOP_OBSERVER, type AllocationOutcome, type SchedulerObserver } from "../core/observer.js";
import type { Random } from "../../common/random.js";
import { sha256 } from "../../common/random.js";
import { CLAIMED_NODE_STATES, type ClaimState, type Outcome } from "../core/states.js";
import type { HoldRecord } from "../core/holds.js";
import type { Allocation, ClaimRecord, NodeRecord, Slot, Store } from "../core/store.js";
import type { Catalog } from "./catalog.js";
import type { Tokens } from "./tokens.js";

export interface ClaimInput {
  labelExpressions: string[];
  requester: string;
  jobName: string;
  priority: number;
  leaseTtlSeconds: number;
  sshPublicKeys: string[];
  requestId: string;
}

export type ClaimEventKind = "queued" | "launching" | "fulfilled" | "failed" | "cancelled" | "released" | "expired";

export interface ClaimView {
  claim: ClaimRecord;
  nodes: NodeRecord[];
  queuePosition: number;
  /** The holds of nodes the lease's end held, by node id. */
  holds?: ReadonlyMap<string, HoldRecord>;
}

/** A hold asked for at release. */
export interface HoldRequest {
  seconds: number;
  reason: string;
  /** Who asks ("" = the claim's requester). */
  requester: string;
}

/** How a lease ends, as the hold decision sees it. */
export interface LeaseEnd {
  to: ClaimState;
  outcome: Outcome | undefined;
  hold: HoldRequest | undefined;
}

/**
 * How the end of a lease may hold its nodes (state held) instead of deleting
 * them; implemented in holds.ts. The hold is written before the lease ends.
 */
export interface LeaseHolds {
  /** Whether this end may hold nodes at all (only then is the claim read first). */
  considers(end: LeaseEnd): boolean;
  /** Decides, and writes the holds of the nodes it holds; undefined to delete them as usual. */
  prepare(claim: ClaimRecord, nodes: NodeRecord[], end: LeaseEnd): Promise<PreparedHolds | undefined>;
  /** The lease had already ended: the holds never took effect. */
  abandon(prepared: PreparedHolds): Promise<void>;
  /** The nodes are held now. */
  held(prepared: PreparedHolds): void;
}

export interface PreparedHolds {
  holds: HoldRecord[];
  /** The autohold rule that fired for them ("" if none). */
  ruleId: string;
}

export interface ClaimEvent {
  kind: ClaimEventKind;
  message: string;
  view: ClaimView;
}

/** Nodes wanted for queued claims: of a label, on a given provider or any. */
export interface Demand {
  label: string;
  provider: string | undefined;
  count: number;
}

export interface ClaimSettings {
  defaultLeaseTtlMs: number;
  maxLeaseTtlMs: number;
  abandonAfterMs: number;
  /** One priority step gained per this much waiting (0 = no ageing). */
  agingStepMs: number;
  /** A nodeset pinned to a provider is re-pinned after this long unfulfilled. */
  nodesetTimeoutMs: number;
}

/**
 * Orders providers by how well they can launch now (usable ones only, best
 * first), for nodes of the given labels.
 */
export type ProviderRanking = (candidates: string[], labels: string[]) => string[];

interface PendingCreate {
  record: ClaimRecord;
  slots: Slot[];
  resolve(result: { claim: ClaimRecord; created: boolean }): void;
  reject(err: unknown): void;
}

interface Queued {
  record: ClaimRecord;
  /** Per slot, the labels that satisfy its expression. */
  slots: Slot[];
  /** The ready-node epoch at its last allocation attempt (-1: never tried). */
  triedAt: number;
  lastSeen: number;
  /** A nodeset's provider and since when (its nodes are launched there only). */
  pin?: { provider: string; since: number };
}

const SSH_KEY =
  /^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/]+={0,3}( .*)?$/;

/**
 * Claims and their leases: validation, the priority queue, allocation in
 * batches (all claims arriving while one allocation transaction runs go into
 * the next one), waiting and watching, renewal, release, expiry and
 * abandonment of claims whose client went away.
 */
export class ClaimService {
  private readonly queue = new Map<string, Queued>();
  private readonly listeners = new Map<string, Set<(event: ClaimEvent) => void>>();
  /** Nodes handed out per live claim, so release needs no extra read. */
  private readonly leased = new Map<string, NodeRecord[]>();
  /** Fulfilled claims whose claimer's keys are being added to their nodes; shown as queued meanwhile. */
  private readonly handing = new Map<string, ClaimRecord>();
  /** New claims waiting to be inserted (and allocated) by the next round. */
  private pendingCreates: PendingCreate[] = [];
  private readyEpoch = 0;
  private allocating = false;
  private allocateAgain = false;
  private holds: LeaseHolds | undefined;

  constructor(
    private readonly store: Store,
    private readonly tokens: Tokens,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly logger: Logger,
    private catalog: Catalog,
    private settings: ClaimSettings,
    private readonly onDemand: () => void,
    private readonly onNodesReleased: (nodes: NodeRecord[]) => void,
    private readonly onHandoverFailed: (node: NodeRecord, message: string) => Promise<void> = async () => {},
    private readonly access?: NodeAccess,
    private readonly observer: SchedulerObserver = NOOP_OBSERVER,
  ) {}

  /** Lets the end of a lease hold its nodes (holds.ts). */
  setHolds(holds: LeaseHolds): void {
    this.holds = holds;
  }

  setCatalog(catalog: Catalog, settings: ClaimSettings): void {
    this.catalog = catalog;
    this.settings = settings;
    for (const q of this.queue.values()) q.slots = this.resolveSlots(q.record.labelExpressions);
  }

  /** Loads queued claims after a start. */
  async load(): Promise<void> {
    const now = this.clock.now();
    for (const record of await this.store.listClaims({ states: ["queued"] })) {
      let slots: Slot[];
      try {
        slots = this.resolveSlots(record.labelExpressions);
      } catch {
        slots = record.labelExpressions.map(() => ({ labels: [] }));
      }
      this.queue.set(record.id, { record, slots, triedAt: -1, lastSeen: Math.max(now, record.lastSeenAt) });
      this.observer.claimLoaded(record);
    }
  }

  /**
   * Nodes queued claims are waiting for, per label; a nodeset's nodes are
   * pinned to one provider that can make all of them (it is filled from one).
   */
  demand(rank: ProviderRanking = (c) => c): Demand[] {
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
        const label = slot.labels.find((l) => (this.catalog.labels.get(l)?.templates.length ?? 0) > 0);
        if (!label) continue;
        // A label that fits only on some providers (their extra tags) is launched there.
        const only = slot.providers?.[label];
        add(label, only ? (rank(only, [label])[0] ?? only[0]) : undefined);
        continue;
      }
      const common = [...q.slots.map((slot) => this.catalog.makers(slot)).reduce((a, b) => new Set([...a].filter((p) => b.has(p))))].sort();
      const provider = this.pin(q, common, rank);
      if (!provider) continue;
      for (const slot of q.slots) {
        const label = slot.labels.find((l) => this.catalog.fits(slot, l, provider));
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
    const now = this.clock.now();
    const labels = [...new Set(q.slots.flatMap((s) => s.labels))];
    const ranked = rank(common, labels);
    const current = q.pin;
    if (current && ranked.includes(current.provider) && now - current.since < this.settings.nodesetTimeoutMs) return current.provider;
    const next = ranked.find((p) => p !== current?.provider) ?? ranked[0];
    // Nothing can launch now: keep what there is (its launches may still finish).
    if (!next) return current?.provider ?? common[0];
    if (next !== current?.provider || !current) {
      if (current) this.logger.info({ claim: q.record.id, from: current.provider, to: next }, "nodeset moved to another provider");
      q.pin = { provider: next, since: now };
    } else {
      current.since = now;
    }
    return next;
  }

  /** Queued claims a node of the label could serve, first in line first, at most limit. */
  waitingOn(label: string, limit: number): string[] {
    const found: Queued[] = [];
    for (const q of this.queue.values()) if (q.slots.some((s) => s.labels.includes(label))) found.push(q);
    if (found.length === 0) return [];
    const now = this.clock.now();
    found.sort((a, b) => (this.before(a.record, b.record, now) ? -1 : this.before(b.record, a.record, now) ? 1 : 0));
    return found.slice(0, limit).map((q) => q.record.id);
  }

  isQueued(claimId: string): boolean {
    return this.queue.has(claimId);
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

  private resolveSlots(expressions: string[]): Slot[] {
    return expressions.map((e, i) => this.catalog.match(e, `label_expressions[${i}]`));
  }

  private validate(input: ClaimInput): { slots: Slot[]; ttlMs: number } {
    if (input.labelExpressions.length === 0)
      throw StandbyError.invalidArgument("label_expressions", "at least one label expression is required");
    if (input.labelExpressions.length > 32) throw StandbyError.invalidArgument("label_expressions", "at most 32 nodes per claim");
    const slots = this.resolveSlots(input.labelExpressions);
    slots.forEach((slot, i) => {
      if (slot.labels.length === 0) {
        throw new StandbyError(
          "failed-precondition",
          `label_expressions[${i}]: no configured label satisfies "${input.labelExpressions[i]}"`,
          {
            field: `label_expressions[${i}]`,
          },
        );
      }
    });
    if (slots.length > 1) {
      // A nodeset comes from one provider: some provider must make a label of every slot.
      const common = slots.map((slot) => this.catalog.makers(slot)).reduce((a, b) => new Set([...a].filter((p) => b.has(p))));
      if (common.size === 0)
        throw new StandbyError("failed-precondition", "label_expressions: no single provider can make every node of this nodeset", {
          field: "label_expressions",
        });
    }
    const ttlMs = input.leaseTtlSeconds > 0 ? input.leaseTtlSeconds * 1000 : this.settings.defaultLeaseTtlMs;
    if (ttlMs > this.settings.maxLeaseTtlMs)
      throw StandbyError.invalidArgument("lease_ttl_seconds", `at most ${this.settings.maxLeaseTtlMs / 1000}`);
    input.sshPublicKeys.forEach((key, i) => {
      if (!SSH_KEY.test(key.trim())) throw StandbyError.invalidArgument(`ssh_public_keys[${i}]`, "not an OpenSSH public key");
    });
    if (input.requestId.length > 128) throw StandbyError.invalidArgument("request_id", "at most 128 characters");
    if (input.requester.length > 256) throw StandbyError.invalidArgument("requester", "at most 256 characters");
    if (input.jobName.length > 1024) throw StandbyError.invalidArgument("job_name", "at most 1024 characters");
    if (!Number.isInteger(input.priority) || Math.abs(input.priority) > 1_000_000)
      throw StandbyError.invalidArgument("priority", "an integer within ±1000000");
    return { slots, ttlMs };
  }

  async create(input: ClaimInput): Promise<{ view: ClaimView; created: boolean }> {
    const { slots, ttlMs } = this.validate(input);
    const now = this.clock.now();
    const requestHash = sha256(
      JSON.stringify([input.labelExpressions, input.requester, input.jobName, input.priority, input.leaseTtlSeconds, input.sshPublicKeys]),
    );
    const record: ClaimRecord = {
      id: this.random.id("c"),
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
    this.observer.claimCreated(record);
    const { claim, created } = await new Promise<{ claim: ClaimRecord; created: boolean }>((resolve, reject) => {
      this.pendingCreates.push({ record, slots, resolve, reject });
      this.kickAllocation();
    });
    if (!created) {
      if (claim.requestHash !== requestHash) {
        throw new StandbyError("already-exists", "request_id: already used for a different claim", { field: "request_id" });
      }
      this.touch(claim.id);
      return { view: await this.view(claim), created: false };
    }
    if (claim.state === "fulfilled") return { view: { claim, nodes: this.leased.get(claim.id) ?? [], queuePosition: 0 }, created: true };
    return { view: { claim, nodes: [], queuePosition: this.position(claim.id) }, created: true };
  }

  private before(a: ClaimRecord, b: ClaimRecord, now: number): boolean {
    return before(a, b, now, this.settings.agingStepMs);
  }

  /** A sign of life from a queued claim's client. */
  touch(claimId: string): void {
    const q = this.queue.get(claimId);
    if (q) q.lastSeen = this.clock.now();
  }

  position(claimId: string): number {
    const q = this.queue.get(claimId);
    if (!q) return 0;
    let ahead = 0;
    const now = this.clock.now();
    for (const other of this.queue.values()) if (this.before(other.record, q.record, now)) ahead++;
    return ahead + 1;
  }

  async get(claimId: string): Promise<ClaimView> {
    const claim = this.queue.get(claimId)?.record ?? this.handing.get(claimId) ?? (await this.store.getClaim(claimId));
    if (!claim) throw new StandbyError("not-found", `claim ${claimId} not found`);
    this.touch(claimId);
    return this.view(claim);
  }

  private async view(claim: ClaimRecord): Promise<ClaimView> {
    let nodes: NodeRecord[] = [];
    if (claim.nodeIds.length > 0) {
      nodes = this.leased.get(claim.id) ?? (await this.store.listNodes({ claimId: claim.id, states: [...CLAIMED_NODE_STATES] }));
      const order = new Map(claim.nodeIds.map((id, i) => [id, i]));
      nodes = [...nodes].sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
    }
    return { claim, nodes, queuePosition: this.position(claim.id) };
  }

  /** Resolves when the claim leaves the queue (or after timeoutMs) with its latest view. */
  async wait(claimId: string, timeoutMs: number, signal?: AbortSignal): Promise<ClaimView> {
    // Listen first, then look: an event between the two cannot be missed.
    let settle: ((view: ClaimView) => void) | undefined;
    let early: ClaimView | undefined;
    const unsubscribe = this.subscribe(claimId, (event) => {
      if (event.kind === "queued" || event.kind === "launching") return;
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
      const timer = this.clock.setTimer(timeoutMs, onAbort);
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
    let set = this.listeners.get(claimId);
    if (!set) this.listeners.set(claimId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(claimId);
      this.touch(claimId);
    };
  }

  private emit(claimId: string, kind: ClaimEventKind, message: string, view: ClaimView): void {
    const set = this.listeners.get(claimId);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener({ kind, message, view });
      } catch (err) {
        this.logger.error({ err }, "claim listener failed");
      }
    }
  }

  /** Tells watchers of queued claims for a label that a node is launching. */
  launching(label: string, provider: string): void {
    for (const q of this.queue.values()) {
      if (this.listeners.has(q.record.id) && q.slots.some((s) => s.labels.includes(label))) {
        this.emit(q.record.id, "launching", `launching ${label} on ${provider}`, {
          claim: q.record,
          nodes: [],
          queuePosition: this.position(q.record.id),
        });
      }
    }
  }

  nodeReady(): void {
    this.readyEpoch++;
    this.kickAllocation();
  }

  kickAllocation(): void {
    if (this.allocating) {
      this.allocateAgain = true;
      return;
    }
    this.allocating = true;
    // Rounds serve every claim: they run in no caller's trace context.
    void this.observer.detached(() => this.allocateLoop());
  }

  private async allocateLoop(): Promise<void> {
    try {
      do {
        this.allocateAgain = false;
        await this.allocateRound();
      } while (this.allocateAgain);
    } catch (err) {
      this.logger.error({ err }, "allocation failed");
      this.clock.setTimer(1000, () => this.kickAllocation());
    } finally {
      this.allocating = false;
    }
  }

  /**
   * One transaction for the new claims that arrived since the last round
   * (inserted and allocated together, so a warm claim is one transaction)
   * and every queued claim worth trying: those never tried, and all of them
   * once new nodes became ready. Priority order, FIFO within one.
   */
  private async allocateRound(): Promise<void> {
    const epoch = this.readyEpoch;
    const creates = this.pendingCreates;
    this.pendingCreates = [];
    const fresh: Queued[] = creates.map((c) => ({ record: c.record, slots: c.slots, triedAt: -1, lastSeen: c.record.createdAt }));
    const waiting = [...this.queue.values()].filter((q) => q.triedAt < epoch || q.triedAt === -1);
    if (fresh.length === 0 && waiting.length === 0) return;
    const limit = Math.max(0, 256 - fresh.length);
    const now = this.clock.now();
    const order = (a: Queued, b: Queued) => (this.before(a.record, b.record, now) ? -1 : this.before(b.record, a.record, now) ? 1 : 0);
    const old = waiting.sort(order).slice(0, limit);
    if (waiting.length > old.length) this.allocateAgain = true;
    const inserting = new Set(fresh.map((q) => q.record.id));
    const batch = [...fresh, ...old].sort(order);
    let results: Allocation[];
    try {
      results = await this.store.allocate(
        batch.map((q) => ({
          claimId: q.record.id,
          slots: q.slots,
          leaseHash: sha256(this.tokens.leaseToken(q.record.id)),
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
    if (this.observer !== NOOP_OBSERVER) this.observer.allocated(now, outcomesOf(results, pending));
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
        const queued = this.queue.get(result.claimId) ?? fresh.find((f) => f.record.id === result.claimId);
        this.queue.delete(result.claimId);
        if (this.access && result.claim.sshPublicKeys.length > 0) {
          const claim = result.claim;
          const nodes = result.nodes;
          void this.observer.inClaim(claim, () => this.handOver(claim, nodes, queued, create));
        } else {
          this.announce(result.claim, result.nodes, create);
        }
        continue;
      }
      unfulfilled++;
      if (create) {
        const q = fresh.find((f) => f.record.id === result.claimId) as Queued;
        q.triedAt = epoch;
        this.queue.set(q.record.id, q);
        create.resolve({ claim: result.inserted?.claim ?? q.record, created: true });
      } else {
        const q = this.queue.get(result.claimId);
        if (q) q.triedAt = epoch;
      }
    }
    if (unfulfilled > 0) this.onDemand();
    if (fulfilled > 0) {
      this.onDemand();
      // Positions moved for everyone still waiting.
      for (const q of this.queue.values()) {
        if (this.listeners.has(q.record.id)) {
          this.emit(q.record.id, "queued", `position ${this.position(q.record.id)}`, {
            claim: q.record,
            nodes: [],
            queuePosition: this.position(q.record.id),
          });
        }
      }
    }
  }

  private announce(claim: ClaimRecord, nodes: NodeRecord[], create?: PendingCreate): void {
    this.leased.set(claim.id, nodes);
    this.observer.claimFulfilled(claim, nodes);
    create?.resolve({ claim, created: true });
    this.emit(claim.id, "fulfilled", `fulfilled by ${nodes.map((n) => `${n.id} (${n.provider})`).join(", ")}`, {
      claim,
      nodes,
      queuePosition: 0,
    });
  }

  /**
   * Adds the claimer's keys to the claim's nodes over SSH (checking each
   * node's pinned host key) before the claim is announced. A node that fails
   * is failed and replaced; the others may already carry the claimer's keys,
   * so they are released and deleted (never back to the pool), and the claim
   * waits again (requeueClaim: one transaction).
   */
  private async handOver(claim: ClaimRecord, nodes: NodeRecord[], queued: Queued | undefined, create?: PendingCreate): Promise<void> {
    const access = this.access as NodeAccess;
    this.handing.set(claim.id, { ...claim, state: "queued" });
    const results = await Promise.all(
      nodes.map((node) =>
        access.injectKeys(node, claim.sshPublicKeys, 30_000).then(
          () => undefined,
          (err: unknown) => ({ node, message: err instanceof Error ? err.message : String(err) }),
        ),
      ),
    );
    const failed = results.filter((r): r is { node: NodeRecord; message: string } => r !== undefined);
    if (failed.length === 0) {
      this.handing.delete(claim.id);
      this.announce(claim, nodes, create);
      return;
    }
    try {
      for (const f of failed) {
        this.logger.warn(
          { claim: claim.id, node: f.node.id, provider: f.node.provider, reason: f.message },
          "hand-over failed; the claim waits for another node",
        );
        await this.onHandoverFailed(f.node, f.message);
      }
      const now = this.clock.now();
      // The timeline goes with the requeue, in its transaction.
      const events = failed.map((f) => ({
        claimId: claim.id,
        at: now,
        kind: "handover-failed",
        label: f.node.label,
        provider: f.node.provider,
        nodeId: f.node.id,
        message: `hand-over of node ${f.node.id} failed: ${f.message}; waiting for another`,
      }));
      // The other nodes may already carry the claimer's keys: released (and deleted), never back to ready.
      const back = await this.store.requeueClaim({ claimId: claim.id, at: now, nodesTo: "released", events });
      if (!back) {
        // Cancelled (or expired) while its keys were being added: it stays ended, not requeued.
        const ended = await this.store.getClaim(claim.id);
        if (ended) create?.resolve({ claim: ended, created: true });
        else create?.reject(new StandbyError("not-found", `claim ${claim.id} not found`));
        return;
      }
      const record: ClaimRecord = back;
      const failedIds = new Set(failed.map((f) => f.node.id));
      this.onNodesReleased(nodes.filter((n) => !failedIds.has(n.id)).map((n) => ({ ...n, state: "released", stateChangedAt: now })));
      this.queue.set(claim.id, { record, slots: queued?.slots ?? this.resolveSlots(claim.labelExpressions), triedAt: -1, lastSeen: now });
      this.observer.claimRequeued(record, failed[0]?.message ?? "");
      create?.resolve({ claim: record, created: true });
      this.emit(claim.id, "queued", `a node failed during hand-over (${failed[0]?.message ?? ""}); waiting for another`, {
        claim: record,
        nodes: [],
        queuePosition: this.position(claim.id),
      });
    } catch (err) {
      this.logger.error({ err, claim: claim.id }, "requeueing a claim after a failed hand-over failed");
      create?.reject(err);
    } finally {
      this.handing.delete(claim.id);
      this.readyEpoch++;
      this.kickAllocation();
      this.onDemand();
    }
  }

  async renew(claimId: string, ttlSeconds: number): Promise<number> {
    if (ttlSeconds * 1000 > this.settings.maxLeaseTtlMs)
      throw StandbyError.invalidArgument("ttl_seconds", `at most ${this.settings.maxLeaseTtlMs / 1000}`);
    const claim = await this.store.getClaim(claimId);
    if (!claim) throw new StandbyError("not-found", `lease of claim ${claimId} not found`);
    if (claim.state !== "fulfilled") throw new StandbyError("failed-precondition", `the lease is ${claim.state}`);
    const expiresAt = this.clock.now() + (ttlSeconds > 0 ? ttlSeconds : claim.leaseTtlSeconds) * 1000;
    const changed = await this.store.updateClaims([{ id: claimId, from: ["fulfilled"], patch: { leaseExpiresAt: expiresAt } }]);
    if (changed.length === 0) throw new StandbyError("failed-precondition", "the lease ended meanwhile");
    return expiresAt;
  }

  /**
   * Ends a live lease (release, cancel, expiry); its nodes go to released and
   * are deleted, or to held when the hold decision says so.
   */
  private async end(
    claimId: string,
    to: ClaimState,
    outcome: Outcome | undefined,
    reason?: string,
    hold?: HoldRequest,
    known?: ClaimRecord,
  ): Promise<ClaimView | undefined> {
    let prepared: PreparedHolds | undefined;
    const leaseEnd: LeaseEnd = { to, outcome, hold };
    if (this.holds?.considers(leaseEnd)) {
      const current = known ?? (await this.store.getClaim(claimId));
      // Only nodes still claimed: one held by hand meanwhile keeps its own hold.
      const claimed = current?.state === "fulfilled" ? await this.store.listNodes({ claimId, states: ["claimed"] }) : [];
      if (current && claimed.length > 0) prepared = await this.holds.prepare(current, claimed, leaseEnd);
    }
    const nodesTo = prepared ? "held" : "released";
    let claim: ClaimRecord | undefined;
    try {
      [claim] = await this.store.endClaims([
        { claimId, from: ["fulfilled"], to, at: this.clock.now(), nodesTo, ...(outcome ? { outcome } : {}), ...(reason ? { reason } : {}) },
      ]);
    } catch (err) {
      // Nothing ended: a retry decides again, so the rule's firing is given back.
      if (prepared) await this.holds?.abandon(prepared).catch(() => undefined);
      throw err;
    }
    if (!claim) {
      if (prepared) await this.holds?.abandon(prepared);
      return undefined;
    }
    const nodes = this.leased.get(claimId) ?? (await this.store.listNodes({ claimId, states: [nodesTo] }));
    this.leased.delete(claimId);
    this.observer.claimEnded(claim);
    let view: ClaimView;
    if (prepared) {
      const heldIds = new Set(prepared.holds.map((h) => h.nodeId));
      this.holds?.held(prepared);
      const source = new Map(prepared.holds.map((h) => [h.nodeId, h.source]));
      for (const n of nodes) if (heldIds.has(n.id)) this.observer.nodeHeld(n, source.get(n.id) ?? "");
      view = {
        claim,
        nodes: nodes.map((n) => (heldIds.has(n.id) ? { ...n, state: "held" as const } : n)),
        queuePosition: 0,
        holds: new Map(prepared.holds.map((h) => [h.nodeId, h])),
      };
    } else {
      this.onNodesReleased(nodes.map((n) => ({ ...n, state: "released" })));
      view = { claim, nodes, queuePosition: 0 };
    }
    this.emit(claimId, to === "cancelled" ? "cancelled" : to === "expired" ? "expired" : "released", reason ?? to, view);
    return view;
  }

  async release(claimId: string, outcome: Outcome, hold?: HoldRequest): Promise<ClaimView> {
    const ended = await this.end(claimId, "released", outcome, undefined, hold);
    // Held nodes are shown with their hold; deleted ones are no longer the client's business.
    if (ended) return { ...ended, nodes: ended.holds ? ended.nodes.filter((n) => ended.holds?.has(n.id)) : [] };
    const claim = await this.store.getClaim(claimId);
    if (!claim) throw new StandbyError("not-found", `lease of claim ${claimId} not found`);
    if (claim.state === "released") return this.view(claim);
    throw new StandbyError("failed-precondition", `the lease is ${claim.state}${claim.failureReason ? `: ${claim.failureReason}` : ""}`);
  }

  async cancel(claimId: string, reason = "cancelled by its client"): Promise<ClaimView> {
    const claim = this.queue.get(claimId)?.record ?? (await this.store.getClaim(claimId));
    if (!claim) throw new StandbyError("not-found", `claim ${claimId} not found`);
    if (claim.state === "queued") {
      const now = this.clock.now();
      const changed = await this.store.transitionClaims([
        { id: claimId, from: ["queued"], to: "cancelled", patch: { endedAt: now, failureReason: reason } },
      ]);
      if (changed.length > 0) {
        this.queue.delete(claimId);
        const view = { claim: { ...claim, state: "cancelled" as const, endedAt: now, failureReason: reason }, nodes: [], queuePosition: 0 };
        this.observer.claimEnded(view.claim);
        this.emit(claimId, "cancelled", reason, view);
        return view;
      }
      // It was fulfilled meanwhile: cancel the lease instead.
    }
    if (claim.state === "queued" || claim.state === "fulfilled") {
      const ended = await this.end(claimId, "cancelled", "aborted", reason);
      if (ended) return { claim: ended.claim, nodes: [], queuePosition: 0 };
    }
    const latest = await this.store.getClaim(claimId);
    return this.view(latest ?? claim);
  }

  /** Expires leases past their time and cancels queued claims nobody waits for. */
  async sweep(): Promise<void> {
    const now = this.clock.now();
    for (const claim of await this.store.listClaims({ states: ["fulfilled"], leaseExpiresBefore: now })) {
      this.logger.info({ claim: claim.id, requester: claim.requester }, "lease expired");
      await this.end(claim.id, "expired", undefined, "the lease expired", undefined, claim);
    }
    for (const q of [...this.queue.values()]) {
      if (!this.listeners.has(q.record.id) && now - q.lastSeen > this.settings.abandonAfterMs) {
        this.logger.info({ claim: q.record.id, requester: q.record.requester }, "queued claim abandoned by its client");
        await this.cancel(q.record.id, "abandoned: no watch or keepalive from its client");
      }
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
