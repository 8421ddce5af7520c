export { startTelemetry, type Telemetry, type TelemetryOptions } from "./telemetry.js";
export {
  startTracing,
  stopTracing,
  flushTracing,
  tracingOn,
  tracer,
  claimIds,
  claimTraceId,
  TRACER_NAME,
  type TracingOptions,
} from "./tracing.js";
export { tracingSettings, type TracingSettings, type TraceExporterName } from "./otel-env.js";
export { injectTraceContext, extractTraceContext, withIncomingTraceContext } from "./propagation.js";
export { ClaimTracer, ATTR } from "./claim-tracer.js";
export { SchedulerMetrics, startMetrics, type MetricsEndpoint, type MetricsSources } from "./metrics.js";
export { TracedRegistry, TracedProvider, type ProviderCallRecorder } from "./traced-provider.js";
export { TracedNodeAccess } from "./traced-access.js";
export { fanOut } from "./fan-out.js";
