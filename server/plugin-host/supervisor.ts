import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Clock, Timer } from "../../common/clock.js";
import { StandbyError } from "../../common/errors.js";
import type { Logger } from "../../common/log.js";
import type { ProviderDescription, ProviderHealth, ProviderStatus } from "../../common/provider.js";
import type { Random } from "../../common/random.js";
import { describeFromProto } from "../../common/provider-convert.js";
import { ENV_SECRET, ENV_SOCKET_DIR, ENV_STATE_DIR, parseHandshake, PROTOCOL_VERSION, type Handshake } from "../../common/handshake.js";
import { restartDelay, type RestartPolicy } from "./backoff.js";
import { PluginConnection } from "./connection.js";
import { CrashLoopDetector } from "./crash-loop.js";
import type { PluginProviderSpec, PluginTimeouts } from "./options.js";
import type { CrashLoopSettings, DeadlinePolicy } from "./policies.js";
import { describeExit, makeSocketDir, PluginProcess, removeDir } from "./plugin-process.js";

/**
 * Where one provider's plugin is in its life:
 * - idle:        start() not called yet.
 * - starting:    spawned; waiting for the handshake, Describe and Configure.
 * - serving:     configured and healthy; calls go through.
 * - not-serving: running, but its health check says NOT_SERVING or fails.
 * - backoff:     crashed or failed to start; waiting to start again.
 * - rejected:    its configuration or protocol was refused (failed-precondition,
 *                invalid-argument, missing program); retried at the longest backoff
 *                in case the environment changes, but needs an operator.
 * - crash-loop:  it ended unplanned (crash, hang, failed start) crashLoop.maxCrashes
 *                times within crashLoop.windowMs; disabled for crashLoop.disableForMs,
 *                then started once more with a clean slate.
 * - stopping / stopped: stop() was called.
 */
export type PluginPhase = "idle" | "starting" | "serving" | "not-serving" | "backoff" | "rejected" | "crash-loop" | "stopping" | "stopped";

const HEALTH_OF_PHASE: Record<PluginPhase, ProviderHealth> = {
  idle: "starting",
  starting: "starting",
  serving: "serving",
  "not-serving": "not-serving",
  backoff: "not-serving",
  rejected: "disabled",
  "crash-loop": "disabled",
  stopping: "disabled",
  stopped: "disabled",
};

/** Inherited from the scheduler's environment; everything else must be asked for with env. */
const INHERITED_ENV =
  /^(PATH|HOME|USER|LOGNAME|SHELL|LANG|LC_[A-Z_]+|TZ|TMPDIR|TERM|NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR|HTTPS?_PROXY|NO_PROXY|https?_proxy|no_proxy|OTEL_[A-Z0-9_]+|STANDBY_LOG_LEVEL)$/;

/** The part of this process's environment a plugin inherits (docs/plugin-protocol.md §1). */
export function inheritedEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (INHERITED_ENV.test(key)) env[key] = value;
  return env;
}

interface Attempt {
  proc: PluginProcess;
  connection?: PluginConnection;
  healthTimer?: Timer;
  healthFailures: number;
  /** Why the host ended this attempt itself (a hang), for lastError. */
  killReason?: string;
}

export interface SupervisorDeps {
  spec: PluginProviderSpec;
  ownerId: string;
  stateDir: string;
  log: Logger;
  clock: Clock;
  random: Random;
  timeouts: PluginTimeouts;
  restart: RestartPolicy;
  /** Describe's deadline is deadlines.fastMs. */
  deadlines: DeadlinePolicy;
  crashLoop: CrashLoopSettings;
  onReady: () => void;
}

/**
 * Keeps one provider's plugin running: spawn, handshake, Describe, Configure,
 * health checks, restart with backoff after a crash or a hang, and an orderly
 * stop. Calls go through connection(), which fails fast while not serving.
 */
