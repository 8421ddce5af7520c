import type { Logger, NodeRecord } from "../../core/index.js";
import type { SchedulerObserver } from "../../core/observer.js";
import type { NodeDriver } from "../nodes/driver.js";
import type { Signal } from "../signal.js";
import type { Pauses } from "./pauses.js";

export interface DeleterDeps {
  driver: NodeDriver;
  pauses: Pauses;
  logger: Logger;
  observer: SchedulerObserver;
  poolWanted: Signal<boolean>;
  /** Real-time window in which released nodes are gathered into one batch; 0: none. */
  coalesceMs: number;
}

/** Deletes pool nodes: released, failed, recycled, held ones at their end, and ones an operator deletes. */
export class Deleter {
  private timer: NodeJS.Timeout | undefined;
  private batch: NodeRecord[] = [];

  constructor(private readonly deps: DeleterDeps) {}

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  /** Deletes the node, as its only driver. */
  drive(node: NodeRecord): Promise<void> {
    const { driver, observer, logger } = this.deps;
    return driver.exclusive(node.id, () =>
      observer.inDelete(node, () => this.flow(node)).catch((err: unknown) => logger.error({ err, node: node.id }, "node driver failed")),
    );
  }

  /** Deletes a node the caller already drives. */
  async flow(node: NodeRecord): Promise<void> {
    // Only from the state the caller saw: a released node's deletion must not take a node held meanwhile.
    const from = (["released", "failed", "ready", "held"] as const).filter((s) => s === node.state);
    if (!(await this.deps.driver.delete(node, from))) return;
    // A deletion frees capacity: a provider paused because it was full is worth trying again now.
    // (Not so a node the cloud refused: it never took any.)
    if (node.instanceId !== "") this.deps.pauses.freed(node.provider);
  }

  /** Deletes nodes whose lease ended (they are in state released). */
  deleteNodes(nodes: NodeRecord[]): void {
    // Released nodes are deleted in batches a moment later, off the path of the
    // release call, so a burst of releases costs one write and one round of
    // concurrent plugin calls instead of interleaving with the next claims.
    this.batch.push(...nodes);
    if (this.deps.coalesceMs === 0) return this.deleteBatch();
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.deleteBatch();
    }, this.deps.coalesceMs);
    this.timer.unref();
  }

  private deleteBatch(): void {
    const batch = this.batch;
    this.batch = [];
    this.deps.observer.detached(() => {
      for (const node of batch) void this.drive({ ...node, state: "released" });
      this.deps.poolWanted.emit(false);
    });
  }
}
