import { createHash } from "node:crypto";
import path from "node:path";
import { systemClock, type Clock } from "../../common/clock.js";
import { StandbyError, type ErrorCode } from "../../common/errors.js";
import { silentLogger, type Logger } from "../../common/log.js";
import {
  NODE_TAG,
  OWNER_TAG,
  type BootSpec,
  type Flavor,
  type ImageInfo,
  type Instance,
  type Operation,
  type Quota,
  type SnapshotSpec,
} from "../../common/provider.js";
import { cryptoRandom, seededRandom, type Random } from "../../common/random.js";
import type { PluginConfig, PluginDescription, PluginImplementation } from "../sdk/index.js";
import { generateEd25519Key } from "../../common/ssh-keys.js";
import { cloudSpan } from "../sdk/tracing.js";
import { FakeEndpoints } from "./endpoints.js";
import { BOOT_ERROR_CODES, parseFakeSettings, type FakeSettings } from "./settings.js";
import { fakeInstanceState, type FakeImage, type FakeInstance } from "./state.js";
import { FakeCloudStore, IN_MEMORY } from "./store.js";

export interface FakeCloudOptions {
  clock?: Clock;
  /** Ids come from here; failure decisions too unless settings.seed is set. */
  random?: Random;
  version?: string;
  logger?: Logger;
}

/** How the simulated API answers each refusal (as an OpenStack-like cloud would). */
const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  unavailable: 503,
  "resource-exhausted": 403,
  "failed-precondition": 409,
  "invalid-argument": 400,
  "permission-denied": 403,
  unauthenticated: 401,
  "deadline-exceeded": 504,
  internal: 500,
};
const HTTP_TITLE: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  409: "Conflict",
  500: "Internal Server Error",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};
const DEFAULT_REFUSAL: Record<(typeof BOOT_ERROR_CODES)[number], string> = {
  unavailable: "the compute API failed to accept the boot",
  "resource-exhausted": "Quota exceeded for instances",
  "failed-precondition": "the image is not active",
  "invalid-argument": "invalid server request",
  "permission-denied": "policy does not allow this boot",
  unauthenticated: "the token is not valid",
  "deadline-exceeded": "the compute API timed out",
  internal: "unexpected error in the compute API",
};

/** When the public base images were "published". */
const BASE_IMAGE_CREATED_AT = Date.UTC(2024, 0, 1);
const IMAGE_SIZE_BYTES = 2 * 1024 ** 3;

interface Configured {
  settings: FakeSettings;
  ownerId: string;
  providerName: string;
  store: FakeCloudStore;
  dice: Random;
  endpoints: FakeEndpoints | undefined;
}

/**
 * A simulated cloud behind the plugin contract. Its state lives in a JSON
 * file (see state.ts) so that it survives plugin restarts like a real cloud's,
 * and tests can plant or inspect instances. Time-driven changes (booting →
 * running, deleting → gone, snapshot done) are computed from timestamps when
 * read, so no timers run.
 */
export class FakeCloud implements PluginImplementation {
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly version: string;
  private readonly log: Logger;
  private current: Configured | undefined;

  constructor(options: FakeCloudOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? cryptoRandom;
    this.version = options.version ?? "0.0.0";
    this.log = options.logger ?? silentLogger;
  }

  describe(): PluginDescription {
    // Its images hold no files at all, so none carries a key: scrubbed by construction.
    return { name: "fake", version: this.version, capabilities: ["snapshot", "quota", "shared-images", "scrubbed-snapshots"] };
  }

  async configure(config: PluginConfig): Promise<void> {
    const settings = parseFakeSettings(config.settings);
    if (!config.ownerId) throw StandbyError.invalidArgument("owner_id", "required");
    const inMemory = settings.stateFile === IN_MEMORY;
    if (inMemory && settings.endpoints) {
      throw StandbyError.invalidArgument("settings.endpoints", `needs a stateFile on disk, not ${IN_MEMORY}`);
    }
    const file = inMemory ? IN_MEMORY : path.resolve(settings.stateFile);
    let store = this.current?.store;
    if (!store || store.file !== file) {
      try {
        store = inMemory ? FakeCloudStore.inMemory(this.clock) : await FakeCloudStore.open(file, this.clock);
      } catch (err) {
        const failure = StandbyError.from(err);
        if (failure.code !== "internal") throw failure;
        throw new StandbyError("failed-precondition", `settings.stateFile: cannot use ${file}: ${failure.message}`, {
          cause: err,
          field: "settings.stateFile",
        });
      }
      await this.current?.store.close();
    }
    await this.current?.endpoints?.closeAll();
    this.current = {
      settings,
      ownerId: config.ownerId,
      providerName: config.providerName,
      store,
      dice: settings.seed === undefined ? this.random : seededRandom(settings.seed),
      endpoints: settings.endpoints && new FakeEndpoints(`${file}.nodes`, settings.endpoints.address, this.log),
    };
    this.syncEndpoints();
    this.log.info({ provider: config.providerName, stateFile: file, instances: store.instances.size }, "fake cloud configured");
  }

