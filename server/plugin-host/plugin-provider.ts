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
} from "../core/provider.js";
import {
  bootSpecToProto,
  describeFromProto,
  flavorFromProto,
  imageFromProto,
  instanceFromProto,
  operationFromProto,
  quotaFromProto,
  snapshotSpecToProto,
} from "../../plugins/sdk/convert.js";
import { StandbyError } from "../core/errors.js";
import type { MethodName, RequestOf, ResponseOf } from "./connection.js";
import type { PluginTimeouts } from "./options.js";
import type { PluginSupervisor } from "./supervisor.js";

/**
 * A provider served by a plugin process, as the domain Provider: every call
 * has a deadline, fails fast with unavailable while the plugin is not
 * serving, and throws StandbyError with the plugin's code and message.
 * Policies (rate limits, circuit breaking, tracing) wrap this object.
 */
export class PluginProvider implements Provider {
  constructor(
    private readonly supervisor: PluginSupervisor,
    private readonly timeouts: PluginTimeouts,
  ) {}

  async describe(): Promise<ProviderDescription> {
    return describeFromProto(await this.call("describe", {}, false));
  }

  async boot(spec: BootSpec): Promise<Instance> {
    return instanceFromProto(required(await this.call("boot", bootSpecToProto(spec), true), "instance").instance);
  }

  async getInstance(nodeId: string): Promise<Instance> {
    return instanceFromProto(required(await this.call("getInstance", { nodeId }, false), "instance").instance);
  }

  async deleteInstance(nodeId: string): Promise<void> {
    await this.call("deleteInstance", { nodeId }, true);
  }

  async listInstances(): Promise<Instance[]> {
    return (await this.call("listInstances", {}, false)).instances.map(instanceFromProto);
  }

  async listFlavors(): Promise<Flavor[]> {
    return (await this.call("listFlavors", {}, false)).flavors.map(flavorFromProto);
  }

  async listImages(): Promise<ImageInfo[]> {
    return (await this.call("listImages", {}, false)).images.map(imageFromProto);
  }

  async createSnapshot(spec: SnapshotSpec): Promise<Operation> {
    return operationFromProto((await this.call("createSnapshot", snapshotSpecToProto(spec), true)).operation);
  }

  async getOperation(id: string): Promise<Operation> {
    return operationFromProto((await this.call("getOperation", { id }, false)).operation);
  }

  async deleteImage(imageId: string): Promise<void> {
    await this.call("deleteImage", { imageId }, true);
  }

  async getQuota(): Promise<Quota> {
    return quotaFromProto(await this.call("getQuota", {}, false));
  }

  private call<M extends MethodName>(method: M, request: RequestOf<M>, long: boolean): Promise<ResponseOf<M>> {
    const connection = this.supervisor.connection();
    return connection.call(method, request, long ? this.timeouts.longCallMs : this.timeouts.callMs);
  }
}

function required<T, K extends keyof T>(response: T, field: K): T & { [P in K]-?: NonNullable<T[P]> } {
  if (response[field] === undefined || response[field] === null) {
    throw new StandbyError("internal", `plugin answered without ${String(field)}`);
  }
  return response as T & { [P in K]-?: NonNullable<T[P]> };
}