export class PluginSupervisor {
  private phase: PluginPhase = "idle";
  private attempt: Attempt | undefined;
  private description: ProviderDescription | undefined;
  private restarts = 0;
  private lastError = "";
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private firstSettled: (() => void) | undefined;
  private readonly crashes: CrashLoopDetector;

  constructor(private readonly deps: SupervisorDeps) {
    this.crashes = new CrashLoopDetector(deps.crashLoop);
  }

  get name(): string {
    return this.deps.spec.name;
  }

  /** Starts the plugin; resolves once the first attempt is serving or has failed (it keeps retrying). */
  start(): Promise<void> {
    if (this.loop) return Promise.resolve();
    const settled = new Promise<void>((resolve) => (this.firstSettled = resolve));
    this.loop = this.run().catch((err: unknown) => {
      this.deps.log.error({ err }, "plugin supervisor crashed");
      this.phase = "stopped";
    });
    return settled;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    const attempt = this.attempt;
    if (attempt) {
      this.phase = "stopping";
      const t = this.deps.timeouts;
      await attempt.proc.terminate({ stdinMs: t.stopGraceMs, termMs: t.termGraceMs, killMs: t.killWaitMs });
    }
    await this.loop;
    this.phase = "stopped";
    this.settle();
  }

  status(): ProviderStatus {
    const proc = this.attempt?.proc;
    return {
      name: this.name,
      health: HEALTH_OF_PHASE[this.phase],
      plugin: this.description?.name ?? "",
      pluginVersion: this.description?.version ?? "",
      restarts: this.restarts,
      lastError: this.lastError,
      pid: proc && !proc.exit ? proc.pid : 0,
    };
  }

  currentPhase(): PluginPhase {
    return this.phase;
  }

  /** The connection to the serving plugin; throws unavailable at once otherwise. */
  connection(): PluginConnection {
    const connection = this.attempt?.connection;
    const down = this.unavailableError();
    if (down || !connection) throw down ?? this.notServing();
    return connection;
  }

  /** Why calls cannot go to the plugin right now, or undefined if they can. */
  unavailableError(): StandbyError | undefined {
    return this.phase === "serving" && this.attempt?.connection ? undefined : this.notServing();
  }

