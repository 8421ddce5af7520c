import type { Clock } from "../../common/clock.js";
import type { HoldRecord } from "../core/holds.js";
import type { Logger } from "../../common/log.js";
import type { NodeRecord, Store } from "../core/store.js";

export interface HoldDurations {
  defaultMs: number;
  maxMs: number;
}

/**
 * When a held node is deleted: at its hold's expiry, but never later than
 * the configured maximum after the hold began (a maximum lowered by a reload
 * shortens holds already made). A held node without a hold record (not
 * written by this scheduler) gets the default from when it entered held.
 */
export function effectiveExpiry(
  node: Pick<NodeRecord, "stateChangedAt">,
  hold: Pick<HoldRecord, "heldAt" | "expiresAt"> | undefined,
  durations: HoldDurations,
): number {
  const began = hold?.heldAt ?? node.stateChangedAt;
  const asked = hold?.expiresAt ?? began + durations.defaultMs;
  return Math.min(asked, began + durations.maxMs);
}

/** The node's hold as it is in force: its record (or, without one, a manual hold from when it entered held) with the effective expiry. */
export function effectiveHold(node: NodeRecord, record: HoldRecord | undefined, durations: HoldDurations): HoldRecord {
  const base: HoldRecord = record ?? {
    nodeId: node.id,
    reason: "",
    requester: "",
    source: "manual",
    ruleId: "",
    claimId: node.claimId,
    jobName: "",
    heldAt: node.stateChangedAt,
    expiresAt: 0,
    endedAt: 0,
    endReason: "",
  };
  return { ...base, expiresAt: effectiveExpiry(node, record, durations) };
}

/**
 * The expiry controller: on every tick, deletes held nodes whose hold has
 * run out. Everything it needs is in the store (holds and node states), so
 * expiry works across restarts and in virtual time alike; it also ends the
 * records of holds whose node was deleted some other way (an operator's
 * delete, a vanished instance).
 */
export class HoldExpiry {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly durations: () => HoldDurations,
    /** Ends the hold and deletes the node. */
    private readonly expire: (node: NodeRecord, hold: HoldRecord | undefined) => Promise<void>,
  ) {}

  async sweep(): Promise<void> {
    const now = this.clock.now();
    const [held, active] = await Promise.all([this.store.listNodes({ states: ["held"] }), this.store.holds.listActiveHolds()]);
    const holds = new Map(active.map((h) => [h.nodeId, h]));
    const durations = this.durations();
    for (const node of held) {
      const hold = holds.get(node.id);
      holds.delete(node.id);
      const due = effectiveExpiry(node, hold, durations);
      if (due > now) continue;
      this.logger.info(
        {
          node: node.id,
          provider: node.provider,
          reason: hold?.reason,
          requester: hold?.requester,
          expiredAt: new Date(due).toISOString(),
        },
        "hold expired; deleting the node",
      );
      await this.expire(node, hold);
    }
    // Records of nodes that are not held: either about to be (the record is
    // written first) or long deleted. Only the latter end here.
    for (const hold of holds.values()) {
      const node = await this.store.getNode(hold.nodeId);
      if (node && !["deleting", "gone", "failed"].includes(node.state)) continue;
      await this.store.holds.endHold(hold.nodeId, now, node ? `the node was deleted (${node.state})` : "the node is unknown");
    }
  }
}
