import type { AllocationRequest, ClaimEnd, ClaimRecord, NodeRecord } from "../core/index.js";
import { rowToNode, type NodeRow } from "./records.js";

/**
 * What the write paths return is computed from the rows read under lock plus
 * the change written, not read back: the transaction holds the rows, so the
 * two cannot differ, and it saves a round trip on the hot path.
 */

/** The claim as allocate leaves it. */
export function fulfilled(claim: ClaimRecord, request: AllocationRequest, nodeIds: string[], at: number): ClaimRecord {
  return {
    ...claim,
    state: "fulfilled",
    fulfilledAt: at,
    leaseHash: request.leaseHash,
    leaseExpiresAt: request.leaseExpiresAt,
    nodeIds,
  };
}

/** The node as allocate leaves it. */
export function claimedNode(row: NodeRow, claimId: string, at: number): NodeRecord {
  return { ...rowToNode(row), state: "claimed", claimId, stateChangedAt: at };
}

/** The claims as endClaims leaves them, in the order of the ends. */
export function endedClaims(before: Map<string, ClaimRecord>, applied: readonly ClaimEnd[]): ClaimRecord[] {
  const after = new Map<string, ClaimRecord>();
  for (const end of applied) {
    const claim = { ...(after.get(end.claimId) ?? before.get(end.claimId)!) };
    claim.state = end.to;
    claim.endedAt = end.at;
    if (end.outcome !== undefined) claim.outcome = end.outcome;
    if (end.reason !== undefined) claim.failureReason = end.reason;
    after.delete(end.claimId);
    after.set(end.claimId, claim);
  }
  return [...after.values()];
}
