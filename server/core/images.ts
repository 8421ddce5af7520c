import type { ImageBuildState } from "./states.js";

/**
 * Image builds as the store keeps them. A build is one versioned image of a
 * family on one provider: a scheduled or manual build (boot the base, run the
 * setup script, scrub, snapshot, verify, promote), a post-build snapshot of a
 * claimed node, or a template's cache. Times are epoch milliseconds (0: not yet).
 */

/** Tag on every image a build makes, next to OWNER_TAG: the build's id, for leak cleanup. */
export const BUILD_TAG = "standby-build";
/** Tag on every image a build makes: its family. */
export const FAMILY_TAG = "standby-family";

/** Where a build came from. */
export type ImageBuildSource = "scheduled" | "manual" | "post-build" | "template-cache";

/** Template caches are builds of a family named after the template's label. */
export const TEMPLATE_CACHE_PREFIX = "template:";

export interface ImageBuildRecord {
  id: string;
  /** A configured family, or `template:<label>` for a template's cache. */
  family: string;
  provider: string;
  source: ImageBuildSource;
  state: ImageBuildState;
  /** The schedule slot a scheduled build is for ("" if none); unique per family and provider, so two schedulers never make the same nightly build. */
  slot: string;
  /** Who asked: "schedule", "operator", "lease of claim <id>", "launch of <label>". */
  requestedBy: string;
  /** The image the builder booted from (resolved id or name; "" for post-build snapshots). */
  baseImage: string;
  /** The provider's image id, once the snapshot exists. */
  imageId: string;
  /** The name the snapshot was given. */
  imageName: string;
  /** The provider's snapshot operation, once asked for. */
  operationId: string;
  /** The node the snapshot is taken of (the builder, or the claimed node for a post-build snapshot). */
  builderNodeId: string;
  verifierNodeId: string;
  /** The builder's host key: a verifier presenting the same one means the image carries it. */
  builderHostKey: string;
  /** Template caches: the hash of the template's content the cache was built from. */
  cacheKey: string;
  sizeBytes: number;
  createdAt: number;
  stateChangedAt: number;
  finishedAt: number;
  promotedAt: number;
  verifiedAt: number;
  /** "<step>: <why>", e.g. "setup: the setup script exited with 3". */
  failureReason: string;
  /** Milliseconds per step (boot, setup, scrub, snapshot, verify). */
  timings: Record<string, number>;
  /** The setup script's output and the build's own notes, the last 256 KiB. */
  log: string;
}

export interface ImageBuildFilter {
  family?: string;
  provider?: string;
  states?: readonly ImageBuildState[];
}

/**
 * A compare-and-set change of one build. With `to`, every from-state must be
 * allowed to go there by the image build transition table (core/states.ts),
 * or the store refuses the change before writing anything.
 */
export interface ImageBuildUpdate {
  id: string;
  /** Applies only if the build is in one of these states. */
  from: readonly ImageBuildState[];
  /** The new state (unchanged if absent). */
  to?: ImageBuildState;
  at: number;
  patch?: Partial<Omit<ImageBuildRecord, "id" | "state" | "stateChangedAt" | "createdAt">> & { state?: never; stateChangedAt?: never };
}

export interface ImageFamilyState {
  name: string;
  /** Paused by an operator: no scheduled builds. */
  paused: boolean;
  changedAt: number;
}

/** The image half of the Store. */
export interface ImageRecords {
  /** Throws already-exists when the id, or the family/provider/slot of a scheduled build, is taken. */
  insertBuild(build: ImageBuildRecord): Promise<void>;
  getBuild(id: string): Promise<ImageBuildRecord | undefined>;
  /** Ordered by createdAt, then id. */
  listBuilds(filter?: ImageBuildFilter): Promise<ImageBuildRecord[]>;
  /** Whether the change applied. */
  updateBuild(update: ImageBuildUpdate): Promise<boolean>;
  /** Families an operator paused or resumed (the others are as configured). */
  familyStates(): Promise<ImageFamilyState[]>;
  setFamilyPaused(name: string, paused: boolean, at: number): Promise<void>;
}
