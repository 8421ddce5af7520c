import type { ClaimEventRecord, ClaimRecord, NodeRecord } from "../core/store.js";

/** One step of a claim's story, as the API and the CLI show it. */
export interface TimelineEntry {
  at: number;
  /** queued, launching, attempt-failed, launch-failed, node-ready, handover-failed, fulfilled, released, expired, cancelled, failed. */
  kind: string;
  message: string;
  label: string;
  provider: string;
  nodeId: string;
}

/**
 * A claim's timeline: queued, fulfilled and how it ended come from the claim
 * row; what happened in between (launches for its labels, failed attempts,
 * nodes that became ready, failed hand-overs) from its claim events. Oldest
 * first; entries at one time keep the order they happened in.
 */
export function buildTimeline(claim: ClaimRecord, events: readonly ClaimEventRecord[], nodes: readonly NodeRecord[]): TimelineEntry[] {
  const entry = (at: number, kind: string, message: string, more: Partial<TimelineEntry> = {}): TimelineEntry => ({
    at,
    kind,
    message,
    label: "",
    provider: "",
    nodeId: "",
    ...more,
  });
  const expressions = claim.labelExpressions.map((e) => JSON.stringify(e)).join(", ");
  const entries: TimelineEntry[] = [
    entry(
      claim.createdAt,
      "queued",
      `queued for ${expressions}${claim.priority !== 0 ? ` at priority ${claim.priority}` : ""}${claim.requester ? ` by ${claim.requester}` : ""}`,
    ),
  ];
  for (const e of events) entries.push(entry(e.at, e.kind, e.message, { label: e.label, provider: e.provider, nodeId: e.nodeId }));
  if (claim.fulfilledAt > 0) {
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const served = claim.nodeIds.map((id) => byId.get(id));
    const what = claim.nodeIds.map((id, i) => {
      const n = served[i];
      return n ? `${id} (${n.label} on ${n.provider})` : id;
    });
    const first = served[0];
    entries.push(
      entry(claim.fulfilledAt, "fulfilled", `fulfilled by ${what.join(", ")} after ${seconds(claim.fulfilledAt - claim.createdAt)}`, {
        label: first?.label ?? "",
        provider: first?.provider ?? "",
        nodeId: claim.nodeIds.length === 1 ? (claim.nodeIds[0] ?? "") : "",
      }),
    );
  }
  if (claim.endedAt > 0) entries.push(entry(claim.endedAt, claim.state, endMessage(claim)));
  // Stable: the row's own steps and the events keep their order within one time.
  return entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.at - b.e.at || a.i - b.i)
    .map(({ e }) => e);
}

function endMessage(claim: ClaimRecord): string {
  switch (claim.state) {
    case "released":
      return `released${claim.outcome ? ` (outcome ${claim.outcome})` : ""}`;
    case "expired":
      return claim.failureReason || "the lease expired";
    case "cancelled":
      return `cancelled${claim.failureReason ? `: ${claim.failureReason}` : ""}`;
    case "failed":
      return `failed${claim.failureReason ? `: ${claim.failureReason}` : ""}`;
    default:
      return claim.state;
  }
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.max(0, ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
