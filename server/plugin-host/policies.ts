import { StandbyError } from "../../common/errors.js";
import type { ProviderMethod } from "../../common/provider-methods.js";

/**
 * The isolation policies the host puts around each provider, as data with
 * documented defaults. Every setting can be given for all providers
 * (PluginHostOptions.policies) and overridden per provider
 * (PluginProviderSpec.policies); see resolvePolicies.
 */

/** A provider's calls, by how long the cloud may reasonably take to answer them. */
export type CallClass = "fast" | "accept" | "long";
export type { ProviderMethod };

/**
 * - fast:   reads and bookkeeping the cloud answers at once (describe, get, list, quota, operations).
 * - accept: the cloud accepting work that then runs on its side (boot, delete instance).
 * - long:   calls that may copy data before they answer (create snapshot, delete image).
 */
export const CALL_CLASS: Readonly<Record<ProviderMethod, CallClass>> = {
  describe: "fast",
  getInstance: "fast",
  listInstances: "fast",
  listFlavors: "fast",
  listImages: "fast",
  getOperation: "fast",
  getQuota: "fast",
  boot: "accept",
  deleteInstance: "accept",
  createSnapshot: "long",
  deleteImage: "long",
};

/** The deadline of each call class, covering the wait for a rate-limit slot and a bulkhead slot too. */
export interface DeadlinePolicy {
  /** Default 10 s. */
  fastMs: number;
  /** Default 60 s. */
  acceptMs: number;
  /** Default 120 s. */
  longMs: number;
}

/** How many calls may be in flight to one provider, and how many may wait for a slot. */
export interface BulkheadSettings {
  /** Default 64. */
  maxConcurrent: number;
  /** Calls beyond this fail at once with unavailable. Default 1024. */
  maxQueued: number;
}

/** The provider's API rate limit (a token bucket; calls wait for a token within their deadline). */
export interface RateLimitSettings {
  /** Sustained calls per second; 0 = no limit. Default 0: the right number is the cloud's (set it per provider). */
  perSecond: number;
  /** Calls that may go at once after a quiet spell. Default 20. */
  burst: number;
}

/** Opens on repeated transient failures (unavailable, deadline exceeded, malformed answers). */
export interface CircuitBreakerSettings {
  /** Consecutive transient failures that open the circuit. Default 5. */
  failures: number;
  /** First wait before a probe call (ListInstances) may close it again; doubles (half jitter) per failed probe. Default 1 s. */
  halfOpenAfterMs: number;
  /** Cap on that wait. Default 30 s. */
  maxHalfOpenAfterMs: number;
}

/** A plugin that keeps dying is disabled for a while instead of restarted again and again. */
export interface CrashLoopSettings {
  /** Unplanned ends (crash, hang, failed start) within windowMs that disable the provider. Default 10. */
  maxCrashes: number;
  /** Default 10 min. */
  windowMs: number;
  /** How long it stays disabled before one more start is tried. Default 10 min. */
  disableForMs: number;
}

export interface ProviderPolicies {
  deadlines: DeadlinePolicy;
  bulkhead: BulkheadSettings;
  rateLimit: RateLimitSettings;
  circuitBreaker: CircuitBreakerSettings;
  crashLoop: CrashLoopSettings;
}

export type PolicyOverrides = { [K in keyof ProviderPolicies]?: Partial<ProviderPolicies[K]> };

export const DEFAULT_POLICIES: Readonly<ProviderPolicies> = {
  deadlines: { fastMs: 10_000, acceptMs: 60_000, longMs: 120_000 },
  bulkhead: { maxConcurrent: 64, maxQueued: 1024 },
  rateLimit: { perSecond: 0, burst: 20 },
  circuitBreaker: { failures: 5, halfOpenAfterMs: 1_000, maxHalfOpenAfterMs: 30_000 },
  crashLoop: { maxCrashes: 10, windowMs: 600_000, disableForMs: 600_000 },
};

/** Which settings must be ≥ 1 (the rest may be 0). */
const POSITIVE: { [K in keyof ProviderPolicies]: (keyof ProviderPolicies[K])[] } = {
  deadlines: ["fastMs", "acceptMs", "longMs"],
  bulkhead: ["maxConcurrent"],
  rateLimit: [],
  circuitBreaker: ["failures", "halfOpenAfterMs", "maxHalfOpenAfterMs"],
  crashLoop: ["maxCrashes", "windowMs"],
};

/**
 * The defaults, then each layer in order (host-wide, then the provider's
 * own). Throws invalid-argument naming the field (policies.<group>.<key>)
 * for a value that is not a finite number, negative, or 0 where that makes
 * no sense.
 */
export function resolvePolicies(...layers: (PolicyOverrides | undefined)[]): ProviderPolicies {
  const result = structuredClone(DEFAULT_POLICIES) as ProviderPolicies;
  for (const layer of layers) {
    if (!layer) continue;
    for (const group of Object.keys(layer) as (keyof ProviderPolicies)[]) {
      if (!(group in result)) throw StandbyError.invalidArgument(`policies.${group}`, "unknown policy");
      const values = layer[group] ?? {};
      const target = result[group] as unknown as Record<string, number>;
      for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
        if (value === undefined) continue;
        if (!(key in target)) throw StandbyError.invalidArgument(`policies.${group}.${key}`, "unknown setting");
        if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
          throw StandbyError.invalidArgument(`policies.${group}.${key}`, "must be a number ≥ 0");
        }
        if (value === 0 && (POSITIVE[group] as string[]).includes(key)) {
          throw StandbyError.invalidArgument(`policies.${group}.${key}`, "must be > 0");
        }
        target[key] = value;
      }
    }
  }
  if (result.rateLimit.perSecond > 0 && result.rateLimit.burst < 1) {
    throw StandbyError.invalidArgument("policies.rateLimit.burst", "must be ≥ 1 when perSecond is set");
  }
  return result;
}

/** The deadline (ms) of a method under the given policy. */
export function deadlineOf(method: ProviderMethod, deadlines: DeadlinePolicy): number {
  switch (CALL_CLASS[method]) {
    case "fast":
      return deadlines.fastMs;
    case "accept":
      return deadlines.acceptMs;
    case "long":
      return deadlines.longMs;
  }
}
