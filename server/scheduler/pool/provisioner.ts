import {
  LIVE_NODE_STATES,
  PENDING_NODE_STATES,
  type Clock,
  type Logger,
  type NodeRecord,
  type ProviderRegistry,
  type Store,
} from "../../core/index.js";
import type { SchedulerObserver } from "../../core/observer.js";
import type { ClaimEventRecord } from "../../core/store.js";
import type { Catalog } from "../catalog.js";
import type { Demand, ProviderRanking } from "../claims/types.js";
import type { Signal } from "../signal.js";
import type { LaunchFailures } from "./failures.js";
import type { FlavorSizes } from "./flavors.js";
import type { Launcher } from "./launch.js";
import type { Pauses } from "./pauses.js";
import { addUsage, chooseProvider, rankProviders, usable, whyUnusable, type PoolView, type Usage } from "./ranking.js";
import { SinglePass } from "../single-pass.js";

export interface ProvisionerDeps {
  store: Store;
  providers: ProviderRegistry;
  clock: Clock;
  logger: Logger;
  observer: SchedulerObserver;
  catalog: () => Catalog;
  pauses: Pauses;
  failures: LaunchFailures;
  flavors: FlavorSizes;
  launcher: Launcher;
  /** Nodes wanted by queued claims (claims/queue.ts), placed with the ranking given. */
  demand: (rank: ProviderRanking) => Demand[];
  /** Why nothing can be launched for the claims waiting on a label ("" when something can): their timeline events. */
  blocked: (label: string, reason: string) => ClaimEventRecord[];
  /** Whoever wants a pool pass says so here (true: at once). */
  poolWanted: Signal<boolean>;
  /** Real-time window in which non-urgent pool passes are coalesced; 0: none, they run at once (the simulator, in virtual time). */
  coalesceMs: number;
}

/**
 * Pool sizing: keeps each label at min-ready plus what queued claims need,
 * within the label's and the providers' caps, and launches the difference
 * on the best providers (ranking.ts).
 */
