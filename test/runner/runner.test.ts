import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { suite } from "../lib/harness.js";
import { parseResultLine, summarise } from "./runner.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const runner = path.join(here, "main.js");
const fixture = (name: string): string => path.join(here, "fixtures", `${name}.fixture.js`);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  lastLine: string;
  ms: number;
}

function runRunner(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [runner, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, STANDBY_TEST_TIMEOUT: "", STANDBY_TEST_EXIT_GRACE: "", STANDBY_TEST_PROGRESS: "", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const lines = stdout.trimEnd().split("\n");
      resolve({ code, stdout, stderr, lastLine: lines[lines.length - 1] ?? "", ms: Date.now() - started });
    });
  });
}

/** Alive and not a zombie (a container's init may be slow to reap orphans). */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

async function waitUntilDead(pid: number, ms = 3_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isAlive(pid);
}

let scratch = "";
const test = suite("test runner", { timeoutMs: 30_000 });

test.before(() => {
  scratch = mkdtempSync(path.join(tmpdir(), "standby-runner-"));
});

test.after(() => {
  rmSync(scratch, { recursive: true, force: true });
});

test("counts the tests of a passing file and exits 0", async () => {
  const r = await runRunner([fixture("pass")]);
  assert.equal(r.code, 0, r.stdout);
  assert.equal(r.lastLine, "2 passed, 0 failed");
  assert.match(r.stdout, /ok {2}.*pass\.fixture\.js {2}2 passed/);
  assert.doesNotMatch(r.stdout, /output of/, "a passing file's output is not printed");
});

test("names failing tests, prints the failing file's output and exits non-zero", async () => {
  const r = await runRunner([fixture("fail")]);
  assert.equal(r.code, 1);
  assert.equal(r.lastLine, "1 passed, 1 failed");
  assert.match(r.stdout, /Failures:\n {2}- .*fail\.fixture\.js: fail fixture › fails on purpose/);
  assert.match(r.stdout, /expected failure from the fail fixture/);
});

test("kills a hung file's whole process group after its timeout", async () => {
  const pidFile = path.join(scratch, "hang.pid");
  const r = await runRunner(["--timeout", "1", fixture("hang")], { STANDBY_FIXTURE_PIDFILE: pidFile });
  assert.equal(r.code, 1);
  assert.equal(r.lastLine, "1 passed, 1 failed", "the test that passed before the hang still counts");
  assert.match(r.stdout, /hang\.fixture\.js: timed out after 1\.0s and was killed/);
  assert.match(r.stdout, /hang fixture started its grandchild/, "the killed file's output is shown");
  const grandchild = Number(readFileSync(pidFile, "utf8"));
  assert.ok(await waitUntilDead(grandchild), `grandchild ${grandchild} survived the timeout`);
});

test("takes the timeout from STANDBY_TEST_TIMEOUT", async () => {
  const pidFile = path.join(scratch, "hang-env.pid");
  const r = await runRunner([fixture("hang")], {
    STANDBY_TEST_TIMEOUT: "0.5",
    STANDBY_FIXTURE_PIDFILE: pidFile,
  });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /timed out after 0\.5s/);
  assert.ok(await waitUntilDead(Number(readFileSync(pidFile, "utf8"))));
});

test("kills a file that lingers after its tests finished, keeping their counts", async () => {
  const r = await runRunner([fixture("linger")], { STANDBY_TEST_EXIT_GRACE: "0.5" });
  assert.equal(r.code, 1);
  assert.equal(r.lastLine, "1 passed, 1 failed");
  assert.match(r.stdout, /linger\.fixture\.js: did not exit within 0\.5s after its tests finished/);
  assert.ok(r.ms < 10_000, `took ${r.ms} ms`);
});

test("counts a file that prints no result line as a failure of that file", async () => {
  const r = await runRunner([fixture("crash")]);
  assert.equal(r.code, 1);
  assert.equal(r.lastLine, "0 passed, 1 failed");
  assert.match(r.stdout, /crash\.fixture\.js: exited with code 3 and printed no result line/);
  assert.match(r.stdout, /crash fixture: giving up/);
});

test("kills processes a passing file leaves behind instead of waiting for them", async () => {
  const pidFile = path.join(scratch, "leak.pid");
  const r = await runRunner([fixture("leak")], { STANDBY_FIXTURE_PIDFILE: pidFile });
  assert.equal(r.code, 0, r.stdout);
  assert.equal(r.lastLine, "1 passed, 0 failed");
  assert.match(r.stdout, /left processes running; killed them/);
  assert.ok(await waitUntilDead(Number(readFileSync(pidFile, "utf8"))));
  assert.ok(r.ms < 10_000, `took ${r.ms} ms`);
});

test("sums several files run two at a time", async () => {
  const r = await runRunner(["--jobs", "2", fixture("pass"), fixture("fail"), fixture("crash")]);
  assert.equal(r.code, 1);
  assert.equal(r.lastLine, "3 passed, 2 failed");
  assert.equal(r.stdout.match(/^(ok {2}|FAIL) /gm)?.length, 3);
});

test("fails a run in which no test ran", async () => {
  const r = await runRunner(["--root", path.join(here, "fixtures")]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /no test files found/);
  assert.equal(r.lastLine, "0 passed, 0 failed");
});

test("selects discovered files by a filter", async () => {
  const r = await runRunner(["--root", here, "no-such-test-name"]);
  assert.equal(r.code, 1);
  assert.equal(r.lastLine, "0 passed, 0 failed");
});

test("rejects a bad option with exit code 2 and its usage", async () => {
  const r = await runRunner(["--jobs", "zero"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--jobs must be a positive number/);
  assert.match(r.stderr, /usage:/);
});

test("reads the last valid result line", () => {
  const out = [
    '##standby-result {"passed":1,"failed":0,"failures":[]}',
    "noise",
    '##standby-result {"passed":4,"failed":1,"failures":["a › b"]}',
    "",
  ].join("\n");
  assert.deepEqual(parseResultLine(out), { passed: 4, failed: 1, failures: ["a › b"] });
  assert.equal(parseResultLine("##standby-result {not json"), undefined);
  assert.equal(parseResultLine('##standby-result {"passed":"1"}'), undefined);
  assert.equal(parseResultLine("nothing here"), undefined);
});

test("adds a failure for a non-zero exit whose result line reports none", () => {
  const r = summarise({
    file: "/x/a.test.js",
    name: "a.test.js",
    output: '##standby-result {"passed":2,"failed":0,"failures":[]}\n',
    exitCode: 1,
    signal: null,
    timedOut: false,
    leftovers: false,
    durationMs: 5,
    timeoutMs: 1000,
  });
  assert.equal(r.passed, 2);
  assert.equal(r.failed, 1);
  assert.deepEqual(r.failures, ["a.test.js: exited with code 1"]);
});

test.run();
