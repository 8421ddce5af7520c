import type { Clock } from "../../core/index.js";

export interface LaunchFailure {
  provider: string;
  label: string;
  reason: string;
  message: string;
  nodeId: string;
  at: number;
}

/** The failure reason of a boot the cloud refused for quota or capacity. */
export const QUOTA_REFUSAL = "resource-exhausted";

/**
 * Launch failures: the recent ones per provider (listed, and counted
 * against a provider's choice) and the ones in a row per label and
 * provider (after its launch retries a provider yields to the others).
 * A quota refusal is listed but not held against the provider: it pauses it
 * instead (pauses.ts).
 */
export class LaunchFailures {
  private readonly failures: LaunchFailure[] = [];
  private readonly consecutive = new Map<string, { count: number; at: number }>();

  private readonly clock: Clock;
  private readonly windowMs: number;

  constructor(deps: {
    clock: Clock;
    /** Failures older than this no longer count against a provider's choice. */
    windowMs: number;
  }) {
    this.clock = deps.clock;
    this.windowMs = deps.windowMs;
  }

  recent(): LaunchFailure[] {
    const since = this.clock.now() - this.windowMs;
    while (this.failures.length > 0 && (this.failures[0] as LaunchFailure).at < since) this.failures.shift();
    return [...this.failures];
  }

  /** Recent launch failures per provider; quota refusals are not held against it. */
  counts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const f of this.recent()) if (f.reason !== QUOTA_REFUSAL) counts.set(f.provider, (counts.get(f.provider) ?? 0) + 1);
    return counts;
  }

  /** Failures in a row; forgotten a while after the last one, so a provider gets tried again. */
  inARow(label: string, provider: string): number {
    const c = this.consecutive.get(`${label}\u0000${provider}`);
    return c && this.clock.now() - c.at < this.windowMs / 5 ? c.count : 0;
  }

  record(failure: LaunchFailure): void {
    this.failures.push(failure);
    if (this.failures.length > 1000) this.failures.shift();
    if (failure.reason !== QUOTA_REFUSAL)
      this.consecutive.set(`${failure.label}\u0000${failure.provider}`, {
        count: this.inARow(failure.label, failure.provider) + 1,
        at: failure.at,
      });
  }

  /** A node of the label became ready on the provider: the count in a row starts over. */
  succeeded(label: string, provider: string): void {
    this.consecutive.delete(`${label}\u0000${provider}`);
  }
}
