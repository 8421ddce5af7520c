import type { ImageSelector } from "../../config/schema.js";
import type { Clock } from "../../../common/clock.js";
import { BUILD_TAG, type ImageBuildRecord, type ImageBuildUpdate } from "../../core/images.js";
import type { Logger } from "../../../common/log.js";
import type { NodeAccess } from "../../core/node-access.js";
import type { ImageInfo, ProviderRegistry } from "../../../common/provider.js";
import type { Random } from "../../../common/random.js";
import type { ImageBuildState } from "../../core/states.js";
import type { NodeRecord, Store } from "../../core/store.js";
import { BuildCloud } from "./build-cloud.js";
import { lastLine, mask, note, sameKey, stamp, stepOf } from "./build-log.js";
import { BuildNodes, BuildStepError, messageOf, Stopping } from "./build-nodes.js";
import { buildNodeLabel, type Recipe } from "./recipes.js";

export interface RunnerDeps {
  store: Store;
  providers: ProviderRegistry;
  clock: Clock;
  random: Random;
  logger: Logger;
  access: NodeAccess | undefined;
  nodes: BuildNodes;
  pollMs: number;
  stopped(): boolean;
  /** What the build does, from the configuration in force; undefined when its family (or template) is no longer configured. */
  recipe(build: ImageBuildRecord): Promise<Recipe | undefined>;
  resolveRef(provider: string, ref: string | ImageSelector): Promise<string>;
  /** The provider's images, listed now. */
  listImages(provider: string): Promise<ImageInfo[]>;
  /** Every stored change of a build. */
  changed(build: ImageBuildRecord): void;
  /** A build reached promoted or failed. */
  finished(build: ImageBuildRecord, result: "promoted" | "failed"): void;
}

/** Someone else changed the build (an operator cancelled it): this run stops. */
class Superseded extends Error {}

/**
 * Drives one image build through its states: boot a builder from the base,
 * run the setup script over SSH, scrub, snapshot through the provider, boot
 * a verifier from the snapshot and pass its ready check, promote. Every
 * state is written before the cloud is touched, so a build is resumed after
 * a restart from the state it was left in, except the setup script, which
 * is never run twice: a build interrupted there fails cleanly. Any failure
 * moves the build to failing, deletes what it made (builder, verifier,
 * image) and ends it failed; the previous promoted build keeps serving.
 */
export class BuildRunner {
  private readonly cloud: BuildCloud;

  constructor(private readonly deps: RunnerDeps) {
    this.cloud = new BuildCloud(deps);
  }

  async drive(start: ImageBuildRecord): Promise<void> {
    let build = start;
    // The state found at the start was entered by an earlier run, maybe before a restart.
    let resumed = true;
    for (;;) {
      if (this.deps.stopped()) return;
      let next: ImageBuildRecord | undefined;
      try {
        next = await this.step(build, resumed);
      } catch (err) {
        if (err instanceof Stopping || err instanceof Superseded) return;
        if (build.state === "failing" || build.state === "retiring") {
          this.deps.logger.error({ err, build: build.id }, "image build clean-up failed; will retry");
          return;
        }
        const step = err instanceof BuildStepError ? err.step : stepOf(build.state);
        try {
          // A step may have stored more than it returned (the verifier's id, the image): clean up what is stored.
          const stored = await this.deps.store.images.getBuild(build.id);
          if (stored) build = { ...stored, log: build.log.length > stored.log.length ? build.log : stored.log };
          next = await this.toFailing(build, step, messageOf(err));
        } catch (inner) {
          if (!(inner instanceof Superseded))
            this.deps.logger.error({ err: inner, build: build.id }, "recording an image build's failure failed");
          return;
        }
      }
      if (!next) return;
      build = next;
      resumed = false;
    }
  }

  private async step(build: ImageBuildRecord, resumed: boolean): Promise<ImageBuildRecord | undefined> {
    switch (build.state) {
      case "pending":
        return this.begin(build);
      case "booting":
        return this.boot(build);
      case "setup":
        return this.setup(build, resumed);
      case "scrubbing":
        return this.scrub(build);
      case "snapshotting":
        return this.snapshot(build);
      case "verifying":
        return this.verify(build);
      case "failing":
        return this.cleanUp(build);
      case "retiring":
        return this.retire(build);
      default:
        return undefined;
    }
  }

