import { context, SpanKind, SpanStatusCode, trace, type Attributes } from "@opentelemetry/api";
import { StandbyError, type ErrorCode } from "../../common/errors.js";
import type { Provider, ProviderRegistry, ProviderStatus } from "../../common/provider.js";
import { callProvider, ProviderWrapper, type ProviderMethod } from "../../common/provider-methods.js";
import { grpcStatusFromCode } from "../../common/status.js";
import { ATTR } from "./claim-tracer.js";
import { tracer } from "../../common/tracing.js";

/** Where provider calls are counted and timed (metrics.ts). */
export interface ProviderCallRecorder {
  providerCall(provider: string, method: string, code: string, seconds: number): void;
}

/**
 * Answers that are part of the contract rather than failures: a node
 * without an instance (asked while it boots, or deleted twice), an image
 * already gone, an optional capability the plugin lacks. Their spans keep an
 * unset status; every other error marks the span as failed.
 */
const EXPECTED: Partial<Record<ProviderMethod, readonly ErrorCode[]>> = {
  getInstance: ["not-found"],
  deleteInstance: ["not-found"],
  deleteImage: ["not-found"],
  getQuota: ["unimplemented"],
  createSnapshot: ["unimplemented"],
  getOperation: ["unimplemented"],
};

const RPC_METHOD: Record<ProviderMethod, string> = {
  describe: "Describe",
  boot: "Boot",
  getInstance: "GetInstance",
  deleteInstance: "DeleteInstance",
  listInstances: "ListInstances",
  listFlavors: "ListFlavors",
  listImages: "ListImages",
  createSnapshot: "CreateSnapshot",
  getOperation: "GetOperation",
  deleteImage: "DeleteImage",
  getQuota: "GetQuota",
};

/**
 * The providers of a registry, each wrapped so that every call is a client
 * span ("provider.boot", …) in the current trace, whose context the plugin
 * host passes to the plugin in the call's metadata, and is counted and timed.
 * Status, names and readiness pass through untouched.
 */
export class TracedRegistry implements ProviderRegistry {
  private readonly wrapped = new Map<string, { inner: Provider; outer: Provider }>();

  constructor(
    private readonly inner: ProviderRegistry,
    private readonly opts: { tracing: boolean; recorder?: ProviderCallRecorder | undefined },
  ) {}

  names(): string[] {
    return this.inner.names();
  }

  get(name: string): Provider {
    const inner = this.inner.get(name);
    const known = this.wrapped.get(name);
    if (known?.inner === inner) return known.outer;
    const outer = new TracedProvider(name, inner, this.opts.tracing, this.opts.recorder);
    this.wrapped.set(name, { inner, outer });
    return outer;
  }

  status(name: string): ProviderStatus {
    return this.inner.status(name);
  }

  onReady(listener: (name: string) => void): void {
    this.inner.onReady(listener);
  }
}

/** What each call's span records of its arguments. */
const ATTRIBUTES: { [M in ProviderMethod]: (...args: Parameters<Provider[M]>) => Attributes } = {
  describe: () => ({}),
  boot: (spec) => ({ [ATTR.nodeId]: spec.nodeId, [ATTR.label]: spec.label, [ATTR.image]: spec.image, "standby.flavor": spec.flavor }),
  getInstance: (nodeId) => ({ [ATTR.nodeId]: nodeId }),
  deleteInstance: (nodeId) => ({ [ATTR.nodeId]: nodeId }),
  listInstances: () => ({}),
  listFlavors: () => ({}),
  listImages: () => ({}),
  createSnapshot: (spec) => ({ [ATTR.nodeId]: spec.nodeId, [ATTR.image]: spec.imageName }),
  getOperation: (id) => ({ "standby.operation.id": id }),
  deleteImage: (imageId) => ({ [ATTR.image]: imageId }),
  getQuota: () => ({}),
};

export class TracedProvider extends ProviderWrapper {
  constructor(
    private readonly name: string,
    private readonly inner: Provider,
    private readonly tracing: boolean,
    private readonly recorder: ProviderCallRecorder | undefined,
  ) {
    super();
  }

  protected override handle<M extends ProviderMethod>(method: M, args: Parameters<Provider[M]>): ReturnType<Provider[M]> {
    const attributes = (ATTRIBUTES[method] as (...a: Parameters<Provider[M]>) => Attributes)(...args);
    return this.call(method, attributes, () => callProvider(this.inner, method, args) as Promise<unknown>) as ReturnType<Provider[M]>;
  }

  private async call<T>(method: ProviderMethod, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const span = this.tracing
      ? tracer().startSpan(`provider.${method}`, {
          kind: SpanKind.CLIENT,
          attributes: {
            "rpc.system": "grpc",
            "rpc.service": "standby.provider.v1.ProviderService",
            "rpc.method": RPC_METHOD[method],
            [ATTR.provider]: this.name,
            ...attributes,
          },
        })
      : undefined;
    try {
      const result = span ? await context.with(trace.setSpan(context.active(), span), fn) : await fn();
      span?.setAttribute("rpc.grpc.status_code", 0);
      this.recorder?.providerCall(this.name, method, "ok", (performance.now() - started) / 1000);
      return result;
    } catch (err) {
      const e = StandbyError.from(err);
      this.recorder?.providerCall(this.name, method, e.code, (performance.now() - started) / 1000);
      if (span) {
        span.setAttributes({ "rpc.grpc.status_code": grpcStatusFromCode(e.code), "standby.error.code": e.code });
        if (EXPECTED[method]?.includes(e.code)) {
          span.setAttribute("standby.expected", true);
        } else {
          span.setStatus({ code: SpanStatusCode.ERROR, message: `${e.code}: ${e.message}` });
          span.recordException({ name: e.code, message: e.message });
        }
      }
      throw err;
    } finally {
      span?.end();
    }
  }
}
