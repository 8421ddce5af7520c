import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  DEFAULT_EXIT_GRACE_MS,
  DEFAULT_TIMEOUT_MS,
  discover,
  filterFiles,
  formatSeconds,
  hasSource,
  isExistingFile,
  killAll,
  runAll,
  runFile,
  type FileResult,
} from "./runner.js";

const USAGE = `usage: node dist/test/runner/main.js [options] [FILE|FILTER ...]

Runs every dist/test/**/*.test.js in its own process (sequentially unless
--jobs says otherwise) and prints "N passed, N failed" last.

  FILE            a compiled test file to run (any name)
  FILTER          runs only discovered files whose path contains FILTER
  -j, --jobs N    files run at once (default 1)
  -t, --timeout S seconds per file before its process group is killed
                  (default ${DEFAULT_TIMEOUT_MS / 1000}, or env STANDBY_TEST_TIMEOUT)
  -v, --verbose   print every file's output (otherwise only failing files')
      --root DIR  where to look for *.test.js (default dist/test)
  -h, --help

A file that is still running ${DEFAULT_EXIT_GRACE_MS / 1000}s (env STANDBY_TEST_EXIT_GRACE) after its
tests finished is killed and fails: something it started was left open.
`;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function positiveNumber(value: string | undefined, what: string): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) fail(`${what} must be a positive number, not "${value}"`);
  return n;
}

function parse(): {
  jobs: number;
  timeoutMs: number;
  exitGraceMs: number;
  verbose: boolean;
  root: string;
  targets: string[];
} {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        jobs: { type: "string", short: "j" },
        timeout: { type: "string", short: "t" },
        verbose: { type: "boolean", short: "v" },
        root: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const jobs = positiveNumber(values.jobs, "--jobs") ?? 1;
  if (!Number.isInteger(jobs)) fail(`--jobs must be a whole number, not "${String(values.jobs)}"`);
  const seconds = positiveNumber(values.timeout, "--timeout") ?? positiveNumber(process.env.STANDBY_TEST_TIMEOUT, "STANDBY_TEST_TIMEOUT");
  const grace = positiveNumber(process.env.STANDBY_TEST_EXIT_GRACE, "STANDBY_TEST_EXIT_GRACE");
  return {
    jobs,
    timeoutMs: seconds === undefined ? DEFAULT_TIMEOUT_MS : Math.round(seconds * 1000),
    exitGraceMs: grace === undefined ? DEFAULT_EXIT_GRACE_MS : Math.round(grace * 1000),
    verbose: values.verbose ?? false,
    root: path.resolve(values.root ?? path.join(repoRoot, "dist", "test")),
    targets: positionals,
  };
}

function selectFiles(root: string, targets: string[]): string[] {
  const explicit = targets.filter(isExistingFile).map((t) => path.resolve(t));
  const filters = targets.filter((t) => !isExistingFile(t));
  if (explicit.length > 0 && filters.length === 0) return explicit;
  const all = discover(root);
  const current = all.filter((f) => hasSource(f, path.join(repoRoot, "dist"), repoRoot));
  for (const stale of all.filter((f) => !current.includes(f))) {
    process.stdout.write(`skip  ${path.relative(process.cwd(), stale)} (its source is gone; stale build output)\n`);
  }
  return [...explicit, ...filterFiles(current, filters, process.cwd())];
}

function statusLine(r: FileResult): string {
  const ok = r.failed === 0;
  const counts = r.failed === 0 ? `${r.passed} passed` : `${r.passed} passed, ${r.failed} failed`;
  const extra = r.leftovers ? "  (left processes running; killed them)" : "";
  return `${ok ? "ok  " : "FAIL"}  ${r.name}  ${counts}  ${formatSeconds(r.durationMs)}${extra}\n`;
}

async function main(): Promise<void> {
  const opts = parse();
  const files = selectFiles(opts.root, opts.targets);

  const interrupt = (signal: NodeJS.Signals): void => {
    killAll();
    process.stderr.write(`\n[runner] ${signal}: killed running test files\n`);
    process.exit(130);
  };
  process.once("SIGINT", interrupt);
  process.once("SIGTERM", interrupt);

  const live = opts.verbose && opts.jobs === 1;
  const scratch = mkdtempSync(path.join(tmpdir(), "standby-test-run-"));
  let n = 0;
  const results = await runAll(files, opts.jobs, async (file) => {
    if (live) process.stdout.write(`\n=== ${path.relative(process.cwd(), file)}\n`);
    const r = await runFile(file, {
      timeoutMs: opts.timeoutMs,
      exitGraceMs: opts.exitGraceMs,
      progressFile: path.join(scratch, `progress-${++n}.json`),
      onOutput: live ? (chunk) => process.stdout.write(chunk) : undefined,
    });
    if (!live && (opts.verbose || r.failed > 0)) {
      process.stdout.write(`\n===== output of ${r.name} =====\n${r.output.trimEnd()}\n===== end of ${r.name} =====\n`);
    }
    process.stdout.write(statusLine(r));
    return r;
  });

  rmSync(scratch, { recursive: true, force: true });
  const passed = results.reduce((sum, r) => sum + r.passed, 0);
  const failed = results.reduce((sum, r) => sum + r.failed, 0);
  const failures = results.flatMap((r) => r.failures);
  process.stdout.write("\n");
  if (failures.length > 0) {
    process.stdout.write(`Failures:\n${failures.map((f) => `  - ${f}\n`).join("")}\n`);
  }
  if (files.length === 0) process.stdout.write("no test files found\n");
  else if (passed + failed === 0) process.stdout.write("no tests ran\n");
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  process.exitCode = failed > 0 || passed + failed === 0 ? 1 : 0;
}

main().catch((err: unknown) => {
  killAll();
  process.stderr.write(`[runner] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
