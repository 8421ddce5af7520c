import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Logger } from "../../common/log.js";
import type { BootSpec, Flavor, ImageInfo, Instance, Operation, Quota, SnapshotSpec } from "../../common/provider.js";
import type { PluginConfig, PluginDescription, PluginImplementation } from "../sdk/index.js";
import type { FakeCloud } from "./cloud.js";
import { parseFakeSettings, type FakeFault } from "./settings.js";

/**
 * The fake cloud misbehaving on purpose, chosen by settings.fault, so the
 * plugin host's isolation can be tested against real child processes. The
 * settings only arrive with Configure, so every mode takes effect there and
 * again after every restart (each start is configured anew), except
 * exit-at-start, which remembers itself in the plugin's state directory to
 * exit before the handshake on later starts by the same scheduler.
 *
 * Used by the plugin process (main.ts) only; FakeCloud itself stays honest.
 */

const DEFAULT_DELAY_MS = 1000;
const DEFAULT_EVERY = 5;
const DEFAULT_OVERSIZED_BYTES = 65 * 1024 * 1024;
/** How long after Configure a hanging plugin blocks its event loop (time for the answer to leave). */
const HANG_AFTER_MS = 200;
const EXIT_MARKER = "fake-fault-exit-at-start.json";

/** Answers that the garbage mode swaps for junk on the wire; shared with the serializers. */
export class GarbageSwitch {
  on = false;
  oversizedBytes = DEFAULT_OVERSIZED_BYTES;
  private count = 0;

  /** What to send instead of the real answer, alternating undecodable and oversized. */
  next(): Buffer | undefined {
    if (!this.on) return undefined;
    this.count += 1;
    // Tag 7 is field 0 with wire type 7: no protobuf decoder gets past it.
    return this.count % 2 === 1 ? Buffer.from("\x07garbage from the fake cloud") : Buffer.alloc(this.oversizedBytes, 0x07);
  }
}

interface Serializable {
  responseSerialize: (value: never) => Buffer;
}

/**
 * Wraps the response serializers of a gRPC service definition (before it is
 * registered) so that garbage mode can put junk on the wire. Describe and
 * Configure stay intact: the plugin must start for its answers to be wrong.
 */
export function installGarbageSerializers(service: Record<string, Serializable>, garbage: GarbageSwitch): void {
  for (const [method, definition] of Object.entries(service)) {
    if (method === "describe" || method === "configure") continue;
    const original = definition.responseSerialize;
    definition.responseSerialize = ((value: never) => garbage.next() ?? original(value)) as Serializable["responseSerialize"];
  }
}

/** True if a previous life of this plugin, under the same scheduler process, was told exit-at-start. */
export function exitAtStartRemembered(stateDir: string | undefined): boolean {
  if (!stateDir) return false;
  const file = path.join(stateDir, EXIT_MARKER);
  try {
    const marker = JSON.parse(readFileSync(file, "utf8")) as { ppid?: unknown };
    return marker.ppid === process.ppid;
  } catch {
    return false;
  }
}

export interface FaultyCloudOptions {
  log: Logger;
  garbage: GarbageSwitch;
  /** STANDBY_PLUGIN_STATE_DIR, where exit-at-start is remembered. */
  stateDir?: string;
  exit?: (code: number) => void;
}

export class FaultyCloud implements PluginImplementation {
  private fault: FakeFault | undefined;
  private calls = 0;
  private readonly exit: (code: number) => void;

  constructor(
    private readonly cloud: FakeCloud,
    private readonly opts: FaultyCloudOptions,
  ) {
    this.exit = opts.exit ?? ((code) => process.exit(code));
  }

  describe(): PluginDescription {
    return this.cloud.describe();
  }

  async configure(config: PluginConfig): Promise<void> {
    await this.cloud.configure(config);
    const fault = parseFakeSettings(config.settings).fault;
    this.fault = fault;
    this.calls = 0;
    this.opts.garbage.on = false;
    if (fault?.mode !== "exit-at-start") this.forgetExitAtStart();
    if (!fault) return;
    this.opts.log.warn({ fault }, `fake cloud fault mode ${fault.mode}`);
    switch (fault.mode) {
      case "exit-at-start":
        this.rememberExitAtStart();
        this.opts.log.error("fault exit-at-start: exiting");
        this.exit(1);
        return;
      case "hang":
        setTimeout(() => {
          this.opts.log.error("fault hang: blocking the event loop for good");
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
        }, HANG_AFTER_MS);
        return;
      case "garbage":
        this.opts.garbage.oversizedBytes = fault.bytes ?? DEFAULT_OVERSIZED_BYTES;
        this.opts.garbage.on = true;
        return;
      default:
        return;
    }
  }

  boot(spec: BootSpec): Promise<Instance> {
    return this.apply(() => this.cloud.boot(spec));
  }
  getInstance(nodeId: string): Promise<Instance> {
    return this.apply(() => this.cloud.getInstance(nodeId));
  }
  deleteInstance(nodeId: string): Promise<void> {
    return this.apply(() => this.cloud.deleteInstance(nodeId));
  }
  listInstances(): Promise<Instance[]> {
    return this.apply(() => this.cloud.listInstances());
  }
  listFlavors(): Promise<Flavor[]> {
    return this.apply(() => this.cloud.listFlavors());
  }
  listImages(): Promise<ImageInfo[]> {
    return this.apply(() => this.cloud.listImages());
  }
  createSnapshot(spec: SnapshotSpec): Promise<Operation> {
    return this.apply(() => this.cloud.createSnapshot(spec));
  }
  getOperation(id: string): Promise<Operation> {
    return this.apply(() => this.cloud.getOperation(id));
  }
  deleteImage(imageId: string): Promise<void> {
    return this.apply(() => this.cloud.deleteImage(imageId));
  }
  getQuota(): Promise<Quota> {
    return this.apply(() => this.cloud.getQuota());
  }
  close(): Promise<void> {
    return this.cloud.close();
  }

  private async apply<T>(fn: () => T | Promise<T>): Promise<T> {
    const fault = this.fault;
    switch (fault?.mode) {
      case "hang":
        return new Promise<T>(() => undefined);
      case "slow":
        await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? DEFAULT_DELAY_MS));
        return fn();
      case "crash-every": {
        this.calls += 1;
        const n = this.calls;
        const result = await fn();
        if (n % (fault.every ?? DEFAULT_EVERY) === 0) {
          this.opts.log.error({ calls: n }, "fault crash-every: exiting before answering");
          this.exit(3);
        }
        return result;
      }
      default:
        return fn();
    }
  }

  private rememberExitAtStart(): void {
    if (!this.opts.stateDir) return;
    mkdirSync(this.opts.stateDir, { recursive: true });
    writeFileSync(path.join(this.opts.stateDir, EXIT_MARKER), JSON.stringify({ mode: "exit-at-start", ppid: process.ppid }));
  }

  private forgetExitAtStart(): void {
    if (!this.opts.stateDir) return;
    const file = path.join(this.opts.stateDir, EXIT_MARKER);
    if (existsSync(file)) rmSync(file, { force: true });
  }
}
