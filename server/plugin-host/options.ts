import type { Clock } from "../../common/clock.js";
import { PLUGIN_EXIT_GRACE_MS } from "../../common/handshake.js";
import type { Logger } from "../../common/log.js";
import type { Random } from "../../common/random.js";
import type { RestartPolicy } from "./backoff.js";
import type { PolicyOverrides } from "./policies.js";

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
  /** This provider's isolation policies, over PluginHostOptions.policies (see policies.ts). */
  policies?: PolicyOverrides;
}

/** Every bound the host puts on a plugin. All in milliseconds. */
export interface PluginTimeouts {
  /** From spawn to the handshake line; then the plugin is killed and retried. Default 15 s. */
  handshakeMs: number;
  /** Bytes of stdout before the handshake; more and the plugin is killed. Default 64 KiB. */
  handshakeMaxBytes: number;
  /** Largest answer a plugin may send; a bigger one fails the call (malformed). Default 64 MiB. */
  maxResponseBytes: number;
  /** Deadline of Configure. (The deadlines of the other calls are policies: PolicyOverrides.deadlines.) Default 30 s. */
  configureMs: number;
  /** Between health checks. Default 5 s. */
  healthIntervalMs: number;
  /** Deadline of one health check. Default 2 s. */
  healthTimeoutMs: number;
  /** Failed health checks in a row after which the plugin counts as hung: stopped (stdin closed, SIGTERM, SIGKILL) and restarted. Default 3. */
  healthFailures: number;
  /** On stop: wait this long for an exit after closing stdin. Default PLUGIN_EXIT_GRACE_MS (3 s), the contract's. */
  stopGraceMs: number;
  /** Then wait this long after SIGTERM to the process group before SIGKILL. Default PLUGIN_EXIT_GRACE_MS (3 s). */
  termGraceMs: number;
  /** Then wait this long after SIGKILL for 'exit'. Default 5 s. */
  killWaitMs: number;
}

export const DEFAULT_TIMEOUTS: PluginTimeouts = {
  handshakeMs: 15_000,
  handshakeMaxBytes: 64 * 1024,
  maxResponseBytes: 64 * 1024 * 1024,
  configureMs: 30_000,
  healthIntervalMs: 5_000,
  healthTimeoutMs: 2_000,
  healthFailures: 3,
  stopGraceMs: PLUGIN_EXIT_GRACE_MS,
  termGraceMs: PLUGIN_EXIT_GRACE_MS,
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
  /** Isolation policies of every provider (deadlines, bulkhead, rate limit, circuit breaker, crash loop);
   * each provider may override them (PluginProviderSpec.policies). Defaults: DEFAULT_POLICIES. */
  policies?: PolicyOverrides;
}
