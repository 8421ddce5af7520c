import type { TemplateConfig } from "../config/schema.js";
import type { Clock } from "../../common/clock.js";
import { StandbyError, type ErrorCode } from "../../common/errors.js";
import type { Logger } from "../../common/log.js";
import { NODE_TAG, OWNER_TAG, type Flavor, type Instance, type ProviderRegistry } from "../../common/provider.js";
import type { NodeAccess } from "../core/node-access.js";
import { NOOP_OBSERVER } from "../core/observer.js";
import type { Random } from "../../common/random.js";
import { ENDING_NODE_STATES, LIVE_NODE_STATES, PENDING_NODE_STATES } from "../core/states.js";
import type { NodeCount, NodeRecord, Store } from "../core/store.js";
import type { Catalog } from "./catalog.js";
import type { Demand } from "./claims.js";
import { LaunchReporter } from "./launch-reporter.js";
import type { NodeWriter } from "./node-writer.js";

/** Errors after which the same call may well succeed if simply tried again. */
const TRANSIENT: readonly ErrorCode[] = ["unavailable", "deadline-exceeded", "aborted", "cancelled"];

export function isTransient(err: unknown): boolean {
  return err instanceof StandbyError && TRANSIENT.includes(err.code);
}

export interface LaunchFailure {
  provider: string;
  label: string;
  reason: string;
  message: string;
  nodeId: string;
  at: number;
}

export type ProviderMode = "active" | "paused" | "draining";

/**
 * What a launch boots from, when images are resolved at launch time (image
 * families, selectors, template caches): server/scheduler/images.
 */
export interface LaunchImages {
  /** The image when it needs no lookup ("" otherwise: resolved when the launch starts). */
  immediateImage(template: TemplateConfig | undefined): string;
  resolveLaunch(template: TemplateConfig): Promise<string>;
  /** The setup script a boot of the template on that image runs. */
  setupFor(template: TemplateConfig | undefined, image: string): string;
}

export interface LifecycleOptions {
  /** Resolves images at launch; without it a template's image is used as written. */
  images?: LaunchImages;
  /** How often a booting instance is polled, at first (doubles up to 5 s). */
  pollMs?: number;
  /** Failures older than this no longer count against a provider's choice. */
  failureWindowMs?: number;
  /**
   * Real-time window in which non-urgent pool passes and deletions of released
   * nodes are coalesced; 0: none, they run at once (the simulator, in virtual time).
   */
  coalesceMs?: number;
}

export interface LifecycleHooks {
  /** A node became ready: claims may be served. */
  nodeReady(node: NodeRecord): void;
  /** Nodes wanted by queued claims. */
  demand(): Demand[];
  /** A launch for the label started on a provider (for claim progress). */
  launching(label: string, provider: string): void;
}

/** The failure reason of a boot the cloud refused for quota or capacity. */
const QUOTA_REFUSAL = "resource-exhausted";

/** What a provider's nodes take up, counted against its caps. */
interface Usage {
  nodes: number;
  cores: number;
  ramMb: number;
}

/**
 * Drives nodes through their lifecycle: keeps pools at min-ready (plus what
 * queued claims need), launches, polls, deletes, and reconciles the store with
 * what each provider reports. Every state change is written before the cloud
 * is touched; launch and delete are resumable after a crash because boot is
 * idempotent on the node id.
 */
export class NodeLifecycle {
  private readonly inflight = new Set<string>();
  /** Launch failures in a row per label and provider (reset by a success). */
  private readonly consecutive = new Map<string, { count: number; at: number }>();
  private readonly modes = new Map<string, ProviderMode>();
  /** Providers whose launches wait, until when and why (quota, backoff). */
  /** Every pause is about capacity: a boot refused for quota (backoff), or the cloud's quota answer. */
  private readonly pauses = new Map<string, { until: number; reason: string; backoffMs: number; source: "refusal" | "quota-answer" }>();
  private readonly failures: LaunchFailure[] = [];
  private readonly sightings = new Map<string, number>();
  /** Flavor sizes per provider, from the plugin, for the cores/RAM caps. */
  private readonly flavorSizes = new Map<string, Map<string, Flavor>>();
  private poolRunning = false;
  private poolAgain = false;
  private kickTimer: NodeJS.Timeout | undefined;
  private deleteTimer: NodeJS.Timeout | undefined;
  private toDelete: NodeRecord[] = [];
  private readonly coalesceMs: number;
  private stopped = false;
  private readonly pollMs: number;
  private readonly failureWindowMs: number;
  private readonly images: LaunchImages | undefined;

