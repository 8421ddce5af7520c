import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";

/**
 * Runs compiled test files, each in its own process group, and sums the
 * counts each one reports on its `##standby-result {json}` line (see
 * test/lib/harness.ts). A file that exits non-zero, prints no result line or
 * outlives its timeout is a failure named after the file.
 */

export const RESULT_PREFIX = "##standby-result ";
export const DEFAULT_TIMEOUT_MS = 10 * 60_000;
/** Between SIGTERM and SIGKILL of a timed-out file's process group. */
const KILL_GRACE_MS = 2_000;
/** How long to wait for stdio to close after the file's process exited. */
const DRAIN_MS = 2_000;
/** How long a file may live on after uvu printed its summary. */
export const DEFAULT_EXIT_GRACE_MS = 30_000;
/** uvu's closing summary: all of the file's tests have run. */
const UVU_SUMMARY = /\n\s*Total:\s+\d+\n(?:.*\n){0,3}?\s*Duration:\s+[\d.]+m?s\n/;

export interface ReportedResult {
  passed: number;
  failed: number;
  failures: string[];
}

export interface FileResult {
  /** As given to the runner (absolute). */
  file: string;
  /** Relative to the working directory, for messages. */
  name: string;
  passed: number;
  failed: number;
  /** Failure names, already prefixed with the file's name. */
  failures: string[];
  /** Interleaved stdout and stderr. */
  output: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  durationMs: number;
  /** Processes of the file's group that outlived it and were killed. */
  leftovers: boolean;
}

export interface RunFileOptions {
  timeoutMs: number;
  /** After the tests finished (uvu's summary), how long the process may take to exit. */
  exitGraceMs?: number;
  /**
   * A file the harness keeps the counts so far in (STANDBY_TEST_PROGRESS), so
   * a file that is killed still reports what ran. Removed afterwards.
   */
  progressFile?: string;
  /** Called with each chunk of output as it arrives (for --verbose). */
  onOutput?: (chunk: Buffer) => void;
  env?: NodeJS.ProcessEnv;
}

/** The last result line in a file's output, or undefined if none is valid. */
export function parseResultLine(output: string): ReportedResult | undefined {
  const lines = output.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] ?? "";
    if (!line.startsWith(RESULT_PREFIX)) continue;
    try {
      const value: unknown = JSON.parse(line.slice(RESULT_PREFIX.length));
      if (!isReportedResult(value)) return undefined;
      return { passed: value.passed, failed: value.failed, failures: [...value.failures] };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function isReportedResult(value: unknown): value is ReportedResult {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    Number.isInteger(v.passed) && Number.isInteger(v.failed) && Array.isArray(v.failures) && v.failures.every((f) => typeof f === "string")
  );
}

/** Every `*.test.js` below `root`, sorted. (Fixtures are named `*.fixture.js`.) */
export function discover(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name === "node_modules") continue;
        walk(full);
      } else if (entry.isFile() && entry.name.endsWith(".test.js")) {
        found.push(full);
      }
    }
  };
  walk(root);
  return found.sort();
}

/**
 * tsc never deletes outputs, so a test whose source was removed or renamed
 * would keep running from dist/. A compiled test counts only while its
 * source (`dist/x.test.js` → `x.test.ts`) exists.
 */
export function hasSource(compiled: string, distRoot: string, sourceRoot: string): boolean {
  const rel = path.relative(distRoot, compiled);
  if (rel.startsWith("..")) return true;
  const base = path.join(sourceRoot, rel.replace(/\.js$/, ""));
  return [".ts", ".mts", ".tsx", ".js"].some((ext) => existsSync(base + ext));
}

/** Keeps files whose relative path contains any of the filters (all if none). */
export function filterFiles(files: string[], filters: string[], cwd: string): string[] {
  if (filters.length === 0) return files;
  return files.filter((f) => {
    const rel = path.relative(cwd, f);
    return filters.some((needle) => rel.includes(needle) || f.includes(needle));
  });
}

export function isExistingFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Process groups of files still running, so an interrupted run can kill them. */
const running = new Set<number>();

/** Kills every running file's process group (on Ctrl-C of the runner). */
export function killAll(): void {
  for (const pid of running) killGroup(pid, "SIGKILL");
}

/**
 * Runs one file in its own process group. On timeout the whole group gets
 * SIGTERM, then SIGKILL, so plugins and servers the test started die with it.
 */
