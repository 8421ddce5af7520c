import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { suite } from "../lib/harness.js";
import { DEFAULT_RESTART_POLICY, restartDelay, resolvePluginCommand } from "../../server/plugin-host/index.js";
import { readLines } from "../../server/plugin-host/lines.js";
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

t.run();