  constructor(
    private readonly store: Store,
    private readonly providers: ProviderRegistry,
    private readonly writer: NodeWriter,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly logger: Logger,
    private readonly ownerId: string,
    private catalog: Catalog,
    private readonly hooks: LifecycleHooks,
    options: LifecycleOptions = {},
    private readonly access?: NodeAccess,
    /** Timelines of waiting claims, traces and metrics. */
    private readonly reporter: LaunchReporter = new LaunchReporter(NOOP_OBSERVER, { waitingOn: () => [], isQueued: () => false }, clock),
  ) {
    this.pollMs = options.pollMs ?? 500;
    this.failureWindowMs = options.failureWindowMs ?? 10 * 60_000;
    this.coalesceMs = options.coalesceMs ?? 20;
    this.images = options.images;
  }

  setCatalog(catalog: Catalog): void {
    this.catalog = catalog;
  }

  stop(): void {
    this.stopped = true;
    if (this.kickTimer) clearTimeout(this.kickTimer);
    if (this.deleteTimer) clearTimeout(this.deleteTimer);
  }

  recentFailures(): LaunchFailure[] {
    const since = this.clock.now() - this.failureWindowMs;
    while (this.failures.length > 0 && (this.failures[0] as LaunchFailure).at < since) this.failures.shift();
    return [...this.failures];
  }

  /**
   * Runs a pool pass: at once when claims wait (urgent), otherwise after a
   * short real-time window, so the replacements for a burst of releases are
   * launched in one pass and one insert instead of one each.
   */
  kick(urgent = false): void {
    if (this.stopped) return;
    if (this.poolRunning) {
      this.poolAgain = true;
      return;
    }
    if (!urgent && this.coalesceMs > 0) {
      if (!this.kickTimer) {
        this.kickTimer = setTimeout(() => {
          this.kickTimer = undefined;
          this.kick(true);
        }, this.coalesceMs);
        this.kickTimer.unref();
      }
      return;
    }
    if (this.kickTimer) {
      clearTimeout(this.kickTimer);
      this.kickTimer = undefined;
    }
    this.poolRunning = true;
    // A pass serves every label: it runs in no caller's trace context.
    void this.reporter.observer.detached(() => this.poolLoop());
  }

  private async poolLoop(): Promise<void> {
    try {
      do {
        this.poolAgain = false;
        await this.poolPass();
      } while (this.poolAgain && !this.stopped);
    } catch (err) {
      this.logger.error({ err }, "pool pass failed");
    } finally {
      this.poolRunning = false;
    }
  }