  private notServing(): StandbyError {
    const why = this.lastError ? `: ${this.lastError}` : "";
    return new StandbyError("unavailable", `provider ${this.name} is not serving (${this.phase})${why}`);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      const outcome = await this.runOnce();
      this.settle();
      if (this.stopping) break;
      if (outcome.servedMs >= this.deps.restart.resetAfterMs) failures = 0;
      failures += 1;
      if (!outcome.rejected && this.crashes.record(this.deps.clock.now())) {
        const { disableForMs } = this.deps.crashLoop;
        const last = this.lastError;
        this.phase = "crash-loop";
        this.lastError = `disabled: crash loop (${this.crashes.describe()}); next start in ${Math.round(disableForMs / 1000)} s; last: ${last}`;
        this.deps.log.error({ disableForMs, crashes: this.crashes.count(this.deps.clock.now()) }, this.lastError);
        await this.sleep(disableForMs);
        if (this.stopping) break;
        this.crashes.reset();
        failures = 0;
        this.restarts += 1;
        continue;
      }
      const delay = outcome.rejected
        ? this.deps.restart.maxDelayMs
        : restartDelay(this.deps.restart, failures, () => this.deps.random.float());
      this.phase = outcome.rejected ? "rejected" : "backoff";
      this.deps.log.info({ delayMs: delay, failures }, "restarting plugin after a delay");
      await this.sleep(delay);
      if (this.stopping) break;
      this.restarts += 1;
    }
  }

  /** One life of the plugin process, from spawn to exit. */
  private async runOnce(): Promise<{ servedMs: number; rejected: boolean }> {
    const { spec, log, timeouts, clock } = this.deps;
    // A provider whose configuration was refused stays reported disabled while it is retried.
    if (this.phase !== "rejected") this.phase = "starting";
    let socketDir: string | undefined;
    let attempt: Attempt | undefined;
    let servingSince = 0;
    try {
      socketDir = await makeSocketDir();
      const secret = randomBytes(32).toString("base64url");
      // Relative paths in settings (the fake's stateFile) resolve against the scheduler's stateDir;
      // each plugin also gets a private directory of its own.
      const ownDir = path.join(this.deps.stateDir, "plugins", spec.name);
      await mkdir(ownDir, { recursive: true, mode: 0o700 });
      if (this.stopping) return { servedMs: 0, rejected: false };
      const proc = PluginProcess.spawn({
        command: spec.command,
        cwd: this.deps.stateDir,
        env: this.environment(secret, socketDir, ownDir),
        log,
        clock,
        tempDir: socketDir,
      });
      attempt = { proc, healthFailures: 0 };
      this.attempt = attempt;
      log.debug({ pid: proc.pid, command: spec.command }, "plugin started");

      const handshake = await this.handshake(proc);
      const connection = new PluginConnection(handshake.address, secret, { maxResponseBytes: timeouts.maxResponseBytes, log });
      attempt.connection = connection;
      const description = describeFromProto(await connection.call("describe", {}, Date.now() + this.deps.deadlines.fastMs));
      if (description.protocolVersion !== PROTOCOL_VERSION) {
        throw new StandbyError(
          "failed-precondition",
          `plugin ${description.name} speaks protocol version ${description.protocolVersion}, want ${PROTOCOL_VERSION}`,
        );
      }
      this.description = description;
      await connection.call(
        "configure",
        { settings: spec.settings, secrets: spec.secrets, ownerId: this.deps.ownerId, providerName: spec.name },
        Date.now() + timeouts.configureMs,
      );
      if (this.stopping || proc.exit) throw new StandbyError("cancelled", "plugin stopped while starting");

      this.phase = "serving";
      servingSince = clock.now();
      log.info({ pid: proc.pid, plugin: description.name, version: description.version }, "provider serving");
      this.scheduleHealth(attempt);
      this.settle();
      this.deps.onReady();

      const exit = await proc.exited;
      if (!this.stopping) {
        this.phase = "backoff";
        const how = describeExit(exit, proc.stderrTail);
        this.lastError = attempt.killReason ? `${attempt.killReason} (${how})` : how;
        log.warn({ pid: proc.pid, code: exit.code, signal: exit.signal }, this.lastError);
      }
      return { servedMs: clock.now() - servingSince, rejected: false };
    } catch (err) {
      const failure = StandbyError.from(err);
      const spawnError = attempt?.proc.exit?.spawnError;
      if (!this.stopping) {
        this.lastError = failure.message;
        log.warn({ code: failure.code, pid: attempt?.proc.pid }, `plugin failed to start: ${failure.message}`);
      }
      if (attempt) {
        const t = timeouts;
        await attempt.proc.terminate({ stdinMs: 0, termMs: t.termGraceMs, killMs: t.killWaitMs });
      }
      const rejected = spawnError !== undefined || failure.code === "failed-precondition" || failure.code === "invalid-argument";
      return { servedMs: servingSince ? clock.now() - servingSince : 0, rejected: rejected && !this.stopping };
    } finally {
      if (attempt) {
        attempt.healthTimer?.cancel();
        attempt.connection?.close();
      }
      if (this.attempt === attempt) this.attempt = undefined;
      if (socketDir) await removeDir(socketDir).catch(() => undefined);
    }
  }

  /** Reads stdout up to the handshake line, skipping (and logging) junk, within time and byte bounds. */
  private handshake(proc: PluginProcess): Promise<Handshake> {
    const { timeouts, clock, log } = this.deps;
    return new Promise<Handshake>((resolve, reject) => {
      let bytes = 0;
      let done = false;
      const finish = (err: Error | undefined, handshake?: Handshake): void => {
        if (done) return;
        done = true;
        timer.cancel();
        proc.onStdoutLine((line) => log.warn({ stream: "stdout" }, `plugin wrote to stdout after its handshake: ${line}`));
        if (err) reject(err);
        else resolve(handshake as Handshake);
      };
      const timer = clock.setTimer(timeouts.handshakeMs, () =>
        finish(new StandbyError("deadline-exceeded", `no handshake within ${timeouts.handshakeMs} ms`)),
      );
      proc.onStdoutLine((line, truncated) => {
        bytes += Buffer.byteLength(line) + 1;
        try {
          const handshake = truncated ? undefined : parseHandshake(line);
          if (handshake) {
            finish(undefined, handshake);
            return;
          }
        } catch (err) {
          finish(err as Error);
          return;
        }
        log.warn({ stream: "stdout" }, `skipping junk before the handshake: ${line.slice(0, 200)}`);
        if (bytes > timeouts.handshakeMaxBytes) {
          finish(new StandbyError("unavailable", `no handshake in the first ${timeouts.handshakeMaxBytes} bytes of stdout`));
        }
      });
      void proc.exited.then((exit) =>
        finish(
          new StandbyError(
            exit.spawnError ? "failed-precondition" : "unavailable",
            `${describeExit(exit, proc.stderrTail)} before its handshake`,
          ),
        ),
      );
    });
  }

  private scheduleHealth(attempt: Attempt): void {
    const { timeouts, clock, log } = this.deps;
    attempt.healthTimer = clock.setTimer(timeouts.healthIntervalMs, () => {
      void (async () => {
        const connection = attempt.connection;
        if (!connection || attempt.proc.exit || this.attempt !== attempt || this.stopping) return;
        try {
          const health = await connection.health(timeouts.healthTimeoutMs);
          attempt.healthFailures = 0;
          const next = health === "SERVING" ? "serving" : "not-serving";
          if (next !== this.phase && (this.phase === "serving" || this.phase === "not-serving")) {
            log.warn({ health }, `provider is ${next} by its health check`);
            if (next === "not-serving") this.lastError = `plugin health is ${health}`;
            this.phase = next;
          }
        } catch (err) {
          attempt.healthFailures += 1;
          const failure = StandbyError.from(err);
          log.warn({ failures: attempt.healthFailures, err: failure.message }, "plugin health check failed");
          if (attempt.healthFailures >= timeouts.healthFailures && !attempt.proc.exit && !this.stopping) {
            attempt.killReason = `plugin stopped answering: ${attempt.healthFailures} health checks failed in a row (last: ${failure.message})`;
            this.lastError = attempt.killReason;
            this.phase = "not-serving";
            log.error(
              { pid: attempt.proc.pid },
              `${attempt.killReason}; stopping it (stdin closed, then SIGTERM, then SIGKILL to its process group)`,
            );
            await attempt.proc.terminate({ stdinMs: timeouts.stopGraceMs, termMs: timeouts.termGraceMs, killMs: timeouts.killWaitMs });
            return;
          }
        }
        if (!attempt.proc.exit && this.attempt === attempt && !this.stopping) this.scheduleHealth(attempt);
      })();
    });
  }

  private environment(secret: string, socketDir: string, stateDir: string): NodeJS.ProcessEnv {
    const env = inheritedEnvironment();
    Object.assign(env, this.deps.spec.env ?? {});
    env[ENV_SECRET] = secret;
    env[ENV_SOCKET_DIR] = socketDir;
    env[ENV_STATE_DIR] = stateDir;
    return env;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = this.deps.clock.setTimer(ms, () => {
        this.wake = undefined;
        resolve();
      });
      this.wake = () => {
        timer.cancel();
        this.wake = undefined;
        resolve();
      };
    });
  }

  private settle(): void {
    this.firstSettled?.();
    this.firstSettled = undefined;
  }
}
