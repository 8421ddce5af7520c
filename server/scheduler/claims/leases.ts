import {
  StandbyError,
  type ClaimRecord,
  type ClaimState,
  type Clock,
  type Logger,
  type NodeRecord,
  type Outcome,
  type Store,
} from "../../core/index.js";
import type { SchedulerObserver } from "../../core/observer.js";
import type { ClaimQueue } from "./queue.js";
import type { ClaimSettings, ClaimView, HoldRequest, LeaseEnd, LeaseHolds, PreparedHolds } from "./types.js";
import type { ClaimWatches } from "./watches.js";

export interface LeasesDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  observer: SchedulerObserver;
  queue: ClaimQueue;
  watches: ClaimWatches;
  settings: () => ClaimSettings;
  /** How the end of a lease may hold its nodes (holds.ts); none: they are deleted. */
  holds: () => LeaseHolds | undefined;
  /** Deletes nodes whose lease ended (pool/deletion.ts). */
  deleter: { deleteNodes(nodes: NodeRecord[]): void };
}

/** Tries of a cancel that races a claim moving between queued and fulfilled. */
const CANCEL_ATTEMPTS = 5;

/**
 * Leases: renewal, release, cancellation, and expiry of leases past their
 * time and of queued claims nobody waits for any more.
 */
export class Leases {
  constructor(private readonly deps: LeasesDeps) {}

  async renew(claimId: string, ttlSeconds: number): Promise<number> {
    if (ttlSeconds * 1000 > this.deps.settings().maxLeaseTtlMs)
      throw StandbyError.invalidArgument("ttl_seconds", `at most ${this.deps.settings().maxLeaseTtlMs / 1000}`);
    const claim = await this.deps.store.getClaim(claimId);
    if (!claim) throw new StandbyError("not-found", `lease of claim ${claimId} not found`);
    if (claim.state !== "fulfilled") throw new StandbyError("failed-precondition", `the lease is ${claim.state}`);
    const expiresAt = this.deps.clock.now() + (ttlSeconds > 0 ? ttlSeconds : claim.leaseTtlSeconds) * 1000;
    const changed = await this.deps.store.updateClaims([{ id: claimId, from: ["fulfilled"], patch: { leaseExpiresAt: expiresAt } }]);
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
    const holds = this.deps.holds();
    if (holds?.considers(leaseEnd)) {
      const current = known ?? (await this.deps.store.getClaim(claimId));
      // Only nodes still claimed: one held by hand meanwhile keeps its own hold.
      const claimed = current?.state === "fulfilled" ? await this.deps.store.listNodes({ claimId, states: ["claimed"] }) : [];
      if (current && claimed.length > 0) prepared = await holds.prepare(current, claimed, leaseEnd);
    }
    const nodesTo = prepared ? "held" : "released";
    let claim: ClaimRecord | undefined;
    try {
      [claim] = await this.deps.store.endClaims([
        {
          claimId,
          from: ["fulfilled"],
          to,
          at: this.deps.clock.now(),
          nodesTo,
          ...(outcome ? { outcome } : {}),
          ...(reason ? { reason } : {}),
        },
      ]);
    } catch (err) {
      // Nothing ended: a retry decides again, so the rule's firing is given back.
      if (prepared)
        await this.deps
          .holds()
          ?.abandon(prepared)
          .catch(() => undefined);
      throw err;
    }
    if (!claim) {
      if (prepared) await this.deps.holds()?.abandon(prepared);
      return undefined;
    }
    const nodes = this.deps.queue.leased.get(claimId) ?? (await this.deps.store.listNodes({ claimId, states: [nodesTo] }));
    this.deps.queue.leased.delete(claimId);
    this.deps.observer.claimEnded(claim);
    let view: ClaimView;
    if (prepared) {
      const heldIds = new Set(prepared.holds.map((h) => h.nodeId));
      this.deps.holds()?.held(prepared);
      const source = new Map(prepared.holds.map((h) => [h.nodeId, h.source]));
      for (const n of nodes) if (heldIds.has(n.id)) this.deps.observer.nodeHeld(n, source.get(n.id) ?? "");
      view = {
        claim,
        nodes: nodes.map((n) => (heldIds.has(n.id) ? { ...n, state: "held" as const } : n)),
        queuePosition: 0,
        holds: new Map(prepared.holds.map((h) => [h.nodeId, h])),
      };
    } else {
      this.deps.deleter.deleteNodes(nodes.map((n) => ({ ...n, state: "released" })));
      view = { claim, nodes, queuePosition: 0 };
    }
    this.deps.watches.emit(claimId, to === "cancelled" ? "cancelled" : to === "expired" ? "expired" : "released", reason ?? to, view);
    return view;
  }

