import type { Clock } from "../../common/clock.js";
import { StandbyError } from "../../common/errors.js";
import type { HoldSnapshotRecord } from "../core/holds.js";
import type { Logger } from "../../common/log.js";
import type { ProviderRegistry, Visibility } from "../../common/provider.js";
import type { Random } from "../../common/random.js";
import type { NodeRecord, Store } from "../core/store.js";
import { Backoff, isTransient, POLL_POLICY, startingAt } from "../core/retry.js";

/** The provider promises snapshots without host keys and authorized keys (provider.proto). */
export const SCRUBBED_SNAPSHOTS = "scrubbed-snapshots";
export const SNAPSHOT_CAPABILITY = "snapshot";
export const SHARED_IMAGES = "shared-images";

/** Tags on a held node's image: which node, and who asked. */
export const HOLD_NODE_TAG = "standby-hold-node";
export const HOLD_REQUESTER_TAG = "standby-hold-requester";

export interface SnapshotOptions {
  /** Undefined: shared where the provider can share images, else private. */
  visibility: Visibility | undefined;
  /** "" = hold-<node>-<time>. */
  imageName: string;
  requester: string;
}

const IMAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Snapshots of held nodes, published so a developer can boot the failed
 * machine in their own account. The record is stored before the provider is
 * asked, the operation id as soon as it answers, and the result when the
 * operation is done; after a restart, unfinished snapshots are polled again
 * (or marked failed when the provider never got to answer).
 *
 * Keys never go into such an image: only providers that promise it (the
 * `scrubbed-snapshots` capability: no SSH host keys, no authorized_keys) are
 * asked, and the image is shared rather than public unless asked.
 */
