/**
 * The scheduler core's view of a cloud. The gRPC-backed plugin client, tracing,
 * deadlines, rate limits and circuit breaking all wrap this interface; the core
 * never sees gRPC. Failures are thrown as StandbyError with the contract's codes:
 * resource-exhausted (quota/capacity), unavailable (transient),
 * failed-precondition (bad config), not-found, unimplemented.
 */
export type InstanceState = "booting" | "running" | "error" | "deleting";
export type Visibility = "private" | "shared" | "public";

/** Tags every instance and image of ours carries, for leak cleanup. */
export const OWNER_TAG = "standby-owner";
export const NODE_TAG = "standby-node";

export interface Instance {
  /** The scheduler's node id ("" if not one of ours). */
  nodeId: string;
  instanceId: string;
  state: InstanceState;
  addresses: string[];
  sshPort: number;
  username: string;
  hostKeys: string[];
  tags: Record<string, string>;
  image: string;
  flavor: string;
  createdAt: number;
  error: string;
}

export interface BootSpec {
  nodeId: string;
  label: string;
  image: string;
  flavor: string;
  setupScript: string;
  networks: string[];
  sshPublicKeys: string[];
  tags: Record<string, string>;
}

export interface Flavor {
  name: string;
  cores: number;
  ramMb: number;
  diskGb: number;
}

export interface ImageInfo {
  id: string;
  name: string;
  createdAt: number;
  tags: Record<string, string>;
  visibility: Visibility;
  sizeBytes: number;
}

export interface Operation {
  id: string;
  done: boolean;
  error: string;
  imageId: string;
}

export interface Quota {
  /** 0 = unlimited. */
  maxInstances: number;
  maxCores: number;
  maxRamMb: number;
  usedInstances: number;
  usedCores: number;
  usedRamMb: number;
}

export interface ProviderDescription {
  name: string;
  version: string;
  protocolVersion: number;
  capabilities: string[];
}

export interface SnapshotSpec {
  nodeId: string;
  imageName: string;
  visibility: Visibility;
  tags: Record<string, string>;
}

export interface Provider {
  describe(): Promise<ProviderDescription>;
  /** Idempotent on spec.nodeId. */
  boot(spec: BootSpec): Promise<Instance>;
  /** Throws not-found when the node has no instance. */
  getInstance(nodeId: string): Promise<Instance>;
  /** Idempotent: a missing instance is success. */
  deleteInstance(nodeId: string): Promise<void>;
  /** Throws on failure; an empty list means the cloud has none. */
  listInstances(): Promise<Instance[]>;
  listFlavors(): Promise<Flavor[]>;
  listImages(): Promise<ImageInfo[]>;
  createSnapshot(spec: SnapshotSpec): Promise<Operation>;
  getOperation(id: string): Promise<Operation>;
  deleteImage(imageId: string): Promise<void>;
  getQuota(): Promise<Quota>;
}

export type ProviderHealth = "serving" | "starting" | "not-serving" | "disabled";

/**
 * The circuit breaker around a provider: closed (calls go through), open
 * (calls fail fast after repeated transient failures), half-open (one probe
 * call is deciding whether to close it again).
 */
export type CircuitState = "closed" | "open" | "half-open";

export interface ProviderStatus {
  name: string;
  health: ProviderHealth;
  plugin: string;
  pluginVersion: string;
  restarts: number;
  lastError: string;
  pid: number;
  /** Absent where there is no breaker (an in-process registry). While not closed, health is not-serving. */
  circuit?: CircuitState;
}

/**
 * What the scheduler needs from whatever hosts the providers (the plugin host
 * with child processes, or the simulator with in-process fakes).
 */
export interface ProviderRegistry {
  names(): string[];
  get(name: string): Provider;
  status(name: string): ProviderStatus;
  /** Called after a provider (re)started and was configured: time to reconcile. */
  onReady(listener: (name: string) => void): void;
}
