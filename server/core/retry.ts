import { StandbyError, type ErrorCode } from "./index.js";

/**
 * How a failed or unfinished step is tried again: the delay grows from
 * initialDelayMs by multiplier per attempt up to maxDelayMs, spread by
 * ± jitter. One policy shape for every retry and poll loop (scheduler,
 * plugin host), so each loop's timing is data with documented defaults.
 */
export interface RetryPolicy {
  /** Delay before the first retry. */
  initialDelayMs: number;
  /** Cap on the delay. */
  maxDelayMs: number;
  /** Growth per attempt. Default 2. */
  multiplier: number;
  /** ± fraction of random spread (0: none). */
  jitter: number;
}

/** Polling a boot, a snapshot or an operation: 500 ms, doubling, at most 5 s apart. */
export const POLL_POLICY: RetryPolicy = { initialDelayMs: 500, maxDelayMs: 5_000, multiplier: 2, jitter: 0 };

/** Deleting an instance or an image: keeps trying, at most 30 s apart. */
export const DELETE_POLICY: RetryPolicy = { initialDelayMs: 500, maxDelayMs: 30_000, multiplier: 2, jitter: 0 };

/** The same policy starting at another first delay (a configured poll interval). */
export function startingAt(policy: RetryPolicy, initialDelayMs: number): RetryPolicy {
  return { ...policy, initialDelayMs };
}

/** The delay before retry number `attempt` (1 = the first retry). random() is in [0, 1). */
export function retryDelay(policy: RetryPolicy, attempt: number, random: () => number = () => 0.5): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** Math.max(0, attempt - 1));
  if (policy.jitter === 0) return base;
  const spread = base * policy.jitter * (random() * 2 - 1);
  return Math.max(0, Math.round(base + spread));
}

/** The delays of one retry loop, in order: next() gives the wait before the next attempt. */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly policy: RetryPolicy,
    private readonly random: () => number = () => 0.5,
  ) {}

  next(): number {
    this.attempt++;
    return retryDelay(this.policy, this.attempt, this.random);
  }

  /** Attempts made so far. */
  get attempts(): number {
    return this.attempt;
  }

  reset(): void {
    this.attempt = 0;
  }
}

/** Errors after which the same call may well succeed if simply tried again. */
const TRANSIENT: readonly ErrorCode[] = ["unavailable", "deadline-exceeded", "aborted", "cancelled"];

export function isTransient(err: unknown): boolean {
  return err instanceof StandbyError && TRANSIENT.includes(err.code);
}
