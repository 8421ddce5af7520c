import { context, propagation, ROOT_CONTEXT, type Context, type TextMapGetter, type TextMapSetter } from "@opentelemetry/api";
import type { Metadata } from "@grpc/grpc-js";
import { tracingOn } from "./tracing.js";

/**
 * The trace context across gRPC calls, as W3C traceparent/tracestate
 * metadata: the scheduler injects it into every plugin call, plugins and the
 * API extract it. Nothing happens while tracing is off.
 */
const setter: TextMapSetter<Metadata> = {
  set: (carrier, key, value) => carrier.set(key, value),
};

const getter: TextMapGetter<Metadata> = {
  get: (carrier, key) => {
    const values = carrier.get(key).map(String);
    return values.length === 0 ? undefined : values.length === 1 ? values[0] : values;
  },
  keys: (carrier) => Object.keys(carrier.getMap()),
};

/** Adds the active trace context to outgoing metadata. */
export function injectTraceContext(metadata: Metadata, ctx: Context = context.active()): void {
  if (tracingOn()) propagation.inject(ctx, metadata, setter);
}

/** The trace context an incoming call carries (ROOT_CONTEXT if none, or tracing is off). */
export function extractTraceContext(metadata: Metadata): Context {
  return tracingOn() ? propagation.extract(ROOT_CONTEXT, metadata, getter) : ROOT_CONTEXT;
}

/** Runs fn in the trace context of an incoming call. */
export function withIncomingTraceContext<T>(metadata: Metadata, fn: () => T): T {
  return tracingOn() ? context.with(extractTraceContext(metadata), fn) : fn();
}