  /** Launches what each label lacks: min-ready plus queued demand, within caps. */
  private async poolPass(): Promise<void> {
    const counts = await this.store.countNodes();
    const byLabel = new Map<string, { ready: number; pending: number; holding: number }>();
    const byPair = new Map<string, number>();
    const byProvider = new Map<string, Usage>();
    // Launches stuck on a provider that is not serving (hung, restarting, circuit open) are not
    // counted as supply, so the label launches elsewhere meanwhile instead of waiting for them.
    const serving = new Set(this.providers.names().filter((n) => this.providers.status(n).health === "serving"));
    for (const c of counts) {
      const l = byLabel.get(c.label) ?? { ready: 0, pending: 0, holding: 0 };
      if (c.state === "ready") l.ready += c.count;
      if (PENDING_NODE_STATES.includes(c.state) && serving.has(c.provider)) l.pending += c.count;
      if (LIVE_NODE_STATES.includes(c.state)) l.holding += c.count;
      byLabel.set(c.label, l);
      if (c.state === "ready" || (PENDING_NODE_STATES.includes(c.state) && serving.has(c.provider)))
        byPair.set(`${c.label}\u0000${c.provider}`, (byPair.get(`${c.label}\u0000${c.provider}`) ?? 0) + c.count);
      if (LIVE_NODE_STATES.includes(c.state)) this.addUsage(byProvider, c.label, c.provider, c.count);
    }
    const anyProvider = new Map<string, number>();
    const pinned: Demand[] = [];
    for (const d of this.hooks.demand()) {
      if (d.provider === undefined) anyProvider.set(d.label, (anyProvider.get(d.label) ?? 0) + d.count);
      else pinned.push(d);
    }
    const now = this.clock.now();
    const launches: NodeRecord[] = [];
    const launch = (label: string, provider: string) => {
      this.addUsage(byProvider, label, provider, 1);
      const have = byLabel.get(label) ?? { ready: 0, pending: 0, holding: 0 };
      have.pending++;
      have.holding++;
      byLabel.set(label, have);
      launches.push(this.newNode(label, provider, now));
    };
    const room = (label: string) => {
      const entry = this.catalog.labels.get(label);
      const have = byLabel.get(label) ?? { ready: 0, pending: 0, holding: 0 };
      return !entry || entry.config.maxNodes === 0 || have.holding < entry.config.maxNodes;
    };
    // Nodesets first: they can only be served by one provider.
    for (const d of pinned) {
      let deficit = d.count - (byPair.get(`${d.label}\u0000${d.provider}`) ?? 0);
      while (deficit-- > 0 && room(d.label) && this.usable(d.provider as string, byProvider, d.label))
        launch(d.label, d.provider as string);
    }
    for (const label of this.catalog.labels.values()) {
      const have = byLabel.get(label.name) ?? { ready: 0, pending: 0, holding: 0 };
      let deficit = label.config.minReady + (anyProvider.get(label.name) ?? 0) - have.ready - have.pending;
      while (deficit-- > 0 && room(label.name)) {
        const provider = this.chooseProvider(label.name, byProvider);
        if (!provider) break;
        launch(label.name, provider);
      }
    }
    if (launches.length === 0) return;
    await this.store.insertNodes(launches, this.reporter.started(launches));
    for (const node of launches) {
      this.hooks.launching(node.label, node.provider);
      void this.drive(node);
    }
  }

  /** Whether the provider may launch one more node of the label now: serving, active, not paused, under every cap. */
  private usable(provider: string, byProvider: Map<string, Usage>, label: string): boolean {
    const p = this.catalog.providers.get(provider);
    if (!p || !this.launchesNow(provider)) return false;
    const used = byProvider.get(provider) ?? { nodes: 0, cores: 0, ramMb: 0 };
    if (p.maxNodes > 0 && used.nodes >= p.maxNodes) return false;
    if (p.maxCores === 0 && p.maxRamMb === 0) return true;
    const size = this.flavorOf(label, provider);
    // Without the flavor's size a cores/RAM cap cannot be kept: launch nothing there until it is known.
    if (!size) return false;
    return (p.maxCores === 0 || used.cores + size.cores <= p.maxCores) && (p.maxRamMb === 0 || used.ramMb + size.ramMb <= p.maxRamMb);
  }

  /** Serving and neither paused by an operator nor for capacity (caps aside). */
  private launchesNow(provider: string): boolean {
    return (
      this.providers.names().includes(provider) && this.providers.status(provider).health === "serving" && !this.pausedReason(provider)
    );
  }

  /** Recent launch failures per provider; quota refusals are not held against it. */
  private failureCounts(): Map<string, number> {
    const failures = new Map<string, number>();
    for (const f of this.recentFailures()) if (f.reason !== QUOTA_REFUSAL) failures.set(f.provider, (failures.get(f.provider) ?? 0) + 1);
    return failures;
  }

  /** The size of the flavor the label's template on the provider asks for, if the plugin told it. */
  private flavorOf(label: string, provider: string): Flavor | undefined {
    const flavor = this.catalog.template(label, provider)?.flavor;
    return flavor === undefined ? undefined : this.flavorSizes.get(provider)?.get(flavor);
  }

