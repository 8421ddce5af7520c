import { StandbyError } from "../../common/errors.js";

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

/** States in which a node still has (or may have) a cloud instance: they count against caps. */
export const LIVE_NODE_STATES: readonly NodeState[] = NODE_STATES.filter((s) => s !== "gone");

/** On its way to the pool: launched, not yet ready. */
export const PENDING_NODE_STATES: readonly NodeState[] = ["launching", "booted", "checking"];

/** Done with: waiting for (or in) deletion. */
export const ENDING_NODE_STATES: readonly NodeState[] = ["released", "failed", "deleting"];

/** A node a claim has had: claimed, and every state it can reach from there. */
export const CLAIMED_NODE_STATES: readonly NodeState[] = ["claimed", "released", "deleting", "gone", "failed", "held"];

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

/**
 * Image build lifecycle (one build of one image family on one provider):
 *   pending → booting → setup → scrubbing → snapshotting → verifying → promoted → retiring → retired
 * A post-build snapshot of a claimed node starts at scrubbing; a build without
 * verification goes from snapshotting to promoted. Any step before promoted
 * may fail: failing (its half-made artifacts are being deleted) → failed.
 * - pending:      the row exists; nothing is touched in the cloud yet.
 * - booting:      the builder node is being booted from the base image.
 * - setup:        the setup script runs on the builder over SSH.
 * - scrubbing:    keys, host keys and build secrets are removed from the node.
 * - snapshotting: the provider is taking the snapshot.
 * - verifying:    a node booted from the snapshot must pass its ready check.
 * - promoted:     good; launches use the newest promoted build.
 * - retiring:     retention (or an operator) is deleting its image.
 * - retired:      its image is gone. Terminal.
 * - failing:      failed; its builder, verifier and image are being deleted.
 * - failed:       failed, nothing of it left in the cloud. Terminal.
 */
export const IMAGE_BUILD_STATES = [
  "pending",
  "booting",
  "setup",
  "scrubbing",
  "snapshotting",
  "verifying",
  "promoted",
  "retiring",
  "retired",
  "failing",
  "failed",
] as const;
export type ImageBuildState = (typeof IMAGE_BUILD_STATES)[number];

const IMAGE_BUILD_TRANSITIONS: Record<ImageBuildState, readonly ImageBuildState[]> = {
  pending: ["booting", "scrubbing", "failing"],
  booting: ["setup", "failing"],
  setup: ["scrubbing", "failing"],
  scrubbing: ["snapshotting", "failing"],
  snapshotting: ["verifying", "promoted", "failing"],
  verifying: ["promoted", "failing"],
  promoted: ["retiring"],
  retiring: ["retired"],
  retired: [],
  failing: ["failed"],
  failed: [],
};

export function canTransitionImageBuild(from: ImageBuildState, to: ImageBuildState): boolean {
  return IMAGE_BUILD_TRANSITIONS[from].includes(to);
}

export function assertImageBuildTransition(from: ImageBuildState, to: ImageBuildState): void {
  if (!canTransitionImageBuild(from, to)) {
    throw new StandbyError("internal", `illegal image build transition ${from} → ${to}`);
  }
}

/** Every state from which `to` may be entered. */
export function imageBuildStatesInto(to: ImageBuildState): ImageBuildState[] {
  return IMAGE_BUILD_STATES.filter((from) => IMAGE_BUILD_TRANSITIONS[from].includes(to));
}

/** Builds still under way: something of them may be in the cloud and someone must drive them on. */
export const ACTIVE_IMAGE_BUILD_STATES: readonly ImageBuildState[] = [
  "pending",
  "booting",
  "setup",
  "scrubbing",
  "snapshotting",
  "verifying",
  "failing",
  "retiring",
];

/** Builds before their image is good: an operator's delete fails them. */
export const BUILDING_IMAGE_BUILD_STATES: readonly ImageBuildState[] = [
  "pending",
  "booting",
  "setup",
  "scrubbing",
  "snapshotting",
  "verifying",
];

/** Builds that were promoted at some point. */
export const PROMOTED_IMAGE_BUILD_STATES: readonly ImageBuildState[] = ["promoted", "retiring", "retired"];

/**
 * What a node is for. Pool nodes are the ones claims get; image-build and
 * image-verify nodes belong to an image build, which drives them: the pool
 * lifecycle never hands them out, launches them or reaps them.
 */
export const NODE_PURPOSES = ["pool", "image-build", "image-verify"] as const;
export type NodePurpose = (typeof NODE_PURPOSES)[number];
