import { StandbyError } from "./errors.js";

/**
 * Node lifecycle:
 *   launching → booted → checking → ready → claimed → released → deleting → gone
 * plus failed (→ deleting) and held (→ deleting at expiry).
 * - launching: the row exists and the provider has been (or is about to be) asked to boot.
 * - booted:    the cloud reports the instance running.
 * - checking:  the ready check runs.
 * - ready:     in the pool, claimable.
 * - claimed:   leased to a claim.
 * - released:  the lease ended; the node waits for deletion (or a hold).
 * - deleting:  the provider has been asked to delete it.
 * - gone:      the provider no longer has it. Terminal.
 * - failed:    something went wrong; it will be deleted.
 * - held:      kept for diagnosis until its hold expires.
 */
export const NODE_STATES = [
  "launching",
  "booted",
  "checking",
  "ready",
  "claimed",
  "released",
  "deleting",
  "gone",
  "failed",
  "held",
] as const;
export type NodeState = (typeof NODE_STATES)[number];

const NODE_TRANSITIONS: Record<NodeState, readonly NodeState[]> = {
  launching: ["booted", "failed", "deleting"],
  booted: ["checking", "failed", "deleting"],
  checking: ["ready", "failed", "deleting"],
  ready: ["claimed", "failed", "deleting", "held"],
  claimed: ["released", "failed", "deleting", "held"],
  released: ["deleting", "held"],
  deleting: ["gone", "failed"],
  gone: [],
  failed: ["deleting", "gone"],
  held: ["deleting"],
};

export function canTransitionNode(from: NodeState, to: NodeState): boolean {
  return NODE_TRANSITIONS[from].includes(to);
}

export function assertNodeTransition(from: NodeState, to: NodeState): void {
  if (!canTransitionNode(from, to)) {
    throw new StandbyError("internal", `illegal node transition ${from} → ${to}`);
  }
}

/** Every state from which `to` may be entered. */
export function nodeStatesInto(to: NodeState): NodeState[] {
  return NODE_STATES.filter((from) => NODE_TRANSITIONS[from].includes(to));
}

/** States in which a node still has (or may have) a cloud instance. */
export const LIVE_NODE_STATES: readonly NodeState[] = NODE_STATES.filter((s) => s !== "gone");

/**
 * Claim lifecycle: queued → fulfilled → released | expired; queued → cancelled | failed;
 * fulfilled → cancelled (a cancel of a live lease releases it as aborted);
 * fulfilled → queued (a node failed during hand-over).
 */
export const CLAIM_STATES = ["queued", "fulfilled", "released", "expired", "cancelled", "failed"] as const;
export type ClaimState = (typeof CLAIM_STATES)[number];

const CLAIM_TRANSITIONS: Record<ClaimState, readonly ClaimState[]> = {
  queued: ["fulfilled", "cancelled", "failed"],
  // Back to queued when a node fails during hand-over (its host key changed,
  // the claimer's keys could not be added): the claim waits for another.
  fulfilled: ["released", "expired", "cancelled", "queued"],
  released: [],
  expired: [],
  cancelled: [],
  failed: [],
};

export function canTransitionClaim(from: ClaimState, to: ClaimState): boolean {
  return CLAIM_TRANSITIONS[from].includes(to);
}

export function assertClaimTransition(from: ClaimState, to: ClaimState): void {
  if (!canTransitionClaim(from, to)) {
    throw new StandbyError("internal", `illegal claim transition ${from} → ${to}`);
  }
}

export function claimStatesInto(to: ClaimState): ClaimState[] {
  return CLAIM_STATES.filter((from) => CLAIM_TRANSITIONS[from].includes(to));
}

export function isTerminalClaim(state: ClaimState): boolean {
  return CLAIM_TRANSITIONS[state].length === 0;
}

export const OUTCOMES = ["success", "failure", "aborted"] as const;
export type Outcome = (typeof OUTCOMES)[number];
