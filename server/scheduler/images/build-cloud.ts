import { StandbyError, type ImageBuildRecord, type ProviderRegistry } from "../../core/index.js";
import type { Clock } from "../../core/index.js";
import { Backoff, DELETE_POLICY, isTransient, POLL_POLICY, startingAt } from "../../core/retry.js";
import { BUILD_TAG, FAMILY_TAG } from "../../core/images.js";
import { BuildStepError, messageOf, Stopping } from "./build-nodes.js";

/** How long a failed build's snapshot, still being taken, is waited for so it can be deleted. */
const ORPHAN_SNAPSHOT_WAIT_MS = 10 * 60_000;

export interface BuildCloudDeps {
  providers: ProviderRegistry;
  clock: Clock;
  pollMs: number;
  stopped: () => boolean;
}

/** The cloud calls of an image build beyond its nodes: the snapshot and its operation, deleting the image. */
export class BuildCloud {
  constructor(private readonly deps: BuildCloudDeps) {}

  /** Asks for the builder's snapshot (retrying transient errors); guard throws when it is too late. Returns the operation id. */
  async startSnapshot(build: ImageBuildRecord, guard: () => void): Promise<string> {
    const provider = this.deps.providers.get(build.provider);
    const delays = new Backoff(startingAt(POLL_POLICY, this.deps.pollMs));
    for (;;) {
      guard();
      try {
        const op = await provider.createSnapshot({
          nodeId: build.builderNodeId,
          imageName: build.imageName || build.family,
          visibility: "private",
          tags: { [BUILD_TAG]: build.id, [FAMILY_TAG]: build.family },
        });
        if (op.id) return op.id;
      } catch (err) {
        if (!isTransient(err)) throw new BuildStepError("snapshot", messageOf(err), { cause: err });
        await this.deps.clock.sleep(delays.next());
      }
    }
  }

  /** Waits for the snapshot operation; returns the image id. */
  async awaitSnapshot(build: ImageBuildRecord, guard: () => void): Promise<string> {
    const provider = this.deps.providers.get(build.provider);
    const delays = new Backoff(startingAt(POLL_POLICY, this.deps.pollMs));
    for (;;) {
      try {
        const op = await provider.getOperation(build.operationId);
        if (op.done) {
          if (op.error) throw new BuildStepError("snapshot", op.error);
          if (!op.imageId) throw new BuildStepError("snapshot", "the provider finished the snapshot without an image");
          return op.imageId;
        }
      } catch (err) {
        if (err instanceof BuildStepError) throw err;
        if (!isTransient(err)) throw new BuildStepError("snapshot", messageOf(err), { cause: err });
      }
      guard();
      await this.deps.clock.sleep(delays.next());
    }
  }

  /** A snapshot still being taken when its build failed: waited for, so it can be deleted now rather than found as a leak later. */
  async orphanedSnapshot(build: ImageBuildRecord): Promise<string> {
    const provider = this.deps.providers.get(build.provider);
    const until = this.deps.clock.now() + ORPHAN_SNAPSHOT_WAIT_MS;
    const delays = new Backoff(startingAt(POLL_POLICY, this.deps.pollMs));
    while (this.deps.clock.now() < until) {
      if (this.deps.stopped()) throw new Stopping();
      try {
        const op = await provider.getOperation(build.operationId);
        if (op.done) return op.imageId;
      } catch (err) {
        if (!isTransient(err)) return "";
      }
      await this.deps.clock.sleep(delays.next());
    }
    return "";
  }

  /** Deletes the image; gone already is done, a permanent error is given up after three tries. */
  async deleteImage(build: ImageBuildRecord, imageId: string): Promise<void> {
    const provider = this.deps.providers.get(build.provider);
    const delays = new Backoff(startingAt(DELETE_POLICY, this.deps.pollMs));
    for (;;) {
      if (this.deps.stopped()) throw new Stopping();
      try {
        await provider.deleteImage(imageId);
        return;
      } catch (err) {
        if (err instanceof StandbyError && err.code === "not-found") return;
        if (!isTransient(err) && delays.attempts >= 2) throw err;
        await this.deps.clock.sleep(delays.next());
      }
    }
  }
}
