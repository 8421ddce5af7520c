import type {
  BootSpec,
  Flavor,
  ImageInfo,
  Instance,
  InstanceState,
  Operation,
  ProviderDescription,
  Quota,
  SnapshotSpec,
  Visibility,
} from "./provider.js";
import * as pb from "../gen/ts/standby/provider/v1/provider.js";

/**
 * Domain ↔ protobuf converters for the plugin contract: the one place both
 * the SDK (plugin side) and the plugin host (scheduler side) use. Times are
 * epoch milliseconds in the domain and Timestamps (Dates here) on the wire;
 * 0 means "unknown" and is sent as an absent timestamp.
 */

const STATE_TO_PB: Record<InstanceState, pb.InstanceState> = {
  booting: pb.InstanceState.INSTANCE_STATE_BOOTING,
  running: pb.InstanceState.INSTANCE_STATE_RUNNING,
  error: pb.InstanceState.INSTANCE_STATE_ERROR,
  deleting: pb.InstanceState.INSTANCE_STATE_DELETING,
};

export function instanceStateToProto(state: InstanceState): pb.InstanceState {
  return STATE_TO_PB[state];
}

/** An unspecified or unknown state is a plugin bug; treating it as error lets
 * the scheduler replace the node rather than wait on it. */
export function instanceStateFromProto(state: pb.InstanceState): InstanceState {
  switch (state) {
    case pb.InstanceState.INSTANCE_STATE_BOOTING:
      return "booting";
    case pb.InstanceState.INSTANCE_STATE_RUNNING:
      return "running";
    case pb.InstanceState.INSTANCE_STATE_DELETING:
      return "deleting";
    default:
      return "error";
  }
}

const VISIBILITY_TO_PB: Record<Visibility, pb.Visibility> = {
  private: pb.Visibility.VISIBILITY_PRIVATE,
  shared: pb.Visibility.VISIBILITY_SHARED,
  public: pb.Visibility.VISIBILITY_PUBLIC,
};

export function visibilityToProto(visibility: Visibility): pb.Visibility {
  return VISIBILITY_TO_PB[visibility];
}

/** Unspecified means private: the safe default. */
export function visibilityFromProto(visibility: pb.Visibility): Visibility {
  switch (visibility) {
    case pb.Visibility.VISIBILITY_SHARED:
      return "shared";
    case pb.Visibility.VISIBILITY_PUBLIC:
      return "public";
    default:
      return "private";
  }
}

export function timeToProto(ms: number): Date | undefined {
  return ms > 0 ? new Date(ms) : undefined;
}

export function timeFromProto(date: Date | undefined): number {
  const ms = date?.getTime() ?? 0;
  return Number.isFinite(ms) ? ms : 0;
}

export function instanceToProto(instance: Instance): pb.Instance {
  return {
    nodeId: instance.nodeId,
    instanceId: instance.instanceId,
    state: instanceStateToProto(instance.state),
    addresses: [...instance.addresses],
    sshPort: instance.sshPort,
    username: instance.username,
    hostKeys: [...instance.hostKeys],
    tags: { ...instance.tags },
    image: instance.image,
    flavor: instance.flavor,
    createdAt: timeToProto(instance.createdAt),
    error: instance.error,
  };
}

export function instanceFromProto(instance: pb.Instance): Instance {
  const state = instanceStateFromProto(instance.state);
  const error =
    instance.error ||
    (state === "error" && instance.state !== pb.InstanceState.INSTANCE_STATE_ERROR
      ? `plugin reported instance state ${instance.state}`
      : "");
  return {
    nodeId: instance.nodeId,
    instanceId: instance.instanceId,
    state,
    addresses: [...instance.addresses],
    sshPort: instance.sshPort,
    username: instance.username,
    hostKeys: [...instance.hostKeys],
    tags: { ...instance.tags },
    image: instance.image,
    flavor: instance.flavor,
    createdAt: timeFromProto(instance.createdAt),
    error,
  };
}

export function bootSpecToProto(spec: BootSpec): pb.BootRequest {
  return {
    nodeId: spec.nodeId,
    template: {
      image: spec.image,
      flavor: spec.flavor,
      setupScript: spec.setupScript,
      networks: [...spec.networks],
      sshPublicKeys: [...spec.sshPublicKeys],
      label: spec.label,
    },
    tags: { ...spec.tags },
  };
}

export function bootSpecFromProto(request: pb.BootRequest): BootSpec {
  const template = request.template;
  return {
    nodeId: request.nodeId,
    label: template?.label ?? "",
    image: template?.image ?? "",
    flavor: template?.flavor ?? "",
    setupScript: template?.setupScript ?? "",
    networks: [...(template?.networks ?? [])],
    sshPublicKeys: [...(template?.sshPublicKeys ?? [])],
    tags: { ...request.tags },
  };
}

export function flavorToProto(flavor: Flavor): pb.Flavor {
  return { name: flavor.name, cores: flavor.cores, ramMb: flavor.ramMb, diskGb: flavor.diskGb };
}

export function flavorFromProto(flavor: pb.Flavor): Flavor {
  return { name: flavor.name, cores: flavor.cores, ramMb: flavor.ramMb, diskGb: flavor.diskGb };
}

export function imageToProto(image: ImageInfo): pb.Image {
  return {
    id: image.id,
    name: image.name,
    createdAt: timeToProto(image.createdAt),
    tags: { ...image.tags },
    visibility: visibilityToProto(image.visibility),
    sizeBytes: image.sizeBytes,
  };
}

export function imageFromProto(image: pb.Image): ImageInfo {
  return {
    id: image.id,
    name: image.name,
    createdAt: timeFromProto(image.createdAt),
    tags: { ...image.tags },
    visibility: visibilityFromProto(image.visibility),
    sizeBytes: image.sizeBytes,
  };
}

export function operationToProto(operation: Operation): pb.Operation {
  return { id: operation.id, done: operation.done, error: operation.error, imageId: operation.imageId };
}

export function operationFromProto(operation: pb.Operation | undefined): Operation {
  return {
    id: operation?.id ?? "",
    done: operation?.done ?? false,
    error: operation?.error ?? "",
    imageId: operation?.imageId ?? "",
  };
}

export function snapshotSpecToProto(spec: SnapshotSpec): pb.CreateSnapshotRequest {
  return {
    nodeId: spec.nodeId,
    imageName: spec.imageName,
    visibility: visibilityToProto(spec.visibility),
    tags: { ...spec.tags },
  };
}

export function snapshotSpecFromProto(request: pb.CreateSnapshotRequest): SnapshotSpec {
  return {
    nodeId: request.nodeId,
    imageName: request.imageName,
    visibility: visibilityFromProto(request.visibility),
    tags: { ...request.tags },
  };
}

export function quotaToProto(quota: Quota): pb.GetQuotaResponse {
  return { ...quota };
}

export function quotaFromProto(quota: pb.GetQuotaResponse): Quota {
  return {
    maxInstances: quota.maxInstances,
    maxCores: quota.maxCores,
    maxRamMb: quota.maxRamMb,
    usedInstances: quota.usedInstances,
    usedCores: quota.usedCores,
    usedRamMb: quota.usedRamMb,
  };
}

export function describeToProto(description: ProviderDescription): pb.DescribeResponse {
  return {
    name: description.name,
    version: description.version,
    protocolVersion: description.protocolVersion,
    capabilities: [...description.capabilities],
  };
}

export function describeFromProto(response: pb.DescribeResponse): ProviderDescription {
  return {
    name: response.name,
    version: response.version,
    protocolVersion: response.protocolVersion,
    capabilities: [...response.capabilities],
  };
}
