import type { TemplateConfig } from "../../config/schema.js";
import type { Clock } from "../../../common/clock.js";
import { StandbyError } from "../../../common/errors.js";
import type { ImageBuildRecord } from "../../core/images.js";
import type { Logger } from "../../../common/log.js";
import type { NodeAccess } from "../../core/node-access.js";
import type { ProviderRegistry } from "../../../common/provider.js";
import type { Random } from "../../../common/random.js";
import {
  ACTIVE_IMAGE_BUILD_STATES,
  BUILDING_IMAGE_BUILD_STATES,
  PENDING_NODE_STATES,
  PROMOTED_IMAGE_BUILD_STATES,
  type ImageBuildState,
} from "../../core/states.js";
import type { NodeRecord, Store } from "../../core/store.js";
import type { Catalog } from "../catalog.js";
import type { NodeDriver } from "../nodes/driver.js";
import { BuildNodes } from "./build-nodes.js";
import { recipeOf } from "./build-recipe.js";
import { newBuildRecord, type NewBuild } from "./build-record.js";
import { BuildRunner } from "./builds.js";
import { wantsCacheBuild } from "./cache.js";
import { ImageCleanup } from "./cleanup.js";
import { LeakedImages } from "./leaks.js";
import { noImageMetrics, type CurrentBuild, type ImageMetrics } from "./metrics.js";
import { cacheFamily, familyOf } from "./recipes.js";
import { nodesToReplace } from "./replacement.js";
import { ImageResolver, type CacheMiss } from "./resolver.js";
import { Retention } from "./retention.js";
import { dueBuilds } from "./schedule.js";
import { BuildWaiters } from "./waiters.js";
import { currentBuilds as currentBuildsOf, familyViews, type FamilyFilter, type ImageFamilyView } from "./views.js";

export type { ImageFamilyView };

export interface ImageServiceDeps {
  store: Store;
  providers: ProviderRegistry;
  clock: Clock;
  random: Random;
  logger: Logger;
  ownerId: string;
  access: NodeAccess | undefined;
  /** Drives builders and verifiers, as it drives pool nodes. */
  nodes: NodeDriver;
  catalog(): Catalog;
  pollMs: number;
  metrics?: ImageMetrics;
  /** The pool: deletes ready nodes on an outdated build so the pool refills; says whether a provider may launch now (serving, not paused, draining or at quota). */
  pool: {
    deleter: { drive(node: NodeRecord): Promise<void> };
    pauses: { launchesNow(provider: string): boolean };
  };
}

/** Builds whose state says someone must drive them on. */
const DRIVEN: readonly ImageBuildState[] = ACTIVE_IMAGE_BUILD_STATES;
/** A build whose clean-up failed is tried again at most this often. */
const RETRY_MS = 60_000;

/**
 * Images: the controllers of builds (scheduled, manual, post-build snapshots
 * and template caches), their resolution at launch, retention, leaked-image
 * clean-up and the gradual replacement of nodes on outdated builds. The
 * scheduler drives it: start, tick, reconcile per provider, stop.
 */
export class ImageService {
  readonly resolver: ImageResolver;
  private readonly runner: BuildRunner;
  private readonly nodes: BuildNodes;
  private readonly retention: Retention;
  private readonly cleanup: ImageCleanup;
  private readonly metrics: ImageMetrics;
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly lastDriven = new Map<string, number>();
  private readonly waiters: BuildWaiters;
  private paused = new Set<string>();
  private stopped = false;
  /** Set when a build is promoted or retired (and at start): ready nodes may be on an outdated build. */
  private mayBeOutdated = true;

