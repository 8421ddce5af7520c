import { context, SpanStatusCode, trace, type Context, type Span, type SpanOptions, type Tracer } from "@opentelemetry/api";
import type { IdGenerator, SpanExporter } from "@opentelemetry/sdk-trace-base";
import { setLogContext, type Logger } from "./log.js";
import { tracingSettings, type TracingSettings } from "./otel-env.js";

/**
 * Tracing for the process (the scheduler, or a plugin): set up once, from
 * the OTEL_* environment (otel-env.ts). Off, nothing is loaded and every
 * span is the API's no-op, which costs next to nothing; on, spans go through
 * a batch processor to the chosen exporters, the W3C trace context is the
 * propagation format (gRPC metadata to the plugins), and every log line
 * carries the current trace_id and span_id.
 *
 * A span can be started with ids chosen by the caller (startRootSpanWithIds):
 * the scheduler derives a claim's trace and root span ids from its id.
 */
interface State {
  provider: { forceFlush(): Promise<void>; shutdown(): Promise<void> };
  ids: ForcedIds;
  exporters: string[];
}

let state: State | undefined;
let starting: Promise<State | undefined> | undefined;

export const TRACER_NAME = "standby";

export interface TracingOptions {
  /** service.name unless OTEL_SERVICE_NAME says otherwise (or, with forceServiceName, always). */
  serviceName: string;
  forceServiceName?: boolean;
  serviceVersion?: string;
  /** More resource attributes (e.g. the plugin's name). */
  attributes?: Record<string, string>;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Spans go here instead of the exporters the environment names (tests). */
  exporter?: SpanExporter;
}

/** Starts tracing if the environment asks for it (once per process); true if it is on. */
export async function startTracing(opts: TracingOptions): Promise<boolean> {
  starting ??= setUp(opts);
  return (await starting) !== undefined;
}

export function tracingOn(): boolean {
  return state !== undefined;
}

/** Exports what has finished so far. */
export async function flushTracing(): Promise<void> {
  await state?.provider.forceFlush();
}

/** Flushes and stops; spans after this are dropped. */
export async function stopTracing(): Promise<void> {
  const s = state;
  if (!s) return;
  await s.provider.shutdown();
}

export function tracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

/**
 * Starts a root span with the given ids instead of random ones (a claim's
 * root span gets ids derived from the claim, see server/telemetry/claim-ids.ts);
 * with tracing off, an ordinary (no-op) root span.
 */
export function startRootSpanWithIds(ids: { traceId: string; spanId: string }, name: string, options: SpanOptions): Span {
  const t = tracer();
  if (!state) return t.startSpan(name, { ...options, root: true });
  return state.ids.with(ids, () => t.startSpan(name, { ...options, root: true }, context.active()));
}

/**
 * Runs fn in a new child span of the active context, which it may annotate;
 * a throw sets the span's status to error. The span ends when fn settles.
 */
export async function inSpan<T>(name: string, options: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  const span = tracer().startSpan(name, options);
  try {
    return await context.with(trace.setSpan(context.active(), span), () => fn(span));
  } catch (err) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
    throw err;
  } finally {
    span.end();
  }
}

/** The context with span active. */
export function withSpan(span: Span, parent: Context = context.active()): Context {
  return trace.setSpan(parent, span);
}

/**
 * Random ids, except for one span started under with(): a claim's root span
 * gets the claim's ids. The tracer asks for the span id, then (for a root)
 * the trace id, synchronously inside startSpan.
 */
class ForcedIds implements IdGenerator {
  private forced: { traceId: string; spanId: string; spanTaken: boolean } | undefined;

  constructor(private readonly random: IdGenerator) {}

  with<T>(ids: { traceId: string; spanId: string }, fn: () => T): T {
    this.forced = { ...ids, spanTaken: false };
    try {
      return fn();
    } finally {
      this.forced = undefined;
    }
  }

  generateSpanId(): string {
    const f = this.forced;
    if (f && !f.spanTaken) {
      f.spanTaken = true;
      return f.spanId;
    }
    return this.random.generateSpanId();
  }

  generateTraceId(): string {
    const f = this.forced;
    if (f) {
      this.forced = undefined;
      return f.traceId;
    }
    return this.random.generateTraceId();
  }
}

async function setUp(opts: TracingOptions): Promise<State | undefined> {
  const env = opts.env ?? process.env;
  const settings: TracingSettings = tracingSettings(env);
  for (const warning of settings.warnings) opts.logger?.warn(warning);
  if (settings.exporters.length === 0 && !opts.exporter) return undefined;

  // Loaded only when tracing is on: they cost a few hundred milliseconds at start.
  const base = await import("@opentelemetry/sdk-trace-base");
  const { AsyncLocalStorageContextManager } = await import("@opentelemetry/context-async-hooks");
  const { W3CTraceContextPropagator, W3CBaggagePropagator, CompositePropagator } = await import("@opentelemetry/core");
  const { resourceFromAttributes, detectResources, envDetector } = await import("@opentelemetry/resources");
  const { propagation } = await import("@opentelemetry/api");

  const exporters: SpanExporter[] = [];
  if (opts.exporter) exporters.push(opts.exporter);
  for (const name of settings.exporters) {
    if (name === "console") exporters.push(new base.ConsoleSpanExporter());
    if (name === "otlp") {
      const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-http");
      // Endpoint, headers and timeout come from OTEL_EXPORTER_OTLP_(TRACES_)* itself.
      exporters.push(new OTLPTraceExporter() as unknown as SpanExporter);
    }
  }
  const ours = resourceFromAttributes({
    "service.name": opts.serviceName,
    ...(opts.serviceVersion ? { "service.version": opts.serviceVersion } : {}),
    ...opts.attributes,
  });
  const fromEnv = detectResources({ detectors: [envDetector] });
  const resource = opts.forceServiceName ? fromEnv.merge(ours) : ours.merge(fromEnv);
  const ids = new ForcedIds(new base.RandomIdGenerator());
  const provider = new base.BasicTracerProvider({
    resource,
    idGenerator: ids,
    spanProcessors: exporters.map((e) => new base.BatchSpanProcessor(e, settings.batch)),
  });
  const contextManager = new AsyncLocalStorageContextManager();
  contextManager.enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  trace.setGlobalTracerProvider(provider);
  setLogContext((): Record<string, string> => {
    const span = trace.getSpan(context.active());
    if (!span) return {};
    const sc = span.spanContext();
    return { trace_id: sc.traceId, span_id: sc.spanId };
  });
  state = { provider, ids, exporters: [...settings.exporters, ...(opts.exporter ? ["custom"] : [])] };
  opts.logger?.info({ exporters: state.exporters }, "tracing is on");
  return state;
}
