import assert from "node:assert/strict";
import { readFakeCloud } from "../../plugins/fake/state.js";
import { NODE_TAG } from "../../common/provider.js";
import { suite } from "../lib/harness.js";
import { bootSpec, codeOf, FAST, isAlive, startHost, waitFor } from "./helpers.js";

/** The fake plugin's fault modes against the real plugin host: child processes, gRPC, signals. */
const t = suite("plugin faults", { timeoutMs: 60_000 });

/** Health checks every 100 ms, a hang declared after three missed ones, short graces. */
const QUICK = {
  timeouts: {
    ...FAST.timeouts,
    healthIntervalMs: 100,
    healthTimeoutMs: 100,
    healthFailures: 3,
    stopGraceMs: 200,
    termGraceMs: 200,
    killWaitMs: 2_000,
  },
  restart: { initialDelayMs: 100, maxDelayMs: 1_000, jitter: 0 },
};

t(
  "hang: a plugin that stops answering is stopped (stdin, SIGTERM, then SIGKILL to its group), restarted with backoff, and hangs again",
  async () => {
    const h = await startHost([{ name: "stuck", settings: { fault: { mode: "hang" } } }], {
      ...QUICK,
      policies: { deadlines: { fastMs: 300 }, crashLoop: { maxCrashes: 100 } },
    });
    try {
      const first = h.host.status("stuck").pid;
      assert.ok(first > 0);
      // Calls to it fail at their deadline instead of hanging the caller.
      const started = Date.now();
      assert.equal(await codeOf(h.host.get("stuck").listInstances()), "deadline-exceeded");
      assert.ok(Date.now() - started < 1_000);
      await waitFor("the hung plugin to be killed", () => !isAlive(first), 10_000);
      await waitFor("two restarts", () => h.host.status("stuck").restarts >= 2, 15_000);
      assert.match(h.host.status("stuck").lastError, /stopped answering: 3 health checks failed in a row/);
      const log = h.entries.filter((e) => e.provider === "stuck");
      // It ignores stdin EOF and SIGTERM (its event loop is blocked), so only SIGKILL ends it.
      assert.ok(
        log.some((e) => String(e.msg).includes("did not exit after SIGTERM; sending SIGKILL")),
        "escalated to SIGKILL",
      );
      const delays = log.filter((e) => e.msg === "restarting plugin after a delay").map((e) => Number(e.delayMs));
      assert.deepEqual(delays.slice(0, 2), [100, 200], "restart delays grow (backoff)");
      // Every new process hangs again after its Configure.
      assert.ok(log.filter((e) => e.msg === "provider serving").length >= 2);
      assert.ok(log.filter((e) => String(e.msg).startsWith("plugin stopped answering")).length >= 2);
    } finally {
      await h.close();
    }
  },
);

t("crash-every: the plugin exits after every N calls, is restarted, and boot stays idempotent through the crashes", async () => {
  const h = await startHost([{ name: "flaky", settings: { fault: { mode: "crash-every", every: 3 } } }], {
    ...QUICK,
    policies: { crashLoop: { maxCrashes: 100 }, circuitBreaker: { failures: 1000 } },
  });
  try {
    const provider = h.host.get("flaky");
    const ids = new Map<string, string>();
    for (let i = 0; i < 8; i++) {
      const nodeId = `n-${i % 4}`;
      const instance = await waitFor(`a boot of ${nodeId} to be answered`, () => provider.boot(bootSpec(nodeId)), 10_000, 20);
      const seen = ids.get(nodeId);
      if (seen) assert.equal(instance.instanceId, seen, `a second boot of ${nodeId} returns its instance`);
      ids.set(nodeId, instance.instanceId);
    }
    assert.ok(h.host.status("flaky").restarts >= 2, `restarts: ${h.host.status("flaky").restarts}`);
    assert.match(h.host.status("flaky").lastError, /exited with code 3/);
    const cloud = await readFakeCloud(h.stateFile("flaky"));
    const nodes = cloud.instances.map((i) => i.tags[NODE_TAG]);
    assert.deepEqual([...new Set(nodes)].sort(), ["n-0", "n-1", "n-2", "n-3"]);
    assert.equal(nodes.length, 4, "one instance per node id despite answers lost in crashes");
  } finally {
    await h.close();
  }
});

