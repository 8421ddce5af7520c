export { PluginHost } from "./plugin-host.js";
export { PluginProvider } from "./plugin-provider.js";
export { resolvePluginCommand, type PluginCommandSpec } from "./resolve.js";
export {
  DEFAULT_TIMEOUTS,
  type PluginHostOptions,
  type PluginProviderSpec,
  type PluginTimeouts,
} from "./options.js";
export { DEFAULT_RESTART_POLICY, restartDelay, type RestartPolicy } from "./backoff.js";
export type { PluginPhase } from "./supervisor.js";
