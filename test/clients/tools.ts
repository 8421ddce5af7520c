import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../lib/cluster.js";

/**
 * What the Java and Python client tests need from the machine: Debian's
 * tools and libraries, which .ci/run installs. A missing one fails the test
 * with the package to install; these tests are never skipped.
 */

/** Debian's own interpreter: the `python3` first on PATH may be one that cannot see Debian's modules. */
export const PYTHON = "/usr/bin/python3";
export const JAVA = "/usr/bin/java";
export const JAVAC = "/usr/bin/javac";

export const JAVA_BUILD = path.join(REPO_ROOT, "clients/java/build.sh");
export const GEN_CLIENTS = path.join(REPO_ROOT, "scripts/gen-clients.sh");
export const JAVA_CLASSES = path.join(REPO_ROOT, "dist/java/classes");
export const JAVA_TEST_CLASSES = path.join(REPO_ROOT, "dist/java/test-classes");

export function requireFile(file: string, debianPackage: string): void {
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: install the Debian package ${debianPackage} (apt-get install -y ${debianPackage}; .ci/run does)`);
  }
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  input?: string;
}

/** Runs a program to its end (killed at the timeout); never throws for a non-zero exit. */
export function run(command: string, args: string[], opts: RunOptions = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd ?? REPO_ROOT,
      // No __pycache__ next to the checked-in Python sources.
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1", ...opts.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(opts.input ?? "");
  });
}

/** The JSON objects a program printed one per line; other lines are ignored. */
export function jsonLines(text: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of text.split("\n")) {
    const t = line.trim();
    if (!t.startsWith("{")) continue;
    try {
      out.push(JSON.parse(t) as Record<string, unknown>);
    } catch {
      // Not one of ours.
    }
  }
  return out;
}

export function describeRun(r: Run): string {
  return `exit ${r.code ?? r.signal}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

/** Checks that Debian's python3 sees grpc and protobuf; fails naming the package otherwise. */
export async function requirePythonModules(): Promise<void> {
  requireFile(PYTHON, "python3");
  for (const [module, pkg] of [
    ["grpc", "python3-grpcio"],
    ["google.protobuf", "python3-protobuf"],
  ] as const) {
    const r = await run(PYTHON, ["-c", `import ${module}`], { timeoutMs: 30_000 });
    if (r.code !== 0) throw new Error(`${PYTHON} cannot import ${module}: install the Debian package ${pkg} (.ci/run does)\n${r.stderr}`);
  }
}

let generatedPython: Promise<void> | undefined;

/** Generates the Python client's stubs (not checked in) once per process; a no-op when they are up to date. */
export function generatePythonStubs(): Promise<void> {
  generatedPython ??= (async () => {
    const r = await run("bash", [GEN_CLIENTS, "python"], { timeoutMs: 120_000 });
    if (r.code !== 0) throw new Error(`scripts/gen-clients.sh python failed\n${describeRun(r)}`);
  })();
  return generatedPython;
}

let built: Promise<void> | undefined;

/** Generates the Java stubs and compiles the Java client and its test programs once per process (clients/java/build.sh). */
export function buildJava(): Promise<void> {
  built ??= (async () => {
    const r = await run("bash", [JAVA_BUILD], { timeoutMs: 300_000 });
    if (r.code !== 0) throw new Error(`clients/java/build.sh failed\n${describeRun(r)}`);
  })();
  return built;
}

/** The runtime classpath: Debian's jars (from build.sh) plus the compiled classes. */
export async function javaClasspath(): Promise<string> {
  const r = await run("bash", [JAVA_BUILD, "classpath"], { timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`clients/java/build.sh classpath failed\n${describeRun(r)}`);
  return [JAVA_CLASSES, JAVA_TEST_CLASSES, r.stdout.trim()].join(":");
}

/** A long-running child with line-by-line access to its stdout, for interactive tests. */
export class LineProcess {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = "";
  stderr = "";
  private waiters: { test: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  private lines: string[] = [];
  private exited: Promise<number | null>;

  constructor(command: string, args: string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(command, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
    let partial = "";
    this.child.stdout.setEncoding("utf8").on("data", (d: string) => {
      this.stdout += d;
      partial += d;
      let nl;
      while ((nl = partial.indexOf("\n")) >= 0) {
        const line = partial.slice(0, nl);
        partial = partial.slice(nl + 1);
        this.lines.push(line);
        this.waiters = this.waiters.filter((w) => {
          if (!w.test(line)) return true;
          w.resolve(line);
          return false;
        });
      }
    });
    this.child.stderr.setEncoding("utf8").on("data", (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) => this.child.on("close", (code) => resolve(code)));
  }

  /** The first line (already printed or still to come) that passes test. */
  async waitFor(what: string, test: (line: string) => boolean, timeoutMs = 60_000): Promise<string> {
    const seen = this.lines.find(test);
    if (seen !== undefined) return seen;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        new Promise<string>((resolve) => this.waiters.push({ test, resolve })),
        this.exited.then((code) => {
          throw new Error(`exited (${code}) before ${what}\n--- stdout\n${this.stdout}\n--- stderr\n${this.stderr}`);
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`timed out waiting for ${what}\n--- stdout\n${this.stdout}\n--- stderr\n${this.stderr}`)),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  send(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  async exit(timeoutMs = 60_000): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.exited,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`did not exit within ${timeoutMs} ms\n--- stdout\n${this.stdout}\n--- stderr\n${this.stderr}`)),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }
}
