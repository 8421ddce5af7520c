import { retryDelay, type RetryPolicy } from "../core/retry.js";

/** When a crashed or failed plugin is started again: a retry policy, plus when the count starts over. */
export interface RestartPolicy extends RetryPolicy {
  /** Delay before the first restart. Default 500 ms. */
  initialDelayMs: number;
  /** Cap on the delay; also the retry interval of a provider whose configuration was rejected. Default 30 s. */
  maxDelayMs: number;
  /** Growth per consecutive failure. Default 2. */
  multiplier: number;
  /** ± fraction of random spread, so providers do not restart in step. Default 0.2. */
  jitter: number;
  /** A plugin that served this long before it died starts over at initialDelayMs. Default 60 s. */
  resetAfterMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  multiplier: 2,
  jitter: 0.2,
  resetAfterMs: 60_000,
};

/** The delay before restart number `attempt` (1 = the first restart). random() is in [0, 1). */
export function restartDelay(policy: RestartPolicy, attempt: number, random: () => number): number {
  return retryDelay(policy, attempt, random);
}
