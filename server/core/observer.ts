import type { ClaimRecord, NodeRecord } from "./store.js";

/**
 * What the scheduler tells its observers (traces, metrics) as things happen.
 * The scheduler only calls these and never depends on what they do, so
 * watching can never change scheduling; NOOP_OBSERVER, what runs when
 * tracing and metrics are off, costs an empty call. Implementations live in
 * server/telemetry and must not throw.
 *
 * The hold hooks are for the hold keeper to call (image builds report
 * through the image service's own ImageMetrics); see docs/operations.md
 * for the metrics they feed.
 */
export interface SchedulerObserver {
  /** A new claim, before it is stored; called in the API call's context. */
  claimCreated(claim: ClaimRecord): void;
  /** A queued claim loaded again after a restart. */
  claimLoaded(claim: ClaimRecord): void;
  /**
   * An allocation transaction that began at startedAt: the claims it tried
   * for the first time (fresh) and those it fulfilled (with their nodes).
   */
  allocated(startedAt: number, results: readonly AllocationOutcome[]): void;
  /** The claim's nodes were handed over: it is fulfilled. */
  claimFulfilled(claim: ClaimRecord, nodes: readonly NodeRecord[]): void;
  /** A fulfilled claim waits again (a node failed during hand-over). */
  claimRequeued(claim: ClaimRecord, reason: string): void;
  /** A claim reached a terminal state (cancelled, failed, released, expired). */
  claimEnded(claim: ClaimRecord): void;
  /** Runs a step of a queued or just-allocated claim (the hand-over) in the claim's context. */
  inClaim<T>(claim: ClaimRecord, fn: () => Promise<T>): Promise<T>;
  /**
   * Runs background work (an allocation round, a pool pass, deletions) in no
   * one's context: it was started from inside some call or launch, but does
   * not belong to it.
   */
  detached<T>(fn: () => T): T;

  /** A launch started; waiting: the claims queued on its label, first in line first. */
  launchStarted(node: NodeRecord, waiting: readonly string[]): void;
  /** Runs a node's launch (boot, polling, ready check) in the launch's context. */
  inLaunch<T>(node: NodeRecord, fn: () => Promise<T>): Promise<T>;
  /** A boot call failed in a way worth retrying; the launch goes on. */
  attemptFailed(node: NodeRecord, reason: string, message: string): void;
  /** A node failed (its launch, or later: vanished, hand-over); it will be deleted. */
  launchFailed(node: NodeRecord, reason: string, message: string): void;
  /** A launched node passed its checks and joined the pool. */
  nodeReady(node: NodeRecord): void;
  /** Runs a node's deletion in its own context. */
  inDelete<T>(node: NodeRecord, fn: () => Promise<T>): Promise<T>;

  /** Runs the resolution of the image a launch boots from (label, provider, what the template asks for). */
  inImageResolution<T>(what: { label: string; provider: string; image: string }, fn: () => Promise<T>): Promise<T>;
  /** A node was put on hold (kept for diagnosis); source: release, rule, lease-expired or manual. */
  nodeHeld(node: NodeRecord, source: string): void;
  /** A held node's hold ended: expired, or released by someone. */
  holdEnded(node: NodeRecord, how: "expired" | "released"): void;
}

export interface AllocationOutcome {
  claim: ClaimRecord;
  /** Empty when the claim still waits. */
  nodes: readonly NodeRecord[];
  /** Tried for the first time (a new claim). */
  fresh: boolean;
}

const pass = <T>(_: unknown, fn: () => Promise<T>): Promise<T> => fn();

export const NOOP_OBSERVER: SchedulerObserver = {
  claimCreated() {},
  claimLoaded() {},
  allocated() {},
  claimFulfilled() {},
  claimRequeued() {},
  claimEnded() {},
  inClaim: pass,
  detached: (fn) => fn(),
  launchStarted() {},
  inLaunch: pass,
  attemptFailed() {},
  launchFailed() {},
  nodeReady() {},
  inDelete: pass,
  inImageResolution: pass,
  nodeHeld() {},
  holdEnded() {},
};
