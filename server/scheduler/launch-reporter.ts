import type { Clock } from "../../common/clock.js";
import type { SchedulerObserver } from "../core/observer.js";
import { PENDING_NODE_STATES } from "../core/states.js";
import type { ClaimEventRecord, NodeRecord } from "../core/store.js";

/** What the reporter needs to know about the claim queue. */
export interface WaitingClaims {
  /** Queued claims a node of the label could serve, first in line first, at most limit. */
  waitingOn(label: string, limit: number): string[];
  isQueued(claimId: string): boolean;
}

/** Claims an event is written for: the head of the queue, which a new node serves first. */
const FAN_OUT = 50;
/** Launch events kept per claim, so a claim that waits for hours does not grow without end. */
const PER_CLAIM = 40;
/** Boot retries of one node written to the timelines (the rest only count). */
const RETRIES_WRITTEN = 3;

/**
 * Turns what happens to launches into the timelines of the claims waiting
 * on them (claim events, written by the caller with its own store write) and
 * tells the observer (traces, metrics). A launch is not tied to one claim,
 * so its events go to the claims queued on its label when it happens.
 */
export class LaunchReporter {
  private readonly written = new Map<string, number>();
  private readonly retries = new Map<string, number>();
  /** The last reason each waiting claim was told that nothing can be launched for it. */
  private readonly told = new Map<string, string>();
  private sincePrune = 0;

  constructor(
    readonly observer: SchedulerObserver,
    private readonly claims: WaitingClaims,
    private readonly clock: Clock,
  ) {}

  /** Launches about to be inserted; returns the events to insert with them (one per claim, label and provider). */
  started(nodes: readonly NodeRecord[]): ClaimEventRecord[] {
    const groups = new Map<string, NodeRecord[]>();
    const waiting = new Map<string, string[]>();
    for (const node of nodes) {
      let claims = waiting.get(node.label);
      if (!claims) waiting.set(node.label, (claims = this.claims.waitingOn(node.label, FAN_OUT)));
      this.observer.launchStarted(node, claims);
      const key = `${node.label}\u0000${node.provider}`;
      const group = groups.get(key) ?? [];
      group.push(node);
      groups.set(key, group);
    }
    const events: ClaimEventRecord[] = [];
    for (const group of groups.values()) {
      const first = group[0] as NodeRecord;
      const ids = group.map((n) => n.id).join(", ");
      const what =
        group.length === 1
          ? `launching ${first.label} on ${first.provider} (node ${ids})`
          : `launching ${group.length} ${first.label} nodes on ${first.provider} (${ids})`;
      events.push(...this.events(waiting.get(first.label) ?? [], "launching", first, what, group.length === 1 ? first.id : ""));
    }
    return events;
  }

  /** A boot call failed and will be retried; events for the first few retries of a node. */
  retrying(node: NodeRecord, reason: string, message: string): ClaimEventRecord[] {
    this.observer.attemptFailed(node, reason, message);
    const n = (this.retries.get(node.id) ?? 0) + 1;
    this.retries.set(node.id, n);
    if (n > RETRIES_WRITTEN) return [];
    const what = `boot of ${node.label} on ${node.provider} failed, retrying (node ${node.id}, attempt ${n}): ${reason}: ${message}`;
    return this.events(this.claims.waitingOn(node.label, FAN_OUT), "attempt-failed", node, what, node.id);
  }

  /** A node failed; events for the claims waiting on its label if it was still launching. */
  failed(node: NodeRecord, reason: string, message: string): ClaimEventRecord[] {
    this.observer.launchFailed(node, reason, message);
    this.retries.delete(node.id);
    if (!PENDING_NODE_STATES.includes(node.state)) return [];
    const what = `launch of ${node.label} on ${node.provider} failed (node ${node.id}): ${reason}: ${message}`;
    return this.events(this.claims.waitingOn(node.label, FAN_OUT), "launch-failed", node, what, node.id);
  }

  /** A node joined the pool; events for the claims waiting on its label. */
  ready(node: NodeRecord): ClaimEventRecord[] {
    this.observer.nodeReady(node);
    this.retries.delete(node.id);
    const what = `node ${node.id} (${node.label} on ${node.provider}) is ready`;
    return this.events(this.claims.waitingOn(node.label, FAN_OUT), "node-ready", node, what, node.id);
  }

  private events(claimIds: readonly string[], kind: string, node: NodeRecord, message: string, nodeId: string): ClaimEventRecord[] {
    if (claimIds.length === 0) return [];
    const at = this.clock.now();
    const events: ClaimEventRecord[] = [];
    for (const claimId of claimIds) {
      const n = this.written.get(claimId) ?? 0;
      if (n >= PER_CLAIM) continue;
      this.written.set(claimId, n + 1);
      events.push({ claimId, at, kind, label: node.label, provider: node.provider, nodeId, message });
    }
    this.sincePrune += events.length;
    if (this.sincePrune > 1000) this.prune();
    return events;
  }

  /**
   * Why no node can be launched for the claims waiting on a label ("" when
   * one can again): an event for each of them, once per change of reason.
   */
  blocked(label: string, reason: string): ClaimEventRecord[] {
    const at = this.clock.now();
    const events: ClaimEventRecord[] = [];
    for (const claimId of this.claims.waitingOn(label, FAN_OUT)) {
      if ((this.told.get(claimId) ?? "") === reason) continue;
      this.told.set(claimId, reason);
      if (reason === "") continue;
      const n = this.written.get(claimId) ?? 0;
      if (n >= PER_CLAIM) continue;
      this.written.set(claimId, n + 1);
      events.push({ claimId, at, kind: "waiting", label, provider: "", nodeId: "", message: reason });
    }
    this.sincePrune += events.length + 1;
    if (this.sincePrune > 1000) this.prune();
    return events;
  }

  /** Forgets the counts of claims that left the queue. */
  private prune(): void {
    this.sincePrune = 0;
    for (const id of this.written.keys()) if (!this.claims.isQueued(id)) this.written.delete(id);
    for (const id of this.told.keys()) if (!this.claims.isQueued(id)) this.told.delete(id);
  }
}