  /**
   * The cloud's own records (what the state file holds for a plugin process):
   * the in-process simulator plants and inspects instances here.
   */
  get records(): FakeCloudStore {
    return this.configured().store;
  }

  async boot(spec: BootSpec): Promise<Instance> {
    const { settings, ownerId, store, dice } = this.configured();
    await store.refresh();
    const existing = store.findByNode(ownerId, spec.nodeId);
    if (existing) {
      // It may be a concurrent boot of the same node whose write is not done yet.
      await store.flush();
      return this.toInstance(existing);
    }
    const flavor = settings.flavors.find((f) => f.name === spec.flavor);
    if (!flavor) throw new StandbyError("not-found", `flavor "${spec.flavor}" not found`, { field: "template.flavor" });
    const image = this.resolveImage(spec.image);
    if (!image) throw new StandbyError("not-found", `image "${spec.image}" not found`, { field: "template.image" });
    // The cloud's own API call, as a real plugin would make it: its span
    // carries the cloud's answer, error body included.
    return cloudSpan(
      "fake-cloud POST /v2/servers",
      {
        "http.request.method": "POST",
        "url.path": "/v2/servers",
        "standby.node.id": spec.nodeId,
        "standby.image": image.name,
        "standby.flavor": flavor.name,
      },
      async (span) => {
        const refusal = this.refusal(flavor, dice);
        if (refusal) {
          span.setAttribute("http.response.status_code", refusal.httpStatus);
          span.addEvent("cloud error", { "cloud.error.body": refusal.body });
          throw new StandbyError(refusal.code, refusal.message);
        }
        span.setAttribute("http.response.status_code", 202);
        return this.create(spec, flavor, image);
      },
    );
  }

  /** The cloud refusing a boot (simulated error, or quota), as its API would answer. */
  private refusal(flavor: Flavor, dice: Random): { code: ErrorCode; message: string; httpStatus: number; body: string } | undefined {
    const { settings } = this.configured();
    let code: ErrorCode | undefined;
    let message = "";
    let simulated = false;
    if (settings.bootErrorRate > 0 && dice.float() < settings.bootErrorRate) {
      code = settings.bootErrorCode;
      message = settings.bootErrorMessage ?? DEFAULT_REFUSAL[settings.bootErrorCode];
      simulated = true;
    } else {
      const quota = this.quotaProblem(flavor);
      if (quota) [code, message] = ["resource-exhausted", quota];
    }
    if (!code) return undefined;
    const httpStatus = HTTP_STATUS[code] ?? 500;
    const body = JSON.stringify({ error: { code: httpStatus, title: HTTP_TITLE[httpStatus] ?? "Error", message } });
    // The cloud's own words first: they are what an operator sees (paused reason, timeline, span).
    return { code, message: `${message} (HTTP ${httpStatus}${simulated ? ", simulated: bootErrorRate" : ""})`, httpStatus, body };
  }

