import { createHash } from "node:crypto";
import type { Span, SpanOptions } from "@opentelemetry/api";
import { startRootSpanWithIds, tracingOn } from "../../common/tracing.js";

/**
 * A claim's trace and root span ids are derived from its id, so every
 * replica, and the scheduler after a restart, knows a claim's trace without
 * storing it, and a claim still queued after a restart gets its root span
 * back with the same ids.
 */

/** The trace id and root span id of a claim (hex), whether or not tracing is on. */
export function claimIds(claimId: string): { traceId: string; spanId: string } {
  const hex = createHash("sha256").update(`standby-claim:${claimId}`).digest("hex");
  return { traceId: hex.slice(0, 32), spanId: hex.slice(32, 48) };
}

/** The claim's trace id, or "" when tracing is off (what the API returns). */
export function claimTraceId(claimId: string): string {
  return tracingOn() ? claimIds(claimId).traceId : "";
}

/** Starts a claim's root span with the claim's own ids. */
export function startClaimRootSpan(claimId: string, name: string, options: SpanOptions): Span {
  return startRootSpanWithIds(claimIds(claimId), name, options);
}
