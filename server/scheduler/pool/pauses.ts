import type { Clock, ProviderRegistry, Quota } from "../../core/index.js";
import { retryDelay, type RetryPolicy } from "../../core/retry.js";
import type { Signal } from "../signal.js";

export type ProviderMode = "active" | "paused" | "draining";

/** How long launches wait after a boot refused for quota: 30 s, doubling per refusal in a row, at most 10 min. */
export const QUOTA_PAUSE_POLICY: RetryPolicy = { initialDelayMs: 30_000, maxDelayMs: 600_000, multiplier: 2, jitter: 0 };

/** How long the cloud's own "quota used up" answer pauses launches, until the next reconcile looks again. */
const QUOTA_ANSWER_PAUSE_MS = 60_000;

export interface PausesDeps {
  clock: Clock;
  providers: ProviderRegistry;
  /** Asks for a pool pass (true: at once) when a pause ends. */
  poolWanted: Signal<boolean>;
}

/**
 * Whether a provider launches now: the operator's mode (active, paused,
 * draining) and pauses for capacity, from a boot the cloud refused for
 * quota (backing off) or from the cloud's own quota answer. `launchesNow`
 * is the one definition of "can launch now".
 */
export class Pauses {
  private readonly modes = new Map<string, ProviderMode>();
  private readonly pauses = new Map<string, { until: number; reason: string; refusals: number; source: "refusal" | "quota-answer" }>();

  constructor(private readonly deps: PausesDeps) {}

  mode(provider: string): ProviderMode {
    return this.modes.get(provider) ?? "active";
  }

  draining(): boolean {
    return [...this.modes.values()].includes("draining");
  }

  setMode(provider: string, mode: ProviderMode): void {
    this.modes.set(provider, mode);
    if (mode === "active") this.pauses.delete(provider);
    this.deps.poolWanted.emit(true);
  }

  /** Why launches on the provider wait right now ("" if they do not). */
  pausedReason(provider: string): string {
    if (this.mode(provider) !== "active") return `${this.mode(provider)} by an operator`;
    const pause = this.pauses.get(provider);
    if (!pause || pause.until <= this.deps.clock.now()) return "";
    return `${pause.reason} (until ${new Date(pause.until).toISOString()})`;
  }

  /** Serving and neither paused by an operator nor for capacity (caps aside). */
  launchesNow(provider: string): boolean {
    return this.whyNotLaunching(provider) === "";
  }

  /** Why the provider launches nothing now, caps aside ("" when it launches): not serving, paused, at quota. */
  whyNotLaunching(provider: string): string {
    const { providers } = this.deps;
    if (!providers.names().includes(provider)) return "not running";
    const status = providers.status(provider);
    if (status.health !== "serving") {
      const circuit = status.circuit && status.circuit !== "closed" ? `, circuit ${status.circuit}` : "";
      return `${status.health}${circuit}${status.lastError ? ` (${status.lastError})` : ""}`;
    }
    return this.pausedReason(provider);
  }

  /** A cloud said RESOURCE_EXHAUSTED: no launches there for a while (QUOTA_PAUSE_POLICY). */
  refused(provider: string, reason: string): void {
    const refusals = (this.pauses.get(provider)?.refusals ?? 0) + 1;
    const ms = retryDelay(QUOTA_PAUSE_POLICY, refusals);
    this.pauses.set(provider, { until: this.deps.clock.now() + ms, reason: `at quota: ${reason}`, refusals, source: "refusal" });
    this.deps.clock.setTimer(ms, () => this.deps.poolWanted.emit(true));
  }

  /** A node became ready there: the next refusal backs off from the start again. */
  succeeded(provider: string): void {
    const pause = this.pauses.get(provider);
    if (pause) pause.refusals = 0;
  }

  /** A deletion freed capacity there: a provider paused because it was full is worth trying again now. */
  freed(provider: string): void {
    if (this.pauses.delete(provider)) this.deps.poolWanted.emit(true);
  }

  /** The cloud's own quota answer pauses launches while it is used up (not a failure). */
  noteQuota(provider: string, quota: Quota): void {
    const full =
      (quota.maxInstances > 0 && quota.usedInstances >= quota.maxInstances) ||
      (quota.maxCores > 0 && quota.usedCores >= quota.maxCores) ||
      (quota.maxRamMb > 0 && quota.usedRamMb >= quota.maxRamMb);
    const current = this.pauses.get(provider);
    if (full)
      this.pauses.set(provider, {
        until: this.deps.clock.now() + QUOTA_ANSWER_PAUSE_MS,
        reason: "the cloud reports its quota used up",
        refusals: current?.refusals ?? 0,
        source: "quota-answer",
      });
    else if (current?.source === "quota-answer") this.pauses.delete(provider);
  }
}
