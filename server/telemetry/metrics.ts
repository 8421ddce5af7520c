import { createServer, type Server } from "node:http";
import type { Counter, Histogram, Meter, ObservableCounter, ObservableGauge } from "@opentelemetry/api";
import { StandbyError } from "../../common/errors.js";
import type { Logger } from "../../common/log.js";
import type { AllocationOutcome, SchedulerObserver } from "../core/observer.js";
import type { CircuitState, ProviderHealth, ProviderStatus } from "../../common/provider.js";
import type { ClaimRecord, NodeCount, NodeRecord } from "../core/store.js";
import type { ImageMetrics } from "../scheduler/images/metrics.js";
import type { ProviderCallRecorder } from "./traced-provider.js";

/** What the gauges read when Prometheus scrapes. */
export interface MetricsSources {
  countNodes(): Promise<NodeCount[]>;
  providers(): ProviderStatus[];
  /** Queued claims per label (a claim that several labels can serve counts under each). */
  queuedClaims(): { label: string; count: number }[];
  /** The build each image family serves per provider, and when it was promoted. */
  currentBuilds(): { family: string; provider: string; promotedAt: number }[];
}

const HEALTHS: readonly ProviderHealth[] = ["serving", "starting", "not-serving", "disabled"];
const CIRCUITS: readonly CircuitState[] = ["closed", "open", "half-open"];

/** Seconds a claim may wait: from a warm hand-out (milliseconds) to a slow cloud boot (an hour). */
const WAIT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600];
const CALL_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const BUILD_BUCKETS = [30, 60, 120, 300, 600, 900, 1200, 1800, 2700, 3600, 7200];

/**
 * standby's metrics (OpenTelemetry instruments, exposed for Prometheus; the
 * list with meanings is in docs/operations.md). Counters and histograms are
 * fed by the scheduler through SchedulerObserver and by the provider
 * decorator; gauges read their sources at scrape time.
 */
export class SchedulerMetrics implements SchedulerObserver, ProviderCallRecorder, ImageMetrics {
  private readonly claimsCreated: Counter;
  private readonly claimsEnded: Counter;
  private readonly claimWait: Histogram;
  private readonly launches: Counter;
  private readonly launchFailures: Counter;
  private readonly attemptFailures: Counter;
  private readonly readyCheckFailures: Counter;
  private readonly providerCalls: Counter;
  private readonly providerCallDuration: Histogram;
  private readonly imageBuilds: Counter;
  private readonly imageBuildDuration: Histogram;
  private readonly holds: Counter;
  private readonly holdEnds: Counter;
  private readonly nodes: ObservableGauge;
  private readonly queued: ObservableGauge;
  private readonly health: ObservableGauge;
  private readonly circuit: ObservableGauge;
  private readonly restarts: ObservableCounter;
  private readonly imageAge: ObservableGauge;
  /** Node series seen before, reported as 0 once empty instead of vanishing. */
  private readonly seenNodes = new Map<string, { label: string; provider: string; state: string }>();
  private readonly seenQueued = new Set<string>();

