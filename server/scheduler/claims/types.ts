import type { ClaimRecord, ClaimState, HoldRecord, NodeRecord, Outcome } from "../../core/index.js";

export interface ClaimInput {
  labelExpressions: string[];
  requester: string;
  jobName: string;
  priority: number;
  leaseTtlSeconds: number;
  sshPublicKeys: string[];
  requestId: string;
}

export type ClaimEventKind = "queued" | "launching" | "waiting" | "fulfilled" | "failed" | "cancelled" | "released" | "expired";

/** Events of a claim that still waits: they end no wait and no watch. */
export function isProgressEvent(kind: ClaimEventKind): boolean {
  return kind === "queued" || kind === "launching" || kind === "waiting";
}

export interface ClaimView {
  claim: ClaimRecord;
  nodes: NodeRecord[];
  queuePosition: number;
  /** The holds of nodes the lease's end held, by node id. */
  holds?: ReadonlyMap<string, HoldRecord>;
}

/** A hold asked for at release. */
export interface HoldRequest {
  seconds: number;
  reason: string;
  /** Who asks ("" = the claim's requester). */
  requester: string;
}

/** How a lease ends, as the hold decision sees it. */
export interface LeaseEnd {
  to: ClaimState;
  outcome: Outcome | undefined;
  hold: HoldRequest | undefined;
}

/**
 * How the end of a lease may hold its nodes (state held) instead of deleting
 * them; implemented in holds.ts. The hold is written before the lease ends.
 */
export interface LeaseHolds {
  /** Whether this end may hold nodes at all (only then is the claim read first). */
  considers(end: LeaseEnd): boolean;
  /** Decides, and writes the holds of the nodes it holds; undefined to delete them as usual. */
  prepare(claim: ClaimRecord, nodes: NodeRecord[], end: LeaseEnd): Promise<PreparedHolds | undefined>;
  /** The lease had already ended: the holds never took effect. */
  abandon(prepared: PreparedHolds): Promise<void>;
  /** The nodes are held now. */
  held(prepared: PreparedHolds): void;
}

export interface PreparedHolds {
  holds: HoldRecord[];
  /** The autohold rule that fired for them ("" if none). */
  ruleId: string;
}

export interface ClaimEvent {
  kind: ClaimEventKind;
  message: string;
  view: ClaimView;
}

/** Nodes wanted for queued claims: of a label, on a given provider or any. */
export interface Demand {
  label: string;
  provider: string | undefined;
  count: number;
}

export interface ClaimSettings {
  defaultLeaseTtlMs: number;
  maxLeaseTtlMs: number;
  abandonAfterMs: number;
  /** One priority step gained per this much waiting (0 = no ageing). */
  agingStepMs: number;
  /** A nodeset pinned to a provider is re-pinned after this long unfulfilled. */
  nodesetTimeoutMs: number;
}

/**
 * Orders providers by how well they can launch now (usable ones only, best
 * first), for nodes of the given labels.
 */
export type ProviderRanking = (candidates: string[], labels: string[]) => string[];
