import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { suite } from "../lib/harness.js";
import { DEFAULT_RESTART_POLICY, restartDelay, resolvePluginCommand } from "../../server/plugin-host/index.js";
import { readLines } from "../../server/plugin-host/lines.js";
import { parsePluginLogLine } from "../../server/plugin-host/log-line.js";
import { REPO_ROOT } from "./helpers.js";

const t = suite("plugin host parts");

t("restart delays grow exponentially up to the cap, with bounded jitter", () => {
  const policy = { ...DEFAULT_RESTART_POLICY, jitter: 0 };
  assert.deepEqual(
    [1, 2, 3, 4, 10, 100].map((n) => restartDelay(policy, n, () => 0.5)),
    [500, 1000, 2000, 4000, 30_000, 30_000],
  );
  const jittered = { ...DEFAULT_RESTART_POLICY, jitter: 0.2 };
  assert.equal(
    restartDelay(jittered, 1, () => 0),
    400,
  );
  assert.equal(
    restartDelay(jittered, 1, () => 0.999999),
    600,
  );
});

t("a shipped plugin resolves to this node running its built main; a command is used as given", () => {
  assert.deepEqual(resolvePluginCommand({ plugin: "fake" }, REPO_ROOT), [process.execPath, `${REPO_ROOT}dist/plugins/fake/main.js`]);
  assert.deepEqual(resolvePluginCommand({ command: ["/bin/x", "--y"] }, REPO_ROOT), ["/bin/x", "--y"]);
  assert.throws(() => resolvePluginCommand({}, REPO_ROOT), /exactly one/);
  assert.throws(() => resolvePluginCommand({ plugin: "fake", command: ["x"] }, REPO_ROOT), /exactly one/);
  assert.throws(() => resolvePluginCommand({ plugin: "../etc" }, REPO_ROOT), /not a plugin name/);
  assert.throws(() => resolvePluginCommand({ plugin: "nosuch" }, REPO_ROOT), /does not exist/);
});

t("lines are split across chunks, and an endless line is cut and its rest dropped", async () => {
  const stream = new PassThrough();
  const lines: [string, boolean][] = [];
  readLines(stream, (line, truncated) => lines.push([line, truncated]), 10);
  stream.write("ab");
  stream.write("c\r\nde\n");
  stream.write("x".repeat(25));
  stream.write("yyy\nafter\nlast");
  stream.end();
  await new Promise((resolve) => stream.on("end", resolve));
  assert.deepEqual(lines, [
    ["abc", false],
    ["de", false],
    ["xxxxxxxxxx", true],
    ["after", false],
    ["last", false],
  ]);
});

t("a plugin's JSON log line keeps its level and message, from pino, slog, hclog, zap, logrus, Python logging or structlog", () => {
  const read = (line: object) => {
    const entry = parsePluginLogLine(JSON.stringify(line));
    return entry && [entry.level, entry.msg];
  };
  assert.deepEqual(read({ level: 40, msg: "x" }), ["warn", "x"]);
  assert.deepEqual(read({ level: "warn", msg: "x" }), ["warn", "x"]);
  assert.deepEqual(read({ level: "WARN", msg: "x" }), ["warn", "x"]);
  assert.deepEqual(read({ level: "warning", msg: "x" }), ["warn", "x"]);
  assert.deepEqual(read({ level: "Warning", message: "x" }), ["warn", "x"]);
  assert.deepEqual(read({ "@level": "warn", "@message": "x" }), ["warn", "x"]);
  assert.deepEqual(read({ level: "warning", event: "x" }), ["warn", "x"], "structlog's default message key");
  assert.deepEqual(read({ level: "INFO-4", msg: "x" }), ["info", "x"]);
  assert.deepEqual(read({ level: "CRITICAL", msg: "x" }), ["fatal", "x"]);
  assert.deepEqual(read({ level: "dpanic", msg: "x" }), ["fatal", "x"]);
  assert.deepEqual(read({ level: "Trace", msg: "x" }), ["trace", "x"]);
  assert.deepEqual(read({ level: "debug", msg: "x" }), ["debug", "x"]);
  assert.deepEqual(read({ level: "error", msg: "x" }), ["error", "x"]);
  assert.equal(read({ level: "loud", msg: "x" }), undefined);
  assert.equal(read({ level: 45, msg: "x" }), undefined);
  assert.equal(read({ level: "warn" }), undefined, "no message");
  assert.equal(read({ level: "warn", msg: 3 }), undefined);
  assert.equal(parsePluginLogLine("[1,2]"), undefined);
  assert.equal(parsePluginLogLine("{not json"), undefined);
  assert.equal(parsePluginLogLine("plain words"), undefined);
  assert.deepEqual(
    parsePluginLogLine(
      JSON.stringify({ time: 1, level: "info", msg: "booted", pid: 7, hostname: "h", node: "n1", trace_id: "t", span_id: "s" }),
    ),
    { level: "info", msg: "booted", trace: { trace_id: "t", span_id: "s" }, fields: { node: "n1" } },
  );
  assert.deepEqual(
    parsePluginLogLine(JSON.stringify({ "@level": "warn", "@message": "x", "@module": "m", "@timestamp": "t", level: "x" }))?.fields,
    {
      "@module": "m",
      level: "x",
    },
  );
});

t.run();
