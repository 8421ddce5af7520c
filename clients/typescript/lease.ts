import { Outcome, type Claim, type Node } from "../../gen/ts/standby/v1/standby.js";
import type { CallOpts, ClaimCalls } from "./calls.js";
import { DeadlineExceededError, StandbyClientError, UnavailableError } from "./errors.js";

export type OutcomeName = "success" | "failure" | "aborted";

/** Keep the lease's nodes for diagnosis instead of deleting them. */
export interface Hold {
  /** How long; the scheduler caps it at its configured maximum. */
  seconds: number;
  /** Shown to operators. */
  reason?: string;
}

export interface LeaseOptions {
  /** Renew in the background at a third of the TTL until release (default true). */
  keepAlive?: boolean;
  /** The scheduler says the lease is gone (expired, released elsewhere): renewal has stopped. */
  onLost?: (err: StandbyClientError) => void;
  /** After each successful renewal. */
  onRenew?: (expiresAt: Date | undefined) => void;
}

const OUTCOMES: Record<OutcomeName, Outcome> = {
  success: Outcome.OUTCOME_SUCCESS,
  failure: Outcome.OUTCOME_FAILURE,
  aborted: Outcome.OUTCOME_ABORTED,
};

/** Renewals never come closer together than this, whatever the TTL. */
const MIN_INTERVAL_MS = 200;
/** After a transient renewal failure, try again after at most this long. */
const MAX_RETRY_MS = 5_000;

/**
 * A fulfilled claim: its nodes and the lease that keeps them. With keepAlive
 * (the default) the lease renews itself at a third of its TTL, so one lost
 * renewal still leaves two thirds of the TTL to retry in. The renewal timer
 * does not keep the process alive. Renewal stops at release(), at
 * stopRenewing(), or when the scheduler says the lease is gone (`lost` is
 * then set and onLost called).
 */
export class Lease {
  readonly claimId: string;
  /** For getClaim, watchClaim and cancelClaim. */
  readonly claimToken: string;
  /** For renew and release; keep it secret. */
  readonly leaseToken: string;
  /** The claim as it was fulfilled. */
  readonly claim: Claim;
  /** In the order of the claim's label expressions. */
  readonly nodes: Node[];
  /** When the lease runs out unless renewed. */
  expiresAt: Date | undefined;
  ttlSeconds: number;
  /** Successful renewals so far. */
  renewals = 0;
  /** Set when the scheduler said the lease is gone. */
  lost: StandbyClientError | undefined;
  released = false;

  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private inFlight: Promise<unknown> | undefined;

  constructor(
    private readonly calls: ClaimCalls,
    claim: Claim,
    claimToken: string,
    leaseToken: string,
    private readonly options: LeaseOptions = {},
  ) {
    this.claim = claim;
    this.claimId = claim.id;
    this.claimToken = claimToken;
    this.leaseToken = leaseToken;
    this.nodes = claim.nodes;
    this.expiresAt = claim.leaseExpiresAt;
    this.ttlSeconds = claim.leaseTtlSeconds;
    if (options.keepAlive ?? true) this.schedule(this.interval());
    else this.stopped = true;
  }

  /** Whether background renewal is on. */
  get renewing(): boolean {
    return !this.stopped;
  }

  /** Extends the lease by ttlSeconds from now (0: the claim's TTL). */
  async renew(ttlSeconds = 0, opts?: CallOpts): Promise<Date | undefined> {
    const res = await this.calls.renewLease({ leaseToken: this.leaseToken, ttlSeconds }, opts);
    this.expiresAt = res.expiresAt;
    this.renewals += 1;
    if (ttlSeconds > 0) this.ttlSeconds = ttlSeconds;
    return this.expiresAt;
  }

  /** Stops background renewal; the lease then runs out at expiresAt unless renewed or released. */
  stopRenewing(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Ends the lease with the job's outcome and stops renewing. The nodes are
   * deleted, or kept for diagnosis when a hold is asked for (and the
   * scheduler grants it). Releasing twice is a no-op. Returns the claim as
   * the scheduler left it.
   */
  async release(outcome: OutcomeName | Outcome = "success", hold?: Hold, opts?: CallOpts): Promise<Claim | undefined> {
    const value = typeof outcome === "string" ? OUTCOMES[outcome] : outcome;
    if (value === undefined || value === Outcome.OUTCOME_UNSPECIFIED || value === Outcome.UNRECOGNIZED) {
      throw new TypeError(`outcome must be one of ${Object.keys(OUTCOMES).join(", ")}, not ${String(outcome)}`);
    }
    if (hold && (!Number.isInteger(hold.seconds) || hold.seconds < 0)) {
      throw new TypeError(`hold.seconds must be a whole number of seconds, not ${hold.seconds}`);
    }
    this.stopRenewing();
    // A renewal on the wire must not land after the release.
    await this.inFlight?.catch(() => undefined);
    const res = await this.calls.releaseLease(
      { leaseToken: this.leaseToken, outcome: value, holdSeconds: hold?.seconds ?? 0, holdReason: hold?.reason ?? "" },
      opts,
    );
    this.released = true;
    return res.claim;
  }

  private interval(): number {
    return Math.max(MIN_INTERVAL_MS, (this.ttlSeconds * 1000) / 3);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.renewInBackground(), ms);
    this.timer.unref();
  }

  private async renewInBackground(): Promise<void> {
    this.timer = undefined;
    if (this.stopped) return;
    const attempt = this.renew();
    this.inFlight = attempt;
    try {
      const expiresAt = await attempt;
      if (this.stopped) return;
      this.options.onRenew?.(expiresAt);
      this.schedule(this.interval());
    } catch (err) {
      if (this.stopped) return;
      const e = StandbyClientError.from(err);
      if (e instanceof UnavailableError || e instanceof DeadlineExceededError) {
        // Two thirds of the TTL are left: try again soon.
        this.schedule(Math.min(MAX_RETRY_MS, this.interval() / 4));
        return;
      }
      // Released, expired or unknown: nothing left to keep.
      this.stopped = true;
      this.lost = e;
      this.options.onLost?.(e);
    } finally {
      if (this.inFlight === attempt) this.inFlight = undefined;
    }
  }
}
