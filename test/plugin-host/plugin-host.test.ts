import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { suite } from "../lib/harness.js";
import { readFakeCloud } from "../../plugins/fake/state.js";
import { serve } from "../../server/main.js";
import { PluginHost } from "../../server/plugin-host/index.js";
import { bootSpec, codeOf, FAST, isAlive, isZombie, memoryLogger, startHost, TEST_PLUGIN_COMMAND, tempDir, waitFor } from "./helpers.js";

const t = suite("plugin host");

t("starts the fake plugin, configures it and reports it serving", async () => {
  const h = await startHost([{ name: "p1" }]);
  try {
    const status = h.host.status("p1");
    assert.equal(status.health, "serving");
    assert.equal(status.plugin, "fake");
    assert.equal(status.restarts, 0);
    assert.ok(status.pid > 0 && isAlive(status.pid));
    assert.deepEqual(h.ready, ["p1"]);
    const description = await h.host.get("p1").describe();
    assert.equal(description.protocolVersion, 1);
    assert.deepEqual(description.capabilities, ["snapshot", "quota", "shared-images", "scrubbed-snapshots"]);
    assert.deepEqual(h.host.names(), ["p1"]);
    assert.equal(await codeOf(Promise.resolve().then(() => h.host.get("nope"))), "not-found");
  } finally {
    await h.close();
  }
});

t("logs the plugin's stderr line by line with the provider's name", async () => {
  const h = await startHost([{ name: "p1" }, { name: "junky", command: TEST_PLUGIN_COMMAND, env: { TEST_PLUGIN_MODE: "junk" } }]);
  try {
    await waitFor("the configure log line", () =>
      h.entries.find((e) => e.provider === "p1" && e.stream === "stderr" && e.msg === "fake cloud configured"),
    );
    const plain = await waitFor("the plain stderr line", () => h.entries.find((e) => e.msg === "junk plugin says hello on stderr"));
    assert.equal(plain.provider, "junky");
    assert.equal(plain.stream, "stderr");
  } finally {
    await h.close();
  }
});

t("logs a plugin's JSON lines at their level with their message, whatever logger wrote them", async () => {
  const h = await startHost([{ name: "levels", command: TEST_PLUGIN_COMMAND, env: { TEST_PLUGIN_MODE: "log-levels" } }]);
  try {
    const ofPlugin = () => h.entries.filter((e) => e.provider === "levels" && e.stream === "stderr");
    await waitFor("the last of the plugin's lines", () => ofPlugin().some((e) => String(e.msg).includes("unknown level")));
    const warned = ofPlugin().filter((e) => e.msg === "x");
    assert.deepEqual(
      warned.map((e) => [(e.plugin as Record<string, unknown>).from, e.level]),
      [
        ["structlog, lower case", 40],
        ["slog", 40],
        ["python logging", 40],
        ["hclog", 40],
      ],
    );
    assert.deepEqual(warned[3]?.plugin, { "@module": "mycloud", from: "hclog" }, "other fields kept, level and message taken out");
    assert.equal(ofPlugin().find((e) => e.msg === "y")?.level, 50);
    assert.equal(ofPlugin().find((e) => e.msg === "z")?.level, 40);
    const unknown = ofPlugin().find((e) => String(e.msg).includes("unknown level"));
    assert.equal(unknown?.level, 30, "a level we do not know: the raw line at info");
    assert.equal(unknown?.msg, '{"level":"loud","msg":"unknown level"}');
  } finally {
    await h.close();
  }
});

t("a provider's env in the configuration reaches its plugin's environment", async () => {
  const { dir, remove } = await tempDir();
  const { logger, entries } = memoryLogger();
  const file = path.join(dir, "standby.yaml");
  await writeFile(
    file,
    `server: {db: "sqlite:standby.db", stateDir: state, listen: "127.0.0.1:0"}
providers:
  - name: envy
    command: ${JSON.stringify(TEST_PLUGIN_COMMAND)}
    settings: {stateFile: envy.json}
    env: {K: V, TEST_PLUGIN_ECHO: "K,NUMBER", NUMBER: 42}
labels:
  - {name: jammy}
`,
  );
  const running = await serve({ config: file, logger });
  try {
    const echoed = await waitFor("the plugin's echo of its environment", () => {
      const lines = entries.filter((e) => e.provider === "envy" && e.stream === "stderr" && String(e.msg).startsWith("env "));
      return lines.length >= 2 && lines;
    });
    assert.deepEqual(
      echoed.map((e) => e.msg),
      ["env K=V", "env NUMBER=42"],
    );
  } finally {
    await running.close();
    await remove();
  }
});