export class HoldSnapshots {
  private readonly polling = new Set<string>();
  private readonly waiters = new Map<string, Set<(snapshot: HoldSnapshotRecord) => void>>();
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly providers: ProviderRegistry,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly logger: Logger,
    private readonly pollMs = 500,
  ) {}

  stop(): void {
    this.stopped = true;
  }

  /** Polls again what a previous run left unfinished. */
  async resume(): Promise<void> {
    for (const snapshot of await this.store.holds.listSnapshots({ states: ["running"] })) {
      if (snapshot.operationId === "") {
        // Stored, but the provider never answered: whether it started one is unknown.
        await this.finish({
          ...snapshot,
          state: "failed",
          error: "the scheduler restarted before the provider accepted the snapshot; take it again",
        });
        continue;
      }
      void this.poll(snapshot);
    }
  }

  async start(node: NodeRecord, options: SnapshotOptions): Promise<HoldSnapshotRecord> {
    if (options.imageName !== "" && (!IMAGE_NAME.test(options.imageName) || options.imageName.length > 200)) {
      throw StandbyError.invalidArgument("image_name", "use up to 200 letters, digits, '.', '_' and '-' (starting with a letter or digit)");
    }
    if (!this.providers.names().includes(node.provider))
      throw new StandbyError("failed-precondition", `provider ${node.provider} is not configured`);
    const provider = this.providers.get(node.provider);
    const { capabilities } = await provider.describe();
    if (!capabilities.includes(SNAPSHOT_CAPABILITY)) {
      throw new StandbyError("failed-precondition", `provider ${node.provider} cannot take snapshots`);
    }
    if (!capabilities.includes(SCRUBBED_SNAPSHOTS)) {
      throw new StandbyError(
        "failed-precondition",
        `provider ${node.provider} does not promise snapshots free of SSH host keys and authorized keys (capability ${SCRUBBED_SNAPSHOTS}); not publishing one`,
      );
    }
    const canShare = capabilities.includes(SHARED_IMAGES);
    if (options.visibility === "shared" && !canShare) {
      throw new StandbyError("failed-precondition", `provider ${node.provider} cannot share images; ask for private (or public)`, {
        field: "visibility",
      });
    }
    const visibility: Visibility = options.visibility ?? (canShare ? "shared" : "private");
    const now = this.clock.now();
    const snapshot: HoldSnapshotRecord = {
      id: this.random.id("snap"),
      nodeId: node.id,
      provider: node.provider,
      imageName: options.imageName || `hold-${node.id}-${new Date(now).toISOString().replace(/[-:]/g, "").replace(/\..*$/, "")}`,
      visibility,
      operationId: "",
      imageId: "",
      state: "running",
      error: "",
      requestedBy: options.requester,
      createdAt: now,
      doneAt: 0,
    };
    await this.store.holds.putSnapshot(snapshot);
    let operation;
    try {
      operation = await provider.createSnapshot({
        nodeId: node.id,
        imageName: snapshot.imageName,
        visibility,
        tags: { [HOLD_NODE_TAG]: node.id, [HOLD_REQUESTER_TAG]: options.requester, "standby-label": node.label },
      });
    } catch (err) {
      const e = StandbyError.from(err);
      await this.finish({ ...snapshot, state: "failed", error: e.message });
      throw e.code === "unimplemented"
        ? new StandbyError("failed-precondition", `provider ${node.provider} cannot take snapshots`, { cause: e })
        : e;
    }
    const started = { ...snapshot, operationId: operation.id };
    this.logger.info(
      { node: node.id, provider: node.provider, snapshot: started.id, operation: operation.id, visibility, by: options.requester },
      "snapshot of a held node started",
    );
    if (operation.done)
      return this.finish(
        operation.error
          ? { ...started, state: "failed", error: operation.error }
          : { ...started, state: "done", imageId: operation.imageId },
      );
    await this.store.holds.putSnapshot(started);
    void this.poll(started);
    return started;
  }

  /** The snapshot once done, or as it stands after timeoutMs (or when signal aborts). */
  async wait(id: string, timeoutMs: number, signal?: AbortSignal): Promise<HoldSnapshotRecord> {
    let settle: ((s: HoldSnapshotRecord) => void) | undefined;
    let early: HoldSnapshotRecord | undefined;
    const listener = (s: HoldSnapshotRecord) => (settle ? settle(s) : (early = s));
    let set = this.waiters.get(id);
    if (!set) this.waiters.set(id, (set = new Set()));
    set.add(listener);
    const unsubscribe = () => {
      set.delete(listener);
      if (set.size === 0) this.waiters.delete(id);
    };
    const current = await this.store.holds.getSnapshot(id);
    if (!current) {
      unsubscribe();
      throw new StandbyError("not-found", `no snapshot ${id}`);
    }
    if (early || current.state !== "running") {
      unsubscribe();
      return early ?? current;
    }
    return new Promise((resolve) => {
      const give = () =>
        void this.store.holds.getSnapshot(id).then(
          (s) => done(s ?? current),
          () => done(current),
        );
      const timer = this.clock.setTimer(timeoutMs, give);
      const done = (s: HoldSnapshotRecord) => {
        timer.cancel();
        unsubscribe();
        signal?.removeEventListener("abort", give);
        resolve(s);
      };
      settle = done;
      signal?.addEventListener("abort", give);
    });
  }

  private async poll(snapshot: HoldSnapshotRecord): Promise<void> {
    if (this.polling.has(snapshot.id)) return;
    this.polling.add(snapshot.id);
    const delays = new Backoff(startingAt(POLL_POLICY, this.pollMs));
    try {
      while (!this.stopped) {
        await this.clock.sleep(delays.next());
        if (this.stopped) return;
        let operation;
        try {
          operation = await this.providers.get(snapshot.provider).getOperation(snapshot.operationId);
        } catch (err) {
          if (isTransient(err)) continue;
          await this.finish({ ...snapshot, state: "failed", error: `the provider lost the snapshot: ${StandbyError.from(err).message}` });
          return;
        }
        if (!operation.done) continue;
        await this.finish(
          operation.error
            ? { ...snapshot, state: "failed", error: operation.error }
            : { ...snapshot, state: "done", imageId: operation.imageId },
        );
        return;
      }
    } catch (err) {
      this.logger.error({ err, snapshot: snapshot.id }, "polling a held node's snapshot failed");
    } finally {
      this.polling.delete(snapshot.id);
    }
  }

  private async finish(snapshot: HoldSnapshotRecord): Promise<HoldSnapshotRecord> {
    const done = { ...snapshot, doneAt: this.clock.now() };
    await this.store.holds.putSnapshot(done);
    if (done.state === "done") {
      this.logger.info(
        { node: done.nodeId, provider: done.provider, snapshot: done.id, image: done.imageId, visibility: done.visibility },
        "snapshot of a held node done",
      );
    } else {
      this.logger.warn(
        { node: done.nodeId, provider: done.provider, snapshot: done.id, error: done.error },
        "snapshot of a held node failed",
      );
    }
    for (const listener of [...(this.waiters.get(done.id) ?? [])]) listener(done);
    return done;
  }
}
