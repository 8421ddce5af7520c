import { randomUUID } from "node:crypto";
import { hostname, userInfo } from "node:os";
import {
  ClaimState,
  claimStateToJSON,
  type Claim,
  type CreateClaimRequest,
  type WatchClaimResponse,
} from "../../gen/ts/standby/v1/standby.js";
import type { ClaimCalls } from "./calls.js";
import { ClaimAbortedError, ClaimFailedError, ClaimTimeoutError, InternalError, StandbyClientError, UnavailableError } from "./errors.js";
import { Lease, type LeaseOptions } from "./lease.js";

/** What a waiting claim reports. */
export interface ClaimProgress {
  claimId: string;
  /** "queued", "launching" (message names label and provider), "unavailable" (the scheduler is away; retrying). */
  event: string;
  message: string;
  /** 1-based position among queued claims (0 when unknown or not queued). */
  queuePosition: number;
  /** The claim as last seen (undefined while the scheduler is unreachable before the first answer). */
  claim: Claim | undefined;
  /** The claim's token once the scheduler has answered ("" before): watch or cancel the claim with it from elsewhere. */
  claimToken: string;
}

export interface ClaimOptions extends LeaseOptions {
  /** One label expression per node ("jammy && py312"); all nodes come from one provider. */
  labels: string | string[];
  /** Lease TTL in seconds (0: the scheduler's default, 600). */
  ttlSeconds?: number;
  /** Who asks (default USER@HOST). */
  requester?: string;
  jobName?: string;
  /** Higher is served first. */
  priority?: number;
  /** OpenSSH public keys to log in with; injected at claim time. */
  sshPublicKeys?: string[];
  /** Makes the claim idempotent across processes (default: a random one, which still makes retries within this call safe). */
  requestId?: string;
  /** Give up (and cancel the claim) after this long (default 600 000 ms). */
  timeoutMs?: number;
  /** Aborting cancels the claim; claim() then rejects with ClaimAbortedError. */
  signal?: AbortSignal;
  /** Called when the claim's queue position or progress changes. */
  onProgress?: (progress: ClaimProgress) => void;
}

export const DEFAULT_CLAIM_TIMEOUT_MS = 600_000;
/**
 * A CreateClaim waits this long at most (a warm claim is one round trip
 * either way); with a progress callback a cold claim moves on to WatchClaim
 * sooner, whose events tell the queue position and what is launching.
 */
const INLINE_WAIT_S = 5;
const PROGRESS_INLINE_WAIT_S = 1;
/** Between rounds when the scheduler is away, or a watch ended early. */
const RETRY_MS = 1_000;

type Ended = { kind: "fulfilled"; claim: Claim; leaseToken: string } | { kind: "terminal"; claim: Claim } | { kind: "again" };

export function defaultRequester(): string {
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return `standby-client@${hostname()}`;
  }
}

export const claimStateName = (s: ClaimState): string =>
  claimStateToJSON(s)
    .replace(/^CLAIM_STATE_/, "")
    .toLowerCase();

function isTerminal(state: ClaimState): boolean {
  return (
    state === ClaimState.CLAIM_STATE_RELEASED ||
    state === ClaimState.CLAIM_STATE_EXPIRED ||
    state === ClaimState.CLAIM_STATE_CANCELLED ||
    state === ClaimState.CLAIM_STATE_FAILED
  );
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });

/**
 * Claims nodes and waits for them: CreateClaim with a short inline wait, then
 * WatchClaim (which keeps a queued claim alive and reports progress) until the
 * claim is fulfilled or ends. When the scheduler goes away meanwhile it asks
 * again with the same request id, which returns the same claim. On timeout or
 * abort the claim is cancelled, so it does not take a node nobody will use.
 */