  private addUsage(byProvider: Map<string, Usage>, label: string, provider: string, count: number): void {
    const used = byProvider.get(provider) ?? { nodes: 0, cores: 0, ramMb: 0 };
    const size = this.flavorOf(label, provider);
    used.nodes += count;
    used.cores += (size?.cores ?? 0) * count;
    used.ramMb += (size?.ramMb ?? 0) * count;
    byProvider.set(provider, used);
  }

  /** Reads the provider's flavor sizes (kept until the next read; a failure keeps the old ones). */
  private async loadFlavors(provider: string): Promise<void> {
    try {
      const flavors = await this.providers.get(provider).listFlavors();
      this.flavorSizes.set(provider, new Map(flavors.map((f) => [f.name, f])));
    } catch (err) {
      this.logger.warn({ provider, err: messageOf(err) }, "cannot read flavor sizes");
    }
  }

  /** Failures in a row; forgotten a while after the last one, so a provider gets tried again. */
  private failuresInARow(key: string): number {
    const c = this.consecutive.get(key);
    return c && this.clock.now() - c.at < this.failureWindowMs / 5 ? c.count : 0;
  }

  /**
   * Deletes ready nodes older than their label's max-ready-age, and ready
   * nodes of draining providers, a few at a time so the pool refills
   * elsewhere meanwhile. Called on every tick.
   */
  async recycle(): Promise<void> {
    const ageing = [...this.catalog.labels.values()].some((l) => l.config.maxReadyAge > 0);
    const draining = [...this.modes.values()].includes("draining");
    if (!ageing && !draining) return;
    const now = this.clock.now();
    const ready = await this.store.listNodes({ states: ["ready"] });
    const drained = new Map<string, number>();
    for (const node of ready) {
      const maxAge = this.catalog.labels.get(node.label)?.config.maxReadyAge ?? 0;
      let reason = "";
      if (maxAge > 0 && node.readyAt > 0 && now - node.readyAt > maxAge) reason = "max-ready-age";
      else if (this.mode(node.provider) === "draining") {
        const n = drained.get(node.provider) ?? 0;
        if (n >= 5) continue;
        drained.set(node.provider, n + 1);
        reason = "draining";
      }
      if (!reason || this.inflight.has(node.id)) continue;
      this.logger.info({ node: node.id, provider: node.provider, label: node.label, reason }, "recycling ready node");
      void this.drive({ ...node, state: "ready" }, true);
    }
  }

  mode(provider: string): ProviderMode {
    return this.modes.get(provider) ?? "active";
  }

  setMode(provider: string, mode: ProviderMode): void {
    this.modes.set(provider, mode);
    if (mode === "active") this.pauses.delete(provider);
    this.kick(true);
  }

  /** Why launches on the provider wait right now ("" if they do not). */
  pausedReason(provider: string): string {
    if (this.mode(provider) !== "active") return `${this.mode(provider)} by an operator`;
    const pause = this.pauses.get(provider);
    if (!pause || pause.until <= this.clock.now()) return "";
    return `${pause.reason} (until ${new Date(pause.until).toISOString()})`;
  }

  /** A cloud said RESOURCE_EXHAUSTED: no launches there for a while (doubling up to 10 min). */
  private backoff(provider: string, reason: string): void {
    const previous = this.pauses.get(provider);
    const backoffMs = Math.min(Math.max(30_000, (previous?.backoffMs ?? 0) * 2), 600_000);
    this.pauses.set(provider, { until: this.clock.now() + backoffMs, reason: `at quota: ${reason}`, backoffMs, source: "refusal" });
    this.clock.setTimer(backoffMs, () => this.kick(true));
  }

