import { context, INVALID_SPAN_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from "@opentelemetry/api";
import type { Metadata } from "@grpc/grpc-js";
import type { Logger } from "../../common/log.js";
import { extractTraceContext } from "../../common/propagation.js";
import { inSpan, startTracing, tracer, tracingOn } from "../../common/tracing.js";

/**
 * Tracing inside a plugin. The plugin inherits the scheduler's OTEL_*
 * settings and exports its own spans (service.name standby-plugin-<name>)
 * when they ask for it. Every call the scheduler makes carries its trace
 * context in the gRPC metadata, so the plugin's span for the call is a child
 * of the scheduler's provider.<method> span, and spans the plugin makes
 * inside the handler (cloudSpan) are children of that.
 */

/** Starts tracing for the plugin if the environment asks for it; true if on. */
export function startPluginTracing(
  pluginName: string,
  logger: Logger,
  version?: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<boolean> {
  return startTracing({
    env,
    serviceName: `standby-plugin-${pluginName}`,
    // OTEL_SERVICE_NAME is inherited from the scheduler; it names the scheduler.
    forceServiceName: true,
    attributes: { "standby.plugin": pluginName },
    ...(version ? { serviceVersion: version } : {}),
    logger,
  });
}

/** Error codes that are answers of the contract rather than failures, per rpc. */
const EXPECTED: Record<string, readonly number[]> = {
  GetInstance: [5],
  DeleteInstance: [5],
  DeleteImage: [5],
  GetQuota: [12],
  CreateSnapshot: [12],
  GetOperation: [12],
};

/**
 * Runs one rpc's handler in a server span that continues the caller's trace.
 * outcome() turns what fn threw into the gRPC status sent back.
 */
export async function serverSpan<T>(
  method: string,
  metadata: Metadata,
  attributes: Attributes,
  fn: () => Promise<T>,
  statusOf: (err: unknown) => { code?: number | undefined; details?: string | undefined },
): Promise<T> {
  if (!tracingOn()) return fn();
  const parent = extractTraceContext(metadata);
  const span = tracer().startSpan(
    `standby.provider.v1.ProviderService/${method}`,
    {
      kind: SpanKind.SERVER,
      attributes: { "rpc.system": "grpc", "rpc.service": "standby.provider.v1.ProviderService", "rpc.method": method, ...attributes },
    },
    parent,
  );
  try {
    const result = await context.with(trace.setSpan(parent, span), fn);
    span.setAttribute("rpc.grpc.status_code", 0);
    return result;
  } catch (err) {
    const { code = 2, details = "" } = statusOf(err);
    span.setAttribute("rpc.grpc.status_code", code);
    if (!EXPECTED[method]?.includes(code)) span.setStatus({ code: SpanStatusCode.ERROR, message: details });
    throw err;
  } finally {
    span.end();
  }
}

/**
 * A span around a call to the cloud's own API, a child of the scheduler's
 * call: record the cloud's request and its answer (status, error body) on
 * it, so a failed boot shows the cloud's own words inside the claim's trace.
 * A throw sets the span's status to error. Costs nothing while tracing is off.
 */
export async function cloudSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
  if (!tracingOn()) return fn(trace.wrapSpanContext(INVALID_SPAN_CONTEXT));
  return inSpan(name, { kind: SpanKind.CLIENT, attributes }, fn);
}
