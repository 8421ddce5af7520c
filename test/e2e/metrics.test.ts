import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClaimState, Outcome, type ReleaseLeaseResponse } from "../../gen/ts/standby/v1/standby.js";
import { parseConfig } from "../../server/config/load.js";
import { silentLogger } from "../../common/log.js";
import { startTelemetry, type Telemetry } from "../../server/telemetry/index.js";
import { call, eventually, REPO_ROOT, startCluster, type Cluster } from "../lib/cluster.js";
import { suite } from "../lib/harness.js";
import { parsePrometheus, sampleValue, type Sample } from "../lib/prometheus.js";
import { create, labels, readyCount } from "./helpers.js";

/**
 * A scripted run, then a scrape of the Prometheus endpoint: every count
 * must match what the script did. east's cloud refuses every boot (quota),
 * so the jammy claim is served by west after one failed launch.
 */
const config = {
  providers: [
    { name: "east", plugin: "fake", priority: 10, settings: { bootErrorRate: 1, bootErrorCode: "resource-exhausted" } },
    { name: "west", plugin: "fake" },
  ],
  labels: [
    { name: "jammy", tags: ["ubuntu"], minReady: 0 },
    { name: "noble", tags: ["ubuntu"], minReady: 1 },
  ],
  templates: [
    { label: "jammy", provider: "east", image: "ubuntu-jammy", flavor: "small", readyCheck: false },
    { label: "jammy", provider: "west", image: "ubuntu-jammy", flavor: "small", readyCheck: false },
    { label: "noble", provider: "west", image: "ubuntu-noble", flavor: "small", readyCheck: false },
  ],
};

async function scrape(
  address: string,
): Promise<{ samples: Sample[]; types: Map<string, string>; units: Map<string, string>; text: string }> {
  const res = await fetch(`http://${address}/metrics`);
  assert.equal(res.status, 200);
  const text = await res.text();
  return { ...parsePrometheus(text), text };
}

const t = suite("metrics for operators", { timeoutMs: 180_000 });

let telemetry: Telemetry;
let c: Cluster;

t.before(async () => {
  telemetry = await startTelemetry({ logger: silentLogger, metrics: "127.0.0.1:0" });
  c = await startCluster({ config, telemetry });
});

t.after(async () => {
  await c?.close();
  await telemetry?.close();
});

