import { promises as fs } from "node:fs";
import { NODE_TAG, OWNER_TAG } from "../../common/provider.js";
import type { Clock } from "../../common/clock.js";
import {
  FAKE_CLOUD_FORMAT,
  fakeInstanceState,
  parseFakeCloud,
  replaceFile,
  withFakeCloudLock,
  type FakeCloudState,
  type FakeImage,
  type FakeInstance,
  type FakeOperation,
} from "./state.js";

type Change =
  | { kind: "instance"; id: string; value: FakeInstance | undefined }
  | { kind: "image"; id: string; value: FakeImage | undefined }
  | { kind: "operation"; id: string; value: FakeOperation | undefined };

/** Finished operations are forgotten after this long. */
const OPERATION_RETENTION_MS = 3_600_000;

/** The stateFile that keeps a cloud's state in this process only (the in-process simulator). */
export const IN_MEMORY = ":memory:";

/**
 * The fake cloud's state in memory, backed by its state file.
 *
 * Changes apply to memory at once and are remembered until written. flush()
 * resolves once everything changed before it is on disk; at most one write is
 * in flight and every change that arrives meanwhile goes into the next one, so
 * a thousand concurrent boots cost a handful of writes. Before each write (under
 * the file lock) the file is checked for writes by other processes; if there
 * were any, it is re-read and our unwritten changes are replayed on top.
 */
export class FakeCloudStore {
  readonly instances = new Map<string, FakeInstance>();
  readonly images = new Map<string, FakeImage>();
  readonly operations = new Map<string, FakeOperation>();
  /** owner + node id → instance id. */
  private readonly byNode = new Map<string, string>();
  private used = { instances: 0, cores: 0, ramMb: 0, deleting: 0 };

  /** Changes not yet taken by a write. */
  private unwritten: Change[] = [];
  /** Changes the current write is putting on disk. */
  private writing: Change[] | undefined;
  private waiters: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  private inFlight: Promise<void> | undefined;
  private refreshing: Promise<void> | undefined;
  /** Identity of the file as we last read or wrote it. */
  private stamp = "";
  /** False for a cloud that lives in memory only: nothing is read or written. */
  private readonly persistent: boolean;

  private constructor(
    readonly file: string,
    private readonly clock: Clock,
  ) {
    this.persistent = file !== IN_MEMORY;
  }

  /** An empty cloud whose state lives in this process only (file is IN_MEMORY). */
  static inMemory(clock: Clock): FakeCloudStore {
    const store = new FakeCloudStore(IN_MEMORY, clock);
    store.load({ format: FAKE_CLOUD_FORMAT, instances: [], images: [], operations: [] });
    return store;
  }

  /** Loads the file, creating an empty cloud if it does not exist. */
  static async open(file: string, clock: Clock): Promise<FakeCloudStore> {
    const store = new FakeCloudStore(file, clock);
    await withFakeCloudLock(file, async () => {
      const text = await readIfExists(file);
      if (text === undefined) {
        store.load({ format: FAKE_CLOUD_FORMAT, instances: [], images: [], operations: [] });
        await replaceFile(file, store.serialize());
      } else {
        store.load(parseFakeCloud(text, file));
      }
      store.stamp = await stampOf(file);
    });
    return store;
  }

  static nodeKey(owner: string, nodeId: string): string {
    return `${owner}\u0000${nodeId}`;
  }

  /** The instance of owner's node, unless it is gone. */
  findByNode(owner: string, nodeId: string): FakeInstance | undefined {
    const id = this.byNode.get(FakeCloudStore.nodeKey(owner, nodeId));
    const instance = id === undefined ? undefined : this.instances.get(id);
    if (!instance || fakeInstanceState(instance, this.clock.now()) === "gone") return undefined;
    return instance;
  }

  /** Instances, cores and RAM in use (deleting instances still count, as in real clouds). */
  usage(): { instances: number; cores: number; ramMb: number } {
    if (this.used.deleting > 0) this.pruneDeleted();
    return { instances: this.used.instances, cores: this.used.cores, ramMb: this.used.ramMb };
  }

  putInstance(instance: FakeInstance): void {
    this.change({ kind: "instance", id: instance.instanceId, value: instance });
  }

  removeInstance(id: string): void {
    this.change({ kind: "instance", id, value: undefined });
  }

  putImage(image: FakeImage): void {
    this.change({ kind: "image", id: image.id, value: image });
  }

  removeImage(id: string): void {
    this.change({ kind: "image", id, value: undefined });
  }

  putOperation(operation: FakeOperation): void {
    this.change({ kind: "operation", id: operation.id, value: operation });
  }

