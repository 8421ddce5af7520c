import type { HoldStore } from "./holds.js";
import type { ImageRecords } from "./images.js";
import type { ClaimState, NodePurpose, NodeState, Outcome } from "./states.js";

/**
 * The scheduler's persistent state. Implemented over SQLite (embedded default)
 * and MySQL/MariaDB (production, several replicas) with one contract suite.
 * Times are epoch milliseconds. Every state change is written here before the
 * cloud is touched.
 */
export interface NodeRecord {
  id: string;
  label: string;
  provider: string;
  state: NodeState;
  /** The cloud's id, recorded as soon as the cloud gives it. */
  instanceId: string;
  addresses: string[];
  sshPort: number;
  username: string;
  /** Pinned host keys, known_hosts form. */
  hostKeys: string[];
  tags: string[];
  image: string;
  flavor: string;
  claimId: string;
  createdAt: number;
  stateChangedAt: number;
  /** When it last entered ready (0 if never). */
  readyAt: number;
  /** Why it failed, if it did. */
  failureReason: string;
  /** What the node is for; absent means a pool node. Image builds' nodes are never claimed. */
  purpose?: NodePurpose;
}

export interface ClaimRecord {
  id: string;
  /** The client's idempotency key ("" if none). Unique when set. */
  requestId: string;
  /** A hash of the request's content, to tell a retry from a reuse of the id. */
  requestHash: string;
  state: ClaimState;
  labelExpressions: string[];
  requester: string;
  jobName: string;
  priority: number;
  leaseTtlSeconds: number;
  sshPublicKeys: string[];
  /** sha256 of the claim token's secret. */
  tokenHash: string;
  createdAt: number;
  /** Last sign of life from the client (create, get, watch). */
  lastSeenAt: number;
  fulfilledAt: number;
  /** sha256 of the lease token's secret ("" until fulfilled). */
  leaseHash: string;
  leaseExpiresAt: number;
  /** The nodes, in the order of labelExpressions. */
  nodeIds: string[];
  outcome: Outcome | "";
  endedAt: number;
  failureReason: string;
}

/**
 * One step of a claim's timeline that its row does not record itself: a
 * launch started for the label it waits on, an attempt that failed, a node
 * that became ready, a hand-over that failed. Launches are not tied to one
 * claim, so each such event is written for the claims waiting on the label
 * at the time. Queued, fulfilled and ended come from the claim row.
 */
export interface ClaimEventRecord {
  claimId: string;
  at: number;
  /** launching, attempt-failed, launch-failed, node-ready, handover-failed. */
  kind: string;
  label: string;
  provider: string;
  nodeId: string;
  message: string;
}

export interface NodeFilter {
  label?: string;
  provider?: string;
  states?: NodeState[];
  claimId?: string;
}

/** The fields of a node a patch may set: never its id, state or the state's time. */
export type NodePatch = Partial<Omit<NodeRecord, "id" | "state" | "stateChangedAt">> & { state?: never; stateChangedAt?: never };

/**
 * A compare-and-set state change of one node. Every from-state must be
 * allowed to go to `to` by the node transition table (core/states.ts), or
 * the store refuses the whole call before writing anything.
 */
export interface NodeTransition {
  id: string;
  /** The change applies only if the node is in one of these states. */
  from: readonly NodeState[];
  to: NodeState;
  at: number;
  /** Other fields to set with the change. */
  patch?: NodePatch;
}

/** A field-only change of one node: its state (and the state's time) stay. */
export interface NodeUpdate {
  id: string;
  /** The change applies only if the node is in one of these states (any state if absent). */
  from?: readonly NodeState[];
  patch: NodePatch;
}

/** The fields of a claim a patch may set: never its id or state. */
export type ClaimPatch = Partial<Omit<ClaimRecord, "id" | "state">> & { state?: never };

/** A compare-and-set state change of one claim, checked against the claim transition table. */
export interface ClaimTransition {
  id: string;
  from: readonly ClaimState[];
  to: ClaimState;
  /** Other fields to set with the change. */
  patch?: ClaimPatch;
}

/** A compare-and-set field-only change of one claim: its state stays. */
export interface ClaimUpdate {
  id: string;
  from: readonly ClaimState[];
  patch: ClaimPatch;
}

/**
 * A fulfilled claim back to the queue (a node failed during hand-over), in
 * one transaction: the claim goes fulfilled → queued with its lease and nodes
 * cleared, its claimed nodes move to `nodesTo`, and the events are written.
 * A node that was claimed may carry the claimer's keys, so it never goes back
 * to ready (the transition table forbids claimed → ready).
 */
export interface ClaimRequeue {
  claimId: string;
  at: number;
  /** Where its claimed nodes go: released (deleted next) or failed. */
  nodesTo: NodeState;
  /** Written with the requeue, only if it applies. */
  events?: readonly ClaimEventRecord[];
}

export interface NodeCount {
  label: string;
  provider: string;
  state: NodeState;
  count: number;
}