  /** The cloud's own quota answer pauses launches while it is used up (not a failure). */
  noteQuota(
    provider: string,
    quota: { maxInstances: number; usedInstances: number; maxCores: number; usedCores: number; maxRamMb: number; usedRamMb: number },
  ): void {
    const full =
      (quota.maxInstances > 0 && quota.usedInstances >= quota.maxInstances) ||
      (quota.maxCores > 0 && quota.usedCores >= quota.maxCores) ||
      (quota.maxRamMb > 0 && quota.usedRamMb >= quota.maxRamMb);
    const current = this.pauses.get(provider);
    if (full)
      this.pauses.set(provider, {
        until: this.clock.now() + 60_000,
        reason: "the cloud reports its quota used up",
        backoffMs: current?.backoffMs ?? 0,
        source: "quota-answer",
      });
    else if (current?.source === "quota-answer") this.pauses.delete(provider);
  }

  /**
   * Among the label's providers: serving, under its cap, fewest recent
   * failures, highest configured priority, then fewest nodes (spread).
   */
  private chooseProvider(label: string, byProvider: Map<string, Usage>): string | undefined {
    const entry = this.catalog.labels.get(label);
    if (!entry) return undefined;
    const failures = this.failureCounts();
    const usable = entry.templates
      .map((t) => this.catalog.providers.get(t.provider))
      .filter((p): p is NonNullable<typeof p> => p !== undefined)
      .filter((p) => this.usable(p.name, byProvider, label));
    // A provider that failed this label more than its launch retries in a row
    // yields to the others until it succeeds again (or is the only one left).
    const fresh = usable.filter((p) => this.failuresInARow(`${label}\u0000${p.name}`) <= p.launchRetries);
    const candidates = fresh.length > 0 ? fresh : usable;
    candidates.sort(
      (a, b) =>
        (failures.get(a.name) ?? 0) - (failures.get(b.name) ?? 0) ||
        b.priority - a.priority ||
        (byProvider.get(a.name)?.nodes ?? 0) - (byProvider.get(b.name)?.nodes ?? 0) ||
        a.name.localeCompare(b.name),
    );
    return candidates[0]?.name;
  }

  /**
   * Providers that can launch nodes of every one of these labels now, best
   * first: serving, active, not paused, not past their launch retries for any
   * of the labels; then fewest recent failures and highest priority. Used to
   * place a nodeset, which must come from one provider.
   */
  rankProviders(candidates: string[], labels: string[]): string[] {
    const failures = this.failureCounts();
    const ok = candidates.filter((name) => {
      const p = this.catalog.providers.get(name);
      if (!p || !this.launchesNow(name)) return false;
      return labels.every((l) => !this.catalog.template(l, name) || this.failuresInARow(`${l}\u0000${name}`) <= p.launchRetries);
    });
    const priority = (name: string) => this.catalog.providers.get(name)?.priority ?? 0;
    return ok.sort((a, b) => (failures.get(a) ?? 0) - (failures.get(b) ?? 0) || priority(b) - priority(a) || a.localeCompare(b));
  }

  private newNode(label: string, provider: string, now: number): NodeRecord {
    const template = this.catalog.template(label, provider);
    return {
      id: this.random.id("n"),
      label,
      provider,
      state: "launching",
      instanceId: "",
      addresses: [],
      sshPort: 0,
      username: "",
      hostKeys: [],
      tags: this.catalog.nodeTags(label, provider),
      image: this.images ? this.images.immediateImage(template) : (template?.image ?? ""),
      flavor: template?.flavor ?? "",
      claimId: "",
      createdAt: now,
      stateChangedAt: now,
      readyAt: 0,
      failureReason: "",
    };
  }

  /** Moves a node on from wherever it stands; one driver per node at a time. */
  drive(node: NodeRecord, remove = false): Promise<void> {
    if (this.inflight.has(node.id) || this.stopped) return Promise.resolve();
    this.inflight.add(node.id);
    const { observer } = this.reporter;
    const run =
      remove || ENDING_NODE_STATES.includes(node.state)
        ? observer.inDelete(node, () => this.deleteFlow(node))
        : observer.inLaunch(node, () => this.launchFlow(node));
    return run
      .catch((err: unknown) => this.logger.error({ err, node: node.id }, "node driver failed"))
      .finally(() => this.inflight.delete(node.id));
  }

  private deadline(node: NodeRecord): number {
    const p = this.catalog.providers.get(node.provider);
    return node.createdAt + (p?.bootTimeout ?? 600_000) + (p?.readyTimeout ?? 300_000);
  }