export class Provisioner {
  private readonly passes: SinglePass;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly deps: ProvisionerDeps) {
    this.passes = new SinglePass({
      pass: () => this.pass(),
      // A pass serves every label: it runs in no caller's trace context.
      start: (loop) => void deps.observer.detached(loop),
      failed: (err) => deps.logger.error({ err }, "pool pass failed"),
      stopped: () => this.stopped,
    });
    deps.poolWanted.on((urgent) => this.kick(urgent));
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** The pool's state as provider choice sees it, now. */
  view(): PoolView {
    const { pauses, failures, flavors } = this.deps;
    return {
      catalog: this.deps.catalog(),
      launchesNow: (p) => pauses.launchesNow(p),
      whyNotLaunching: (p) => pauses.whyNotLaunching(p),
      sizeOf: (p, f) => flavors.sizeOf(p, f),
      inARow: (l, p) => failures.inARow(l, p),
      failures: failures.counts(),
    };
  }

  /** Providers that can launch nodes of every one of these labels now, best first (for nodesets). */
  rank(candidates: string[], labels: string[]): string[] {
    return rankProviders(this.view(), candidates, labels);
  }

  /**
   * Runs a pool pass: at once when claims wait (urgent), otherwise after a
   * short real-time window, so the replacements for a burst of releases are
   * launched in one pass and one insert instead of one each.
   */
  kick(urgent = false): void {
    if (this.stopped) return;
    if (this.passes.busy) {
      this.passes.request();
      return;
    }
    if (!urgent && this.deps.coalesceMs > 0) {
      if (!this.timer) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.kick(true);
        }, this.deps.coalesceMs);
        this.timer.unref();
      }
      return;
    }
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.passes.request();
  }

  /** Launches what each label lacks: min-ready plus queued demand, within caps. */
  private async pass(): Promise<void> {
    const counts = await this.deps.store.countNodes();
    const view = this.view();
    const { catalog } = view;
    const byLabel = new Map<string, { ready: number; pending: number; holding: number }>();
    const byPair = new Map<string, number>();
    const byProvider = new Map<string, Usage>();
    // Live nodes hold a cloud instance (or may): they count against caps.
    // Launches stuck on a provider that is not serving (hung, restarting, circuit open) are not
    // counted as supply, so the label launches elsewhere meanwhile instead of waiting for them.
    const serving = new Set(this.deps.providers.names().filter((n) => this.deps.providers.status(n).health === "serving"));
    for (const c of counts) {
      const l = byLabel.get(c.label) ?? { ready: 0, pending: 0, holding: 0 };
      if (c.state === "ready") l.ready += c.count;
      if (PENDING_NODE_STATES.includes(c.state) && serving.has(c.provider)) l.pending += c.count;
      if (LIVE_NODE_STATES.includes(c.state)) l.holding += c.count;
      byLabel.set(c.label, l);
      if (c.state === "ready" || (PENDING_NODE_STATES.includes(c.state) && serving.has(c.provider)))
        byPair.set(`${c.label}\u0000${c.provider}`, (byPair.get(`${c.label}\u0000${c.provider}`) ?? 0) + c.count);
      if (LIVE_NODE_STATES.includes(c.state)) addUsage(view, byProvider, c.label, c.provider, c.count);
    }
    const anyProvider = new Map<string, number>();
    const pinned: Demand[] = [];
    for (const d of this.deps.demand((candidates, labels) => this.rank(candidates, labels))) {
      if (d.provider === undefined) anyProvider.set(d.label, (anyProvider.get(d.label) ?? 0) + d.count);
      else pinned.push(d);
    }
    const now = this.deps.clock.now();
    const launches: NodeRecord[] = [];
    const launch = (label: string, provider: string) => {
      addUsage(view, byProvider, label, provider, 1);
      const have = byLabel.get(label) ?? { ready: 0, pending: 0, holding: 0 };
      have.pending++;
      have.holding++;
      byLabel.set(label, have);
      launches.push(this.deps.launcher.newNode(label, provider, now));
    };
    const room = (label: string) => {
      const entry = catalog.labels.get(label);
      const have = byLabel.get(label) ?? { ready: 0, pending: 0, holding: 0 };
      return !entry || entry.config.maxNodes === 0 || have.holding < entry.config.maxNodes;
    };
    // Nodesets first: they can only be served by one provider.
    for (const d of pinned) {
      let deficit = d.count - (byPair.get(`${d.label}\u0000${d.provider}`) ?? 0);
      while (deficit-- > 0 && room(d.label) && usable(view, d.provider as string, byProvider, d.label))
        launch(d.label, d.provider as string);
    }
    const waits: ClaimEventRecord[] = [];
    for (const label of catalog.labels.values()) {
      const have = byLabel.get(label.name) ?? { ready: 0, pending: 0, holding: 0 };
      let deficit = label.config.minReady + (anyProvider.get(label.name) ?? 0) - have.ready - have.pending;
      while (deficit > 0 && room(label.name)) {
        const provider = chooseProvider(view, label.name, byProvider);
        if (!provider) break;
        launch(label.name, provider);
        deficit--;
      }
      // Claims wait on this label and nothing more can be launched for them: tell them why.
      if ((anyProvider.get(label.name) ?? 0) > 0) {
        const reason = deficit > 0 ? this.whyNoLaunch(view, label.name, byLabel.get(label.name)?.holding ?? 0, byProvider) : "";
        waits.push(...this.deps.blocked(label.name, reason));
      }
    }
    if (waits.length > 0) await this.deps.store.appendClaimEvents(waits);
    if (launches.length > 0) await this.deps.launcher.start(launches);
  }

  /** Why no node of the label can be launched now, for the claims waiting on it. */
  private whyNoLaunch(view: PoolView, label: string, holding: number, usage: ReadonlyMap<string, Usage>): string {
    const entry = view.catalog.labels.get(label);
    if (!entry) return "";
    if (entry.config.maxNodes > 0 && holding >= entry.config.maxNodes) {
      return `label ${label} is at its node cap (${holding} of ${entry.config.maxNodes})`;
    }
    const why = entry.templates.map((t) => `${t.provider}: ${whyUnusable(view, t.provider, usage, label) || "launching"}`);
    return `no provider can launch ${label} now (${why.join("; ")})`;
  }
}