  /**
   * Picks up writes by other processes (a test planting instances, another
   * plugin on the same file). Skipped while our own write is in flight: that
   * write checks for them under the lock anyway.
   */
  refresh(): Promise<void> {
    if (this.inFlight || !this.persistent) return Promise.resolve();
    this.refreshing ??= (async () => {
      try {
        const stamp = await stampOf(this.file);
        if (stamp === this.stamp || this.inFlight) return;
        const text = await readIfExists(this.file);
        if (this.inFlight) return;
        this.reload(text === undefined ? undefined : parseFakeCloud(text, this.file));
        this.stamp = stamp;
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /** Resolves once every change made so far is on disk. */
  flush(): Promise<void> {
    if (!this.persistent) this.unwritten = [];
    if (this.unwritten.length === 0) return this.inFlight ?? Promise.resolve();
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.inFlight) this.inFlight = this.drain();
    return done;
  }

  /** Writes what is left. */
  async close(): Promise<void> {
    await this.flush();
  }

  private async drain(): Promise<void> {
    while (this.waiters.length > 0) {
      const waiters = this.waiters;
      this.waiters = [];
      this.writing = this.unwritten;
      this.unwritten = [];
      try {
        await withFakeCloudLock(this.file, async () => {
          const stamp = await stampOf(this.file);
          if (stamp !== this.stamp) {
            const text = await readIfExists(this.file);
            this.reload(text === undefined ? undefined : parseFakeCloud(text, this.file));
          }
          await replaceFile(this.file, this.serialize());
          this.stamp = await stampOf(this.file);
        });
        for (const waiter of waiters) waiter.resolve();
      } catch (err) {
        // Keep the changes for the next attempt; the callers learn it failed.
        this.unwritten = [...this.writing, ...this.unwritten];
        for (const waiter of waiters) waiter.reject(err);
      } finally {
        this.writing = undefined;
      }
    }
    this.inFlight = undefined;
  }

  private change(change: Change): void {
    this.apply(change);
    this.unwritten.push(change);
  }

  private apply(change: Change): void {
    switch (change.kind) {
      case "instance": {
        const old = this.instances.get(change.id);
        if (old) this.unindex(old);
        if (change.value) {
          this.instances.set(change.id, change.value);
          this.index(change.value);
        } else {
          this.instances.delete(change.id);
        }
        return;
      }
      case "image":
        if (change.value) this.images.set(change.id, change.value);
        else this.images.delete(change.id);
        return;
      case "operation":
        if (change.value) this.operations.set(change.id, change.value);
        else this.operations.delete(change.id);
        return;
    }
  }

  private index(instance: FakeInstance): void {
    const owner = instance.tags[OWNER_TAG];
    const node = instance.tags[NODE_TAG];
    if (owner !== undefined && node) this.byNode.set(FakeCloudStore.nodeKey(owner, node), instance.instanceId);
    this.used.instances += 1;
    this.used.cores += instance.cores;
    this.used.ramMb += instance.ramMb;
    if (instance.deleteAt > 0) this.used.deleting += 1;
  }

  private unindex(instance: FakeInstance): void {
    const owner = instance.tags[OWNER_TAG];
    const node = instance.tags[NODE_TAG];
    if (owner !== undefined && node) {
      const key = FakeCloudStore.nodeKey(owner, node);
      if (this.byNode.get(key) === instance.instanceId) this.byNode.delete(key);
    }
    this.used.instances -= 1;
    this.used.cores -= instance.cores;
    this.used.ramMb -= instance.ramMb;
    if (instance.deleteAt > 0) this.used.deleting -= 1;
  }

  /** Instances whose delete finished are dropped from memory (and from the next write). */
  private pruneDeleted(): void {
    const now = this.clock.now();
    for (const instance of this.instances.values()) {
      if (instance.deleteAt > 0 && now >= instance.deleteAt) this.apply({ kind: "instance", id: instance.instanceId, value: undefined });
    }
  }

  private load(state: FakeCloudState): void {
    this.instances.clear();
    this.images.clear();
    this.operations.clear();
    this.byNode.clear();
    this.used = { instances: 0, cores: 0, ramMb: 0, deleting: 0 };
    for (const instance of state.instances) this.apply({ kind: "instance", id: instance.instanceId, value: instance });
    for (const image of state.images) this.images.set(image.id, image);
    for (const operation of state.operations) this.operations.set(operation.id, operation);
  }

  /** Someone else wrote the file: take theirs, then replay ours that is not on disk yet. */
  private reload(state: FakeCloudState | undefined): void {
    this.load(state ?? { format: FAKE_CLOUD_FORMAT, instances: [], images: [], operations: [] });
    for (const change of this.writing ?? []) this.apply(change);
    for (const change of this.unwritten) this.apply(change);
  }

  private serialize(): string {
    const now = this.clock.now();
    const state: FakeCloudState = {
      format: FAKE_CLOUD_FORMAT,
      instances: [...this.instances.values()].filter((i) => fakeInstanceState(i, now) !== "gone"),
      images: [...this.images.values()],
      operations: [...this.operations.values()].filter((o) => o.doneAt + OPERATION_RETENTION_MS > now),
    };
    return JSON.stringify(state);
  }
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

async function stampOf(file: string): Promise<string> {
  try {
    const stat = await fs.stat(file, { bigint: true });
    return `${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return "missing";
    throw err;
  }
}