  private async launchFlow(node: NodeRecord): Promise<void> {
    if (!PENDING_NODE_STATES.includes(node.state)) return;
    const provider = this.providers.get(node.provider);
    const template = this.catalog.template(node.label, node.provider);
    let instance: Instance | undefined;
    let delay = this.pollMs;
    if (node.state === "launching" && !node.image && this.images && template) {
      // The newest good image at the moment of the launch, written down before the boot
      // so every retry of the boot (also after a restart) asks for the same one.
      try {
        const images = this.images;
        const wanted = template.family
          ? `family ${template.family}`
          : template.imageSelector
            ? `selector ${JSON.stringify(template.imageSelector)}`
            : (template.image ?? "");
        const image = await this.reporter.observer.inImageResolution({ label: node.label, provider: node.provider, image: wanted }, () =>
          images.resolveLaunch(template),
        );
        if (!(await this.writer.update({ id: node.id, from: ["launching"], patch: { image } }))) return;
        node.image = image;
      } catch (err) {
        return this.fail(node, "image", messageOf(err));
      }
    }
    // Boot (or re-boot, which is idempotent on the node id) until the cloud has the instance.
    while (node.state === "launching" && !this.stopped) {
      if (this.clock.now() > this.deadline(node)) return this.fail(node, "boot-timeout", "boot timed out");
      try {
        instance = await provider.boot({
          nodeId: node.id,
          label: node.label,
          image: node.image || (template?.image ?? ""),
          flavor: template?.flavor ?? node.flavor,
          setupScript: this.images ? this.images.setupFor(template, node.image) : (template?.setupScript ?? ""),
          networks: template?.networks ?? [],
          sshPublicKeys: this.access ? [this.access.publicKey()] : [],
          tags: { "standby-label": node.label },
        });
        break;
      } catch (err) {
        if (!isTransient(err)) return this.fail(node, reasonOf(err), messageOf(err));
        this.logger.warn({ node: node.id, provider: node.provider, err: messageOf(err) }, "boot failed, will retry");
        this.writer.note(this.reporter.retrying(node, reasonOf(err), messageOf(err)));
        await this.clock.sleep(delay);
        delay = Math.min(delay * 2, 5_000);
      }
    }
    // Poll until running.
    delay = this.pollMs;
    while (!this.stopped && (!instance || instance.state !== "running")) {
      if (instance?.state === "error") return this.fail(node, "instance-error", instance.error || "the cloud reported an error");
      if (this.clock.now() > this.deadline(node)) return this.fail(node, "boot-timeout", "boot timed out");
      if (instance && node.state === "launching" && !node.instanceId && instance.instanceId) {
        // Record the cloud's id as soon as it exists.
        await this.writer.update({ id: node.id, from: ["launching"], patch: { instanceId: instance.instanceId } });
        node.instanceId = instance.instanceId;
      }
      await this.clock.sleep(delay);
      delay = Math.min(delay * 2, 5_000);
      try {
        instance = await provider.getInstance(node.id);
      } catch (err) {
        if (err instanceof StandbyError && err.code === "not-found") {
          if (node.state === "launching") {
            instance = undefined;
            continue;
          }
          return this.fail(node, "instance-vanished", "the instance disappeared while booting");
        }
        if (!isTransient(err)) return this.fail(node, reasonOf(err), messageOf(err));
      }
    }
    if (this.stopped || !instance) return;
    const now = this.clock.now();
    if (node.state === "launching") {
      const patch = {
        instanceId: instance.instanceId,
        addresses: instance.addresses,
        sshPort: instance.sshPort,
        username: instance.username,
        hostKeys: instance.hostKeys,
      };
      if (!(await this.writer.transition({ id: node.id, from: ["launching"], to: "booted", at: now, patch }))) return;
      Object.assign(node, patch, { state: "booted", stateChangedAt: now });
    }
    if (node.state === "booted") {
      if (!(await this.writer.transition({ id: node.id, from: ["booted"], to: "checking", at: now }))) return;
      node.state = "checking";
    }
    if (node.state === "checking") {
      let hostKeys = node.hostKeys;
      if (this.access && template?.readyCheck !== false) {
        const timeoutMs = Math.max(1_000, this.deadline(node) - this.clock.now());
        try {
          const { hostKey } = await this.access.readyCheck(node, template?.readyScript ?? "true", Math.min(timeoutMs, 120_000));
          // Keep every key the cloud reported (clients differ in the types they speak); else the one seen.
          hostKeys = node.hostKeys.length > 0 ? node.hostKeys : [hostKey];
        } catch (err) {
          return this.fail(node, "ready-check", messageOf(err));
        }
      }
      const at = this.clock.now();
      if (
        !(await this.writer.transition(
          { id: node.id, from: ["checking"], to: "ready", at, patch: { hostKeys } },
          this.reporter.ready(node),
        ))
      )
        return;
      Object.assign(node, { state: "ready", readyAt: at, stateChangedAt: at, hostKeys });
      this.consecutive.delete(`${node.label}\u0000${node.provider}`);
      const pause = this.pauses.get(node.provider);
      if (pause) pause.backoffMs = 0;
      this.hooks.nodeReady(node);
    }
  }