  constructor(private readonly deps: ImageServiceDeps) {
    this.metrics = deps.metrics ?? noImageMetrics;
    this.resolver = new ImageResolver(
      deps.store,
      deps.providers,
      deps.clock,
      () => deps.catalog(),
      (miss) => this.cacheMiss(miss),
    );
    const logger = deps.logger;
    this.nodes = new BuildNodes({ store: deps.store, driver: deps.nodes, access: deps.access, now: () => deps.clock.now() });
    this.runner = new BuildRunner({
      store: deps.store,
      providers: deps.providers,
      clock: deps.clock,
      random: deps.random,
      logger,
      access: deps.access,
      nodes: this.nodes,
      pollMs: deps.pollMs,
      stopped: () => this.stopped,
      recipe: (build) => recipeOf(build, deps.catalog(), this.resolver, deps.store),
      resolveRef: (provider, ref) => this.resolver.resolveRef(provider, ref),
      listImages: (provider) => this.resolver.listImages(provider, 0),
      changed: (build) => this.changed(build),
      finished: (build, result) => this.finished(build, result),
    });
    this.retention = new Retention({
      images: deps.store.images,
      resolver: this.resolver,
      clock: deps.clock,
      logger,
      catalog: () => deps.catalog(),
      drive: (build) => this.drive(build),
    });
    this.waiters = new BuildWaiters(deps.clock, (id) => this.resolver.get(id));
    this.cleanup = new ImageCleanup({
      store: deps.store,
      resolver: this.resolver,
      leaks: new LeakedImages(deps.providers, deps.ownerId, logger),
      retention: this.retention,
      nodes: this.nodes,
      logger,
    });
  }

  /** Loads the builds, and resumes every build a previous run left under way. */
  async start(): Promise<void> {
    await this.resolver.load();
    this.paused = new Set((await this.deps.store.images.familyStates()).filter((f) => f.paused).map((f) => f.name));
    for (const build of this.resolver.all()) if (DRIVEN.includes(build.state)) void this.drive(build);
  }

  stop(): void {
    this.stopped = true;
  }

  /** Drives a build on, one runner per build. */
  drive(build: ImageBuildRecord): Promise<void> {
    const running = this.inflight.get(build.id);
    if (running) return running;
    if (this.stopped) return Promise.resolve();
    this.lastDriven.set(build.id, this.deps.clock.now());
    const run = this.runner
      .drive(build)
      .catch((err: unknown) => this.deps.logger.error({ err, build: build.id }, "image build driver failed"))
      .finally(() => this.inflight.delete(build.id));
    this.inflight.set(build.id, run);
    return run;
  }

  /** Every tick: scheduled builds that are due, stranded builds, gradual replacement. */
  async tick(): Promise<void> {
    if (this.stopped) return;
    const now = this.deps.clock.now();
    for (const build of this.resolver.all()) {
      if (DRIVEN.includes(build.state) && !this.inflight.has(build.id) && now - (this.lastDriven.get(build.id) ?? 0) >= RETRY_MS)
        void this.drive(build);
    }
    const catalog = this.deps.catalog();
    const due = dueBuilds(
      catalog.config.images,
      this.paused,
      (f, p) => this.resolver.of(f, p),
      (p) => this.deps.pool.pauses.launchesNow(p),
      now,
    );
    for (const d of due) {
      await this.create({ family: d.family, provider: d.provider, source: "scheduled", slot: d.slot, requestedBy: "schedule" }).catch(
        (err: unknown) => {
          if (!(err instanceof StandbyError && err.code === "already-exists"))
            this.deps.logger.error({ err, family: d.family, provider: d.provider }, "starting a scheduled image build failed");
        },
      );
    }
    await this.replaceOutdated();
  }

  private async replaceOutdated(): Promise<void> {
    const catalog = this.deps.catalog();
    if (!this.mayBeOutdated || !catalog.config.templates.some((t) => t.family !== undefined)) return;
    const [nodes, counts] = await Promise.all([
      this.deps.store.listNodes({ states: ["ready", ...PENDING_NODE_STATES] }),
      this.deps.store.countNodes(),
    ]);
    const outdated = (n: NodeRecord) => this.resolver.outdated(n, catalog.template(n.label, n.provider));
    // Nodes only go out of date when a build is promoted or deleted: until then there is nothing to look for.
    if (!nodes.some(outdated)) {
      this.mayBeOutdated = false;
      return;
    }
    const ready = nodes.filter((n) => n.state === "ready");
    for (const node of nodesToReplace(catalog, ready, counts, (n, t) => this.resolver.outdated(n, t))) {
      this.deps.logger.info(
        { node: node.id, label: node.label, provider: node.provider, image: node.image },
        "replacing a ready node on an outdated image build",
      );
      void this.deps.pool.deleter.drive({ ...node, state: "ready" });
    }
  }

