import { randomBytes } from "node:crypto";
import { credentials, Metadata, type ServiceError } from "@grpc/grpc-js";
import { ProviderServiceClient, ProviderServiceService } from "../../gen/ts/standby/provider/v1/provider.js";
import {
  ENV_SECRET,
  ENV_SOCKET_DIR,
  ENV_STATE_DIR,
  parseHandshake,
  PLUGIN_EXIT_GRACE_MS,
  SECRET_METADATA_KEY,
  type Handshake,
} from "../../common/handshake.js";
import { codeFromGrpcStatus } from "../../common/status.js";
import { systemClock } from "../../common/clock.js";
import type { ErrorCode } from "../../common/errors.js";
import { silentLogger, type Logger } from "../../common/log.js";
import { PluginConnection, type MethodName, type RequestOf, type ResponseOf } from "../../server/plugin-host/connection.js";
import { makeSocketDir, PluginProcess, removeDir, type ExitInfo } from "../../server/plugin-host/plugin-process.js";
import { inheritedEnvironment } from "../../server/plugin-host/supervisor.js";

/** What the suite starts: any program that means to speak standby.provider.v1. */
export interface PluginTarget {
  /** A name for reports (the plugins/ folder, or the command). */
  name: string;
  command: string[];
  settings: Record<string, unknown>;
  secrets: Record<string, string>;
  /** Extra environment, as the provider's `env` would give it. */
  env: Record<string, string>;
}

export interface SessionDirs {
  /** The plugin's working directory (the scheduler's stateDir): relative paths in settings land here. */
  workDir: string;
  /** STANDBY_PLUGIN_STATE_DIR: kept across restarts within one run. */
  stateDir: string;
}

export class HandshakeError extends Error {}

/**
 * One start of the plugin under test, driven the way the plugin host drives
 * it (fresh secret and socket directory, own process group, stdin held open),
 * but exposing what the host hides: the raw stdout, calls without the secret,
 * and how the process ends.
 */
export class PluginSession {
  /** stdout lines before the handshake line (there should be none). */
  readonly stdoutBefore: string[] = [];
  private connection: PluginConnection | undefined;
  private raw: ProviderServiceClient | undefined;
  handshake: Handshake | undefined;

  private constructor(
    readonly proc: PluginProcess,
    readonly secret: string,
    readonly socketDir: string,
    /** The plugin's stderr lines so far (its log). */
    readonly stderr: string[],
  ) {}

  /** Spawns the plugin and waits for its handshake (HandshakeError if there is none within handshakeMs). */
  static async start(target: PluginTarget, dirs: SessionDirs, handshakeMs = 15_000): Promise<PluginSession> {
    const socketDir = await makeSocketDir();
    const secret = randomBytes(32).toString("base64url");
    const stderr: string[] = [];
    const proc = PluginProcess.spawn({
      command: target.command,
      cwd: dirs.workDir,
      env: { ...inheritedEnvironment(), ...target.env, [ENV_SECRET]: secret, [ENV_SOCKET_DIR]: socketDir, [ENV_STATE_DIR]: dirs.stateDir },
      log: lineCollector(stderr),
      clock: systemClock,
      tempDir: socketDir,
    });
    const session = new PluginSession(proc, secret, socketDir, stderr);
    try {
      session.handshake = await session.readHandshake(handshakeMs);
    } catch (err) {
      await session.stop("kill");
      // Let the stderr of a plugin that died arrive.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const last = stderr.at(-1);
      throw last ? new HandshakeError(`${(err as Error).message}; its last stderr line: ${last.slice(0, 300)}`) : err;
    }
    session.connection = new PluginConnection(session.handshake.address, secret, { maxResponseBytes: 64 * 1024 * 1024, log: silentLogger });
    session.raw = new ProviderServiceClient(`unix:${session.handshake.address}`, credentials.createInsecure());
    return session;
  }

  /** A call with the secret; failures are StandbyErrors with the plugin's code. */
  call<M extends MethodName>(method: M, request: RequestOf<M>, timeoutMs = 30_000): Promise<ResponseOf<M>> {
    if (!this.connection) throw new Error("no connection");
    return this.connection.call(method, request, Date.now() + timeoutMs);
  }

  health(timeoutMs = 5_000): Promise<string> {
    if (!this.connection) throw new Error("no connection");
    return this.connection.health(timeoutMs);
  }