t("a scrape after a scripted run has the counts of what happened", async () => {
  const address = telemetry.metricsAddress;
  assert.ok(address, "metrics are served");
  await eventually("a ready noble node", async () => readyCount(await labels(c), "noble") === 1);

  const jammy = await create(c, { labelExpressions: ["jammy"], waitTimeoutSeconds: 30 });
  assert.equal(jammy.claim?.state, ClaimState.CLAIM_STATE_FULFILLED);
  assert.equal(jammy.claim?.nodes[0]?.provider, "west");
  const noble = await create(c, { labelExpressions: ["noble"] });
  assert.equal(noble.claim?.state, ClaimState.CLAIM_STATE_FULFILLED);
  const during = (await scrape(address)).samples;
  assert.equal(sampleValue(during, "standby_nodes", { label: "jammy", provider: "west", state: "claimed" }), 1);
  assert.equal(sampleValue(during, "standby_nodes", { label: "noble", provider: "west", state: "claimed" }), 1);
  // The jammy node is deleted; the noble one is kept for diagnosis, then let go by an operator.
  for (const [leaseToken, holdSeconds] of [
    [jammy.leaseToken, 0],
    [noble.leaseToken, 600],
  ] as const) {
    const released = await call<ReleaseLeaseResponse>((cb) =>
      c.client.releaseLease({ leaseToken, outcome: Outcome.OUTCOME_FAILURE, holdSeconds, holdReason: holdSeconds ? "flaky" : "" }, cb),
    );
    assert.equal(released.claim?.state, ClaimState.CLAIM_STATE_RELEASED);
  }
  const heldId = noble.claim.nodes[0]?.id ?? "";
  await eventually("the noble node held and the pool refilled", async () => {
    const nodes = await c.store.listNodes();
    return nodes.some((n) => n.id === heldId && n.state === "held") && nodes.some((n) => n.label === "noble" && n.state === "ready");
  });
  const whileHeld = (await scrape(address)).samples;
  assert.equal(
    sampleValue(whileHeld, "standby_nodes", { label: "noble", provider: "west", state: "held" }),
    1,
    "held nodes are a state of the node gauge",
  );
  await c.scheduler.holds.release(heldId, "an operator");
  await eventually("the released nodes gone", async () => {
    const nodes = await c.store.listNodes();
    return nodes.length === 1 && nodes[0]?.label === "noble" && nodes[0].state === "ready";
  });

  // A plugin that dies is restarted: the restart is counted.
  const before = c.host.status("east");
  process.kill(before.pid, "SIGKILL");
  await eventually("east restarted", () => c.host.status("east").restarts === 1 && c.host.status("east").health === "serving");

  const { samples, types, units, text } = await scrape(address);
  const v = (name: string, labels: Record<string, string> = {}) => sampleValue(samples, name, labels);

  // Launches and failures by provider and reason.
  assert.equal(v("standby_launches_total", { provider: "east", label: "jammy" }), 1, "east was tried once, then paused (quota)");
  assert.equal(v("standby_launches_total", { provider: "west", label: "jammy" }), 1);
  assert.equal(v("standby_launches_total", { provider: "west", label: "noble" }), 2, "the first noble and its replacement");
  assert.equal(v("standby_launch_failures_total", { provider: "east", label: "jammy", reason: "resource-exhausted" }), 1);
  assert.equal(v("standby_launch_failures_total", { provider: "west" }), undefined, "west never failed");
  assert.equal(v("standby_ready_check_failures_total"), undefined);
  assert.equal(v("standby_provider_calls_total", { provider: "east", method: "boot", code: "resource-exhausted" }), 1);
  assert.equal(v("standby_provider_calls_total", { provider: "west", method: "boot", code: "ok" }), 3);
  assert.equal(v("standby_provider_call_duration_seconds_count", { provider: "west", method: "boot" }), 3);

  // Claims and their waits: the jammy claim waited for a failed and a good launch, the noble one not at all.
  assert.equal(v("standby_claims_created_total"), 2);
  assert.equal(v("standby_claims_ended_total", { state: "released" }), 2);
  assert.equal(v("standby_claim_wait_seconds_count", { label: "jammy" }), 1);
  assert.equal(v("standby_claim_wait_seconds_count", { label: "noble" }), 1);
  assert.equal(v("standby_claim_wait_seconds_bucket", { label: "noble", le: "0.5" }), 1, "a warm claim waits milliseconds");
  const jammyWait = v("standby_claim_wait_seconds_sum", { label: "jammy" }) ?? 0;
  assert.ok(jammyWait > 0, `the jammy claim waited (${jammyWait} s)`);
  assert.equal(v("standby_claims_queued", { label: "jammy" }), 0);

  // Nodes by label, provider and state; series seen before stay, at 0, instead of vanishing.
  assert.equal(v("standby_nodes", { label: "noble", provider: "west", state: "ready" }), 1);
  assert.equal(v("standby_nodes", { label: "jammy", provider: "west", state: "claimed" }), 0);

  // Plugins: health, circuit, restarts.
  assert.equal(v("standby_plugin_restarts_total", { provider: "east" }), 1);
  assert.equal(v("standby_plugin_restarts_total", { provider: "west" }), 0);
  assert.equal(v("standby_provider_health", { provider: "west", health: "serving" }), 1);
  assert.equal(v("standby_provider_health", { provider: "west", health: "disabled" }), 0);
  assert.equal(v("standby_provider_circuit_state", { provider: "west", state: "closed" }), 1);
  assert.equal(v("standby_provider_circuit_state", { provider: "west", state: "open" }), 0);

  // Holds.
  assert.equal(v("standby_node_holds_total", { provider: "west", label: "noble", source: "release" }), 1);
  assert.equal(v("standby_node_hold_ends_total", { provider: "west", label: "noble", how: "released" }), 1);
  assert.equal(v("standby_nodes", { label: "noble", provider: "west", state: "held" }), 0);

  // Types and units as Prometheus and OpenTelemetry name them.
  assert.equal(types.get("standby_claim_wait_seconds"), "histogram");
  assert.equal(units.get("standby_claim_wait_seconds"), "s");
  assert.equal(types.get("standby_launches_total"), "counter");
  assert.equal(types.get("standby_nodes"), "gauge");
  for (const s of samples) assert.match(s.name, /^(standby_|target_info$)/, `${s.name} is prefixed`);
  assert.doesNotMatch(text, /otel_scope_name/);
});

