import { StandbyError, type ClaimRecord, type Clock, type Logger, type NodeRecord, type Store } from "../../core/index.js";
import type { NodeAccess } from "../../core/node-access.js";
import type { SchedulerObserver } from "../../core/observer.js";
import type { Signal } from "../signal.js";
import type { ClaimWatches } from "./watches.js";
import type { ClaimQueue, PendingCreate, Queued } from "./queue.js";

export interface HandoverDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  observer: SchedulerObserver;
  /** How the claimer's keys reach the nodes; none: claims are announced at once. */
  access: NodeAccess | undefined;
  queue: ClaimQueue;
  watches: ClaimWatches;
  /** Fails (and replaces) a node whose hand-over failed (pool/launch.ts); deletes the set's other nodes (pool/deletion.ts). */
  nodes: {
    failHandover(node: NodeRecord, message: string): Promise<void>;
    deleteNodes(nodes: NodeRecord[]): void;
  };
  /** A claim went back to the queue: allocation runs again. */
  requeued: Signal<void>;
  poolWanted: Signal<boolean>;
}

/**
 * Hands fulfilled claims to their claimers: adds the claimer's keys to the
 * nodes over SSH (checking each node's pinned host key) before the claim is
 * announced. A node that fails is failed and replaced; the others may
 * already carry the claimer's keys, so they are released and deleted (never
 * back to the pool), and the claim waits again (requeueClaim: one
 * transaction).
 */
export class Handover {
  constructor(private readonly deps: HandoverDeps) {}

  /** A claim the allocation fulfilled. */
  fulfilled(claim: ClaimRecord, nodes: NodeRecord[], queued: Queued | undefined, create: PendingCreate | undefined): void {
    if (this.deps.access && claim.sshPublicKeys.length > 0) {
      const access = this.deps.access;
      void this.deps.observer.inClaim(claim, () => this.handOver(access, claim, nodes, queued, create));
    } else {
      this.announce(claim, nodes, create);
    }
  }

  private announce(claim: ClaimRecord, nodes: NodeRecord[], create?: PendingCreate): void {
    this.deps.queue.leased.set(claim.id, nodes);
    this.deps.observer.claimFulfilled(claim, nodes);
    create?.resolve({ claim, created: true });
    this.deps.watches.emit(claim.id, "fulfilled", `fulfilled by ${nodes.map((n) => `${n.id} (${n.provider})`).join(", ")}`, {
      claim,
      nodes,
      queuePosition: 0,
    });
  }

  private async handOver(
    access: NodeAccess,
    claim: ClaimRecord,
    nodes: NodeRecord[],
    queued: Queued | undefined,
    create?: PendingCreate,
  ): Promise<void> {
    const { queue, store, logger } = this.deps;
    queue.handing.set(claim.id, { ...claim, state: "queued" });
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
      queue.handing.delete(claim.id);
      this.announce(claim, nodes, create);
      return;
    }
    try {
      for (const f of failed) {
        logger.warn(
          { claim: claim.id, node: f.node.id, provider: f.node.provider, reason: f.message },
          "hand-over failed; the claim waits for another node",
        );
        await this.deps.nodes.failHandover(f.node, f.message);
      }
      const now = this.deps.clock.now();
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
      const back = await store.requeueClaim({ claimId: claim.id, at: now, nodesTo: "released", events });
      if (!back) {
        // Cancelled (or expired) while its keys were being added: it stays ended, not requeued.
        const ended = await store.getClaim(claim.id);
        if (ended) create?.resolve({ claim: ended, created: true });
        else create?.reject(new StandbyError("not-found", `claim ${claim.id} not found`));
        return;
      }
      const record: ClaimRecord = back;
      const failedIds = new Set(failed.map((f) => f.node.id));
      this.deps.nodes.deleteNodes(nodes.filter((n) => !failedIds.has(n.id)).map((n) => ({ ...n, state: "released", stateChangedAt: now })));
      queue.add({ record, slots: queued?.slots ?? queue.slotsFor(claim.labelExpressions), triedAt: -1, lastSeen: now });
      this.deps.observer.claimRequeued(record, failed[0]?.message ?? "");
      create?.resolve({ claim: record, created: true });
      this.deps.watches.emit(claim.id, "queued", `a node failed during hand-over (${failed[0]?.message ?? ""}); waiting for another`, {
        claim: record,
        nodes: [],
        queuePosition: queue.position(claim.id),
      });
    } catch (err) {
      logger.error({ err, claim: claim.id }, "requeueing a claim after a failed hand-over failed");
      create?.reject(err);
    } finally {
      queue.handing.delete(claim.id);
      this.deps.requeued.emit();
      this.deps.poolWanted.emit(true);
    }
  }
}
