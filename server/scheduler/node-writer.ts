import type { Logger } from "../../common/log.js";
import type { ClaimEventRecord, NodeTransition, NodeUpdate, Store } from "../core/store.js";

interface Pending {
  /** A state change, or (without `to`) a field-only update. */
  change: NodeTransition | NodeUpdate;
  resolve: (applied: boolean) => void;
  reject: (err: unknown) => void;
}

/**
 * Coalesces node state changes from many concurrent launches and deletions
 * into one store transaction per turn of the event loop. A batch holds at
 * most one change per node, so changes to one node apply in order. Claim
 * events ride along with the next batch.
 */
export class NodeWriter {
  private queue: Pending[] = [];
  private events: ClaimEventRecord[] = [];
  private flushing = false;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
  ) {}

  transition(change: NodeTransition, events: readonly ClaimEventRecord[] = []): Promise<boolean> {
    return this.enqueue(change, events);
  }

  /** A field-only change (e.g. the cloud's instance id), batched like transitions. */
  update(update: NodeUpdate): Promise<boolean> {
    return this.enqueue(update, []);
  }

  private enqueue(change: NodeTransition | NodeUpdate, events: readonly ClaimEventRecord[]): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.queue.push({ change, resolve, reject });
      this.note(events);
      this.schedule();
    });
  }

  /** Writes claim events with the next batch of changes (or on their own, soon). */
  note(events: readonly ClaimEventRecord[]): void {
    if (events.length === 0) return;
    for (const e of events) this.events.push(e);
    this.schedule();
  }

  private schedule(): void {
    if (!this.flushing) {
      this.flushing = true;
      setImmediate(() => void this.flush());
    }
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0 || this.events.length > 0) {
      const batch: Pending[] = [];
      const rest: Pending[] = [];
      const ids = new Set<string>();
      for (const p of this.queue) {
        if (ids.has(p.change.id)) rest.push(p);
        else {
          ids.add(p.change.id);
          batch.push(p);
        }
      }
      this.queue = rest;
      const events = this.events;
      this.events = [];
      try {
        const transitions = batch.map((p) => p.change).filter((c): c is NodeTransition => "to" in c);
        const updates = batch.map((p) => p.change).filter((c): c is NodeUpdate => !("to" in c));
        const changed = new Set(updates.length > 0 ? await this.store.updateNodes(updates) : []);
        if (transitions.length > 0 || events.length > 0) {
          for (const id of await this.store.transitionNodes(transitions, events)) changed.add(id);
        }
        for (const p of batch) p.resolve(changed.has(p.change.id));
      } catch (err) {
        this.logger.error({ err, count: batch.length, events: events.length }, "writing node state changes failed");
        for (const p of batch) p.reject(err);
      }
    }
    this.flushing = false;
  }
}
