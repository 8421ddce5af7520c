import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { context, trace } from "@opentelemetry/api";
import { ClaimState, type CreateClaimResponse } from "../../gen/ts/standby/v1/standby.js";
import { generateEd25519Key } from "../../common/ssh-keys.js";
import { isCode } from "../../common/errors.js";
import { createLogger } from "../../common/log.js";
import { claimIds, flushTracing, startTelemetry, tracer, type Telemetry } from "../../server/telemetry/index.js";
import { call, eventually, startCluster, type Cluster } from "../lib/cluster.js";
import { suite } from "../lib/harness.js";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "../lib/otlp-receiver.js";
import { parsePrometheus, sampleValue } from "../lib/prometheus.js";

/**
 * A claim's trace end to end, through a real OTLP/HTTP receiver: the
 * scheduler (this process) and the fake plugins (child processes, which
 * inherit the OTEL_* settings) export to it. The preferred provider's cloud
 * refuses the boot (quota); the claim is then served by the other one.
 */
const QUOTA = "Quota exceeded for instances: Requested 1, but already used 10 of 10 instances";

const config = {
  providers: [
    {
      name: "east",
      plugin: "fake",
      priority: 10,
      settings: { bootErrorRate: 1, bootErrorCode: "resource-exhausted", bootErrorMessage: QUOTA },
    },
    { name: "west", plugin: "fake", settings: { bootLatencyMs: 100 } },
  ],
  labels: [{ name: "jammy", tags: ["ubuntu"], minReady: 0 }],
  // The image is looked up at each launch (the newest of the cloud's images of that name).
  templates: [
    { label: "jammy", provider: "east", imageSelector: { name: "ubuntu-jammy" }, flavor: "small", readyCheck: false },
    { label: "jammy", provider: "west", imageSelector: { name: "ubuntu-jammy" }, flavor: "small", readyCheck: false },
  ],
};

const t = suite("tracing end to end", { timeoutMs: 90_000 });

let receiver: OtlpReceiver;
let telemetry: Telemetry;
let cluster: Cluster;
const logLines: Record<string, unknown>[] = [];

t.before(async () => {
  receiver = await startOtlpReceiver();
  Object.assign(process.env, {
    OTEL_TRACES_EXPORTER: "otlp",
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_BSP_SCHEDULE_DELAY: "100",
  });
  const stream = new PassThrough();
  stream.setEncoding("utf8");
  let rest = "";
  stream.on("data", (chunk: string) => {
    const lines = (rest + chunk).split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) if (line) logLines.push(JSON.parse(line) as Record<string, unknown>);
  });
  const logger = createLogger({ level: "debug", destination: stream });
  telemetry = await startTelemetry({ logger, metrics: "127.0.0.1:0" });
  cluster = await startCluster({ config, telemetry, logger });
});

t.after(async () => {
  await cluster?.close();
  await telemetry?.close();
  await receiver?.close();
});

const byName = (spans: ReceivedSpan[], name: string) => spans.filter((s) => s.name === name);

