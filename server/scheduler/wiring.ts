import type { Config } from "../config/schema.js";
import type { Clock, Logger, ProviderRegistry, Random, Store } from "../core/index.js";
import type { NodeAccess } from "../core/node-access.js";
import type { SchedulerObserver } from "../core/observer.js";
import { NOOP_OBSERVER } from "../core/observer.js";
import type { Catalog } from "./catalog.js";
import { ClaimQueue, ClaimService, ClaimWatches, type ClaimSettings } from "./claims/index.js";
import { holdSettings, HoldService } from "./holds.js";
import { ImageService, type ImageMetrics } from "./images/index.js";
import { LaunchReporter } from "./launch-reporter.js";
import { NodeDriver } from "./nodes/driver.js";
import { NodeWriter } from "./node-writer.js";
import { Deleter } from "./pool/deletion.js";
import { LaunchFailures } from "./pool/failures.js";
import { FlavorSizes } from "./pool/flavors.js";
import { Launcher } from "./pool/launch.js";
import { Pauses } from "./pool/pauses.js";
import { Provisioner } from "./pool/provisioner.js";
import { Reconciler } from "./pool/reconcile.js";
import { Recycler } from "./pool/recycle.js";
import { LeakReaper } from "./reaper.js";
import { Signal } from "./signal.js";
import type { Tokens } from "./tokens.js";

/** What the scheduler is built from (Scheduler's constructor options). */
export interface SchedulerDeps {
  store: Store;
  providers: ProviderRegistry;
  clock: Clock;
  random: Random;
  logger: Logger;
  config: Config;
  /** This scheduler's owner id, tagged on every instance. */
  ownerId: string;
  /** The key claim and lease tokens are signed with (shared by replicas through the store). */
  tokenKey: Buffer;
  /** How often leases, abandoned claims and pools are checked. */
  tickMs?: number;
  /** How often every provider is reconciled (leak cleanup, vanished instances). */
  reconcileMs?: number;
  pollMs?: number;
  /**
   * Real-time window in which non-urgent pool passes and deletions of released
   * nodes are coalesced (default 20 ms); 0: none, as in the simulator (sim/),
   * whose virtual time must not wait on real timers.
   */
  coalesceMs?: number;
  /** How the scheduler reaches nodes over SSH (ready checks, key injection); none: no checks. */
  access?: NodeAccess;
  /** Where image build results go (none: not recorded). */
  imageMetrics?: ImageMetrics;
  /** Traces and metrics (server/telemetry); none: nothing is recorded. */
  observer?: SchedulerObserver;
}

/** The scheduler's controllers, each one concern. */
export interface Controllers {
  driver: NodeDriver;
  pauses: Pauses;
  failures: LaunchFailures;
  deleter: Deleter;
  launcher: Launcher;
  provisioner: Provisioner;
  recycler: Recycler;
  reconciler: Reconciler;
  images: ImageService;
  holds: HoldService;
  queue: ClaimQueue;
  claims: ClaimService;
}

/** Real-time window in which non-urgent pool passes (and deletions of released nodes) are coalesced, by default. */
const COALESCE_MS = 20;
/** Failures older than this no longer count against a provider's choice. */
const FAILURE_WINDOW_MS = 10 * 60_000;

/**
 * Builds the controllers in dependency order: each gets one named
 * dependencies object and reaches only controllers built before it. Where
 * a later one must hear of something an earlier one does (a node became
 * ready, a pool pass is wanted, a launch started), a Signal carries it,
 * one way.
 */
export function wire(deps: SchedulerDeps, tokens: Tokens, catalog: () => Catalog, settings: () => ClaimSettings): Controllers {
  const { store, providers, clock, random, access } = deps;
  const observer = deps.observer ?? NOOP_OBSERVER;
  const pollMs = deps.pollMs ?? 500;
  const coalesceMs = deps.coalesceMs ?? COALESCE_MS;
  const logger = deps.logger.child({ component: "lifecycle" });
  /** A pool pass is wanted (true: at once). */
  const poolWanted = new Signal<boolean>();
  /** A pool node became ready, or a claim came back to the queue: claims may be served. */
  const nodeReady = new Signal<void>();
  const launching = new Signal<{ label: string; provider: string }>();

  const driver = new NodeDriver({ store, providers, writer: new NodeWriter(store, deps.logger), clock, logger, access, pollMs });
  const pauses = new Pauses({ clock, providers, poolWanted });
  const failures = new LaunchFailures({ clock, windowMs: FAILURE_WINDOW_MS });
  const flavors = new FlavorSizes({ providers, logger });
  const deleter = new Deleter({ driver, pauses, logger, observer, poolWanted, coalesceMs });
  const images = new ImageService({
    store,
    providers,
    clock,
    random,
    logger: deps.logger.child({ component: "images" }),
    ownerId: deps.ownerId,
    access,
    nodes: driver,
    catalog,
    pollMs,
    ...(deps.imageMetrics ? { metrics: deps.imageMetrics } : {}),
    pool: { deleter, pauses },
  });
  const claimLogger = deps.logger.child({ component: "claims" });
  const queue = new ClaimQueue({ store, clock, logger: claimLogger, catalog, settings });
  const watches = new ClaimWatches({ queue, logger: claimLogger });
  launching.on(({ label, provider }) => watches.launching(label, provider));
  const reporter = new LaunchReporter(observer, queue, clock);
  const launcher = new Launcher({
    driver,
    deleter,
    clock,
    random,
    logger,
    catalog,
    images,
    access,
    reporter,
    failures,
    pauses,
    nodeReady,
    launching,
    poolWanted,
  });
  const provisioner = new Provisioner({
    store,
    providers,
    clock,
    logger,
    observer,
    catalog,
    pauses,
    failures,
    flavors,
    launcher,
    demand: (rank) => queue.demand(rank),
    blocked: (label, reason) => {
      const events = reporter.blocked(label, reason);
      watches.waiting(events);
      return events;
    },
    poolWanted,
    coalesceMs,
  });
  const recycler = new Recycler({ store, clock, logger, catalog, pauses, driver, deleter });
  const reaper = new LeakReaper("instance", "node", logger);
  const reconciler = new Reconciler({
    store,
    providers,
    logger,
    ownerId: deps.ownerId,
    catalog,
    driver,
    launcher,
    deleter,
    pauses,
    flavors,
    reaper,
    poolWanted,
  });
  const holds = new HoldService(
    {
      store,
      providers,
      clock,
      random,
      logger: deps.logger.child({ component: "holds" }),
      deleteNode: (node) => void deleter.drive(node),
      ...(access ? { access } : {}),
      ...(deps.pollMs === undefined ? {} : { snapshotPollMs: deps.pollMs }),
      observer,
    },
    holdSettings(deps.config.holds),
  );
  const claims = new ClaimService({
    store,
    tokens,
    clock,
    random,
    logger: claimLogger,
    observer,
    catalog,
    settings,
    queue,
    watches,
    access,
    holds,
    pool: { launcher, deleter, poolWanted },
    nodeReady,
  });
  return { driver, pauses, failures, deleter, launcher, provisioner, recycler, reconciler, images, holds, queue, claims };
}

export function claimSettings(config: Config): ClaimSettings {
  return {
    defaultLeaseTtlMs: config.claims.defaultLeaseTtl,
    maxLeaseTtlMs: config.claims.maxLeaseTtl,
    abandonAfterMs: config.claims.abandonAfter,
    agingStepMs: config.claims.agingStep,
    nodesetTimeoutMs: config.claims.nodesetTimeout,
  };
}