export async function claimNodes(calls: ClaimCalls, options: ClaimOptions): Promise<Lease> {
  const labels = typeof options.labels === "string" ? [options.labels] : options.labels;
  const timeoutMs = options.timeoutMs ?? DEFAULT_CLAIM_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  const request: Partial<CreateClaimRequest> = {
    labelExpressions: labels,
    requester: options.requester ?? defaultRequester(),
    jobName: options.jobName ?? "",
    priority: options.priority ?? 0,
    leaseTtlSeconds: options.ttlSeconds ?? 0,
    sshPublicKeys: options.sshPublicKeys ?? [],
    requestId: options.requestId || randomUUID(),
    wait: true,
  };
  const waiting = new AbortController();
  const onAbort = (): void => waiting.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  if (options.signal?.aborted) waiting.abort();
  const timer = setTimeout(() => waiting.abort(), Math.max(0, timeoutMs));

  let claimToken = "";
  let lastClaim: Claim | undefined;
  let lastReport = "";
  const report = (event: string, message: string, claim: Claim | undefined): void => {
    // A new watch replays the current state first: say nothing twice. (Its
    // "queued" message is the position, which the key has already.)
    const key = `${event}\u0000${event === "queued" ? "" : message}\u0000${claim?.queuePosition ?? 0}`;
    if (key === lastReport) return;
    lastReport = key;
    options.onProgress?.({ claimId: claim?.id ?? "", event, message, queuePosition: claim?.queuePosition ?? 0, claim, claimToken });
  };

  const cancel = async (): Promise<{ cancelled: boolean; cancelError?: StandbyClientError }> => {
    try {
      if (!claimToken) {
        // The waiting CreateClaim was cut off before it answered: ask again
        // without waiting (same request id, so the same claim) for its token.
        const res = await calls.createClaim({ ...request, wait: false }, { deadlineMs: 5_000 });
        claimToken = res.claimToken;
        lastClaim = res.claim ?? lastClaim;
        if (res.claim && isTerminal(res.claim.state)) return { cancelled: false };
      }
      await calls.cancelClaim({ claimToken }, { deadlineMs: 5_000 });
      return { cancelled: true };
    } catch (err) {
      return { cancelled: false, cancelError: StandbyClientError.from(err) };
    }
  };

  /** One WatchClaim stream, until it ends, breaks or the claim settles. */
  const watch = async (): Promise<Ended> => {
    const stream = calls.watchClaim({ claimToken }, { signal: waiting.signal });
    try {
      // grpc-js types the stream's iterator as `any`.
      for await (const ev of stream as AsyncIterable<WatchClaimResponse>) {
        const c = ev.claim;
        if (!c) continue;
        lastClaim = c;
        if (c.state === ClaimState.CLAIM_STATE_FULFILLED) return { kind: "fulfilled", claim: c, leaseToken: ev.leaseToken };
        if (isTerminal(c.state)) return { kind: "terminal", claim: c };
        report(ev.event || claimStateName(c.state), ev.message, c);
      }
      return { kind: "again" };
    } catch (err) {
      const e = StandbyClientError.from(err);
      if (waiting.signal.aborted || e instanceof UnavailableError) return { kind: "again" };
      throw e;
    } finally {
      // A fulfilled claim's stream stays open while the lease lives.
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
        const waitS = Math.max(1, Math.min(options.onProgress ? PROGRESS_INLINE_WAIT_S : INLINE_WAIT_S, remainingS - 1));
        const res = await calls.createClaim({ ...request, waitTimeoutSeconds: waitS }, { signal: waiting.signal });
        const c = res.claim;
        if (!c) throw new InternalError("the scheduler answered without a claim");
        claimToken = res.claimToken;
        lastClaim = c;
        if (c.state === ClaimState.CLAIM_STATE_FULFILLED) {
          ended = { kind: "fulfilled", claim: c, leaseToken: res.leaseToken };
          break;
        }
        if (isTerminal(c.state)) {
          ended = { kind: "terminal", claim: c };
          break;
        }
        report("queued", "", c);
      } catch (err) {
        const e = StandbyClientError.from(err);
        if (waiting.signal.aborted) break;
        if (!(e instanceof UnavailableError)) throw e;
        report("unavailable", e.details, lastClaim);
        await sleep(RETRY_MS, waiting.signal);
        continue;
      }
      ended = await watch();
      if (ended.kind !== "again") break;
      // The watch ended early (a scheduler restart): wait again, but never in a tight loop.
      await sleep(RETRY_MS, waiting.signal);
    }

    if (ended.kind === "fulfilled") {
      let { claim, leaseToken } = ended;
      if (!leaseToken) {
        const res = await calls.getClaim({ claimToken });
        leaseToken = res.leaseToken;
        claim = res.claim ?? claim;
      }
      return new Lease(calls, claim, claimToken, leaseToken, options);
    }
    if (ended.kind === "terminal") {
      const c = ended.claim;
      throw new ClaimFailedError({
        claimId: c.id,
        state: claimStateName(c.state),
        reason: c.failureReason,
        queuePosition: c.queuePosition,
      });
    }
    const outcome = await cancel();
    const end = { claimId: lastClaim?.id ?? "", queuePosition: lastClaim?.queuePosition ?? 0, ...outcome };
    if (options.signal?.aborted) throw new ClaimAbortedError(end);
    throw new ClaimTimeoutError({ ...end, timeoutMs });
  } catch (err) {
    // Broken on the way (not a timeout or abort, which cancelled already): nobody will use these nodes.
    if (claimToken && !(err instanceof ClaimFailedError || err instanceof ClaimTimeoutError || err instanceof ClaimAbortedError)) {
      await calls.cancelClaim({ claimToken }, { deadlineMs: 5_000 }).catch(() => undefined);
    }
    throw err;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}