  private async create(spec: BootSpec, flavor: Flavor, image: { name: string }): Promise<Instance> {
    const { settings, ownerId, store, dice } = this.configured();
    const now = this.clock.now();
    const instanceId = this.random.id("fake");
    const fails = settings.failureRate > 0 && dice.float() < settings.failureRate;
    const instance: FakeInstance = {
      instanceId,
      tags: { ...spec.tags, [OWNER_TAG]: ownerId, [NODE_TAG]: spec.nodeId },
      label: spec.label,
      image: image.name,
      flavor: flavor.name,
      cores: flavor.cores,
      ramMb: flavor.ramMb,
      networks: [...spec.networks],
      sshPublicKeys: [...spec.sshPublicKeys],
      setupScript: spec.setupScript,
      addresses: [settings.address],
      sshPort: settings.sshPort,
      username: settings.username,
      hostKeys: [fakeHostKey(instanceId)],
      createdAt: now,
      readyAt: now + settings.bootLatencyMs,
      outcome: fails ? "error" : "running",
      error: fails ? "instance failed to boot (simulated, failureRate)" : "",
      deleteAt: 0,
    };
    const { endpoints } = this.configured();
    if (endpoints && settings.endpoints && !fails) {
      // In the cloud first, so that a concurrent sync sees an instance starting, not a stray endpoint.
      store.putInstance(instance);
      const down = settings.endpoints.noNetworkRate > 0 && dice.float() < settings.endpoints.noNetworkRate;
      const host = generateEd25519Key(`fake-${instanceId}`);
      const endpoint = { hostPrivateKey: host.privateKey, network: down ? settings.endpoints.noNetwork : ("up" as const) };
      const port = await endpoints.start(instance, endpoint, spec.sshPublicKeys);
      Object.assign(instance, {
        endpoint: { ...endpoint, port },
        addresses: [settings.endpoints.address],
        sshPort: port,
        hostKeys: [host.publicKey],
      });
    }
    store.putInstance(instance);
    await store.flush();
    return this.toInstance(instance);
  }

  async getInstance(nodeId: string): Promise<Instance> {
    const { ownerId, store } = this.configured();
    await store.refresh();
    const instance = store.findByNode(ownerId, nodeId);
    if (!instance) throw new StandbyError("not-found", `no instance for node ${nodeId}`);
    return this.toInstance(instance);
  }

  async deleteInstance(nodeId: string): Promise<void> {
    const { settings, ownerId, store } = this.configured();
    await store.refresh();
    const instance = store.findByNode(ownerId, nodeId);
    if (instance && instance.deleteAt === 0) {
      if (settings.deleteLatencyMs === 0) store.removeInstance(instance.instanceId);
      else store.putInstance({ ...instance, deleteAt: this.clock.now() + settings.deleteLatencyMs });
      if (instance.endpoint) await this.configured().endpoints?.stop(instance.instanceId);
    }
    await store.flush();
  }

  async listInstances(): Promise<Instance[]> {
    const { store } = this.configured();
    await store.refresh();
    this.syncEndpoints();
    const now = this.clock.now();
    const result: Instance[] = [];
    for (const instance of store.instances.values()) {
      if (fakeInstanceState(instance, now) !== "gone") result.push(this.toInstance(instance));
    }
    return result;
  }

  listFlavors(): Flavor[] {
    return this.configured().settings.flavors.map((f) => ({ ...f }));
  }

  async listImages(): Promise<ImageInfo[]> {
    const { settings, store } = this.configured();
    await store.refresh();
    const now = this.clock.now();
    const base: ImageInfo[] = settings.images.map((name) => ({
      id: name,
      name,
      createdAt: BASE_IMAGE_CREATED_AT,
      tags: {},
      visibility: "public",
      sizeBytes: IMAGE_SIZE_BYTES,
    }));
    const snapshots = [...store.images.values()].filter((i) => now >= i.readyAt).map(toImageInfo);
    return [...base, ...snapshots];
  }

  async createSnapshot(spec: SnapshotSpec): Promise<Operation> {
    const { settings, ownerId, store } = this.configured();
    await store.refresh();
    const instance = store.findByNode(ownerId, spec.nodeId);
    if (!instance) throw new StandbyError("not-found", `no instance for node ${spec.nodeId}`);
    const now = this.clock.now();
    const image: FakeImage = {
      id: this.random.id("img"),
      name: spec.imageName,
      tags: { ...spec.tags, [OWNER_TAG]: ownerId },
      visibility: spec.visibility,
      sizeBytes: IMAGE_SIZE_BYTES,
      sourceInstanceId: instance.instanceId,
      createdAt: now,
      readyAt: now + settings.snapshotLatencyMs,
    };
    const operation = { id: this.random.id("op"), imageId: image.id, createdAt: now, doneAt: image.readyAt, error: "" };
    store.putImage(image);
    store.putOperation(operation);
    await store.flush();
    return this.getOperation(operation.id);
  }

  async getOperation(id: string): Promise<Operation> {
    const { store } = this.configured();
    await store.refresh();
    const operation = store.operations.get(id);
    if (!operation) throw new StandbyError("not-found", `no operation ${id}`);
    const done = this.clock.now() >= operation.doneAt;
    return { id, done, error: done ? operation.error : "", imageId: done && !operation.error ? operation.imageId : "" };
  }