  /** A call with the given secret (undefined: no secret metadata at all); resolves to the status code it got. */
  callWithSecret<M extends MethodName>(method: M, request: RequestOf<M>, secret: string | undefined): Promise<ErrorCode | "ok"> {
    const client = this.raw;
    if (!client) throw new Error("no connection");
    const def = ProviderServiceService[method];
    const metadata = new Metadata();
    if (secret !== undefined) metadata.set(SECRET_METADATA_KEY, secret);
    return new Promise((resolve) => {
      client.makeUnaryRequest(
        def.path,
        def.requestSerialize as (value: RequestOf<M>) => Buffer,
        def.responseDeserialize as (value: Buffer) => ResponseOf<M>,
        request,
        metadata,
        { deadline: Date.now() + 10_000 },
        (err: ServiceError | null) => resolve(err ? codeFromGrpcStatus(err.code) : "ok"),
      );
    });
  }

  /** Ends the process: "stdin" and "sigterm" wait up to graceMs (the host's grace, by default) for it to go on its own; "kill" does not ask. */
  async stop(how: "stdin" | "sigterm" | "kill", graceMs = PLUGIN_EXIT_GRACE_MS): Promise<{ exitedOnItsOwn: boolean; exit: ExitInfo }> {
    this.close();
    let exitedOnItsOwn = false;
    if (how === "kill") await this.proc.terminate({ stdinMs: 0, termMs: 0, killMs: 5_000 });
    else {
      if (how === "stdin") this.proc.closeStdin();
      else process.kill(this.proc.pid, "SIGTERM");
      exitedOnItsOwn = await this.proc.waitExit(graceMs);
      if (!exitedOnItsOwn) await this.proc.terminate({ stdinMs: 0, termMs: 1_000, killMs: 5_000 });
    }
    await removeDir(this.socketDir).catch(() => undefined);
    return { exitedOnItsOwn, exit: await this.proc.exited };
  }

  private close(): void {
    this.connection?.close();
    this.raw?.close();
  }

  private readHandshake(ms: number): Promise<Handshake> {
    return new Promise<Handshake>((resolve, reject) => {
      let done = false;
      const finish = (err: Error | undefined, handshake?: Handshake): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.proc.onStdoutLine(undefined);
        if (err) reject(err);
        else resolve(handshake as Handshake);
      };
      const timer = setTimeout(() => finish(new HandshakeError(`no handshake line on stdout within ${ms} ms`)), ms);
      this.proc.onStdoutLine((line, truncated) => {
        try {
          const handshake = truncated ? undefined : parseHandshake(line);
          if (handshake) finish(undefined, handshake);
          else this.stdoutBefore.push(line.slice(0, 200));
        } catch (err) {
          finish(new HandshakeError((err as Error).message));
        }
      });
      void this.proc.exited.then((exit) =>
        finish(
          new HandshakeError(
            `the plugin ended (${exit.spawnError?.message ?? (exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`)}) before its handshake`,
          ),
        ),
      );
    });
  }
}

/** Runs the command without a scheduler's environment and reports how it ended. */
export async function runWithoutEnvironment(
  target: PluginTarget,
  workDir: string,
  ms = 10_000,
): Promise<{ exit: ExitInfo | undefined; stdout: string[]; stderr: string[] }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const proc = PluginProcess.spawn({
    command: target.command,
    cwd: workDir,
    env: { ...inheritedEnvironment(), ...target.env },
    log: lineCollector(stderr),
    clock: systemClock,
  });
  proc.onStdoutLine((line) => stdout.push(line));
  const exited = await proc.waitExit(ms);
  if (!exited) await proc.terminate({ stdinMs: 0, termMs: 1_000, killMs: 5_000 });
  return { exit: exited ? proc.exit : undefined, stdout, stderr };
}

/** A logger that only keeps the plugin's stderr lines (PluginProcess logs each one). */
function lineCollector(lines: string[]): Logger {
  const keep = (obj: unknown, msg?: string): void => {
    const text = typeof obj === "string" ? obj : msg;
    if (text !== undefined && lines.length < 200) lines.push(text);
  };
  const logger = {
    trace: keep,
    debug: keep,
    info: keep,
    warn: keep,
    error: keep,
    fatal: keep,
    child: () => logger,
  };
  return logger as unknown as Logger;
}