t(
  "a claim whose first provider's cloud refuses the boot is one trace: claim → launch → provider.boot → the plugin's spans with the cloud's error, then the retry elsewhere",
  async () => {
    assert.ok(telemetry.tracing, "tracing is on from the OTEL_* settings");
    const res = await call<CreateClaimResponse>((cb) =>
      cluster.client.createClaim(
        {
          labelExpressions: ["jammy"],
          requester: "ci",
          jobName: "build",
          priority: 0,
          leaseTtlSeconds: 0,
          sshPublicKeys: [],
          requestId: "",
          wait: true,
          waitTimeoutSeconds: 60,
        },
        cb,
      ),
    );
    const claim = res.claim;
    assert.equal(claim?.state, ClaimState.CLAIM_STATE_FULFILLED);
    assert.equal(claim?.nodes[0]?.provider, "west");
    const traceId = claimIds(claim.id).traceId;
    assert.equal(claim.traceId, traceId, "the API returns the claim's trace id");
    assert.match(traceId, /^[0-9a-f]{32}$/);

    await flushTracing();
    const spans = await eventually(
      "the plugins' spans of both boots",
      () => {
        const mine = receiver.spans.filter((s) => s.traceId === traceId);
        const cloud = mine.filter((s) => s.name === "fake-cloud POST /v2/servers");
        return cloud.length >= 2 && byName(mine, "claim").length === 1 ? mine : undefined;
      },
      30_000,
      100,
    );
    if (process.env.DUMP_SPANS)
      for (const s of spans)
        console.error(s.service, s.name, s.spanId, "<-", s.parentSpanId, s.status, JSON.stringify(s.attributes).slice(0, 200));
    assert.ok(
      receiver.contentTypes.every((ct) => ct.includes("application/json")),
      "OTLP over HTTP with JSON bodies",
    );
    const byId = new Map(spans.map((s) => [s.spanId, s]));

    const [root] = byName(spans, "claim");
    assert.ok(root);
    assert.equal(root.parentSpanId, "", "the claim span is the trace's root");
    assert.equal(root.spanId, claimIds(claim.id).spanId);
    assert.equal(root.service, "standby");
    assert.equal(root.attributes["standby.claim.id"], claim.id);
    assert.equal(root.status.code, 1, "fulfilled: ok");
    const allocations = byName(spans, "allocate").filter((a) => a.parentSpanId === root.spanId);
    assert.deepEqual(
      allocations.map((a) => a.attributes["standby.allocate.fulfilled"]).sort(),
      [false, true],
      "the first try and the fulfilling allocation are children of the claim",
    );

    const launches = byName(spans, "launch").sort(
      (a, b) => Number(a.attributes["standby.launch.attempt"]) - Number(b.attributes["standby.launch.attempt"]),
    );
    assert.equal(launches.length, 2, "two launch attempts");
    const [first, second] = launches as [ReceivedSpan, ReceivedSpan];
    for (const l of launches) assert.equal(l.parentSpanId, root.spanId, "launch attempts are children of the claim");
    assert.deepEqual([first.attributes["standby.provider"], first.attributes["standby.launch.attempt"]], ["east", 1]);
    assert.deepEqual([second.attributes["standby.provider"], second.attributes["standby.launch.attempt"]], ["west", 2]);
    assert.equal(first.attributes["standby.label"], "jammy");
    assert.match(String(first.attributes["standby.node.id"]), /^n-/);
    assert.equal(first.status.code, 2);
    assert.match(first.status.message, /^resource-exhausted: .*Quota exceeded/);
    assert.equal(second.status.code, 1);
    const resolve = byName(spans, "image.resolve").find((s) => s.parentSpanId === first.spanId);
    assert.ok(resolve, "image resolution is a step of the launch");
    assert.equal(resolve.attributes["standby.image.resolved"], "ubuntu-jammy");
    assert.ok(
      byName(spans, "provider.listImages").some((s) => s.parentSpanId === resolve.spanId),
      "it asked the cloud for its images",
    );

    // The refused boot: the scheduler's client span, then the plugin's own spans under it.
    const boots = byName(spans, "provider.boot");
    const failedBoot = boots.find((b) => b.parentSpanId === first.spanId);
    assert.ok(failedBoot, "provider.boot is a child of the first launch");
    assert.equal(failedBoot.service, "standby");
    assert.equal(failedBoot.kind, 3, "a client span");
    assert.equal(failedBoot.attributes["standby.provider"], "east");
    assert.equal(failedBoot.attributes["standby.node.id"], first.attributes["standby.node.id"]);
    assert.equal(failedBoot.attributes["rpc.grpc.status_code"], 8, "RESOURCE_EXHAUSTED");
    assert.equal(failedBoot.status.code, 2);
    assert.equal(
      failedBoot.status.message,
      `resource-exhausted: ${QUOTA} (HTTP 403, simulated: bootErrorRate)`,
      "the status carries the code and the cloud's message",
    );

    const pluginBoot = spans.find((s) => s.parentSpanId === failedBoot.spanId);
    assert.ok(pluginBoot, "the plugin continues the scheduler's trace");
    assert.equal(pluginBoot.service, "standby-plugin-fake");
    assert.equal(pluginBoot.name, "standby.provider.v1.ProviderService/Boot");
    assert.equal(pluginBoot.kind, 2, "a server span");
    assert.equal(pluginBoot.attributes["standby.provider"], "east");
    assert.equal(pluginBoot.status.code, 2);
    const cloudCall = spans.find((s) => s.parentSpanId === pluginBoot.spanId);
    assert.ok(cloudCall, "the plugin's cloud call is a child of its rpc span");
    assert.equal(cloudCall.name, "fake-cloud POST /v2/servers");
    assert.equal(cloudCall.service, "standby-plugin-fake");
    assert.equal(cloudCall.attributes["http.response.status_code"], 403);
    assert.equal(cloudCall.status.code, 2);
    const body = cloudCall.events.find((e) => e.name === "cloud error")?.attributes["cloud.error.body"];
    assert.equal(typeof body, "string");
    assert.deepEqual(JSON.parse(String(body)), { error: { code: 403, title: "Forbidden", message: QUOTA } });

    // The retry on the other provider, in the same trace.
    const goodBoot = boots.find((b) => b.parentSpanId === second.spanId);
    assert.ok(goodBoot);
    assert.equal(goodBoot.attributes["standby.provider"], "west");
    assert.notEqual(goodBoot.status.code, 2);
    const goodPlugin = spans.find((s) => s.parentSpanId === goodBoot.spanId);
    assert.equal(goodPlugin?.attributes["standby.provider"], "west");
    assert.ok(
      spans.some(
        (s) =>
          s.name === "fake-cloud POST /v2/servers" &&
          s.parentSpanId === goodPlugin?.spanId &&
          s.attributes["http.response.status_code"] === 202,
      ),
    );

    for (const s of spans) if (s !== root) assert.ok(byId.has(s.parentSpanId), `${s.name} (${s.service}) hangs off a span of this trace`);

    // The scheduler's log line about the refusal carries the same trace.
    const failure = logLines.find((l) => l.msg === "launch failed" && l.provider === "east");
    assert.ok(failure, "the launch failure is logged");
    assert.equal(failure.trace_id, traceId);
    assert.equal(failure.span_id, first.spanId);
  },
);

