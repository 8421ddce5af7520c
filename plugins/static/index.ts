export {
  StaticHosts,
  STATE_FILE,
  STATIC_STATE_FORMAT,
  marker,
  type StaticHostsOptions,
  type StaticState,
  type Assignment,
  type HostState,
  type PendingCleanup,
} from "./cloud.js";
export {
  staticSettingsSchema,
  staticHostSchema,
  parseStaticSettings,
  hostName,
  DEFAULT_STATIC_FLAVORS,
  type StaticSettings,
  type StaticHost,
} from "./settings.js";