  /** With every reconcile of a provider: leaked images, retention, build nodes no build drives. */
  async reconcile(provider: string): Promise<void> {
    if (!this.stopped) await this.cleanup.reconcile(provider);
  }

  // ---- launches ----

  immediateImage(template: TemplateConfig | undefined): string {
    return this.resolver.immediateImage(template);
  }

  resolveLaunch(template: TemplateConfig): Promise<string> {
    return this.resolver.resolveLaunch(template);
  }

  setupFor(template: TemplateConfig | undefined, image: string): string {
    return this.resolver.setupFor(template, image);
  }

  private cacheMiss(miss: CacheMiss): void {
    if (this.stopped || !wantsCacheBuild(miss, (f, p) => this.resolver.of(f, p), this.deps.clock.now())) return;
    // A placeholder in the view at once, so the launches of one pool pass ask for one build, not one each.
    void this.create({
      family: cacheFamily(miss.template.label),
      provider: miss.template.provider,
      source: "template-cache",
      requestedBy: `launch of ${miss.template.label}`,
      cacheKey: miss.key,
      baseImage: miss.base.image,
    }).catch((err: unknown) => this.deps.logger.error({ err, label: miss.template.label }, "starting a template cache build failed"));
  }

  // ---- builds ----

  private async create(spec: NewBuild): Promise<ImageBuildRecord> {
    const now = this.deps.clock.now();
    const build = newBuildRecord(this.deps.random.id("b"), spec, now);
    this.resolver.note(build);
    try {
      await this.deps.store.images.insertBuild(build);
    } catch (err) {
      this.resolver.forget(build.id);
      throw err;
    }
    this.deps.logger.info({ build: build.id, family: build.family, provider: build.provider, source: build.source }, "image build started");
    void this.drive(build);
    return build;
  }

  private changed(build: ImageBuildRecord): void {
    if (PROMOTED_IMAGE_BUILD_STATES.includes(build.state)) this.mayBeOutdated = true;
    this.resolver.note(build);
    this.waiters.changed(build);
  }

  private finished(build: ImageBuildRecord, result: "promoted" | "failed"): void {
    this.metrics.buildFinished({
      family: build.family,
      provider: build.provider,
      source: build.source,
      result,
      failedStep: result === "failed" ? (build.failureReason.split(":")[0] ?? "") : "",
      durationMs: Math.max(0, (build.finishedAt || this.deps.clock.now()) - build.createdAt),
    });
    if (result !== "promoted") return;
    this.deps.logger.info(
      { build: build.id, family: build.family, provider: build.provider, image: build.imageId },
      "image build promoted",
    );
    this.resolver.forgetListing(build.provider);
    void this.retention
      .apply(build.family, build.provider)
      .catch((err: unknown) => this.deps.logger.error({ err, build: build.id }, "image retention failed"));
  }

  // ---- the API ----

  list(filter: FamilyFilter = {}): ImageFamilyView[] {
    return familyViews(this.deps.catalog(), this.resolver, this.paused, filter, this.deps.clock.now());
  }

  /** Starts a build of the family on each of its providers (or the one named). */
  async build(family: string, provider: string | undefined, requestedBy = "operator"): Promise<ImageBuildRecord[]> {
    const f = familyOf(this.deps.catalog(), family);
    if (!f) throw new StandbyError("not-found", `no image family named ${family}`);
    const entries = f.providers.filter((p) => provider === undefined || p.provider === provider);
    if (entries.length === 0)
      throw new StandbyError("failed-precondition", `image family ${family} has no entry for provider ${provider ?? "(any)"}`);
    for (const e of entries) {
      const running = this.resolver.of(family, e.provider).find((b) => DRIVEN.includes(b.state) && b.state !== "retiring");
      if (running)
        throw new StandbyError("failed-precondition", `build ${running.id} of ${family} on ${e.provider} is under way (${running.state})`);
    }
    const builds: ImageBuildRecord[] = [];
    for (const e of entries) builds.push(await this.create({ family, provider: e.provider, source: "manual", requestedBy }));
    return builds;
  }