  private async recipe(build: ImageBuildRecord, step: string): Promise<Recipe> {
    const recipe = await this.deps.recipe(build);
    if (!recipe) throw new BuildStepError(step, `${build.family} on ${build.provider} is no longer configured`);
    return recipe;
  }

  private deadline(build: ImageBuildRecord, recipe: Recipe): number {
    return build.createdAt + recipe.timeoutMs;
  }

  private async begin(build: ImageBuildRecord): Promise<ImageBuildRecord> {
    if (build.source === "post-build") {
      return this.write(note(build, `snapshot of node ${build.builderNodeId} requested by ${build.requestedBy}`), "scrubbing", {});
    }
    const recipe = await this.recipe(build, "boot");
    let baseImage = build.baseImage;
    if (!baseImage) {
      try {
        baseImage = await this.deps.resolveRef(build.provider, recipe.base);
      } catch (err) {
        throw new BuildStepError("boot", `base image: ${messageOf(err)}`, { cause: err });
      }
    }
    const now = this.deps.clock.now();
    const builderNodeId = build.builderNodeId || this.deps.random.id("n");
    const imageName = build.imageName || `${build.family.replace(/[^A-Za-z0-9._-]/g, "-")}-${stamp(now)}`;
    return this.write(note(build, `booting builder ${builderNodeId} from ${baseImage} (flavor ${recipe.flavor})`), "booting", {
      baseImage,
      builderNodeId,
      imageName,
    });
  }

  private async boot(build: ImageBuildRecord): Promise<ImageBuildRecord> {
    const recipe = await this.recipe(build, "boot");
    const started = this.deps.clock.now();
    const deadline = this.deadline(build, recipe);
    const label = buildNodeLabel(build.family);
    let node = await this.deps.nodes.ensure(
      { id: build.builderNodeId, purpose: "image-build", label, provider: build.provider, image: build.baseImage, flavor: recipe.flavor },
      [label],
    );
    // Without SSH the provider runs the setup script at boot, as for a template.
    node = await this.deps.nodes.bootToRunning(node, recipe.reach ? "" : recipe.setupScript, { [BUILD_TAG]: build.id }, deadline, "boot");
    node = await this.deps.nodes.check(node, recipe.reach ? "true" : undefined, deadline, "boot");
    const timings = { ...build.timings, boot: this.deps.clock.now() - started };
    const next = note(
      build,
      `builder ${node.id} is up at ${node.addresses[0] ?? "?"}${node.hostKeys[0] ? ` with host key ${node.hostKeys[0].split(" ").slice(0, 2).join(" ")}` : ""}`,
    );
    return this.write(next, "setup", { builderHostKey: node.hostKeys[0] ?? "", timings });
  }

  private async setup(build: ImageBuildRecord, resumed: boolean): Promise<ImageBuildRecord> {
    if (resumed)
      throw new BuildStepError(
        "setup",
        "interrupted by a restart of the scheduler while the setup script ran (a setup script is never run twice)",
      );
    const recipe = await this.recipe(build, "setup");
    const started = this.deps.clock.now();
    let next = build;
    if (!recipe.reach) {
      next = note(build, "the setup script ran at boot (this provider's nodes are not reached over SSH)");
    } else if (recipe.setupScript.trim() !== "") {
      const node = await this.liveNode(build.builderNodeId, "setup");
      next = note(build, "running the setup script");
      const result = await this.run(node, recipe.setupScript, recipe.secrets, this.deadline(build, recipe), "setup");
      next = { ...next, log: next.log + mask(result.output, recipe.secrets) };
      if (result.code !== 0) {
        await this.saveLog(next);
        throw new BuildStepError(
          "setup",
          `the setup script exited with ${result.code ?? "a signal"}${lastLine(mask(result.output, recipe.secrets))}`,
        );
      }
    }
    return this.write(next, "scrubbing", { timings: { ...build.timings, setup: this.deps.clock.now() - started } });
  }

