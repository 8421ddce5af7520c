import type { Clock } from "../../common/clock.js";
import { StandbyError } from "../../common/errors.js";
import type { RateLimitSettings } from "./policies.js";

/**
 * A provider's API rate limit as a token bucket, kept as one "theoretical
 * arrival time" (GCRA): each call reserves the next free slot, so waiters are
 * served in order and nothing needs a queue or a refill timer. A call whose
 * slot lies beyond its deadline is refused at once (unavailable) instead of
 * waiting for nothing.
 */
export class RateLimiter {
  private readonly intervalMs: number;
  private readonly toleranceMs: number;
  /** When the bucket would be full again if no call came; epoch ms of the clock. */
  private tat = 0;

  constructor(
    settings: RateLimitSettings,
    private readonly clock: Clock,
  ) {
    this.intervalMs = settings.perSecond > 0 ? 1000 / settings.perSecond : 0;
    this.toleranceMs = this.intervalMs * Math.max(0, settings.burst - 1);
  }

  get limited(): boolean {
    return this.intervalMs > 0;
  }

  /**
   * Takes a slot, waiting for it (on the clock) when the bucket is empty.
   * Throws unavailable if the wait would exceed maxWaitMs, and cancelled if
   * signal aborts while waiting (the slot stays spent).
   */
  async acquire(maxWaitMs: number, signal?: AbortSignal): Promise<void> {
    if (!this.limited) return;
    const now = this.clock.now();
    const start = Math.max(this.tat, now);
    const wait = start - this.toleranceMs - now;
    if (wait > maxWaitMs) {
      throw new StandbyError("unavailable", `rate limited: the next call slot is ${Math.ceil(wait)} ms away, beyond the call's deadline`);
    }
    this.tat = start + this.intervalMs;
    if (wait <= 0) return;
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        timer.cancel();
        reject(new StandbyError("cancelled", "cancelled while waiting for a rate-limit slot"));
      };
      const timer = this.clock.setTimer(wait, () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      });
      if (signal?.aborted) onAbort();
      else signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}