  constructor(private readonly meter: Meter) {
    const m = meter;
    this.claimsCreated = m.createCounter("standby_claims_created", { description: "Claims accepted.", unit: "{claim}" });
    this.claimsEnded = m.createCounter("standby_claims_ended", {
      description: "Claims that reached a terminal state, by state (released, expired, cancelled, failed).",
      unit: "{claim}",
    });
    this.claimWait = m.createHistogram("standby_claim_wait_seconds", {
      description: "Time from a claim's creation to its fulfilment, by the label of the node that served it.",
      unit: "s",
      advice: { explicitBucketBoundaries: WAIT_BUCKETS },
    });
    this.launches = m.createCounter("standby_launches", { description: "Node launches started, by provider and label.", unit: "{launch}" });
    this.launchFailures = m.createCounter("standby_launch_failures", {
      description:
        "Nodes that failed, by provider, label and reason (resource-exhausted, boot-timeout, instance-error, ready-check, instance-vanished, handover, ...).",
      unit: "{launch}",
    });
    this.attemptFailures = m.createCounter("standby_boot_retries", {
      description: "Boot calls that failed transiently and were retried, by provider, label and reason.",
      unit: "{call}",
    });
    this.readyCheckFailures = m.createCounter("standby_ready_check_failures", {
      description: "Nodes that failed their ready check, by provider and label.",
      unit: "{node}",
    });
    this.providerCalls = m.createCounter("standby_provider_calls", {
      description: "Calls to provider plugins, by provider, method and result code (ok or the error code).",
      unit: "{call}",
    });
    this.providerCallDuration = m.createHistogram("standby_provider_call_duration_seconds", {
      description: "Duration of calls to provider plugins (waits for rate limit and concurrency slots included), by provider and method.",
      unit: "s",
      advice: { explicitBucketBoundaries: CALL_BUCKETS },
    });
    this.imageBuilds = m.createCounter("standby_image_builds", {
      description:
        "Image builds that ended, by family, provider, source (scheduled, requested, post-build, template-cache), result (promoted, failed) and the step that failed.",
      unit: "{build}",
    });
    this.imageBuildDuration = m.createHistogram("standby_image_build_duration_seconds", {
      description: "Duration of image builds, by family, provider and result.",
      unit: "s",
      advice: { explicitBucketBoundaries: BUILD_BUCKETS },
    });
    this.holds = m.createCounter("standby_node_holds", {
      description: "Nodes put on hold for diagnosis, by provider, label and source (release, rule, lease-expired, manual).",
      unit: "{node}",
    });
    this.holdEnds = m.createCounter("standby_node_hold_ends", {
      description: "Holds that ended, by provider, label and how (expired, released).",
      unit: "{node}",
    });
    this.nodes = m.createObservableGauge("standby_nodes", {
      description: "Nodes by label, provider and state (gone excluded; held nodes have state held).",
      unit: "{node}",
    });
    this.queued = m.createObservableGauge("standby_claims_queued", {
      description: "Claims waiting for nodes, by a label that can serve them.",
      unit: "{claim}",
    });
    this.health = m.createObservableGauge("standby_provider_health", {
      description: "1 for the provider's current plugin health (serving, starting, not-serving, disabled), 0 for the others.",
      unit: "1",
    });
    this.circuit = m.createObservableGauge("standby_provider_circuit_state", {
      description: "1 for the provider's current circuit breaker state (closed, open, half-open), 0 for the others.",
      unit: "1",
    });
    this.restarts = m.createObservableCounter("standby_plugin_restarts", {
      description: "Restarts of a provider's plugin process since the scheduler started.",
      unit: "{restart}",
    });
    this.imageAge = m.createObservableGauge("standby_image_build_age_seconds", {
      description: "Time since the build each image family serves on a provider was promoted.",
      unit: "s",
    });
  }

  /** Registers what the gauges read. */
  watch(sources: MetricsSources): void {
    this.meter.addBatchObservableCallback(
      async (result) => {
        const counts = await sources.countNodes();
        const now = new Map<string, number>();
        for (const c of counts) {
          const key = `${c.label}\u0000${c.provider}\u0000${c.state}`;
          now.set(key, (now.get(key) ?? 0) + c.count);
          this.seenNodes.set(key, { label: c.label, provider: c.provider, state: c.state });
        }
        for (const [key, attrs] of this.seenNodes) result.observe(this.nodes, now.get(key) ?? 0, attrs);
        const queued = new Map(sources.queuedClaims().map((q) => [q.label, q.count]));
        for (const label of queued.keys()) this.seenQueued.add(label);
        for (const label of this.seenQueued) result.observe(this.queued, queued.get(label) ?? 0, { label });
        for (const p of sources.providers()) {
          for (const h of HEALTHS) result.observe(this.health, p.health === h ? 1 : 0, { provider: p.name, health: h });
          if (p.circuit) for (const c of CIRCUITS) result.observe(this.circuit, p.circuit === c ? 1 : 0, { provider: p.name, state: c });
          result.observe(this.restarts, p.restarts, { provider: p.name });
        }
        const at = Date.now();
        for (const b of sources.currentBuilds())
          result.observe(this.imageAge, Math.max(0, (at - b.promotedAt) / 1000), { family: b.family, provider: b.provider });
      },
      [this.nodes, this.queued, this.health, this.circuit, this.restarts, this.imageAge],
    );
  }

  providerCall(provider: string, method: string, code: string, seconds: number): void {
    this.providerCalls.add(1, { provider, method, code });
    this.providerCallDuration.record(seconds, { provider, method });
  }

