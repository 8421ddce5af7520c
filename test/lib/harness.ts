import { writeFileSync } from "node:fs";
import * as uvu from "uvu";

/**
 * uvu has no per-test timeout: a hung test would hang the run with no name.
 * Every test and hook here races a timer and fails with its own name. The
 * runner (test/runner) runs each file in its own process and sums the
 * counts each file reports on its last line.
 */
export const DEFAULT_TIMEOUT_MS = 60_000;

export interface SuiteOptions {
  /** Per test and per hook. */
  timeoutMs?: number;
}

type Fn = () => Promise<void> | void;

export interface Suite {
  (name: string, fn: Fn): void;
  /** Runs once before the suite's first test. */
  before(fn: Fn): void;
  /** Runs once after the suite's last test. */
  after(fn: Fn): void;
  beforeEach(fn: Fn): void;
  afterEach(fn: Fn): void;
  run(): void;
}

const counts = { passed: 0, failed: 0, failures: [] as string[] };
let reporterInstalled = false;

/** The line the runner reads: `##standby-result {"passed":N,"failed":N,...}`. */
export const RESULT_PREFIX = "##standby-result ";

/**
 * Set by the runner: a file that always holds the counts so far, so a file
 * killed at its timeout (or one that never exits) still reports what ran.
 */
const PROGRESS_FILE = process.env.STANDBY_TEST_PROGRESS;

function saveProgress(): void {
  if (!PROGRESS_FILE) return;
  try {
    writeFileSync(PROGRESS_FILE, JSON.stringify(counts));
  } catch {
    // The result line at exit still counts.
  }
}

function installReporter(): void {
  if (reporterInstalled) return;
  reporterInstalled = true;
  process.on("exit", (code) => {
    // A suite whose hook failed runs no tests; uvu sets a failing exit code.
    if (code !== 0 && counts.failed === 0) {
      counts.failed += 1;
      counts.failures.push("a hook or the file itself failed (see above)");
    }
    process.stdout.write(`\n${RESULT_PREFIX}${JSON.stringify(counts)}\n`);
  });
}

function withTimeout(title: string, fn: Fn, ms: number): () => Promise<void> {
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${title}`)), ms);
    });
    try {
      await Promise.race([Promise.resolve().then(fn), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}

export function suite(name: string, options: SuiteOptions = {}): Suite {
  installReporter();
  const ms = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const inner = uvu.suite(name);
  const add = ((title: string, fn: Fn) => {
    const run = withTimeout(`${name} › ${title}`, fn, ms);
    inner(title, async () => {
      try {
        await run();
        counts.passed += 1;
        saveProgress();
      } catch (err) {
        counts.failed += 1;
        counts.failures.push(`${name} › ${title}`);
        saveProgress();
        throw err;
      }
    });
  }) as Suite;
  add.before = (fn) => inner.before(withTimeout(`${name} › before`, fn, ms));
  add.after = (fn) => inner.after(withTimeout(`${name} › after`, fn, ms));
  add.beforeEach = (fn) => inner.before.each(withTimeout(`${name} › beforeEach`, fn, ms));
  add.afterEach = (fn) => inner.after.each(withTimeout(`${name} › afterEach`, fn, ms));
  add.run = () => inner.run();
  return add;
}