  async deleteImage(imageId: string): Promise<void> {
    const { settings, store } = this.configured();
    if (settings.images.includes(imageId)) {
      throw new StandbyError("failed-precondition", `image ${imageId} is a public base image of the cloud and cannot be deleted`);
    }
    await store.refresh();
    if (store.images.has(imageId)) store.removeImage(imageId);
    await store.flush();
  }

  getQuota(): Quota {
    const { settings, store } = this.configured();
    const used = store.usage();
    return {
      ...settings.quota,
      usedInstances: used.instances,
      usedCores: used.cores,
      usedRamMb: used.ramMb,
    };
  }

  async close(): Promise<void> {
    await this.current?.endpoints?.closeAll();
    await this.current?.store.close();
  }

  /** Endpoints follow the state file (instances planted or removed by others, a restart). */
  private syncEndpoints(): void {
    const { store, endpoints } = this.configured();
    if (!endpoints) return;
    const now = this.clock.now();
    endpoints.sync(
      [...store.instances.values()].map((instance) => ({
        instance,
        alive: fakeInstanceState(instance, now) !== "gone" && instance.deleteAt === 0,
      })),
    );
  }

  private configured(): Configured {
    if (!this.current) throw new StandbyError("failed-precondition", "fake cloud not configured");
    return this.current;
  }

  /** A base image by name, or the newest ready snapshot by id or name. */
  private resolveImage(ref: string): { name: string } | undefined {
    const { settings, store } = this.configured();
    if (settings.images.includes(ref)) return { name: ref };
    const now = this.clock.now();
    const byId = store.images.get(ref);
    if (byId && now >= byId.readyAt) return { name: byId.id };
    let newest: FakeImage | undefined;
    for (const image of store.images.values()) {
      if (image.name === ref && now >= image.readyAt && (!newest || image.createdAt > newest.createdAt)) newest = image;
    }
    return newest && { name: newest.id };
  }

  /** Why the quota refuses one more instance of the flavor, if it does. */
  private quotaProblem(flavor: Flavor): string | undefined {
    const { settings, store } = this.configured();
    const { maxInstances, maxCores, maxRamMb } = settings.quota;
    const used = store.usage();
    const over = (max: number, inUse: number, add: number): boolean => max > 0 && inUse + add > max;
    if (over(maxInstances, used.instances, 1)) return `quota exceeded: instances ${used.instances}/${maxInstances}`;
    if (over(maxCores, used.cores, flavor.cores)) return `quota exceeded: cores ${used.cores}+${flavor.cores}/${maxCores}`;
    if (over(maxRamMb, used.ramMb, flavor.ramMb)) return `quota exceeded: RAM ${used.ramMb}+${flavor.ramMb}/${maxRamMb} MB`;
    return undefined;
  }

  private toInstance(instance: FakeInstance): Instance {
    const { ownerId } = this.configured();
    const state = fakeInstanceState(instance, this.clock.now());
    const ours = instance.tags[OWNER_TAG] === ownerId;
    return {
      nodeId: ours ? (instance.tags[NODE_TAG] ?? "") : "",
      instanceId: instance.instanceId,
      state: state === "gone" ? "deleting" : state,
      addresses: [...instance.addresses],
      sshPort: instance.sshPort,
      username: instance.username,
      hostKeys: [...instance.hostKeys],
      tags: { ...instance.tags },
      image: instance.image,
      flavor: instance.flavor,
      createdAt: instance.createdAt,
      error: state === "error" ? instance.error || "instance in error (fake)" : "",
    };
  }
}

function toImageInfo(image: FakeImage): ImageInfo {
  return {
    id: image.id,
    name: image.name,
    createdAt: image.createdAt,
    tags: { ...image.tags },
    visibility: image.visibility,
    sizeBytes: image.sizeBytes,
  };
}

/** A well-formed (but made-up) ed25519 public key, stable per instance. */
export function fakeHostKey(instanceId: string): string {
  const type = Buffer.from("ssh-ed25519");
  const key = createHash("sha256").update(instanceId).digest();
  const blob = Buffer.alloc(4 + type.length + 4 + key.length);
  blob.writeUInt32BE(type.length, 0);
  type.copy(blob, 4);
  blob.writeUInt32BE(key.length, 4 + type.length);
  key.copy(blob, 8 + type.length);
  return `ssh-ed25519 ${blob.toString("base64")}`;
}