  async get(id: string): Promise<ImageBuildRecord> {
    const build = (await this.deps.store.images.getBuild(id)) ?? this.resolver.get(id);
    if (!build) throw new StandbyError("not-found", `no image build ${id}`);
    return build;
  }

  async setPaused(family: string, paused: boolean): Promise<ImageFamilyView> {
    if (!familyOf(this.deps.catalog(), family)) throw new StandbyError("not-found", `no image family named ${family}`);
    await this.deps.store.images.setFamilyPaused(family, paused, this.deps.clock.now());
    if (paused) this.paused.add(family);
    else this.paused.delete(family);
    this.deps.logger.info({ family, paused }, paused ? "image family paused" : "image family resumed");
    return this.list({ family })[0] as ImageFamilyView;
  }

  /**
   * Deletes a build: a promoted one (launches fall back to the previous one;
   * the last good build is refused), or cancels one under way (its artifacts
   * are deleted). Ended builds are returned as they are.
   */
  async deleteBuild(id: string): Promise<ImageBuildRecord> {
    const build = await this.get(id);
    this.resolver.note(build);
    if (build.state === "promoted") return this.retention.deletePromoted(build);
    if (BUILDING_IMAGE_BUILD_STATES.includes(build.state)) {
      const now = this.deps.clock.now();
      const reason = "cancelled: deleted by an operator";
      const log = `${build.log}# ${reason}\n`;
      if (
        await this.deps.store.images.updateBuild({
          id,
          from: [build.state],
          to: "failing",
          at: now,
          patch: { failureReason: reason, finishedAt: now, log },
        })
      ) {
        const failing: ImageBuildRecord = { ...build, state: "failing", stateChangedAt: now, failureReason: reason, finishedAt: now, log };
        this.changed(failing);
        // A driver at work stops at its next write; the clean-up runs after it.
        void (this.inflight.get(id) ?? Promise.resolve()).then(() => this.drive(failing));
        return failing;
      }
      return this.get(id);
    }
    return build;
  }

  /**
   * A post-build snapshot: the claimed node (held by the claim whose lease
   * authorised the call) becomes a new build of the family on its provider,
   * verified and promoted like any build. Resolves once the snapshot is
   * taken (so the lease may be released), or with `wait` once the build is
   * promoted or failed; at the latest after timeoutMs, with its state then.
   */
  async snapshotNode(claimId: string, nodeId: string, family: string, wait: boolean, timeoutMs: number): Promise<ImageBuildRecord> {
    if (!familyOf(this.deps.catalog(), family)) throw new StandbyError("not-found", `no image family named ${family}`);
    const node = await this.deps.store.getNode(nodeId);
    if (!node) throw new StandbyError("not-found", `node ${nodeId} not found`);
    if (node.claimId !== claimId || node.state !== "claimed")
      throw new StandbyError("permission-denied", `node ${nodeId} is not held by this lease`);
    const build = await this.create({
      family,
      provider: node.provider,
      source: "post-build",
      requestedBy: `lease of claim ${claimId}`,
      baseImage: node.image,
      builderNodeId: node.id,
      builderHostKey: node.hostKeys[0] ?? "",
    });
    const captured = (b: ImageBuildRecord) => b.imageId !== "" || ["promoted", "failing", "failed"].includes(b.state);
    const ended = (b: ImageBuildRecord) => ["promoted", "failed"].includes(b.state);
    return this.waiters.waitFor(build, wait ? ended : captured, timeoutMs);
  }

  /** For an image-age gauge: each family's current build per provider. */
  currentBuilds(): CurrentBuild[] {
    return currentBuildsOf(this.resolver.all());
  }
}