t("image builds are counted by result and step, and the age of the build each family serves is exported", async () => {
  const own = await startTelemetry({ logger: silentLogger, metrics: "127.0.0.1:0" });
  const doc = (setupScript: string) => ({
    providers: [
      {
        name: "box",
        plugin: "local",
        settings: { addressRange: `127.${100 + Math.floor(Math.random() * 100)}.${Math.floor(Math.random() * 250)}.0/24` },
        readyTimeout: "2m",
        bootTimeout: "2m",
      },
    ],
    labels: [{ name: "cached", tags: ["linux"], minReady: 0 }],
    templates: [{ label: "cached", provider: "box", family: "jammy-cached", flavor: "local" }],
    images: [{ name: "jammy-cached", providers: [{ provider: "box", base: "base", flavor: "local" }], setupScript }],
  });
  const local = await startCluster({ config: doc("echo warm > warm.txt"), telemetry: own, access: true });
  try {
    await local.scheduler.images.build("jammy-cached", "box");
    const first = await eventually(
      "the first build promoted",
      async () => (await local.store.images.listBuilds({ family: "jammy-cached" })).find((b) => b.state === "promoted"),
      120_000,
    );
    local.scheduler.reload(
      parseConfig({ ...doc("echo broken >&2; exit 7"), server: { listen: "127.0.0.1:0", db: "sqlite::memory:", stateDir: local.dir } }),
    );
    await local.scheduler.images.build("jammy-cached", "box");
    await eventually(
      "the second build failed",
      async () => (await local.store.images.listBuilds({ family: "jammy-cached" })).find((b) => b.state === "failed"),
      120_000,
    );
    const { samples } = await scrape(own.metricsAddress ?? "");
    const v = (name: string, labels: Record<string, string> = {}) => sampleValue(samples, name, labels);
    assert.equal(v("standby_image_builds_total", { family: "jammy-cached", provider: "box", result: "promoted", step: "" }), 1);
    assert.equal(v("standby_image_builds_total", { family: "jammy-cached", provider: "box", result: "failed", step: "setup" }), 1);
    assert.equal(v("standby_image_build_duration_seconds_count", { family: "jammy-cached", provider: "box", result: "promoted" }), 1);
    const age = v("standby_image_build_age_seconds", { family: "jammy-cached", provider: "box" });
    assert.ok(age !== undefined && age >= 0 && age < (Date.now() - first.promotedAt) / 1000 + 1, `the served build's age (${age} s)`);
  } finally {
    await local.close();
    await own.close();
  }
});

t("the metrics address is a config key, checked when the configuration is read", () => {
  const base = { providers: [{ name: "p", plugin: "fake" }], labels: [{ name: "l" }] };
  assert.equal(parseConfig({ ...base, server: { metrics: "127.0.0.1:9464" } }).server.metrics, "127.0.0.1:9464");
  assert.equal(parseConfig(base).server.metrics, undefined, "no metrics unless asked for");
  assert.throws(() => parseConfig({ ...base, server: { metrics: "9464" } }), /server\.metrics: use HOST:PORT/);
});

t("serve --metrics HOST:PORT serves them from the real scheduler", async () => {
  const dir = await mkdtemp(join(tmpdir(), "standby-metrics-"));
  const file = join(dir, "standby.yaml");
  await writeFile(
    file,
    `server: { listen: "127.0.0.1:0", db: "sqlite:standby.db", stateDir: "." }
providers: [{ name: p, plugin: fake, settings: { stateFile: p.json } }]
labels: [{ name: l, minReady: 1 }]
templates: [{ label: l, provider: p, image: ubuntu-jammy, flavor: small, readyCheck: false }]
`,
  );
  const child = spawn(
    process.execPath,
    [join(REPO_ROOT, "dist/clients/cli/main.js"), "serve", "--config", file, "--metrics", "127.0.0.1:0"],
    {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, STANDBY_LOG_LEVEL: "warn" },
    },
  );
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  try {
    const address = await eventually("the metrics address on stderr", () => /metrics at http:\/\/(\S+)\/metrics/.exec(stderr)?.[1]);
    const samples = await eventually("a ready node in the metrics", async () => {
      const s = (await scrape(address)).samples;
      return sampleValue(s, "standby_nodes", { label: "l", provider: "p", state: "ready" }) === 1 ? s : undefined;
    });
    assert.equal(sampleValue(samples, "standby_provider_health", { provider: "p", health: "serving" }), 1);
    assert.equal((await fetch(`http://${address}/nope`)).status, 404);
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
    await rm(dir, { recursive: true, force: true });
  }
});

t.run();