  async release(claimId: string, outcome: Outcome, hold?: HoldRequest): Promise<ClaimView> {
    const ended = await this.end(claimId, "released", outcome, undefined, hold);
    // Held nodes are shown with their hold; deleted ones are no longer the client's business.
    if (ended) return { ...ended, nodes: ended.holds ? ended.nodes.filter((n) => ended.holds?.has(n.id)) : [] };
    const claim = await this.deps.store.getClaim(claimId);
    if (!claim) throw new StandbyError("not-found", `lease of claim ${claimId} not found`);
    if (claim.state === "released") return this.deps.queue.view(claim);
    throw new StandbyError("failed-precondition", `the lease is ${claim.state}${claim.failureReason ? `: ${claim.failureReason}` : ""}`);
  }

  async cancel(claimId: string, reason = "cancelled by its client"): Promise<ClaimView> {
    let claim = this.deps.queue.get(claimId)?.record ?? (await this.deps.store.getClaim(claimId));
    if (!claim) throw new StandbyError("not-found", `claim ${claimId} not found`);
    // A claim can move between queued and fulfilled while this runs (fulfilled,
    // then requeued by a failed hand-over): try again from what the store says
    // until the cancel takes or the claim has ended by itself.
    for (let attempt = 0; attempt < CANCEL_ATTEMPTS; attempt++) {
      if (claim.state === "queued") {
        const now = this.deps.clock.now();
        const changed = await this.deps.store.transitionClaims([
          { id: claimId, from: ["queued"], to: "cancelled", patch: { endedAt: now, failureReason: reason } },
        ]);
        if (changed.length > 0) {
          this.deps.queue.remove(claimId);
          const view = {
            claim: { ...claim, state: "cancelled" as const, endedAt: now, failureReason: reason },
            nodes: [],
            queuePosition: 0,
          };
          this.deps.observer.claimEnded(view.claim);
          this.deps.watches.emit(claimId, "cancelled", reason, view);
          return view;
        }
        // It was fulfilled meanwhile: cancel the lease instead.
      }
      if (claim.state === "queued" || claim.state === "fulfilled") {
        const ended = await this.end(claimId, "cancelled", "aborted", reason);
        if (ended) return { claim: ended.claim, nodes: [], queuePosition: 0 };
      }
      const latest = await this.deps.store.getClaim(claimId);
      if (!latest || (latest.state !== "queued" && latest.state !== "fulfilled")) return this.deps.queue.view(latest ?? claim);
      claim = latest;
    }
    return this.deps.queue.view(claim);
  }

  /** Expires leases past their time and cancels queued claims nobody waits for. */
  async sweep(): Promise<void> {
    const now = this.deps.clock.now();
    for (const claim of await this.deps.store.listClaims({ states: ["fulfilled"], leaseExpiresBefore: now })) {
      this.deps.logger.info({ claim: claim.id, requester: claim.requester }, "lease expired");
      await this.end(claim.id, "expired", undefined, "the lease expired", undefined, claim);
    }
    for (const q of this.deps.queue.all()) {
      if (!this.deps.watches.watched(q.record.id) && now - q.lastSeen > this.deps.settings().abandonAfterMs) {
        this.deps.logger.info({ claim: q.record.id, requester: q.record.requester }, "queued claim abandoned by its client");
        await this.cancel(q.record.id, "abandoned: no watch or keepalive from its client");
      }
    }
  }
}