  /** A node failed while being handed to a claim: fail and replace it. */
  failHandover(node: NodeRecord, message: string): Promise<void> {
    if (this.inflight.has(node.id)) return Promise.resolve();
    this.inflight.add(node.id);
    return this.fail({ ...node, state: "claimed" }, "handover", message).finally(() => this.inflight.delete(node.id));
  }

  /** Marks a node failed (counted against its provider) and deletes it. */
  private async fail(node: NodeRecord, reason: string, message: string): Promise<void> {
    const now = this.clock.now();
    this.failures.push({ provider: node.provider, label: node.label, reason, message, nodeId: node.id, at: now });
    if (this.failures.length > 1000) this.failures.shift();
    // Launch retries per provider and label, then the next provider. A quota refusal is no
    // failure of the provider: it pauses it instead (listed, but not held against it).
    const key = `${node.label}\u0000${node.provider}`;
    if (reason === QUOTA_REFUSAL) this.backoff(node.provider, message);
    else this.consecutive.set(key, { count: this.failuresInARow(key) + 1, at: now });
    this.logger.warn({ node: node.id, provider: node.provider, label: node.label, reason, message }, "launch failed");
    const ok = await this.writer.transition(
      {
        id: node.id,
        from: ["launching", "booted", "checking", "ready", "claimed"],
        to: "failed",
        at: now,
        patch: { failureReason: `${reason}: ${message}` },
      },
      this.reporter.failed(node, reason, message),
    );
    if (!ok) return;
    node.state = "failed";
    await this.deleteFlow(node);
    this.kick();
  }

  private async deleteFlow(node: NodeRecord): Promise<void> {
    if (node.state !== "deleting") {
      // Only from the state the caller saw: a released node's deletion must not take a node held meanwhile.
      const from = (["released", "failed", "ready", "held"] as const).filter((s) => s === node.state);
      const ok = await this.writer.transition({ id: node.id, from, to: "deleting", at: this.clock.now() });
      if (!ok) return;
      node.state = "deleting";
    }
    const provider = this.providers.get(node.provider);
    let delay = this.pollMs;
    while (!this.stopped) {
      try {
        await provider.deleteInstance(node.id);
        break;
      } catch (err) {
        this.logger.warn({ node: node.id, provider: node.provider, err: messageOf(err) }, "delete failed, will retry");
        await this.clock.sleep(delay);
        delay = Math.min(delay * 2, 30_000);
      }
    }
    if (this.stopped) return;
    await this.writer.transition({ id: node.id, from: ["deleting"], to: "gone", at: this.clock.now() });
    node.state = "gone";
    // A deletion frees capacity: a provider paused because it was full is worth trying again now.
    // (Not so a node the cloud refused: it never took any.)
    if (node.instanceId !== "" && this.pauses.has(node.provider)) {
      this.pauses.delete(node.provider);
      this.kick(true);
    }
  }

