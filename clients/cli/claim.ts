import { ClaimState, type Claim, type WatchClaimResponse } from "../../gen/ts/standby/v1/standby.js";
import { ClaimAbortedError, ClaimFailedError, ClaimTimeoutError, type ClaimEnd } from "../typescript/errors.js";
import type { ClaimProgress } from "../typescript/claim.js";
import { positionals, UsageError } from "./args.js";
import type { Command } from "./command.js";
import type { Context } from "./context.js";
import { claimedNodesTable, claimJson, claimStateName, details, renderJson } from "./format.js";

export interface ClaimOptions {
  labelExpressions: string[];
  leaseTtlSeconds: number;
  sshPublicKeys: string[];
  priority: number;
  requester: string | undefined;
  jobName: string;
  requestId: string | undefined;
  timeoutSeconds: number;
}

const CLAIM_ID = /^c-[0-9a-f]+$/;

/** A claim's id ("c-…"), as opposed to its token ("c-…:secret"). */
export function isClaimId(ref: string): boolean {
  return CLAIM_ID.test(ref);
}

/** The one CLAIM_TOKEN argument; a claim id in its place is a usage error that says what to pass. */
export function claimTokenArg(ctx: Context, command: string): string {
  const [token = ""] = positionals(ctx.parsed, command, ["CLAIM_TOKEN"]);
  if (isClaimId(token)) {
    throw new UsageError(
      `"${token}" is a claim id; "${command}" takes the claim's token, which "standby claim" prints as soon as the claim is made`,
      command,
    );
  }
  return token;
}

/** A waiting claim's progress as one line: "claim c-1 queued (position 2): launching jammy on east". */
export function progressLine(p: ClaimProgress): string {
  if (p.event === "unavailable") return `standby: scheduler unavailable (${p.message}); retrying`;
  const c = p.claim;
  const state = c ? claimStateName(c.state) : "queued";
  const where = p.queuePosition ? ` (position ${p.queuePosition})` : "";
  const detail = p.event === "queued" ? "" : p.message || p.event;
  return `claim ${p.claimId || "(new)"} ${state}${where}${detail ? `: ${detail}` : ""}`;
}

/** What happened to a claim that got no nodes, for stderr: "claim c-1 cancelled", or why it was not. */
export function claimEndNote(end: ClaimEnd): string {
  const id = end.claimId ? ` ${end.claimId}` : "";
  if (end.cancelled) return `claim${id} cancelled`;
  if (end.cancelError) return `cancelling the claim${id} failed: ${end.cancelError.message}`;
  return `claim${id} had ended already`;
}

/**
 * `standby claim`: claims with the TypeScript client (CreateClaim, then
 * WatchClaim for progress, re-asking by request id when the scheduler goes
 * away) and prints the nodes; it does not renew the lease, since it exits.
 */
export async function runClaim(ctx: Context, o: ClaimOptions): Promise<number> {
  let lastLine = "";
  let tokenShown = false;
  try {
    const lease = await ctx.client().claim({
      labels: o.labelExpressions,
      ttlSeconds: o.leaseTtlSeconds,
      sshPublicKeys: o.sshPublicKeys,
      priority: o.priority,
      ...(o.requester !== undefined ? { requester: o.requester } : {}),
      jobName: o.jobName,
      ...(o.requestId !== undefined ? { requestId: o.requestId } : {}),
      timeoutMs: o.timeoutSeconds * 1000,
      signal: ctx.signal,
      keepAlive: false,
      onProgress: (p) => {
        if (ctx.json) return;
        if (p.claimToken && !tokenShown) {
          // Printed while the claim still waits, so another terminal can follow or cancel it.
          tokenShown = true;
          ctx.err(`claim token: ${p.claimToken} ("standby claim watch|cancel TOKEN" from elsewhere)\n`);
        }
        const line = progressLine(p);
        if (line === lastLine) return;
        lastLine = line;
        ctx.err(`${line}\n`);
      },
    });
    printFulfilled(ctx, lease.claim, lease.claimToken, lease.leaseToken);
    return 0;
  } catch (err) {
    if (err instanceof ClaimFailedError && ctx.json) {
      ctx.out(renderJson({ claimToken: "", leaseToken: "", claimId: err.claimId, state: err.state, failureReason: err.reason }));
    }
    const code = claimEndExit(ctx, err, o.timeoutSeconds, "nodes");
    if (code === undefined) throw err;
    return code;
  }
}