t("skips junk printed before the handshake", async () => {
  const h = await startHost([{ name: "junky", command: TEST_PLUGIN_COMMAND, env: { TEST_PLUGIN_MODE: "junk" } }]);
  try {
    assert.equal(h.host.status("junky").health, "serving");
    const junk = h.entries.filter((e) => String(e.msg).startsWith("skipping junk before the handshake"));
    assert.equal(junk.length, 3);
    assert.ok(junk.every((e) => e.provider === "junky"));
    const instance = await h.host.get("junky").boot(bootSpec("n-junk"));
    assert.equal(instance.nodeId, "n-junk");
  } finally {
    await h.close();
  }
});

t("restarts a plugin that was killed and fires onReady again", async () => {
  const h = await startHost([{ name: "p1" }]);
  try {
    const first = h.host.status("p1").pid;
    process.kill(first, "SIGKILL");
    await waitFor("a new serving plugin", () => {
      const s = h.host.status("p1");
      return s.health === "serving" && s.pid !== first && s.pid > 0;
    });
    const status = h.host.status("p1");
    assert.equal(status.restarts, 1);
    assert.match(status.lastError, /SIGKILL/);
    assert.equal(isAlive(first), false);
    assert.deepEqual(h.ready, ["p1", "p1"]);
    await h.host.get("p1").boot(bootSpec("n-after-restart"));
  } finally {
    await h.close();
  }
});

t("fails calls fast with unavailable while a provider is down", async () => {
  const h = await startHost([{ name: "p1" }], { ...FAST, restart: { initialDelayMs: 3_000, jitter: 0 } });
  try {
    const pid = h.host.status("p1").pid;
    process.kill(pid, "SIGKILL");
    await waitFor("the provider to be down", () => h.host.status("p1").health === "not-serving");
    const started = Date.now();
    assert.equal(await codeOf(h.host.get("p1").boot(bootSpec("n-down"))), "unavailable");
    assert.equal(await codeOf(h.host.get("p1").listInstances()), "unavailable");
    assert.ok(Date.now() - started < 200, `took ${Date.now() - started} ms`);
  } finally {
    await h.close();
  }
});

t("kills and retries a plugin that never handshakes, without holding up the others", async () => {
  const h = await startHost([{ name: "p1" }, { name: "mute", command: TEST_PLUGIN_COMMAND, env: { TEST_PLUGIN_MODE: "silent" } }], {
    timeouts: { ...FAST.timeouts, handshakeMs: 2_000 },
    restart: FAST.restart,
  });
  try {
    await waitFor("the fake to serve", () => h.host.status("p1").health === "serving");
    const first = await waitFor("the silent plugin's pid", () => {
      const line = h.entries.find((e) => e.provider === "mute" && /^silent plugin \d+/.test(String(e.msg)));
      return line && Number(/(\d+)/.exec(String(line.msg))?.[1]);
    });
    await waitFor("a restart", () => h.host.status("mute").restarts >= 1);
    assert.match(h.host.status("mute").lastError, /no handshake within 2000 ms/);
    assert.notEqual(h.host.status("mute").health, "serving");
    await waitFor("the first silent plugin to be gone", () => !isAlive(first));
    assert.ok(h.ready.length > 0 && h.ready.every((name) => name === "p1"));
    assert.equal(await codeOf(h.host.get("mute").listInstances()), "unavailable");
  } finally {
    await h.close();
  }
});

t("stop() leaves no plugin process behind, grandchildren included", async () => {
  const h = await startHost([{ name: "p1" }, { name: "parent", command: TEST_PLUGIN_COMMAND, env: { TEST_PLUGIN_MODE: "grandchild" } }]);
  const pids = [h.host.status("p1").pid, h.host.status("parent").pid];
  const grandchild = await waitFor("the grandchild's pid", () => {
    const line = h.entries.find((e) => /^grandchild pid \d+/.test(String(e.msg)));
    return line && Number(/(\d+)$/.exec(String(line.msg))?.[1]);
  });
  assert.ok(pids.every(isAlive) && isAlive(grandchild));
  await h.close();
  for (const pid of pids) assert.throws(() => process.kill(pid, 0), /ESRCH/, `pid ${pid} survived`);
  // The grandchild was killed with its group; its new parent (init) reaps it a moment later.
  await waitFor("the grandchild to be gone", () => !isAlive(grandchild) || isZombie(grandchild), 2_000);
  assert.equal(h.host.status("p1").health, "disabled");
  assert.equal(h.host.status("p1").pid, 0);
});