t("an expected answer (NOT_FOUND for a node without an instance) is not an error on either side", async () => {
  const parent = tracer().startSpan("probe");
  const west = telemetry.providers(cluster.host).get("west");
  await assert.rejects(
    context.with(trace.setSpan(context.active(), parent), () => west.getInstance("n-never-booted")),
    (err) => isCode(err, "not-found"),
  );
  parent.end();
  await flushTracing();
  const traceId = parent.spanContext().traceId;
  const [client, server] = await eventually(
    "the getInstance spans of both sides",
    () => {
      const c = receiver.spans.find((s) => s.traceId === traceId && s.name === "provider.getInstance");
      const s = c && receiver.spans.find((x) => x.parentSpanId === c.spanId);
      return c && s ? ([c, s] as const) : undefined;
    },
    15_000,
    100,
  );
  assert.equal(client.attributes["rpc.grpc.status_code"], 5);
  assert.equal(client.status.code, 0, "scheduler side: status unset");
  assert.equal(server.name, "standby.provider.v1.ProviderService/GetInstance");
  assert.equal(server.attributes["rpc.grpc.status_code"], 5);
  assert.equal(server.status.code, 0, "plugin side: status unset");
});

t(
  "the ready check (over real SSH) is a step of the launch, the claimer's key injection a step of the claim; a failed check is an error and counted",
  async () => {
    const local = await startCluster({
      config: {
        providers: [
          {
            name: "box",
            plugin: "local",
            settings: { addressRange: `127.${60 + Math.floor(Math.random() * 50)}.0.0/24` },
            readyTimeout: "20s",
          },
        ],
        labels: [
          { name: "local", tags: ["linux"], minReady: 0 },
          // Its nodes boot and answer SSH, but their ready script fails.
          { name: "broken", tags: ["linux"], minReady: 1, maxNodes: 1 },
        ],
        templates: [
          { label: "local", provider: "box", image: "base", flavor: "local", readyScript: "true" },
          { label: "broken", provider: "box", image: "base", flavor: "local", readyScript: "echo no mirror >&2; exit 3" },
        ],
      },
      telemetry,
      access: true,
    });
    try {
      const res = await call<CreateClaimResponse>((cb) =>
        local.client.createClaim(
          {
            labelExpressions: ["local"],
            requester: "ci",
            jobName: "",
            priority: 0,
            leaseTtlSeconds: 0,
            sshPublicKeys: [generateEd25519Key("claimer").publicKey],
            requestId: "",
            wait: true,
            waitTimeoutSeconds: 60,
          },
          cb,
        ),
      );
      assert.equal(res.claim?.state, ClaimState.CLAIM_STATE_FULFILLED);
      const traceId = claimIds(res.claim.id).traceId;
      await flushTracing();
      const spans = await eventually("the claim's spans", () => {
        const mine = receiver.spans.filter((s) => s.traceId === traceId);
        return byName(mine, "claim").length === 1 && byName(mine, "ready-check").length === 1 ? mine : undefined;
      });
      const [root] = byName(spans, "claim");
      const [launch] = byName(spans, "launch");
      const [check] = byName(spans, "ready-check");
      assert.ok(root && launch && check);
      assert.equal(launch.parentSpanId, root.spanId);
      assert.equal(check.parentSpanId, launch.spanId, "the ready check is a step of the launch");
      assert.equal(check.attributes["standby.node.id"], launch.attributes["standby.node.id"]);
      assert.notEqual(check.status.code, 2);
      const inject = byName(spans, "inject-keys")[0];
      assert.equal(inject?.parentSpanId, root.spanId, "the hand-over is a step of the claim");
      assert.equal(inject?.attributes["standby.keys"], 1);

      const failedCheck = await eventually("a failed ready check's span", () =>
        receiver.spans.find((s) => s.name === "ready-check" && s.attributes["standby.label"] === "broken" && s.status.code === 2),
      );
      assert.match(failedCheck.status.message, /no mirror|exit|status 3/i);
      const failedLaunch = receiver.spans.find((s) => s.spanId === failedCheck.parentSpanId);
      assert.equal(failedLaunch?.name, "launch");
      assert.equal(failedLaunch?.attributes["standby.launch.for"], "pool", "a min-ready launch is a trace of its own");
      assert.equal(failedLaunch?.parentSpanId, "");
      assert.match(failedLaunch?.status.message ?? "", /^ready-check: /);
      const scraped = await eventually("the ready-check failure in the metrics", async () => {
        const text = await (await fetch(`http://${telemetry.metricsAddress}/metrics`)).text();
        const { samples } = parsePrometheus(text);
        return (sampleValue(samples, "standby_ready_check_failures_total", { provider: "box", label: "broken" }) ?? 0) >= 1
          ? samples
          : undefined;
      });
      assert.ok(
        (sampleValue(scraped, "standby_launch_failures_total", { provider: "box", label: "broken", reason: "ready-check" }) ?? 0) >= 1,
      );
    } finally {
      await local.close();
    }
  },
);

t.run();
