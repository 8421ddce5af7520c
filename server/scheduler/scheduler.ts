import type { Config } from "../config/schema.js";
import type { Timer } from "../../common/clock.js";
import { StandbyError } from "../../common/errors.js";
import type { ProviderStatus } from "../../common/provider.js";
import { PENDING_NODE_STATES, type NodeState, type Outcome } from "../core/states.js";
import type { NodeFilter, NodeRecord } from "../core/store.js";
import { Catalog } from "./catalog.js";
import { buildTimeline, type TimelineEntry } from "./claim-timeline.js";
import type { ClaimEvent, ClaimInput, ClaimService, ClaimSettings, ClaimView, HoldRequest } from "./claims/index.js";
import { holdSettings, type HoldService } from "./holds.js";
import type { ImageService } from "./images/index.js";
import type { LaunchFailure } from "./pool/failures.js";
import type { ProviderMode } from "./pool/pauses.js";
import { Tokens } from "./tokens.js";
import { claimSettings, wire, type Controllers, type SchedulerDeps } from "./wiring.js";

export type { SchedulerDeps };

export interface LabelSummary {
  name: string;
  tags: string[];
  minReady: number;
  maxNodes: number;
  providers: string[];
  counts: Partial<Record<NodeState, number>>;
  queuedClaims: number;
}

export interface ProviderSummary extends ProviderStatus {
  counts: Partial<Record<NodeState, number>>;
  recentFailures: LaunchFailure[];
  mode: ProviderMode;
  pausedReason: string;
}

export interface CreateResult {
  view: ClaimView;
  claimToken: string;
  leaseToken: string;
}

/**
 * The scheduler: the API the server calls, over the controllers wiring.ts
 * builds (claims/, pool/, nodes/, images/, holds), and the periodic sweeps
 * and reconciliation that drive them. Depends only on the Store and
 * Provider interfaces and an injected clock and randomness.
 */
export class Scheduler {
  private catalog: Catalog;
  private readonly tokens: Tokens;
  private readonly claims: ClaimService;
  private settings: ClaimSettings;
  /** The controllers (wiring.ts). */
  private readonly c: Controllers;
  /** Image families, builds, post-build snapshots and template caches. */
  readonly images: ImageService;
  /** Held nodes, their keys, snapshots and expiry; autohold rules. */
  readonly holds: HoldService;
  private readonly timers: Timer[] = [];
  private stopped = false;
  private readonly tickMs: number;
  private readonly reconcileMs: number;

  constructor(private readonly deps: SchedulerDeps) {
    this.catalog = new Catalog(deps.config);
    this.tokens = new Tokens(deps.tokenKey);
    this.tickMs = deps.tickMs ?? 1000;
    this.reconcileMs = deps.reconcileMs ?? 60_000;
    this.settings = claimSettings(deps.config);
    this.c = wire(
      deps,
      this.tokens,
      () => this.catalog,
      () => this.settings,
    );
    this.claims = this.c.claims;
    this.images = this.c.images;
    this.holds = this.c.holds;
  }

  get config(): Config {
    return this.catalog.config;
  }

  /** Loads queued claims, reconciles each provider as it becomes ready, starts the loops. */
  async start(): Promise<void> {
    await this.claims.load();
    await this.images.start();
    await this.holds.start();
    this.deps.providers.onReady((name) => {
      if (!this.stopped) void this.c.reconciler.reconcile(name);
    });
    await Promise.all(
      this.deps.providers
        .names()
        .filter((n) => this.deps.providers.status(n).health === "serving")
        .map((n) => this.c.reconciler.reconcile(n)),
    );
    this.every(this.tickMs, async () => {
      await this.claims.sweep();
      await this.holds.sweep();
      await this.c.recycler.recycle();
      await this.images.tick();
      this.c.provisioner.kick();
      this.claims.kickAllocation();
    });
    this.every(this.reconcileMs, async () => {
      for (const name of this.deps.providers.names()) {
        if (this.deps.providers.status(name).health === "serving") {
          await this.c.reconciler.reconcile(name);
          await this.images.reconcile(name);
        }
      }
    });
    this.c.provisioner.kick(true);
  }

