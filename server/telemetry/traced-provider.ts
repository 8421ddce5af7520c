import { context, SpanKind, SpanStatusCode, trace, type Attributes } from "@opentelemetry/api";
import { StandbyError, type ErrorCode } from "../../common/errors.js";
import type {
  BootSpec,
  Flavor,
  ImageInfo,
  Instance,
  Operation,
  Provider,
  ProviderDescription,
  ProviderRegistry,
  ProviderStatus,
  Quota,
  SnapshotSpec,
} from "../../common/provider.js";
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
const EXPECTED: Partial<Record<keyof Provider, readonly ErrorCode[]>> = {
  getInstance: ["not-found"],
  deleteInstance: ["not-found"],
  deleteImage: ["not-found"],
  getQuota: ["unimplemented"],
  createSnapshot: ["unimplemented"],
  getOperation: ["unimplemented"],
};

const RPC_METHOD: Record<keyof Provider, string> = {
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

export class TracedProvider implements Provider {
  constructor(
    private readonly name: string,
    private readonly inner: Provider,
    private readonly tracing: boolean,
    private readonly recorder: ProviderCallRecorder | undefined,
  ) {}

  describe(): Promise<ProviderDescription> {
    return this.call("describe", {}, () => this.inner.describe());
  }
  boot(spec: BootSpec): Promise<Instance> {
    return this.call(
      "boot",
      { [ATTR.nodeId]: spec.nodeId, [ATTR.label]: spec.label, [ATTR.image]: spec.image, "standby.flavor": spec.flavor },
      () => this.inner.boot(spec),
    );
  }
  getInstance(nodeId: string): Promise<Instance> {
    return this.call("getInstance", { [ATTR.nodeId]: nodeId }, () => this.inner.getInstance(nodeId));
  }
  deleteInstance(nodeId: string): Promise<void> {
    return this.call("deleteInstance", { [ATTR.nodeId]: nodeId }, () => this.inner.deleteInstance(nodeId));
  }
  listInstances(): Promise<Instance[]> {
    return this.call("listInstances", {}, () => this.inner.listInstances());
  }
  listFlavors(): Promise<Flavor[]> {
    return this.call("listFlavors", {}, () => this.inner.listFlavors());
  }
  listImages(): Promise<ImageInfo[]> {
    return this.call("listImages", {}, () => this.inner.listImages());
  }
  createSnapshot(spec: SnapshotSpec): Promise<Operation> {
    return this.call("createSnapshot", { [ATTR.nodeId]: spec.nodeId, [ATTR.image]: spec.imageName }, () => this.inner.createSnapshot(spec));
  }
  getOperation(id: string): Promise<Operation> {
    return this.call("getOperation", { "standby.operation.id": id }, () => this.inner.getOperation(id));
  }
  deleteImage(imageId: string): Promise<void> {
    return this.call("deleteImage", { [ATTR.image]: imageId }, () => this.inner.deleteImage(imageId));
  }
  getQuota(): Promise<Quota> {
    return this.call("getQuota", {}, () => this.inner.getQuota());
  }

  private async call<T>(method: keyof Provider, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
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
