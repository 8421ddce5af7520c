import type { Logger } from "../../core/index.js";
import type { ClaimQueue } from "./queue.js";
import type { ClaimEvent, ClaimEventKind, ClaimView } from "./types.js";

/** Who listens to which claim's events (watches and waits); an open subscription keeps a queued claim alive. */
export class ClaimWatches {
  private readonly listeners = new Map<string, Set<(event: ClaimEvent) => void>>();

  private readonly queue: ClaimQueue;
  private readonly logger: Logger;

  constructor(deps: { queue: ClaimQueue; logger: Logger }) {
    this.queue = deps.queue;
    this.logger = deps.logger;
  }

  watched(claimId: string): boolean {
    return this.listeners.has(claimId);
  }

  /** Listens to a claim's events; returns the function that stops listening. */
  subscribe(claimId: string, listener: (event: ClaimEvent) => void): () => void {
    let set = this.listeners.get(claimId);
    if (!set) this.listeners.set(claimId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(claimId);
      this.queue.touch(claimId);
    };
  }

  emit(claimId: string, kind: ClaimEventKind, message: string, view: ClaimView): void {
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
    for (const q of this.queue.all()) {
      if (this.listeners.has(q.record.id) && q.slots.some((s) => s.labels.includes(label))) {
        this.emit(q.record.id, "launching", `launching ${label} on ${provider}`, {
          claim: q.record,
          nodes: [],
          queuePosition: this.queue.position(q.record.id),
        });
      }
    }
  }

  /** Tells watchers of these queued claims why nothing can be launched for them (the timeline's "waiting" events). */
  waiting(events: readonly { claimId: string; message: string }[]): void {
    for (const e of events) {
      const q = this.queue.all().find((x) => x.record.id === e.claimId);
      if (!q || !this.listeners.has(e.claimId)) continue;
      this.emit(e.claimId, "waiting", e.message, { claim: q.record, nodes: [], queuePosition: this.queue.position(e.claimId) });
    }
  }

  /** Positions moved for everyone still waiting. */
  positionsMoved(): void {
    for (const q of this.queue.all()) {
      if (this.listeners.has(q.record.id)) {
        this.emit(q.record.id, "queued", `position ${this.queue.position(q.record.id)}`, {
          claim: q.record,
          nodes: [],
          queuePosition: this.queue.position(q.record.id),
        });
      }
    }
  }
}