  private every(ms: number, fn: () => Promise<void>): void {
    const run = () => {
      if (this.stopped) return;
      fn()
        .catch((err: unknown) => this.deps.logger.error({ err }, "periodic task failed"))
        .finally(() => {
          if (!this.stopped) this.timers.push(this.deps.clock.setTimer(ms, run));
        });
    };
    this.timers.push(this.deps.clock.setTimer(ms, run));
  }

  stop(): void {
    this.stopped = true;
    this.c.driver.stop();
    this.c.provisioner.stop();
    this.c.deleter.stop();
    this.images.stop();
    this.holds.stop();
    for (const t of this.timers) t.cancel();
  }

  /** Swaps in a new configuration (validated by the caller). Providers are fixed at start. */
  reload(config: Config): void {
    const added = config.providers.filter((p) => !this.catalog.providers.has(p.name)).map((p) => p.name);
    if (added.length > 0) throw new StandbyError("failed-precondition", `adding providers needs a restart: ${added.join(", ")}`);
    this.catalog = new Catalog(config);
    this.settings = claimSettings(config);
    this.claims.refresh();
    this.c.provisioner.kick();
    this.holds
      .reload(holdSettings(config.holds))
      .catch((err: unknown) => this.deps.logger.error({ err }, "applying the reloaded hold rules failed"));
  }

  async createClaim(input: ClaimInput, wait: { timeoutMs: number; signal?: AbortSignal } | undefined): Promise<CreateResult> {
    this.assertRunning();
    let { view } = await this.claims.create(input);
    if (wait && view.claim.state === "queued") view = await this.claims.wait(view.claim.id, wait.timeoutMs, wait.signal);
    return this.withTokens(view);
  }

  private withTokens(view: ClaimView): CreateResult {
    const leased = view.claim.state === "fulfilled";
    return { view, claimToken: this.tokens.claimToken(view.claim.id), leaseToken: leased ? this.tokens.leaseToken(view.claim.id) : "" };
  }

  async getClaim(claimToken: string): Promise<CreateResult> {
    return this.withTokens(await this.claims.get(this.tokens.verifyClaimToken(claimToken)));
  }

  /**
   * Streams a claim's events to listener, starting with its current state.
   * Returns a function that stops the watch.
   */
  async watchClaim(claimToken: string, listener: (event: ClaimEvent, leaseToken: string) => void): Promise<() => void> {
    const claimId = this.tokens.verifyClaimToken(claimToken);
    const lease = () => this.tokens.leaseToken(claimId);
    const buffered: ClaimEvent[] = [];
    let live = false;
    const unsubscribe = this.claims.subscribe(claimId, (event) => {
      if (live) listener(event, event.view.claim.state === "fulfilled" ? lease() : "");
      else buffered.push(event);
    });
    try {
      const view = await this.claims.get(claimId);
      listener(
        { kind: initialKind(view), message: view.claim.state === "queued" ? `position ${view.queuePosition}` : "current state", view },
        view.claim.state === "fulfilled" ? lease() : "",
      );
      if (view.claim.state === "queued") {
        // Launches already under way for its labels are part of the current state too.
        const wanted = new Set(this.claims.slotsOf(claimId).flat());
        const pending = (await this.deps.store.countNodes()).filter((c) => wanted.has(c.label) && PENDING_NODE_STATES.includes(c.state));
        for (const p of pending) listener({ kind: "launching", message: `launching ${p.label} on ${p.provider}`, view }, "");
      }
      for (const event of buffered) listener(event, event.view.claim.state === "fulfilled" ? lease() : "");
      live = true;
    } catch (err) {
      unsubscribe();
      throw err;
    }
    return unsubscribe;
  }

  /**
   * A claim and its timeline, by claim token or (for operators) by id: why
   * it waited, from the store, without a tracing backend.
   */
  async claimTimeline(ref: { claimToken: string } | { claimId: string }): Promise<{ view: ClaimView; entries: TimelineEntry[] }> {
    const claimId = "claimToken" in ref ? this.tokens.verifyClaimToken(ref.claimToken) : ref.claimId;
    const view = await this.claims.get(claimId);
    const events = await this.deps.store.listClaimEvents(claimId);
    return { view, entries: buildTimeline(view.claim, events, view.nodes) };
  }

  async cancelClaim(claimToken: string): Promise<ClaimView> {
    return this.claims.cancel(this.tokens.verifyClaimToken(claimToken));
  }