  claimCreated(): void {
    this.claimsCreated.add(1);
  }

  claimLoaded(): void {}
  allocated(_startedAt: number, _results: readonly AllocationOutcome[]): void {}

  claimFulfilled(claim: ClaimRecord, nodes: readonly NodeRecord[]): void {
    const seconds = Math.max(0, claim.fulfilledAt - claim.createdAt) / 1000;
    for (const label of new Set(nodes.map((n) => n.label))) this.claimWait.record(seconds, { label });
  }

  claimRequeued(): void {}

  claimEnded(claim: ClaimRecord): void {
    this.claimsEnded.add(1, { state: claim.state });
  }

  inClaim<T>(_claim: ClaimRecord, fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  detached<T>(fn: () => T): T {
    return fn();
  }

  launchStarted(node: NodeRecord): void {
    this.launches.add(1, { provider: node.provider, label: node.label });
  }

  inLaunch<T>(_node: NodeRecord, fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  attemptFailed(node: NodeRecord, reason: string): void {
    this.attemptFailures.add(1, { provider: node.provider, label: node.label, reason });
  }

  launchFailed(node: NodeRecord, reason: string): void {
    this.launchFailures.add(1, { provider: node.provider, label: node.label, reason });
    if (reason === "ready-check") this.readyCheckFailures.add(1, { provider: node.provider, label: node.label });
  }

  nodeReady(): void {}

  inDelete<T>(_node: NodeRecord, fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  inImageResolution<T>(_what: unknown, fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  /** ImageMetrics: the image service reports every build that ended. */
  buildFinished(event: Parameters<ImageMetrics["buildFinished"]>[0]): void {
    const attrs = { family: event.family, provider: event.provider, result: event.result };
    this.imageBuilds.add(1, { ...attrs, source: event.source, step: event.failedStep });
    this.imageBuildDuration.record(Math.max(0, event.durationMs) / 1000, attrs);
  }

  nodeHeld(node: NodeRecord, source: string): void {
    this.holds.add(1, { provider: node.provider, label: node.label, source });
  }

  holdEnded(node: NodeRecord, how: "expired" | "released"): void {
    this.holdEnds.add(1, { provider: node.provider, label: node.label, how });
  }
}

export interface MetricsEndpoint {
  metrics: SchedulerMetrics;
  /** HOST:PORT the endpoint listens on (the port chosen, if 0 was asked). */
  address: string;
  close(): Promise<void>;
}

/**
 * The Prometheus endpoint: GET /metrics on listen (HOST:PORT; port 0 picks
 * one). The SDK and the exporter are loaded only when metrics are asked for.
 */
export async function startMetrics(listen: string, logger: Logger, serviceName = "standby"): Promise<MetricsEndpoint> {
  const sep = listen.lastIndexOf(":");
  const host = listen.slice(0, sep).replace(/^\[(.*)\]$/, "$1");
  const port = Number(listen.slice(sep + 1));
  if (sep <= 0 || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw StandbyError.invalidArgument("server.metrics", `"${listen}" is not HOST:PORT`);
  }
  const { MeterProvider } = await import("@opentelemetry/sdk-metrics");
  const { PrometheusExporter } = await import("@opentelemetry/exporter-prometheus");
  const { resourceFromAttributes } = await import("@opentelemetry/resources");
  const exporter = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true });
  const provider = new MeterProvider({ resource: resourceFromAttributes({ "service.name": serviceName }), readers: [exporter] });
  const metrics = new SchedulerMetrics(provider.getMeter("standby"));
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && (path === "/metrics" || path === "/")) {
      exporter.getMetricsRequestHandler(req, res);
      return;
    }
    res.statusCode = 404;
    res.end("standby serves its metrics at /metrics\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err) =>
      reject(new StandbyError("unavailable", `cannot serve metrics on ${listen}: ${err.message}`, { cause: err })),
    );
    server.listen(port, host, () => resolve());
  });
  const bound = server.address();
  const address = typeof bound === "object" && bound ? `${host.includes(":") ? `[${host}]` : host}:${bound.port}` : listen;
  logger.info({ address: `http://${address}/metrics` }, "serving Prometheus metrics");
  return {
    metrics,
    address,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await provider.shutdown();
    },
  };
}
