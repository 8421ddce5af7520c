import type { Visibility } from "../../common/provider.js";

/**
 * Holds: nodes kept for diagnosis (state held) instead of deleted, with why,
 * for whom and until when; keys added to them, snapshots of them, and the
 * autohold rules that hold failed jobs' nodes. Times are epoch milliseconds.
 *
 * A node is held when its state is `held`; its HoldRecord says the rest. The
 * record is written before the node's state changes, so a crash in between
 * leaves a record without a held node (inert: a later hold of the node
 * replaces it), never a held node without a record.
 */
export type HoldSource = "release" | "rule" | "manual" | "lease-expired";

export interface HoldRecord {
  nodeId: string;
  reason: string;
  requester: string;
  source: HoldSource;
  /** The autohold rule that made it ("" if none). */
  ruleId: string;
  claimId: string;
  jobName: string;
  heldAt: number;
  expiresAt: number;
  /** When it ended (0 while it lasts), and why. */
  endedAt: number;
  endReason: string;
}

export interface HoldKeyRecord {
  nodeId: string;
  /** OpenSSH's "SHA256:…" fingerprint; one record per node and key. */
  fingerprint: string;
  publicKey: string;
  addedBy: string;
  addedAt: number;
}

export type SnapshotState = "running" | "done" | "failed";

export interface HoldSnapshotRecord {
  id: string;
  nodeId: string;
  provider: string;
  imageName: string;
  visibility: Visibility;
  /** The provider's operation ("" until it accepted the request). */
  operationId: string;
  imageId: string;
  state: SnapshotState;
  error: string;
  requestedBy: string;
  createdAt: number;
  doneAt: number;
}

export type HoldRuleSource = "config" | "api";

export interface HoldRuleRecord {
  /** Its name; "config/<name>" for rules from the configuration file. */
  id: string;
  source: HoldRuleSource;
  /** "" = any. */
  labelExpression: string;
  /** "" = any. */
  requester: string;
  /** A regular expression on the claim's job name; "" = any. */
  jobNamePattern: string;
  /** How many failures it may hold in all. */
  maxCount: number;
  fired: number;
  /** 0 = the configured default. */
  durationMs: number;
  reason: string;
  createdBy: string;
  createdAt: number;
}

/** The holds part of the Store, over the same database. */
export interface HoldStore {
  /** Inserts each hold, or replaces the node's earlier one. */
  putHolds(holds: HoldRecord[]): Promise<void>;
  /** The holds of these nodes (missing ones left out). */
  getHolds(nodeIds: string[]): Promise<HoldRecord[]>;
  /** Holds that have not ended, oldest first. */
  listActiveHolds(): Promise<HoldRecord[]>;
  /** Sets a new expiry on a hold that has not ended; whether it applied. */
  extendHold(nodeId: string, expiresAt: number, reason: string): Promise<boolean>;
  /** Ends a hold that has not ended; whether it applied. */
  endHold(nodeId: string, at: number, reason: string): Promise<boolean>;

  /** Inserts the key, or replaces the record of the same key on the node. */
  putKey(key: HoldKeyRecord): Promise<void>;
  /** Oldest first. */
  listKeys(nodeIds: string[]): Promise<HoldKeyRecord[]>;

  /** Inserts or replaces a snapshot record. */
  putSnapshot(snapshot: HoldSnapshotRecord): Promise<void>;
  getSnapshot(id: string): Promise<HoldSnapshotRecord | undefined>;
  /** Oldest first; of these nodes, or in these states. */
  listSnapshots(filter: { nodeIds?: string[]; states?: SnapshotState[] }): Promise<HoldSnapshotRecord[]>;

  /** Inserts a rule; false when its id is taken. */
  createRule(rule: HoldRuleRecord): Promise<boolean>;
  /**
   * Makes the configuration file's rules (source config) exactly these:
   * new ones are inserted, existing ones get the new definition and keep
   * their fire count, others of source config are removed.
   */
  syncConfigRules(rules: HoldRuleRecord[]): Promise<void>;
  /** By creation time, then id. */
  listRules(): Promise<HoldRuleRecord[]>;
  getRule(id: string): Promise<HoldRuleRecord | undefined>;
  deleteRule(id: string): Promise<boolean>;
  /**
   * Counts one firing unless the rule has fired maxCount times (or is gone):
   * whether it did. Compare-and-set, so concurrent failures (and replicas)
   * never exceed the count.
   */
  fireRule(id: string): Promise<boolean>;
  /** Takes back one firing (the hold it was for did not happen). */
  unfireRule(id: string): Promise<void>;
}
