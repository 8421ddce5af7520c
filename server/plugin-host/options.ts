import type { Clock } from "../core/clock.js";
import type { Logger } from "../core/log.js";
import type { Random } from "../core/random.js";
import type { RestartPolicy } from "./backoff.js";

/** One configured provider and the plugin that serves it. */
export interface PluginProviderSpec {
  /** The provider's name in the configuration (letters, digits, ".", "_", "-"). */
  name: string;
  /** argv of the plugin (see resolvePluginCommand). */
  command: string[];
  /** Sent with Configure as a google.protobuf.Struct. */
  settings: Record<string, unknown>;
  /** Sent with Configure; never in argv, env or logs. */
  secrets: Record<string, string>;
  /** Extra environment for the plugin process. */
  env?: Record<string, string>;
}

/** Every bound the host puts on a plugin. All in milliseconds. */
export interface PluginTimeouts {
  /** From spawn to the handshake line; then the plugin is killed and retried. Default 15 s. */
  handshakeMs: number;
  /** Bytes of stdout before the handshake; more and the plugin is killed. Default 64 KiB. */
  handshakeMaxBytes: number;
  /** Deadline of quick calls (describe, get, list, quota, operations). Default 10 s. */
  callMs: number;
  /** Deadline of calls that wait for the cloud to accept work (boot, delete, snapshot, delete image). Default 60 s. */
  longCallMs: number;
  /** Deadline of Configure. Default 30 s. */
  configureMs: number;
  /** Between health checks. Default 5 s. */
  healthIntervalMs: number;
  /** Deadline of one health check. Default 2 s. */
  healthTimeoutMs: number;
  /** Failed health checks in a row after which the plugin counts as hung and is restarted. Default 3. */
  healthFailures: number;
  /** On stop: wait this long for an exit after closing stdin. Default 3 s. */
  stopGraceMs: number;
  /** Then wait this long after SIGTERM to the process group before SIGKILL. Default 3 s. */
  termGraceMs: number;
  /** Then wait this long after SIGKILL for 'exit'. Default 5 s. */
  killWaitMs: number;
}

export const DEFAULT_TIMEOUTS: PluginTimeouts = {
  handshakeMs: 15_000,
  handshakeMaxBytes: 64 * 1024,
  callMs: 10_000,
  longCallMs: 60_000,
  configureMs: 30_000,
  healthIntervalMs: 5_000,
  healthTimeoutMs: 2_000,
  healthFailures: 3,
  stopGraceMs: 3_000,
  termGraceMs: 3_000,
  killWaitMs: 5_000,
};

export interface PluginHostOptions {
  providers: PluginProviderSpec[];
  /** This scheduler's id: the standby-owner tag on everything the plugins create. */
  ownerId: string;
  logger: Logger;
  /** Timers (backoff, health interval, graces). Call deadlines use real time. Default systemClock. */
  clock?: Clock;
  /** Jitter of restart delays. Default cryptoRandom. */
  random?: Random;
  /** The plugins' working directory (relative paths in settings resolve here); each also gets
   * <stateDir>/plugins/<name> as STANDBY_PLUGIN_STATE_DIR. */
  stateDir: string;
  timeouts?: Partial<PluginTimeouts>;
  restart?: Partial<RestartPolicy>;
}