  /**
   * Snapshots a node the lease holds to a new build of an image family
   * (a CI job's post-build step); the lease token authorises it.
   */
  async snapshotNode(leaseToken: string, nodeId: string, family: string, wait: boolean, timeoutMs: number) {
    this.assertRunning();
    const claimId = this.tokens.verifyLeaseToken(leaseToken);
    const claim = await this.deps.store.getClaim(claimId);
    if (!claim) throw new StandbyError("not-found", `lease of claim ${claimId} not found`);
    if (claim.state !== "fulfilled") throw new StandbyError("failed-precondition", `the lease is ${claim.state}`);
    return this.images.snapshotNode(claimId, nodeId, family, wait, timeoutMs);
  }

  async renewLease(leaseToken: string, ttlSeconds: number): Promise<number> {
    return this.claims.renew(this.tokens.verifyLeaseToken(leaseToken), ttlSeconds);
  }

  /** With hold, the lease's nodes are held instead of deleted (see holds.ts). */
  async releaseLease(leaseToken: string, outcome: Outcome, hold?: HoldRequest): Promise<ClaimView> {
    return this.claims.release(this.tokens.verifyLeaseToken(leaseToken), outcome, hold);
  }

  listNodes(filter: NodeFilter): Promise<NodeRecord[]> {
    return this.deps.store.listNodes(filter);
  }

  async getNode(id: string): Promise<NodeRecord> {
    const node = await this.deps.store.getNode(id);
    if (!node) throw new StandbyError("not-found", `node ${id} not found`);
    return node;
  }

  async deleteNode(id: string): Promise<NodeRecord> {
    const node = await this.getNode(id);
    if (node.state === "claimed") throw new StandbyError("failed-precondition", `node ${id} is claimed; release its lease instead`);
    if (node.state === "gone" || node.state === "deleting") return node;
    if (PENDING_NODE_STATES.includes(node.state))
      throw new StandbyError("failed-precondition", `node ${id} is ${node.state}; delete it once it is ready`);
    void this.c.deleter.drive(node);
    return { ...node, state: "deleting" };
  }

  /** Pause (no launches), drain (no launches, ready nodes recycled) or resume a provider. */
  async setProviderMode(name: string, mode: ProviderMode): Promise<ProviderSummary> {
    if (!this.deps.providers.names().includes(name)) throw new StandbyError("not-found", `no provider named ${name}`);
    this.c.pauses.setMode(name, mode);
    this.deps.logger.info({ provider: name, mode }, "provider mode changed");
    const found = (await this.listProviders()).find((p) => p.name === name);
    if (!found) throw new StandbyError("not-found", `no provider named ${name}`);
    return found;
  }

  async listLabels(): Promise<LabelSummary[]> {
    const counts = await this.deps.store.countNodes();
    return [...this.catalog.labels.values()].map((l) => {
      const mine: Partial<Record<NodeState, number>> = {};
      for (const c of counts) if (c.label === l.name) mine[c.state] = (mine[c.state] ?? 0) + c.count;
      return {
        name: l.name,
        tags: [...l.tags],
        minReady: l.config.minReady,
        maxNodes: l.config.maxNodes,
        providers: l.templates.map((t) => t.provider),
        counts: mine,
        queuedClaims: this.claims.queuedCount(l.name),
      };
    });
  }

  /** Queued claims per configured label (a claim several labels can serve counts under each). */
  queuedClaims(): { label: string; count: number }[] {
    return [...this.catalog.labels.keys()].map((label) => ({ label, count: this.claims.queuedCount(label) }));
  }

  async listProviders(): Promise<ProviderSummary[]> {
    const counts = await this.deps.store.countNodes();
    const failures = this.c.failures.recent();
    return this.deps.providers.names().map((name) => {
      const mine: Partial<Record<NodeState, number>> = {};
      for (const c of counts) if (c.provider === name) mine[c.state] = (mine[c.state] ?? 0) + c.count;
      return {
        ...this.deps.providers.status(name),
        counts: mine,
        recentFailures: failures.filter((f) => f.provider === name).slice(-10),
        mode: this.c.pauses.mode(name),
        pausedReason: this.c.pauses.pausedReason(name),
      };
    });
  }

  private assertRunning(): void {
    if (this.stopped) throw new StandbyError("unavailable", "the scheduler is stopping");
  }
}

function initialKind(view: ClaimView): ClaimEvent["kind"] {
  const s = view.claim.state;
  return s === "queued" ? "queued" : s;
}
