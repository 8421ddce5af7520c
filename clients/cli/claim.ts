import { randomUUID } from "node:crypto";
import { hostname, userInfo } from "node:os";
import { status } from "@grpc/grpc-js";
import {
  ClaimState,
  type Claim,
  type CreateClaimRequest,
  type WatchClaimResponse,
} from "../../gen/ts/standby/v1/standby.js";
import { StandbyClientError } from "../typescript/client.js";
import type { Context } from "./context.js";
import { claimedNodesTable, claimJson, claimStateName, details, isTerminal, renderJson } from "./format.js";

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

/**
 * The first CreateClaim waits this long at most, so a warm claim is one round
 * trip and a cold one soon switches to WatchClaim, whose events show progress.
 */
const INLINE_WAIT_S = 5;
/** A scheduler that is restarting gets this long between retries. */
const RETRY_MS = 1_000;

type Ended =
  | { kind: "fulfilled"; claim: Claim; leaseToken: string }
  | { kind: "terminal"; claim: Claim }
  | { kind: "again" };

function defaultRequester(): string {
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return `standby-cli@${hostname()}`;
  }
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });

/** Server errors after which waiting again (same request id) is safe and useful. */
function isTransient(err: StandbyClientError): boolean {
  return err.code === status.UNAVAILABLE;
}

/**
 * CreateClaim with wait, then WatchClaim until the claim is fulfilled, ends,
 * or the timeout passes; re-waits (idempotently, by request id) when the
 * scheduler goes away meanwhile. On timeout or Ctrl-C the claim is cancelled so
 * that it does not take a node nobody will use.
 */
export async function runClaim(ctx: Context, o: ClaimOptions): Promise<number> {
  const client = ctx.client();
  const deadline = Date.now() + o.timeoutSeconds * 1000;
  const request: Partial<CreateClaimRequest> = {
    labelExpressions: o.labelExpressions,
    requester: o.requester ?? defaultRequester(),
    jobName: o.jobName,
    priority: o.priority,
    leaseTtlSeconds: o.leaseTtlSeconds,
    sshPublicKeys: o.sshPublicKeys,
    requestId: o.requestId ?? randomUUID(),
    wait: true,
  };
  const waiting = new AbortController();
  const onAbort = (): void => waiting.abort();
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  const timer = setTimeout(() => waiting.abort(), Math.max(0, deadline - Date.now()));

  let claimToken = "";
  let claimId = "";
  let lastProgress = "";
  let lastClaim: Claim | undefined;
  const progress = (line: string): void => {
    if (ctx.json || line === lastProgress) return;
    lastProgress = line;
    ctx.err(`${line}\n`);
  };
  const queued = (c: Claim, detail = ""): string =>
    `claim ${c.id} ${claimStateName(c.state)}${c.queuePosition ? ` (position ${c.queuePosition})` : ""}${detail ? `: ${detail}` : ""}`;

  const cancel = async (why: string): Promise<void> => {
    try {
      if (!claimToken) {
        // The waiting CreateClaim was cut off before it answered: ask again
        // without waiting (same request id, so the same claim) for its token.
        const res = await client.createClaim({ ...request, wait: false }, { deadlineMs: 5_000 });
        claimToken = res.claimToken;
        claimId = res.claim?.id ?? "";
        if (res.claim && isTerminal(res.claim.state)) {
          ctx.err(`standby: ${why}; claim ${claimId} is already ${claimStateName(res.claim.state)}\n`);
          return;
        }
      }
      await client.cancelClaim({ claimToken }, { deadlineMs: 5_000 });
      ctx.err(`standby: ${why}; claim ${claimId} cancelled\n`);
    } catch (err) {
      const which = claimId ? ` ${claimId}` : "";
      ctx.err(`standby: ${why}; cancelling the claim${which} failed: ${StandbyClientError.from(err).message}\n`);
    }
  };

  /** One WatchClaim stream, until it ends, breaks or the claim settles. */
  const watch = async (): Promise<Ended> => {
    const stream = client.watchClaim({ claimToken }, { signal: waiting.signal });
    try {
      // grpc-js types the stream's iterator as `any`.
      for await (const ev of stream as AsyncIterable<WatchClaimResponse>) {
        const c = ev.claim;
        if (!c) continue;
        lastClaim = c;
        if (c.state === ClaimState.CLAIM_STATE_FULFILLED) return { kind: "fulfilled", claim: c, leaseToken: ev.leaseToken };
        if (isTerminal(c.state)) return { kind: "terminal", claim: c };
        progress(queued(c, ev.message || ev.event));
      }
      return { kind: "again" };
    } catch (err) {
      const e = StandbyClientError.from(err);
      if (waiting.signal.aborted || isTransient(e)) return { kind: "again" };
      throw e;
    } finally {
      stream.cancel();
    }
  };

  try {
    let ended: Ended = { kind: "again" };
    while (!waiting.signal.aborted) {
      const remainingS = Math.ceil((deadline - Date.now()) / 1000);
      if (remainingS <= 0) break;
      try {
        // Answer a little before the deadline, so that a timeout finds the claim token in hand.
        const waitS = Math.max(1, Math.min(INLINE_WAIT_S, remainingS - 1));
        const res = await client.createClaim(
          { ...request, waitTimeoutSeconds: waitS },
          { signal: waiting.signal },
        );
        claimToken = res.claimToken;
        const c = res.claim;
        if (!c) throw new StandbyClientError(status.INTERNAL, "the server answered without a claim");
        claimId = c.id;
        lastClaim = c;
        if (c.state === ClaimState.CLAIM_STATE_FULFILLED) {
          ended = { kind: "fulfilled", claim: c, leaseToken: res.leaseToken };
          break;
        }
        if (isTerminal(c.state)) {
          ended = { kind: "terminal", claim: c };
          break;
        }
        progress(queued(c));
      } catch (err) {
        const e = StandbyClientError.from(err);
        if (waiting.signal.aborted) break;
        if (!isTransient(e)) throw e;
        progress(`standby: scheduler unavailable (${e.details}); retrying`);
        await sleep(RETRY_MS, waiting.signal);
        continue;
      }
      ended = await watch();
      if (ended.kind !== "again") break;
      // The watch ended early (a scheduler restart): wait again, but never in a tight loop.
      await sleep(RETRY_MS, waiting.signal);
    }

    if (ended.kind === "fulfilled") {
      let leaseToken = ended.leaseToken;
      let c = ended.claim;
      if (!leaseToken) {
        const res = await client.getClaim({ claimToken });
        leaseToken = res.leaseToken;
        c = res.claim ?? c;
      }
      printFulfilled(ctx, c, claimToken, leaseToken);
      return 0;
    }
    if (ended.kind === "terminal") {
      const c = ended.claim;
      if (ctx.json) ctx.out(renderJson({ claimToken, leaseToken: "", claim: claimJson(c) }));
      ctx.err(`standby: claim ${c.id} ${claimStateName(c.state)}${c.failureReason ? `: ${c.failureReason}` : ""}\n`);
      return 1;
    }
    if (ctx.signal.aborted) {
      await cancel("interrupted");
      return 130;
    }
    const where = lastClaim?.queuePosition ? ` (queue position ${lastClaim.queuePosition})` : "";
    await cancel(`timed out after ${o.timeoutSeconds}s waiting for nodes${where}`);
    return 1;
  } finally {
    clearTimeout(timer);
    ctx.signal.removeEventListener("abort", onAbort);
  }
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
    ]) +
      "\n" +
      claimedNodesTable(c.nodes),
  );
}