  private async scrub(build: ImageBuildRecord): Promise<ImageBuildRecord> {
    const recipe = await this.recipe(build, "scrub");
    const started = this.deps.clock.now();
    const node = await this.liveNode(build.builderNodeId, "scrub");
    if (build.source === "post-build" && node.state !== "claimed") {
      throw new BuildStepError("scrub", `node ${node.id} is ${node.state}: it left its lease before the snapshot was taken`);
    }
    let next = build;
    if (recipe.reach && recipe.scrubScript.trim() !== "") {
      const result = await this.run(node, recipe.scrubScript, {}, this.deadline(build, recipe), "scrub");
      next = note(build, `scrubbed${result.output.trim() ? `:\n${result.output}` : ""}`);
      if (result.code !== 0) {
        await this.saveLog(next);
        throw new BuildStepError("scrub", `the scrub script exited with ${result.code ?? "a signal"}${lastLine(result.output)}`);
      }
    }
    return this.write(note(next, `taking the snapshot ${build.imageName || build.family}`), "snapshotting", {
      timings: { ...build.timings, scrub: this.deps.clock.now() - started },
    });
  }

  private async snapshot(build: ImageBuildRecord): Promise<ImageBuildRecord> {
    const recipe = await this.recipe(build, "snapshot");
    const deadline = this.deadline(build, recipe);
    const started = this.deps.clock.now();
    let current = build;
    if (!current.operationId) {
      const operationId = await this.cloud.startSnapshot(build, () =>
        this.guard(deadline, "snapshot", "the snapshot was not accepted in time"),
      );
      current = await this.write(current, undefined, { operationId });
    }
    const imageId = await this.cloud.awaitSnapshot(current, () => this.guard(deadline, "snapshot", "the snapshot did not finish in time"));
    const sizeBytes =
      (await this.deps.listImages(build.provider).catch(() => [] as ImageInfo[])).find((i) => i.id === imageId)?.sizeBytes ?? 0;
    const timings = { ...current.timings, snapshot: this.deps.clock.now() - started };
    current = await this.write(note(current, `snapshot ${imageId} taken (${sizeBytes} bytes)`), undefined, { imageId, sizeBytes, timings });
    // The builder has served its purpose; the verifier needs the capacity.
    if (build.source !== "post-build") await this.deps.nodes.remove(build.builderNodeId);
    if (recipe.verify) return this.write(current, "verifying", {});
    const now = this.deps.clock.now();
    const promoted = await this.write(note(current, "promoted (verification is off)"), "promoted", { promotedAt: now, finishedAt: now });
    this.deps.finished(promoted, "promoted");
    return promoted;
  }

  private async verify(build: ImageBuildRecord): Promise<ImageBuildRecord> {
    const recipe = await this.recipe(build, "verify");
    const deadline = this.deadline(build, recipe);
    const started = this.deps.clock.now();
    let current = build;
    if (!current.verifierNodeId) current = await this.write(current, undefined, { verifierNodeId: this.deps.random.id("n") });
    const label = buildNodeLabel(build.family);
    let node = await this.deps.nodes.ensure(
      { id: current.verifierNodeId, purpose: "image-verify", label, provider: build.provider, image: build.imageId, flavor: recipe.flavor },
      [label],
    );
    node = await this.deps.nodes.bootToRunning(node, "", { [BUILD_TAG]: build.id }, deadline, "verify");
    node = await this.deps.nodes.check(node, recipe.reach ? recipe.verifyScript : undefined, deadline, "verify");
    if (recipe.reach && build.builderHostKey && node.hostKeys.some((k) => sameKey(k, build.builderHostKey))) {
      throw new BuildStepError(
        "verify",
        "the verifier presented the builder's host key: the image carries it (remove host keys in the family's scrubScript)",
      );
    }
    await this.deps.nodes.remove(node.id);
    const now = this.deps.clock.now();
    const timings = { ...current.timings, verify: now - started };
    const promoted = await this.write(note(current, `verified on ${node.id}; promoted`), "promoted", {
      verifiedAt: now,
      promotedAt: now,
      finishedAt: now,
      timings,
    });
    this.deps.finished(promoted, "promoted");
    return promoted;
  }

