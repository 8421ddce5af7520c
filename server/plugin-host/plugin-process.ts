import { spawn, type ChildProcess } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Clock } from "../../common/clock.js";
import type { Logger } from "../../common/log.js";
import { readLines } from "./lines.js";
import { parsePluginLogLine } from "./log-line.js";
import { signalGroup, trackGroup, untrackGroup } from "./process-group.js";

/** How a plugin process ended. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the program could not be started at all (ENOENT, EACCES). */
  spawnError?: Error;
}

export interface SpawnOptions {
  command: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Logs the plugin's stderr, one entry per line. */
  log: Logger;
  clock: Clock;
  /** Removed if the scheduler exits while the plugin runs (the socket directory). */
  tempDir?: string;
}

const STDERR_TAIL_LINES = 5;

/**
 * One running plugin process: its own process group, stdin held open (EOF
 * tells it the scheduler died), stdout lines to whoever listens (the
 * handshake), stderr into the log. Ends are observed on 'exit', not on the
 * pipes, which a grandchild may hold open.
 */
export class PluginProcess {
  readonly pid: number;
  readonly exited: Promise<ExitInfo>;
  exit: ExitInfo | undefined;
  /** The last few stderr lines, for error messages. */
  readonly stderrTail: string[] = [];
  private stdoutListener: ((line: string, truncated: boolean) => void) | undefined;
  private terminating: Promise<void> | undefined;

  private constructor(
    private readonly child: ChildProcess,
    private readonly opts: SpawnOptions,
  ) {
    this.pid = child.pid ?? 0;
    this.exited = new Promise<ExitInfo>((resolve) => {
      const done = (exit: ExitInfo): void => {
        if (this.exit) return;
        this.exit = exit;
        resolve(exit);
      };
      child.once("exit", (code, signal) => {
        if (this.pid > 0) {
          untrackGroup(this.pid);
          // Whatever the plugin left behind in its group goes with it.
          signalGroup(this.pid, "SIGKILL");
          done({ code, signal });
        } else {
          // Never started: the 'error' event carries the reason; let it win.
          setImmediate(() => done({ code, signal }));
        }
      });
      child.once("error", (err) => {
        if (this.pid === 0) done({ code: null, signal: null, spawnError: err });
      });
    });
    if (this.pid > 0) trackGroup(this.pid, opts.tempDir);
    child.stdin?.on("error", () => undefined);
    if (child.stdout) readLines(child.stdout, (line, truncated) => this.stdoutListener?.(line, truncated));
    if (child.stderr) readLines(child.stderr, (line) => this.logStderr(line));
  }

  static spawn(opts: SpawnOptions): PluginProcess {
    const [program, ...args] = opts.command;
    if (!program) throw new Error("empty plugin command");
    const child = spawn(program, args, {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    return new PluginProcess(child, opts);
  }

  onStdoutLine(listener: ((line: string, truncated: boolean) => void) | undefined): void {
    this.stdoutListener = listener;
  }

  /** Closes the plugin's stdin: the protocol's "the scheduler is gone, exit". */
  closeStdin(): void {
    this.child.stdin?.end();
  }

  /** Resolves true once exited, false if it is still running after ms. */
  async waitExit(ms: number): Promise<boolean> {
    if (this.exit) return true;
    let timer: { cancel(): void } | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = this.opts.clock.setTimer(ms, () => resolve(false));
    });
    try {
      return await Promise.race([this.exited.then(() => true as const), timeout]);
    } finally {
      timer?.cancel();
    }
  }

  /**
   * Ends the process: (gracefully) close stdin and wait, then SIGTERM the
   * group and wait, then SIGKILL the group. Resolves on 'exit'.
   */
  terminate(graces: { stdinMs: number; termMs: number; killMs: number }): Promise<void> {
    this.terminating ??= (async () => {
      if (this.exit) return;
      this.child.stdin?.end();
      if (graces.stdinMs > 0 && (await this.waitExit(graces.stdinMs))) return;
      signalGroup(this.pid, "SIGTERM");
      if (await this.waitExit(graces.termMs)) return;
      this.opts.log.warn({ pid: this.pid }, "plugin did not exit after SIGTERM; sending SIGKILL");
      signalGroup(this.pid, "SIGKILL");
      if (!(await this.waitExit(graces.killMs))) {
        this.opts.log.error({ pid: this.pid }, "plugin did not exit after SIGKILL");
      }
    })();
    return this.terminating;
  }

  private logStderr(line: string): void {
    if (line.length === 0) return;
    this.stderrTail.push(line.length > 500 ? `${line.slice(0, 500)}…` : line);
    if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
    const log = this.opts.log;
    // Plugins that log JSON (pino, slog, hclog, structlog, ...) keep their level and message.
    const entry = parsePluginLogLine(line);
    if (entry) {
      log[entry.level]({ stream: "stderr", ...entry.trace, plugin: entry.fields }, entry.msg);
      return;
    }
    log.info({ stream: "stderr" }, line);
  }
}

/** A private directory for a plugin's socket, with a path short enough for a unix socket. */
export async function makeSocketDir(): Promise<string> {
  // sun_path holds 107 bytes; leave room for "/sb-XXXXXX/plugin.sock".
  const base = tmpdir().length <= 70 ? tmpdir() : "/tmp";
  const dir = await mkdtemp(path.join(base, "sb-"));
  await chmod(dir, 0o700);
  return dir;
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export function describeExit(exit: ExitInfo, stderrTail: string[]): string {
  const how = exit.spawnError
    ? `could not be started: ${exit.spawnError.message}`
    : exit.signal
      ? `was killed by ${exit.signal}`
      : `exited with code ${exit.code}`;
  const last = stderrTail.at(-1);
  return last ? `plugin ${how}; last stderr: ${last}` : `plugin ${how}`;
}
