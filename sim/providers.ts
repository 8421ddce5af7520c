import { FakeCloud } from "../plugins/fake/cloud.js";
import { IN_MEMORY } from "../plugins/fake/store.js";
import { fakeInstanceState } from "../plugins/fake/state.js";
import { PROTOCOL_VERSION } from "../common/handshake.js";
import {
  NODE_TAG,
  StandbyError,
  type BootSpec,
  type Clock,
  type Flavor,
  type ImageInfo,
  type Instance,
  type Logger,
  type Operation,
  type Provider,
  type ProviderDescription,
  type ProviderHealth,
  type ProviderRegistry,
  type ProviderStatus,
  type Quota,
  type Random,
  type SnapshotSpec,
} from "../server/core/index.js";

export interface SimProviderOptions {
  name: string;
  /** The fake cloud's settings (plugins/fake/settings.ts); its state always lives in memory. */
  settings?: Record<string, unknown>;
  /** Virtual time every call to the provider takes (default 0). */
  callLatencyMs?: number;
}

export interface SimProvidersOptions {
  providers: SimProviderOptions[];
  clock: Clock;
  random: Random;
  ownerId: string;
  logger: Logger;
}

/** What the simulation sets about a provider, shared with its Provider. */
interface ProviderState {
  options: SimProviderOptions;
  health: ProviderHealth;
  lastError: string;
}

interface Entry {
  state: ProviderState;
  cloud: FakeCloud;
  provider: InProcessProvider;
}

/**
 * The ProviderRegistry of the simulator: one fake cloud per provider, in this
 * process, on the injected clock, each behind the same Provider interface the
 * plugin host gives the scheduler. There is no process to crash, no deadline
 * and no breaker; a provider's health is whatever the simulation sets, and a
 * provider that is not serving fails every call as UNAVAILABLE, as a plugin
 * host does for a plugin that is down.
 */
export class SimProviders implements ProviderRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners: ((name: string) => void)[] = [];
  /** Calls started and finished (virtual latency aside): activity the harness watches for. */
  private calls = 0;

  constructor(private readonly options: SimProvidersOptions) {
    for (const p of options.providers) {
      const cloud = new FakeCloud({ clock: options.clock, random: options.random, version: "sim", logger: options.logger });
      const state: ProviderState = { options: p, health: "starting", lastError: "" };
      const provider = new InProcessProvider(state, cloud, options.clock, () => this.calls++);
      this.entries.set(p.name, { state, cloud, provider });
    }
  }

  /** Configures every cloud; each provider is serving afterwards. */
  async start(): Promise<void> {
    for (const entry of this.entries.values()) {
      await this.configure(entry, entry.state.options.settings ?? {});
      entry.state.health = "serving";
    }
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  get(name: string): Provider {
    return this.entry(name).provider;
  }

  status(name: string): ProviderStatus {
    const { state } = this.entry(name);
    return { name, health: state.health, plugin: "fake", pluginVersion: "sim", restarts: 0, lastError: state.lastError, pid: 0 };
  }

  onReady(listener: (name: string) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Sets a provider's health, as a plugin host would after a crash or a
   * restart; back to serving, the provider announces itself ready (and the
   * scheduler reconciles it).
   */
  setHealth(name: string, health: ProviderHealth, lastError = ""): void {
    const { state } = this.entry(name);
    const back = health === "serving" && state.health !== "serving";
    state.health = health;
    state.lastError = lastError;
    if (back) for (const listener of this.listeners) listener(name);
  }

  /** Replaces a cloud's settings (its instances stay), as a Configure after a config change would. */
  async reconfigure(name: string, settings: Record<string, unknown>): Promise<void> {
    const entry = this.entry(name);
    entry.state.options = { ...entry.state.options, settings };
    await this.configure(entry, settings);
  }

  /** The fake cloud itself: its records can be read and planted in. */
  cloud(name: string): FakeCloud {
    return this.entry(name).cloud;
  }

  /** Node ids of the provider's instances that are not gone (deleting ones included). */
  liveInstances(name: string, now: number): string[] {
    return [...this.cloud(name).records.instances.values()]
      .filter((i) => fakeInstanceState(i, now) !== "gone")
      .map((i) => i.tags[NODE_TAG] ?? "");
  }

  activity(): number {
    return this.calls;
  }

  async close(): Promise<void> {
    for (const entry of this.entries.values()) await entry.cloud.close();
  }

  private async configure(entry: Entry, settings: Record<string, unknown>): Promise<void> {
    await entry.cloud.configure({
      settings: { ...settings, stateFile: IN_MEMORY },
      secrets: {},
      ownerId: this.options.ownerId,
      providerName: entry.state.options.name,
    });
  }

  private entry(name: string): Entry {
    const entry = this.entries.get(name);
    if (!entry) throw new StandbyError("not-found", `no provider named ${name}`);
    return entry;
  }
}

/** One fake cloud as a Provider: the plugin contract's calls, in virtual time. */
class InProcessProvider implements Provider {
  constructor(
    private readonly state: ProviderState,
    private readonly cloud: FakeCloud,
    private readonly clock: Clock,
    private readonly noteActivity: () => void,
  ) {}

  describe(): Promise<ProviderDescription> {
    return this.call(() => ({ ...this.cloud.describe(), protocolVersion: PROTOCOL_VERSION }));
  }
  boot(spec: BootSpec): Promise<Instance> {
    return this.call(() => this.cloud.boot(spec));
  }
  getInstance(nodeId: string): Promise<Instance> {
    return this.call(() => this.cloud.getInstance(nodeId));
  }
  deleteInstance(nodeId: string): Promise<void> {
    return this.call(() => this.cloud.deleteInstance(nodeId));
  }
  listInstances(): Promise<Instance[]> {
    return this.call(() => this.cloud.listInstances());
  }
  listFlavors(): Promise<Flavor[]> {
    return this.call(() => this.cloud.listFlavors());
  }
  listImages(): Promise<ImageInfo[]> {
    return this.call(() => this.cloud.listImages());
  }
  createSnapshot(spec: SnapshotSpec): Promise<Operation> {
    return this.call(() => this.cloud.createSnapshot(spec));
  }
  getOperation(id: string): Promise<Operation> {
    return this.call(() => this.cloud.getOperation(id));
  }
  deleteImage(imageId: string): Promise<void> {
    return this.call(() => this.cloud.deleteImage(imageId));
  }
  getQuota(): Promise<Quota> {
    return this.call(() => this.cloud.getQuota());
  }

  private async call<T>(fn: () => T | Promise<T>): Promise<T> {
    const latency = this.state.options.callLatencyMs ?? 0;
    if (latency > 0) await this.clock.sleep(latency);
    if (this.state.health !== "serving") {
      throw new StandbyError("unavailable", `provider ${this.state.options.name} is ${this.state.health}`);
    }
    this.noteActivity();
    try {
      return await fn();
    } finally {
      this.noteActivity();
    }
  }
}
