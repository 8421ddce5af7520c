import type { Clock, Logger, NodeRecord, ProviderRegistry, Random, Store } from "../../core/index.js";
import type { NodeAccess } from "../../core/node-access.js";
import type { Catalog } from "../catalog.js";
import type { Demand, ProviderRanking } from "../claims/types.js";
import type { LaunchReporter } from "../launch-reporter.js";
import type { NodeDriver } from "../nodes/driver.js";
import { LeakReaper } from "../reaper.js";
import { Signal } from "../signal.js";
import { Deleter } from "./deletion.js";
import { LaunchFailures } from "./failures.js";
import { FlavorSizes } from "./flavors.js";
import { Launcher, type LaunchImages } from "./launch.js";
import { Pauses } from "./pauses.js";
import { Provisioner } from "./provisioner.js";
import { Reconciler } from "./reconcile.js";
import { Recycler } from "./recycle.js";

export interface PoolDeps {
  store: Store;
  providers: ProviderRegistry;
  driver: NodeDriver;
  clock: Clock;
  random: Random;
  logger: Logger;
  ownerId: string;
  catalog: () => Catalog;
  access: NodeAccess | undefined;
  images: LaunchImages | undefined;
  reporter: LaunchReporter;
  /** Nodes wanted by queued claims, placed with the ranking given. */
  demand: (rank: ProviderRanking) => Demand[];
  /** A pool node became ready. */
  nodeReady: Signal<NodeRecord>;
  /** A launch for the label started on a provider. */
  launching: Signal<{ label: string; provider: string }>;
  /** Failures older than this no longer count against a provider's choice. */
  failureWindowMs?: number;
  /** Real-time window in which non-urgent pool passes (and deletions) are coalesced. */
  coalesceMs?: number;
}

/**
 * The pool's controllers, each one concern: provider modes and pauses,
 * launch failures, pool sizing (provisioner), launch, deletion, recycling
 * (expiry, draining) and reconciliation (garbage collection). Built here
 * in dependency order; they reach one another only downwards, and ask for
 * a pool pass through the poolWanted signal.
 */
export class Pool {
  /** Ask for a pool pass (true: at once). */
  readonly poolWanted = new Signal<boolean>();
  readonly pauses: Pauses;
  readonly failures: LaunchFailures;
  readonly deleter: Deleter;
  readonly launcher: Launcher;
  readonly provisioner: Provisioner;
  readonly recycler: Recycler;
  readonly reconciler: Reconciler;

  constructor(deps: PoolDeps) {
    const { poolWanted } = this;
    const coalesceMs = deps.coalesceMs ?? 20;
    const logger = deps.logger;
    this.pauses = new Pauses({ clock: deps.clock, providers: deps.providers, poolWanted });
    this.failures = new LaunchFailures(deps.clock, deps.failureWindowMs ?? 10 * 60_000);
    const flavors = new FlavorSizes(deps.providers, logger);
    const { pauses, failures } = this;
    const { driver } = deps;
    this.deleter = new Deleter({ driver, pauses, logger, observer: deps.reporter.observer, poolWanted, coalesceMs });
    this.launcher = new Launcher({
      driver,
      deleter: this.deleter,
      clock: deps.clock,
      random: deps.random,
      logger,
      catalog: deps.catalog,
      images: deps.images,
      access: deps.access,
      reporter: deps.reporter,
      failures,
      pauses,
      nodeReady: deps.nodeReady,
      launching: deps.launching,
      poolWanted,
    });
    this.provisioner = new Provisioner({
      store: deps.store,
      providers: deps.providers,
      clock: deps.clock,
      logger,
      observer: deps.reporter.observer,
      catalog: deps.catalog,
      pauses,
      failures,
      flavors,
      launcher: this.launcher,
      demand: deps.demand,
      poolWanted,
      coalesceMs,
    });
    this.recycler = new Recycler({
      store: deps.store,
      clock: deps.clock,
      logger,
      catalog: deps.catalog,
      pauses,
      driver,
      deleter: this.deleter,
    });
    this.reconciler = new Reconciler({
      store: deps.store,
      providers: deps.providers,
      logger,
      ownerId: deps.ownerId,
      catalog: deps.catalog,
      driver,
      launcher: this.launcher,
      deleter: this.deleter,
      pauses,
      flavors,
      reaper: new LeakReaper("instance", "node", logger),
      poolWanted,
    });
  }

  stop(): void {
    this.provisioner.stop();
    this.deleter.stop();
  }
}
