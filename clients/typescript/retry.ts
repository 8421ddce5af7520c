import { ExponentialBackoff, handleWhen, noop, retry, type IPolicy } from "cockatiel";
import { UnavailableError } from "./errors.js";

/**
 * How idempotent calls are retried: only UNAVAILABLE (the scheduler is
 * restarting, or the connection dropped), with exponential backoff and
 * jitter. Each attempt has its own deadline. Calls that are not idempotent
 * (reloadConfig) are never retried; createClaim is, because it always carries
 * a request id, so a retry returns the claim the first attempt created.
 */
export interface RetryOptions {
  /** Attempts in all, the first included (default 5); 1 turns retries off. */
  maxAttempts?: number;
  /** The first wait (default 200 ms); it doubles, with jitter, up to maxDelayMs. */
  initialDelayMs?: number;
  /** The longest wait between attempts (default 2000 ms). */
  maxDelayMs?: number;
}

export const DEFAULT_RETRY: Required<RetryOptions> = { maxAttempts: 5, initialDelayMs: 200, maxDelayMs: 2_000 };

/** A cockatiel policy that retries UnavailableError per options. */
export function retryPolicy(options: RetryOptions = {}): IPolicy {
  const o = { ...DEFAULT_RETRY, ...options };
  if (o.maxAttempts <= 1) return noop;
  return retry(
    handleWhen((err) => err instanceof UnavailableError),
    {
      maxAttempts: o.maxAttempts - 1,
      backoff: new ExponentialBackoff({ initialDelay: o.initialDelayMs, maxDelay: o.maxDelayMs }),
    },
  );
}