export function runFile(file: string, options: RunFileOptions): Promise<FileResult> {
  const name = path.relative(process.cwd(), file) || file;
  const started = Date.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const env = { ...(options.env ?? process.env) };
    if (options.progressFile) env.STANDBY_TEST_PROGRESS = options.progressFile;
    const child = spawn(process.execPath, [file], {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env,
    });
    const pid = child.pid;
    if (pid !== undefined) running.add(pid);

    let timedOut = false;
    let hungAfterTests = false;
    let killTimer: NodeJS.Timeout | undefined;
    let graceTimer: NodeJS.Timeout | undefined;
    const kill = (): void => {
      if (pid === undefined || killTimer !== undefined) return;
      killGroup(pid, "SIGTERM");
      killTimer = setTimeout(() => killGroup(pid, "SIGKILL"), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, options.timeoutMs);

    // The summary tail is enough to spot uvu's summary across chunk boundaries.
    let tail = "";
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      options.onOutput?.(chunk);
      if (graceTimer !== undefined || options.exitGraceMs === undefined) return;
      tail = (tail + chunk.toString("utf8")).slice(-400);
      if (UVU_SUMMARY.test(tail)) {
        // Every test ran; a process still alive after this is held open by a
        // leaked server, socket, timer or child, and would sit out the timeout.
        graceTimer = setTimeout(() => {
          hungAfterTests = true;
          kill();
        }, options.exitGraceMs);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);

    let exitCode: number | null = null;
    let signal: NodeJS.Signals | null = null;
    let leftovers = false;
    let spawnError: Error | undefined;
    let settled = false;

    const finish = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(killTimer);
      clearTimeout(graceTimer);
      if (pid !== undefined) running.delete(pid);
      const progress = readProgress(options.progressFile);
      child.stdout.destroy();
      child.stderr.destroy();
      let output = Buffer.concat(chunks).toString("utf8");
      if (spawnError) output += `\n[runner] could not start: ${spawnError.message}\n`;
      resolve(
        summarise({
          file,
          name,
          output,
          exitCode,
          signal,
          timedOut,
          hungAfterTests,
          leftovers,
          progress,
          durationMs: Date.now() - started,
          timeoutMs: options.timeoutMs,
          exitGraceMs: options.exitGraceMs ?? DEFAULT_EXIT_GRACE_MS,
        }),
      );
    };

    child.on("error", (err) => {
      spawnError = err;
      finish();
    });
    child.on("exit", (code, sig) => {
      exitCode = code;
      signal = sig;
      // The leader is gone; anything left in its group was leaked by the test
      // and would otherwise hold the pipes open (and the run) forever.
      if (pid !== undefined && killGroup(pid, "SIGKILL")) leftovers = true;
      const drain = setTimeout(finish, DRAIN_MS);
      child.once("close", () => {
        clearTimeout(drain);
        finish();
      });
    });
  });
}

export interface ProcessOutcome {
  file: string;
  name: string;
  output: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Killed because it did not exit after its tests had finished. */
  hungAfterTests?: boolean;
  leftovers: boolean;
  /** The harness's counts so far, when it kept them in a progress file. */
  progress?: ReportedResult | undefined;
  durationMs: number;
  timeoutMs: number;
  exitGraceMs?: number;
}

function readProgress(file: string | undefined): ReportedResult | undefined {
  if (!file) return undefined;
  try {
    const value: unknown = JSON.parse(readFileSync(file, "utf8"));
    return isReportedResult(value) ? value : undefined;
  } catch {
    return undefined;
  } finally {
    rmSync(file, { force: true });
  }
}

/** Turns a finished process into counts, naming the file for its own failures. */
export function summarise(o: ProcessOutcome): FileResult {
  const killed = o.timedOut || o.hungAfterTests === true;
  const line = killed ? undefined : parseResultLine(o.output);
  // A killed file prints no result line; what its harness saved still counts.
  const reported = line ?? o.progress;
  const result: FileResult = {
    file: o.file,
    name: o.name,
    passed: reported?.passed ?? 0,
    failed: reported?.failed ?? 0,
    failures: (reported?.failures ?? []).map((f) => `${o.name}: ${f}`),
    output: o.output,
    exitCode: o.exitCode,
    signal: o.signal,
    timedOut: o.timedOut,
    durationMs: o.durationMs,
    leftovers: o.leftovers,
  };
  const how = o.signal ? `was killed by ${o.signal}` : `exited with code ${String(o.exitCode)}`;
  let own: string | undefined;
  if (o.hungAfterTests) {
    own =
      `did not exit within ${formatSeconds(o.exitGraceMs ?? DEFAULT_EXIT_GRACE_MS)} after its tests finished ` +
      "(a server, socket, timer or child process left open?) and was killed";
  } else if (o.timedOut) own = `timed out after ${formatSeconds(o.timeoutMs)} and was killed`;
  else if (!line) own = `${how} and printed no result line`;
  else if (o.exitCode !== 0 && line.failed === 0) own = how;
  if (own !== undefined) {
    result.failed += 1;
    result.failures.push(`${o.name}: ${own}`);
  }
  return result;
}

export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${s < 10 ? s.toFixed(1) : Math.round(s).toString()}s`;
}

/** Runs files with at most `jobs` at a time; results in completion order. */
export async function runAll(files: string[], jobs: number, runOne: (file: string) => Promise<FileResult>): Promise<FileResult[]> {
  const results: FileResult[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const file = files[next++];
      if (file === undefined) break;
      results.push(await runOne(file));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, files.length)) }, worker));
  return results;
}
