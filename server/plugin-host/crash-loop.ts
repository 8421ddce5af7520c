import type { CrashLoopSettings } from "./policies.js";

/**
 * Counts a plugin's unplanned ends (crashes, hangs it was killed for, failed
 * starts) in a sliding window. Backoff already slows restarts down; a plugin
 * that keeps failing anyway is in a crash loop, and restarting it further
 * only burns CPU and log space, so the supervisor disables it for a while.
 */
export class CrashLoopDetector {
  private crashes: number[] = [];

  constructor(private readonly settings: CrashLoopSettings) {}

  /** Records a crash at time now; true if that makes a crash loop. */
  record(now: number): boolean {
    this.crashes.push(now);
    this.crashes = this.crashes.filter((at) => at > now - this.settings.windowMs);
    return this.crashes.length >= this.settings.maxCrashes;
  }

  /** Crashes within the window before now. */
  count(now: number): number {
    return this.crashes.filter((at) => at > now - this.settings.windowMs).length;
  }

  /** Forget the past (after a disable period, the plugin gets a clean slate). */
  reset(): void {
    this.crashes = [];
  }

  describe(): string {
    const minutes = (ms: number): string => (ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`);
    return `${this.settings.maxCrashes} crashes within ${minutes(this.settings.windowMs)}`;
  }
}