/**
 * Ask for ready nodes for one queued claim: one node per slot, each slot
 * satisfied by any of its labels, all nodes from one provider.
 */
/**
 * One node of a nodeset: any of these labels; where `providers` names a
 * label, only those providers' nodes of it fit (their extra tags decide).
 */
export interface Slot {
  labels: string[];
  providers?: Record<string, string[]>;
}

export interface AllocationRequest {
  claimId: string;
  slots: Slot[];
  leaseHash: string;
  leaseExpiresAt: number;
  /**
   * A new claim (with id = claimId, state queued) to insert first, in the
   * same transaction, so a warm claim costs one transaction. When its
   * non-empty requestId is already taken, nothing is inserted or allocated
   * and the result's `inserted` carries the existing claim.
   */
  insert?: ClaimRecord;
}

export interface Allocation {
  claimId: string;
  /** The claim, fulfilled; undefined when no provider could fill every slot
   * (or the claim was no longer queued). */
  claim?: ClaimRecord;
  /** In slot order. */
  nodes: NodeRecord[];
  /** For a request with `insert`: the stored claim (as inserted, or the
   * existing one with the same requestId) and whether it was created. */
  inserted?: { claim: ClaimRecord; created: boolean };
}

/** End a claim and move its nodes on, in one transaction. */
export interface ClaimEnd {
  claimId: string;
  from: readonly ClaimState[];
  to: ClaimState;
  at: number;
  outcome?: Outcome;
  reason?: string;
  /** Where its claimed nodes go (e.g. released). */
  nodesTo: NodeState;
}

export interface Store {
  readonly dialect: "sqlite" | "mysql";
  close(): Promise<void>;
  /** Image builds and families. */
  readonly images: ImageRecords;
  /** Holds, their keys and snapshots, autohold rules. */
  readonly holds: HoldStore;

  /** A value that outlives restarts, e.g. this scheduler's owner id. */
  getMeta(key: string): Promise<string | undefined>;
  setMetaIfAbsent(key: string, value: string): Promise<string>;

  /** Inserts nodes, and claim events in the same transaction. */
  insertNodes(nodes: NodeRecord[], events?: readonly ClaimEventRecord[]): Promise<void>;
  getNode(id: string): Promise<NodeRecord | undefined>;
  /** Ordered by createdAt, then id. Without states: every node that is not gone. */
  listNodes(filter?: NodeFilter): Promise<NodeRecord[]>;
  /** Applies each change whose from-state matches, in one transaction
   * (with the claim events, which are written whatever applied);
   * returns the ids that changed. An illegal change (see NodeTransition)
   * refuses the whole call: nothing is written. */
  transitionNodes(changes: NodeTransition[], events?: readonly ClaimEventRecord[]): Promise<string[]>;
  /** Field-only changes, compare-and-set on the state as transitionNodes; returns the ids that matched. */
  updateNodes(updates: NodeUpdate[]): Promise<string[]>;
  /** Nodes per label, provider and state, gone excluded. */
  countNodes(): Promise<NodeCount[]>;

  /** Inserts the claim; if one with the same non-empty requestId exists,
   * returns that one with created=false. */
  createClaim(claim: ClaimRecord): Promise<{ claim: ClaimRecord; created: boolean }>;
  getClaim(id: string): Promise<ClaimRecord | undefined>;
  /** Ordered by priority (high first), then createdAt, then id. */
  listClaims(filter?: { states?: ClaimState[]; leaseExpiresBefore?: number }): Promise<ClaimRecord[]>;
  /** Applies each state change whose from-state matches, in one transaction;
   * returns the ids that changed. An illegal change refuses the whole call. */
  transitionClaims(changes: ClaimTransition[]): Promise<string[]>;
  /** Applies each field-only update whose from-state matches; returns the ids that changed. */
  updateClaims(updates: ClaimUpdate[]): Promise<string[]>;
  /** Puts a fulfilled claim back in the queue (see ClaimRequeue); the claim
   * after the change, or undefined if it was no longer fulfilled (nothing written). */
  requeueClaim(requeue: ClaimRequeue): Promise<ClaimRecord | undefined>;
  /**
   * Fulfils queued claims from ready nodes in one transaction, in the order
   * given. A node is never handed to two claims, even by two schedulers
   * sharing the database (row locks, SKIP LOCKED on MySQL/MariaDB).
   * Picks the oldest ready nodes first.
   */
  allocate(requests: AllocationRequest[], at: number): Promise<Allocation[]>;
  /** Ends claims and moves their claimed nodes to nodesTo, in one transaction.
   * Returns the claims that changed, after the change. An illegal claim
   * change or node move (e.g. claimed → ready) refuses the whole call. */
  endClaims(ends: ClaimEnd[]): Promise<ClaimRecord[]>;

  /** Appends steps to claims' timelines. */
  appendClaimEvents(events: readonly ClaimEventRecord[]): Promise<void>;
  /** A claim's events, oldest first (by time, then in the order written). */
  listClaimEvents(claimId: string): Promise<ClaimEventRecord[]>;
}
