import type { Allocation, AllocationRequest, ClaimEnd, ClaimRecord } from "../core/index.js";

/**
 * What the write paths return is mostly computed from the rows read under
 * lock (or just inserted) plus the change written, not read back: the
 * transaction holds the rows, so the two cannot differ.
 */

/** A copy that shares no arrays with the original. */
export function copyClaim(claim: ClaimRecord): ClaimRecord {
  return {
    ...claim,
    labelExpressions: [...claim.labelExpressions],
    sshPublicKeys: [...claim.sshPublicKeys],
    nodeIds: [...claim.nodeIds],
  };
}

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

/**
 * A request whose request id was taken reports the claim holding it as this
 * call leaves it: fulfilled, when the same batch fulfilled it.
 */
export function withInserted(results: Allocation[], after: ReadonlyMap<string, ClaimRecord>): Allocation[] {
  for (const result of results) {
    const inserted = result.inserted;
    if (inserted && !inserted.created) {
      const now = after.get(inserted.claim.id);
      if (now) result.inserted = { claim: copyClaim(now), created: false };
    }
  }
  return results;
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