t("stop() SIGKILLs a plugin that ignores stdin EOF and SIGTERM", async () => {
  const h = await startHost([{ name: "mule", command: TEST_PLUGIN_COMMAND, env: { TEST_PLUGIN_MODE: "stubborn" } }], {
    timeouts: { ...FAST.timeouts, stopGraceMs: 200, termGraceMs: 300 },
    restart: FAST.restart,
  });
  const pid = h.host.status("mule").pid;
  const started = Date.now();
  await h.close();
  assert.equal(isAlive(pid), false);
  assert.ok(Date.now() - started < 3_000);
  assert.ok(h.entries.some((e) => String(e.msg).includes("SIGKILL")));
});

t("disables a plugin that speaks another protocol version", async () => {
  const h = await startHost([{ name: "future", command: TEST_PLUGIN_COMMAND, env: { TEST_PLUGIN_MODE: "bad-protocol" } }]);
  try {
    const status = h.host.status("future");
    assert.equal(status.health, "disabled");
    assert.match(status.lastError, /protocol version 2/);
    assert.equal(h.host.phase("future"), "rejected");
  } finally {
    await h.close();
  }
});

t("disables a provider whose settings the plugin rejects, naming the field", async () => {
  const h = await startHost([{ name: "p1", settings: { bootLatencyMs: -5 } }]);
  try {
    const status = h.host.status("p1");
    assert.equal(status.health, "disabled");
    assert.match(status.lastError, /settings\.bootLatencyMs/);
    assert.equal(status.plugin, "fake");
  } finally {
    await h.close();
  }
});

t("disables a provider whose program does not exist, and keeps the others", async () => {
  const h = await startHost([{ name: "ghost", command: ["/nonexistent/plugin"] }, { name: "p1" }]);
  try {
    assert.equal(h.host.status("ghost").health, "disabled");
    assert.match(h.host.status("ghost").lastError, /ENOENT/);
    assert.equal(h.host.status("p1").health, "serving");
  } finally {
    await h.close();
  }
});

t("kills a plugin that stops answering and maps the call's deadline", async () => {
  const h = await startHost([{ name: "stuck", command: TEST_PLUGIN_COMMAND, env: { TEST_PLUGIN_MODE: "hang-on-boot" } }], {
    timeouts: { ...FAST.timeouts, healthIntervalMs: 100, healthTimeoutMs: 100, healthFailures: 2, stopGraceMs: 300, termGraceMs: 300 },
    restart: FAST.restart,
    policies: { deadlines: { acceptMs: 300 } },
  });
  try {
    const pid = h.host.status("stuck").pid;
    assert.equal(await codeOf(h.host.get("stuck").boot(bootSpec("n-stuck"))), "deadline-exceeded");
    await waitFor("the hung plugin to be killed", () => !isAlive(pid));
    await waitFor("a new serving plugin", () => h.host.status("stuck").health === "serving" && h.host.status("stuck").pid !== pid);
    assert.match(h.host.status("stuck").lastError, /health checks|SIGKILL|SIGTERM/);
  } finally {
    await h.close();
  }
});

t("refuses bad provider names at construction and stops cleanly before start", async () => {
  const { dir, remove } = await tempDir();
  const { logger } = memoryLogger();
  const make = () =>
    new PluginHost({
      providers: [{ name: "p1", command: [process.execPath, `${dir}/../does-not-matter`], settings: {}, secrets: {} }],
      ownerId: "o",
      logger,
      stateDir: dir,
      ...FAST,
    });
  // Construction validates names and commands before anything starts.
  assert.throws(
    () => new PluginHost({ providers: [{ name: "a b", command: ["x"], settings: {}, secrets: {} }], ownerId: "o", logger, stateDir: dir }),
    /not a valid provider name/,
  );
  assert.throws(
    () =>
      new PluginHost({
        providers: [
          { name: "a", command: ["x"], settings: {}, secrets: {} },
          { name: "a", command: ["x"], settings: {}, secrets: {} },
        ],
        ownerId: "o",
        logger,
        stateDir: dir,
      }),
    /configured twice/,
  );
  const host = make();
  assert.equal(host.status("p1").health, "starting");
  await host.stop();
  await remove();
});

t("boots, lists and deletes through a restarted plugin without duplicates", async () => {
  const h = await startHost([{ name: "p1" }]);
  try {
    const provider = h.host.get("p1");
    const before = await provider.boot(bootSpec("n-1"));
    process.kill(h.host.status("p1").pid, "SIGKILL");
    await waitFor("the restart", () => h.host.status("p1").health === "serving" && h.host.status("p1").restarts === 1);
    const after = await provider.boot(bootSpec("n-1"));
    assert.equal(after.instanceId, before.instanceId);
    assert.equal((await readFakeCloud(h.stateFile("p1"))).instances.length, 1);
  } finally {
    await h.close();
  }
});

t.run();