t("slow: calls slower than their deadline fail, open the circuit, and the provider is reported not-serving", async () => {
  const h = await startHost([{ name: "sloth", settings: { fault: { mode: "slow", delayMs: 400 } } }], {
    ...QUICK,
    policies: { deadlines: { fastMs: 150 }, circuitBreaker: { failures: 2, halfOpenAfterMs: 200, maxHalfOpenAfterMs: 400 } },
  });
  try {
    const provider = h.host.get("sloth");
    assert.equal(h.host.status("sloth").circuit, "closed");
    assert.equal(await codeOf(provider.listFlavors()), "deadline-exceeded");
    assert.equal(await codeOf(provider.listFlavors()), "deadline-exceeded");
    const status = h.host.status("sloth");
    assert.equal(status.circuit, "open");
    assert.equal(status.health, "not-serving");
    assert.match(status.lastError, /circuit open after 2 transient failures in a row/);
    const started = Date.now();
    await assert.rejects(provider.boot(bootSpec("n-slow")), { code: "unavailable", message: /circuit/ });
    assert.ok(Date.now() - started < 50, "an open circuit fails fast");
    // Its probes are as slow as everything else, so it stays out of rotation; the plugin itself is fine.
    await new Promise((resolve) => setTimeout(resolve, 800));
    assert.notEqual(h.host.status("sloth").circuit, "closed");
    assert.equal(h.host.status("sloth").restarts, 0, "a slow plugin is not a hung one");
  } finally {
    await h.close();
  }
});

t("slow: calls within their deadline just take longer", async () => {
  const h = await startHost([{ name: "sloth", settings: { fault: { mode: "slow", delayMs: 150 } } }], QUICK);
  try {
    const started = Date.now();
    await h.host.get("sloth").boot(bootSpec("n-1"));
    assert.ok(Date.now() - started >= 150);
    assert.equal(h.host.status("sloth").health, "serving");
  } finally {
    await h.close();
  }
});

t("garbage: undecodable and oversized answers fail the call as malformed with a log line; host and plugin live on", async () => {
  const h = await startHost([{ name: "junk", settings: { fault: { mode: "garbage", bytes: 2 * 1024 * 1024 } } }], {
    ...QUICK,
    timeouts: { ...QUICK.timeouts, maxResponseBytes: 1024 * 1024 },
    policies: { circuitBreaker: { failures: 1000 } },
  });
  try {
    const provider = h.host.get("junk");
    const pid = h.host.status("junk").pid;
    await assert.rejects(provider.listInstances(), { code: "internal", message: /plugin sent a malformed ListInstances answer/ });
    await assert.rejects(provider.listInstances(), {
      code: "internal",
      message: /plugin sent an oversized ListInstances answer: 2097152 bytes, over the limit of 1048576/,
    });
    await assert.rejects(provider.listFlavors(), { code: "internal", message: /malformed ListFlavors/ });
    const logged = h.entries.filter((e) => e.provider === "junk" && /^plugin sent an? (malformed|oversized)/.test(String(e.msg)));
    assert.equal(logged.length, 3);
    assert.equal(h.host.status("junk").pid, pid, "a plugin that answers garbage is not restarted for it");
    assert.equal(h.host.status("junk").health, "serving");
  } finally {
    await h.close();
  }
});

t("garbage answers open the circuit like transient failures do", async () => {
  const h = await startHost([{ name: "junk", settings: { fault: { mode: "garbage", bytes: 2 * 1024 * 1024 } } }], {
    ...QUICK,
    timeouts: { ...QUICK.timeouts, maxResponseBytes: 1024 * 1024 },
    policies: { circuitBreaker: { failures: 3, halfOpenAfterMs: 60_000, maxHalfOpenAfterMs: 60_000 } },
  });
  try {
    for (let i = 0; i < 3; i++) assert.equal(await codeOf(h.host.get("junk").listFlavors()), "internal");
    assert.equal(h.host.status("junk").circuit, "open");
    assert.equal(h.host.status("junk").health, "not-serving");
  } finally {
    await h.close();
  }
});

t("exit-at-start: exits before its handshake on every later start, and the crash loop disables the provider saying why", async () => {
  const h = await startHost([{ name: "dud", settings: { fault: { mode: "exit-at-start" } } }, { name: "ok" }], {
    ...QUICK,
    policies: { crashLoop: { maxCrashes: 4, windowMs: 60_000, disableForMs: 60_000 } },
  });
  try {
    await waitFor("the crash loop", () => h.host.phase("dud") === "crash-loop", 15_000);
    const status = h.host.status("dud");
    assert.equal(status.health, "disabled");
    assert.match(status.lastError, /^disabled: crash loop \(4 crashes within 1 min\); next start in 60 s; last: .*before its handshake/);
    assert.equal(status.restarts, 3);
    assert.ok(h.entries.some((e) => e.provider === "dud" && e.msg === "fake: fault exit-at-start: exiting before the handshake"));
    assert.equal(h.entries.filter((e) => e.provider === "dud" && e.msg === "provider serving").length, 0);
    assert.equal(h.host.status("ok").health, "serving", "the other provider is untouched");
    assert.equal(await codeOf(h.host.get("dud").listInstances()), "unavailable");
  } finally {
    await h.close();
  }
});

t.run();
