export { PluginHost } from "./plugin-host.js";
export { PluginProvider } from "./plugin-provider.js";
export { resolvePluginCommand, type PluginCommandSpec } from "./resolve.js";
export { DEFAULT_TIMEOUTS, type PluginHostOptions, type PluginProviderSpec, type PluginTimeouts } from "./options.js";
export { DEFAULT_RESTART_POLICY, restartDelay, type RestartPolicy } from "./backoff.js";
export {
  CALL_CLASS,
  DEFAULT_POLICIES,
  deadlineOf,
  resolvePolicies,
  type BulkheadSettings,
  type CallClass,
  type CircuitBreakerSettings,
  type CrashLoopSettings,
  type DeadlinePolicy,
  type PolicyOverrides,
  type ProviderMethod,
  type ProviderPolicies,
  type RateLimitSettings,
} from "./policies.js";
export { GuardedProvider, callTargetOf, type CallContext, type CallTarget, type GuardOptions, type GuardStatus } from "./guard.js";
export { RateLimiter } from "./rate-limit.js";
export { CrashLoopDetector } from "./crash-loop.js";
export { MalformedResponseError, isMalformedResponse } from "./errors.js";
export type { PluginPhase } from "./supervisor.js";
