import type {
  BootSpec,
  Flavor,
  ImageInfo,
  Instance,
  Operation,
  Provider,
  ProviderDescription,
  Quota,
  SnapshotSpec,
} from "../../common/provider.js";
import {
  bootSpecToProto,
  describeFromProto,
  flavorFromProto,
  imageFromProto,
  instanceFromProto,
  operationFromProto,
  quotaFromProto,
  snapshotSpecToProto,
} from "../../common/provider-convert.js";
import { StandbyError } from "../../common/errors.js";
import type { MethodName, RequestOf, ResponseOf } from "./connection.js";
import type { CallContext, CallTarget } from "./guard.js";
import { deadlineOf, type DeadlinePolicy, type ProviderMethod } from "./policies.js";
import type { PluginSupervisor } from "./supervisor.js";

/**
 * A provider served by a plugin process, as the domain Provider: every call
 * has a deadline (the guard's, or its call class's), fails fast with
 * unavailable while the plugin is not serving, and throws StandbyError with
 * the plugin's code and message. The isolation policies (GuardedProvider)
 * wrap this object and call it through invoke().
 */
export class PluginProvider implements Provider, CallTarget {
  constructor(
    private readonly supervisor: PluginSupervisor,
    private readonly deadlines: DeadlinePolicy,
  ) {}

  invoke<M extends ProviderMethod>(method: M, args: Parameters<Provider[M]>, ctx: CallContext): ReturnType<Provider[M]> {
    return (this[method] as (...a: unknown[]) => ReturnType<Provider[M]>)(...args, ctx);
  }

  async describe(ctx?: CallContext): Promise<ProviderDescription> {
    return describeFromProto(await this.call("describe", {}, ctx));
  }

  async boot(spec: BootSpec, ctx?: CallContext): Promise<Instance> {
    return instanceFromProto(required(await this.call("boot", bootSpecToProto(spec), ctx), "instance").instance);
  }

  async getInstance(nodeId: string, ctx?: CallContext): Promise<Instance> {
    return instanceFromProto(required(await this.call("getInstance", { nodeId }, ctx), "instance").instance);
  }

  async deleteInstance(nodeId: string, ctx?: CallContext): Promise<void> {
    await this.call("deleteInstance", { nodeId }, ctx);
  }

  async listInstances(ctx?: CallContext): Promise<Instance[]> {
    return (await this.call("listInstances", {}, ctx)).instances.map(instanceFromProto);
  }

  async listFlavors(ctx?: CallContext): Promise<Flavor[]> {
    return (await this.call("listFlavors", {}, ctx)).flavors.map(flavorFromProto);
  }

  async listImages(ctx?: CallContext): Promise<ImageInfo[]> {
    return (await this.call("listImages", {}, ctx)).images.map(imageFromProto);
  }

  async createSnapshot(spec: SnapshotSpec, ctx?: CallContext): Promise<Operation> {
    return operationFromProto((await this.call("createSnapshot", snapshotSpecToProto(spec), ctx)).operation);
  }

  async getOperation(id: string, ctx?: CallContext): Promise<Operation> {
    return operationFromProto((await this.call("getOperation", { id }, ctx)).operation);
  }

  async deleteImage(imageId: string, ctx?: CallContext): Promise<void> {
    await this.call("deleteImage", { imageId }, ctx);
  }

  async getQuota(ctx?: CallContext): Promise<Quota> {
    return quotaFromProto(await this.call("getQuota", {}, ctx));
  }

  private call<M extends MethodName & ProviderMethod>(
    method: M,
    request: RequestOf<M>,
    ctx: CallContext | undefined,
  ): Promise<ResponseOf<M>> {
    const connection = this.supervisor.connection();
    return connection.call(method, request, ctx?.deadline ?? Date.now() + deadlineOf(method, this.deadlines));
  }
}

function required<T, K extends keyof T>(response: T, field: K): T & { [P in K]-?: NonNullable<T[P]> } {
  if (response[field] === undefined || response[field] === null) {
    throw new StandbyError("internal", `plugin answered without ${String(field)}`);
  }
  return response as T & { [P in K]-?: NonNullable<T[P]> };
}