  /** Deletes what the failed build made, then ends it failed. */
  private async cleanUp(build: ImageBuildRecord): Promise<ImageBuildRecord> {
    if (build.source !== "post-build") await this.deps.nodes.remove(build.builderNodeId);
    await this.deps.nodes.remove(build.verifierNodeId);
    let imageId = build.imageId;
    if (!imageId && build.operationId) imageId = await this.cloud.orphanedSnapshot(build);
    if (imageId) await this.cloud.deleteImage(build, imageId);
    const failed = await this.write(note(build, `failed: ${build.failureReason}; its nodes and image are deleted`), "failed", {
      finishedAt: build.finishedAt || this.deps.clock.now(),
    });
    this.deps.finished(failed, "failed");
    return failed;
  }

  private async retire(build: ImageBuildRecord): Promise<ImageBuildRecord> {
    if (build.imageId) await this.cloud.deleteImage(build, build.imageId);
    return this.write(note(build, `image ${build.imageId} deleted`), "retired", {});
  }

  private async toFailing(build: ImageBuildRecord, step: string, message: string): Promise<ImageBuildRecord> {
    const reason = `${step}: ${message}`;
    this.deps.logger.warn({ build: build.id, family: build.family, provider: build.provider, reason }, "image build failed");
    return this.write(note(build, `FAILED at ${step}: ${message}`), "failing", {
      failureReason: reason,
      finishedAt: this.deps.clock.now(),
    });
  }

  private async liveNode(id: string, step: string): Promise<NodeRecord> {
    const node = await this.deps.store.getNode(id);
    if (!node || ["gone", "deleting", "failed", "released"].includes(node.state)) {
      throw new BuildStepError(step, `node ${id} is ${node?.state ?? "gone"}`);
    }
    return node;
  }

  private async run(node: NodeRecord, script: string, env: Record<string, string>, deadline: number, step: string) {
    if (!this.deps.access) throw new BuildStepError(step, "the scheduler has no SSH access to nodes");
    const timeoutMs = deadline - this.deps.clock.now();
    if (timeoutMs <= 0) throw new BuildStepError(step, "the build ran out of time");
    try {
      return await this.deps.access.run(node, script, { env, timeoutMs });
    } catch (err) {
      if (this.deps.stopped()) throw new Stopping();
      throw new BuildStepError(step, `ssh: ${messageOf(err)}`, { cause: err });
    }
  }

  private guard(deadline: number, step: string, message: string): void {
    if (this.deps.stopped()) throw new Stopping();
    if (this.deps.clock.now() > deadline) throw new BuildStepError(step, message);
  }

  private async saveLog(build: ImageBuildRecord): Promise<void> {
    await this.deps.store.images.updateBuild({ id: build.id, from: [build.state], at: this.deps.clock.now(), patch: { log: build.log } });
  }

  /** Compare-and-set from the state the build is in; its log goes along. */
  private async write(
    build: ImageBuildRecord,
    to: ImageBuildState | undefined,
    patch: NonNullable<ImageBuildUpdate["patch"]>,
  ): Promise<ImageBuildRecord> {
    if (this.deps.stopped()) throw new Stopping();
    const at = this.deps.clock.now();
    const full = { ...patch, log: build.log };
    const applied = await this.deps.store.images.updateBuild({ id: build.id, from: [build.state], ...(to ? { to } : {}), at, patch: full });
    if (!applied) {
      const latest = await this.deps.store.images.getBuild(build.id);
      if (latest) this.deps.changed(latest);
      throw new Superseded(`build ${build.id} is ${latest?.state ?? "gone"}, not ${build.state}`);
    }
    const next: ImageBuildRecord = { ...build, ...full, ...(to ? { state: to, stateChangedAt: at } : {}) };
    this.deps.changed(next);
    return next;
  }
}
