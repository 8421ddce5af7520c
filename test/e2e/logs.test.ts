import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import {
  ClaimState,
  Outcome,
  type CancelClaimResponse,
  type ReleaseLeaseResponse,
  type RenewLeaseResponse,
} from "../../gen/ts/standby/v1/standby.js";
import { generateEd25519Key } from "../../common/ssh-keys.js";
import { createLogger } from "../../common/log.js";
import { flushTracing, startTelemetry, type Telemetry } from "../../server/telemetry/index.js";
import { call, eventually, startCluster, type Cluster } from "../lib/cluster.js";
import { suite } from "../lib/harness.js";
import { startOtlpReceiver, type OtlpReceiver } from "../lib/otlp-receiver.js";
import { create, labels, readyCount } from "./helpers.js";

/**
 * A full run at debug level, tracing on, then every log line (the
 * scheduler's and, through it, the plugins' stderr) and every exported span
 * is searched for the secrets the run handled: provider credentials, the
 * plugins' per-start secrets, claim and lease tokens, the token key, the
 * scheduler's private SSH key.
 */
const secrets = {
  eastApiKey: `east-api-key-${Math.random().toString(36).slice(2)}`,
  eastPassword: `east-password-${Math.random().toString(36).slice(2)}`,
  westToken: `west-token-${Math.random().toString(36).slice(2)}`,
};

