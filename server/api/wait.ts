import type { Deadline } from "@grpc/grpc-js";

/**
 * How long a call that waits (for a claim's nodes, a snapshot) may wait:
 * what it asked for, cut to end a little before the client's own deadline,
 * so the client gets an answer (the claim, the snapshot as it stands) rather
 * than DEADLINE_EXCEEDED.
 */
export function waitWithinDeadline(call: { getDeadline(): Deadline }, requestedMs: number): number {
  const deadline = call.getDeadline();
  const deadlineMs = deadline instanceof Date ? deadline.getTime() : Number(deadline);
  if (Number.isFinite(deadlineMs) && deadlineMs > 0) return Math.max(0, Math.min(requestedMs, deadlineMs - Date.now() - 200));
  return requestedMs;
}
