import type { Provider } from "../../common/provider.js";
import { ProviderWrapper } from "../../common/provider-methods.js";
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

/** One Provider method as a call to the plugin: its request from the arguments, its answer from the response. */
interface Rpc<M extends ProviderMethod & MethodName> {
  request(...args: Parameters<Provider[M]>): RequestOf<M>;
  answer(response: ResponseOf<M>): Awaited<ReturnType<Provider[M]>>;
}

const RPCS: { [M in ProviderMethod]: M extends MethodName ? Rpc<M> : never } = {
  describe: { request: () => ({}), answer: describeFromProto },
  boot: { request: bootSpecToProto, answer: (r) => instanceFromProto(required(r, "instance").instance) },
  getInstance: { request: (nodeId) => ({ nodeId }), answer: (r) => instanceFromProto(required(r, "instance").instance) },
  deleteInstance: { request: (nodeId) => ({ nodeId }), answer: () => undefined },
  listInstances: { request: () => ({}), answer: (r) => r.instances.map(instanceFromProto) },
  listFlavors: { request: () => ({}), answer: (r) => r.flavors.map(flavorFromProto) },
  listImages: { request: () => ({}), answer: (r) => r.images.map(imageFromProto) },
  createSnapshot: { request: snapshotSpecToProto, answer: (r) => operationFromProto(r.operation) },
  getOperation: { request: (id) => ({ id }), answer: (r) => operationFromProto(r.operation) },
  deleteImage: { request: (imageId) => ({ imageId }), answer: () => undefined },
  getQuota: { request: () => ({}), answer: quotaFromProto },
};

/**
 * A provider served by a plugin process, as the domain Provider: every call
 * has a deadline (the guard's, or its call class's), fails fast with
 * unavailable while the plugin is not serving, and throws StandbyError with
 * the plugin's code and message. The isolation policies (GuardedProvider)
 * wrap this object and call it through invoke().
 */
export class PluginProvider extends ProviderWrapper implements CallTarget {
  constructor(
    private readonly supervisor: PluginSupervisor,
    private readonly deadlines: DeadlinePolicy,
  ) {
    super();
  }

  invoke<M extends ProviderMethod>(method: M, args: Parameters<Provider[M]>, ctx?: CallContext): ReturnType<Provider[M]> {
    const rpc = RPCS[method] as unknown as Rpc<M & MethodName>;
    return (async () => rpc.answer(await this.call(method, rpc.request(...args), ctx)))() as ReturnType<Provider[M]>;
  }

  protected override handle<M extends ProviderMethod>(method: M, args: Parameters<Provider[M]>): ReturnType<Provider[M]> {
    return this.invoke(method, args);
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