  /** Deletes nodes whose lease ended (they are in state released). */
  deleteNodes(nodes: NodeRecord[]): void {
    // Released nodes are deleted in batches a moment later, off the path of the
    // release call, so a burst of releases costs one write and one round of
    // concurrent plugin calls instead of interleaving with the next claims.
    this.toDelete.push(...nodes);
    if (this.coalesceMs === 0) return this.deleteReleased();
    if (!this.deleteTimer) {
      this.deleteTimer = setTimeout(() => {
        this.deleteTimer = undefined;
        this.deleteReleased();
      }, this.coalesceMs);
      this.deleteTimer.unref();
    }
  }

  private deleteReleased(): void {
    const batch = this.toDelete;
    this.toDelete = [];
    this.reporter.observer.detached(() => {
      for (const node of batch) void this.drive({ ...node, state: "released" });
      this.kick();
    });
  }

  /**
   * Brings the store and one provider's instances into agreement: resumes
   * every unfinished launch and deletion, marks nodes whose instance vanished
   * as failed, and deletes instances of ours that the store does not know
   * after two passes in a row find them. A failed list means "unknown":
   * nothing is reaped then.
   */
  async reconcile(providerName: string): Promise<void> {
    let instances: Instance[];
    try {
      instances = await this.providers.get(providerName).listInstances();
    } catch (err) {
      this.logger.warn({ provider: providerName, err: messageOf(err) }, "cannot list instances; reconcile postponed");
      return;
    }
    try {
      this.noteQuota(providerName, await this.providers.get(providerName).getQuota());
    } catch {
      // Quota is optional (UNIMPLEMENTED) and advisory.
    }
    const caps = this.catalog.providers.get(providerName);
    if (caps && (caps.maxCores > 0 || caps.maxRamMb > 0)) await this.loadFlavors(providerName);
    const ours = new Map<string, Instance>();
    for (const i of instances) if (i.tags[OWNER_TAG] === this.ownerId && i.tags[NODE_TAG]) ours.set(i.tags[NODE_TAG] as string, i);
    const nodes = await this.store.listNodes({ provider: providerName });
    const known = new Set<string>();
    for (const node of nodes) {
      known.add(node.id);
      // Builders and verifiers of image builds are driven by their build.
      if (this.inflight.has(node.id) || (node.purpose ?? "pool") !== "pool") continue;
      const instance = ours.get(node.id);
      if (PENDING_NODE_STATES.includes(node.state) || ENDING_NODE_STATES.includes(node.state)) {
        void this.drive(node);
      } else if (!instance && node.state === "held") {
        // Nothing left to look at: end the hold's node like any other deletion.
        this.logger.warn({ node: node.id, provider: providerName }, "a held node's instance is gone from the provider; deleting the node");
        void this.drive(node, true);
      } else if (!instance && ["ready", "claimed"].includes(node.state)) {
        this.inflight.add(node.id);
        void this.fail(node, "instance-vanished", "the instance is gone from the provider").finally(() => this.inflight.delete(node.id));
      }
    }
    for (const [nodeId] of ours) {
      const key = `${providerName}/${nodeId}`;
      if (known.has(nodeId)) {
        this.sightings.delete(key);
        continue;
      }
      const seen = (this.sightings.get(key) ?? 0) + 1;
      this.sightings.set(key, seen);
      if (seen >= 2) {
        this.logger.warn({ provider: providerName, node: nodeId }, "deleting leaked instance");
        try {
          await this.providers.get(providerName).deleteInstance(nodeId);
          this.sightings.delete(key);
        } catch (err) {
          this.logger.warn({ provider: providerName, node: nodeId, err: messageOf(err) }, "deleting leaked instance failed");
        }
      }
    }
    for (const key of this.sightings.keys()) {
      const [p, n] = key.split("/") as [string, string];
      if (p === providerName && !ours.has(n)) this.sightings.delete(key);
    }
    this.kick();
  }

  /** Counts for listing, gone excluded. */
  counts(): Promise<NodeCount[]> {
    return this.store.countNodes();
  }
}

function reasonOf(err: unknown): string {
  return err instanceof StandbyError ? err.code : "error";
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