/**
 * For a claim that ended without nodes (failed, interrupted, timed out): says
 * why on stderr and gives the exit code; undefined for any other error.
 */
export function claimEndExit(ctx: Context, err: unknown, timeoutSeconds: number, what: string): number | undefined {
  if (err instanceof ClaimFailedError) {
    ctx.err(`standby: ${err.details}\n`);
    return 1;
  }
  if (err instanceof ClaimAbortedError) {
    ctx.err(`standby: interrupted; ${claimEndNote(err)}\n`);
    return 130;
  }
  if (err instanceof ClaimTimeoutError) {
    const where = err.queuePosition ? ` (queue position ${err.queuePosition})` : "";
    ctx.err(`standby: timed out after ${timeoutSeconds}s waiting for ${what}${where}; ${claimEndNote(err)}\n`);
    return 1;
  }
  return undefined;
}

function printFulfilled(ctx: Context, c: Claim, claimToken: string, leaseToken: string): void {
  if (ctx.json) {
    ctx.out(renderJson({ claimToken, leaseToken, claim: claimJson(c) }));
    return;
  }
  ctx.out(
    details([
      ["claim", c.id],
      ["claim token", claimToken],
      ["lease token", leaseToken],
      ["lease expires", c.leaseExpiresAt?.toISOString() ?? ""],
      ...(c.traceId ? [["trace id", c.traceId] as [string, string]] : []),
    ]) +
      "\n" +
      claimedNodesTable(c.nodes),
  );
}

export const claimWatch: Command = {
  name: "claim watch",
  args: "CLAIM_TOKEN",
  summary: "follow a claim's progress until it ends (queue position, launches, fulfilment, release)",
  help: "",
  notes: `Prints one line per event (with --json, one JSON object per line). An open
watch keeps a queued claim alive. Ends when the claim is released, expires,
fails or is cancelled; Ctrl-C stops watching and leaves the claim as it is.`,
  options: {},
  interruptible: true,
  async run(ctx) {
    const token = claimTokenArg(ctx, "claim watch");
    const stream = ctx.client().watchClaim({ claimToken: token }, { signal: ctx.signal });
    try {
      // grpc-js types the stream's iterator as `any`.
      for await (const ev of stream as AsyncIterable<WatchClaimResponse>) {
        const c = ev.claim;
        if (ctx.json) {
          ctx.out(
            JSON.stringify({ event: ev.event, message: ev.message, claim: c ? claimJson(c) : null, leaseToken: ev.leaseToken }) + "\n",
          );
          continue;
        }
        const state = c ? claimStateName(c.state) : "";
        const where = c?.queuePosition ? ` (position ${c.queuePosition})` : "";
        const nodes =
          c && c.state === ClaimState.CLAIM_STATE_FULFILLED ? `: ${c.nodes.map((n) => `${n.id} (${n.provider})`).join(", ")}` : "";
        const reason = c?.failureReason ? `: ${c.failureReason}` : "";
        ctx.out(
          `${new Date().toISOString()}  ${ev.event}  claim ${c?.id ?? "?"} ${state}${where}${ev.message ? ` — ${ev.message}` : ""}${nodes}${reason}\n`,
        );
      }
    } catch (err) {
      if (ctx.signal.aborted) return 130;
      throw err;
    } finally {
      stream.cancel();
    }
    return ctx.signal.aborted ? 130 : 0;
  },
};