const config = {
  providers: [
    {
      name: "east",
      plugin: "fake",
      priority: 10,
      secrets: { apiKey: secrets.eastApiKey, password: secrets.eastPassword },
      settings: { bootErrorRate: 1, bootErrorCode: "resource-exhausted" },
    },
    { name: "west", plugin: "fake", secrets: { token: secrets.westToken }, settings: { bootLatencyMs: 50 } },
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

const t = suite("logs", { timeoutMs: 120_000 });

let receiver: OtlpReceiver;
let telemetry: Telemetry;
let c: Cluster;
const lines: string[] = [];

t.before(async () => {
  receiver = await startOtlpReceiver();
  Object.assign(process.env, {
    STANDBY_LOG_LEVEL: "debug",
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    OTEL_BSP_SCHEDULE_DELAY: "100",
  });
  const stream = new PassThrough();
  stream.setEncoding("utf8");
  let rest = "";
  stream.on("data", (chunk: string) => {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop() ?? "";
    lines.push(...parts.filter((l) => l !== ""));
  });
  const logger = createLogger({ level: "trace", destination: stream });
  telemetry = await startTelemetry({ logger });
  c = await startCluster({ config, telemetry, logger, access: true });
});

t.after(async () => {
  await c?.close();
  await telemetry?.close();
  await receiver?.close();
});

t("a full run's logs and spans hold no credential, token or private key, and plugin lines name their provider", async () => {
  // Plugins' per-start secrets, from their environment.
  const pluginSecrets = await Promise.all(
    ["east", "west"].map(async (name) => {
      const environ = await readFile(`/proc/${c.host.status(name).pid}/environ`, "utf8");
      const secret = environ
        .split("\0")
        .find((e) => e.startsWith("STANDBY_PLUGIN_SECRET="))
        ?.slice("STANDBY_PLUGIN_SECRET=".length);
      assert.ok(secret && secret.length > 20, `${name}'s per-start secret`);
      return secret;
    }),
  );
  await eventually("a ready noble node", async () => readyCount(await labels(c), "noble") === 1);

  // Served after the first provider failed; renewed; released.
  const jammy = await create(c, { labelExpressions: ["jammy"], waitTimeoutSeconds: 30 });
  assert.equal(jammy.claim?.state, ClaimState.CLAIM_STATE_FULFILLED);
  await call<RenewLeaseResponse>((cb) => c.client.renewLease({ leaseToken: jammy.leaseToken, ttlSeconds: 120 }, cb));
  await call<ReleaseLeaseResponse>((cb) =>
    c.client.releaseLease({ leaseToken: jammy.leaseToken, outcome: Outcome.OUTCOME_FAILURE, holdSeconds: 0, holdReason: "" }, cb),
  );
  // A claimer's key cannot be handed over to a fake node (no SSH there): failures, requeues, a cancel.
  const claimer = generateEd25519Key("claimer");
  const keyed = await create(c, { labelExpressions: ["noble"], sshPublicKeys: [claimer.publicKey], wait: true, waitTimeoutSeconds: 2 });
  await call<CancelClaimResponse>((cb) => c.client.cancelClaim({ claimToken: keyed.claimToken }, cb));
  const timeline = (await c.scheduler.claimTimeline({ claimToken: keyed.claimToken })).entries.map((e) => e.kind);
  assert.ok(timeline.includes("handover-failed"), `the failed hand-overs are in the claim's timeline: ${timeline.join(", ")}`);
  assert.equal(timeline.at(-1), "cancelled");
  // A bad token, refused.
  await assert.rejects(
    call((cb) =>
      c.client.releaseLease({ leaseToken: `${jammy.leaseToken}x`, outcome: Outcome.OUTCOME_SUCCESS, holdSeconds: 0, holdReason: "" }, cb),
    ),
  );
  // A plugin killed and restarted.
  process.kill(c.host.status("west").pid, "SIGKILL");
  await eventually("west restarted", () => c.host.status("west").restarts === 1 && c.host.status("west").health === "serving");
  await flushTracing();
  await new Promise((resolve) => setTimeout(resolve, 500));

  const privateKey = await readFile(join(c.dir, "scheduler_ed25519"), "utf8");
  const keyBody = privateKey.split("\n").filter((l) => l && !l.startsWith("-----"));
  const tokenKey = (await c.store.getMeta("token-key")) ?? "";
  const forbidden: Record<string, string> = {
    ...secrets,
    tokenKey,
    eastPluginSecret: pluginSecrets[0] as string,
    westPluginSecret: pluginSecrets[1] as string,
    jammyClaimToken: jammy.claimToken,
    jammyLeaseToken: jammy.leaseToken,
    keyedClaimToken: keyed.claimToken,
    claimerPrivateKey: claimer.privateKey.split("\n")[1] ?? "",
    ...Object.fromEntries(keyBody.map((l, i) => [`schedulerKeyLine${i}`, l])),
  };
  assert.ok(tokenKey.length > 20 && keyBody.length > 0);

  const logText = lines.join("\n");
  const spanText = JSON.stringify(receiver.spans);
  if (process.env.DUMP_LOGS) console.error(logText);
  assert.ok(lines.length > 40, `a full run logs plenty (${lines.length} lines)`);
  assert.ok(receiver.spans.length > 20, `and exports spans (${receiver.spans.length})`);
  for (const [what, value] of Object.entries(forbidden)) {
    assert.ok(value.length >= 16, `${what} is long enough to search for`);
    assert.ok(!logText.includes(value), `${what} appears in the logs`);
    assert.ok(!spanText.includes(value), `${what} appears in an exported span`);
  }

  // Every line is JSON; every line a plugin wrote says which provider it is.
  const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const fromPlugins = entries.filter((e) => e.stream === "stderr");
  assert.ok(fromPlugins.length >= 4, `plugins' stderr is in the log (${fromPlugins.length} lines)`);
  for (const e of fromPlugins)
    assert.ok(e.provider === "east" || e.provider === "west", `plugin line without its provider: ${JSON.stringify(e)}`);
  assert.ok(fromPlugins.some((e) => e.provider === "east") && fromPlugins.some((e) => e.provider === "west"));
  // Lines written inside a trace carry its ids.
  const traced = entries.filter((e) => typeof e.trace_id === "string");
  assert.ok(traced.length > 0, "log lines carry trace ids");
  for (const e of traced) assert.match(`${String(e.trace_id)} ${String(e.span_id)}`, /^[0-9a-f]{32} [0-9a-f]{16}$/);
  assert.ok(
    entries.some((e) => e.msg === "hand-over failed; the claim waits for another node"),
    "the hand-over failures were logged",
  );
});

t.run();
