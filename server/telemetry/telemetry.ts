import type { Logger } from "../../common/log.js";
import type { NodeAccess } from "../core/node-access.js";
import { NOOP_OBSERVER, type SchedulerObserver } from "../core/observer.js";
import type { ProviderRegistry } from "../../common/provider.js";
import { ClaimTracer } from "./claim-tracer.js";
import { fanOut } from "./fan-out.js";
import { startMetrics, type MetricsEndpoint, type MetricsSources } from "./metrics.js";
import type { ImageMetrics } from "../scheduler/images/metrics.js";
import { TracedNodeAccess } from "./traced-access.js";
import { TracedRegistry } from "./traced-provider.js";
import { flushTracing, startTracing } from "../../common/tracing.js";

export interface TelemetryOptions {
  logger: Logger;
  /** HOST:PORT for the Prometheus endpoint; none: no metrics. */
  metrics?: string | undefined;
  serviceVersion?: string;
  /** Defaults to process.env (the OTEL_* variables). */
  env?: NodeJS.ProcessEnv;
}

/**
 * The scheduler's traces and metrics, wired around its interfaces: an
 * observer for the scheduler, decorators for the provider registry and node
 * access. With neither on, every part is the identity or a no-op.
 */
export interface Telemetry {
  readonly observer: SchedulerObserver;
  readonly tracing: boolean;
  /** Where metrics are served (HOST:PORT), if they are. */
  readonly metricsAddress: string | undefined;
  /** The recorder for the image service (SchedulerDeps.imageMetrics), when metrics are on. */
  readonly imageMetrics: ImageMetrics | undefined;
  /** The registry with every provider call traced and counted. */
  providers(registry: ProviderRegistry): ProviderRegistry;
  access(access: NodeAccess): NodeAccess;
  /** What the gauges read at scrape time. */
  watch(sources: MetricsSources): void;
  /** Exports what is pending and stops the metrics endpoint. */
  close(): Promise<void>;
}

export async function startTelemetry(opts: TelemetryOptions): Promise<Telemetry> {
  const tracing = await startTracing({
    serviceName: "standby",
    logger: opts.logger,
    ...(opts.serviceVersion ? { serviceVersion: opts.serviceVersion } : {}),
    ...(opts.env ? { env: opts.env } : {}),
  });
  let endpoint: MetricsEndpoint | undefined;
  if (opts.metrics) endpoint = await startMetrics(opts.metrics, opts.logger);
  const metrics = endpoint?.metrics;
  const observers: SchedulerObserver[] = [];
  if (tracing) observers.push(new ClaimTracer());
  if (metrics) observers.push(metrics);
  const observer = observers.length === 0 ? NOOP_OBSERVER : fanOut(observers);
  return {
    observer,
    tracing,
    metricsAddress: endpoint?.address,
    imageMetrics: metrics,
    providers: (registry) => (tracing || metrics ? new TracedRegistry(registry, { tracing, recorder: metrics }) : registry),
    access: (access) => (tracing ? new TracedNodeAccess(access) : access),
    watch: (sources) => metrics?.watch(sources),
    async close() {
      await endpoint?.close();
      await flushTracing();
    },
  };
}
