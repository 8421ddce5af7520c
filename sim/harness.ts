import { tmpdir } from "node:os";
import { parseConfig } from "../server/config/load.js";
import type { Config } from "../server/config/schema.js";
import {
  seededRandom,
  silentLogger,
  StandbyError,
  type ClaimRecord,
  type Logger,
  type NodeFilter,
  type NodeRecord,
  type Outcome,
  type Store,
} from "../server/core/index.js";
import type { ClaimInput, ClaimView, HoldRequest } from "../server/scheduler/claims.js";
import { Scheduler, type CreateResult, type LabelSummary, type ProviderSummary } from "../server/scheduler/scheduler.js";
import { openStore } from "../server/store/index.js";
import { ManualClock } from "../common/clock.js";
import { SimNodeAccess } from "./node-access.js";
import { SimProviders } from "./providers.js";

/** What the simulation sets per provider, beyond its fake cloud's settings in the configuration. */
export interface SimProviderKnobs {
  /** Virtual time every call to the provider takes (default 0). */
  callLatencyMs?: number;
  /** Probability that a node has no network: its ready check hangs until its timeout, then fails (default 0). */
  noNetworkRate?: number;
}

export interface SimOptions {
  /**
   * A standby configuration document without its server section. Every
   * provider is a fake cloud in this process; its `settings` are the fake
   * cloud's (plugins/fake/settings.ts), stateFile aside.
   */
  config: Record<string, unknown>;
  /** Per provider name. */
  providers?: Record<string, SimProviderKnobs>;
  /** Virtual epoch ms at the start (default 2026-01-01). */
  start?: number;
  /** Fixes ids and every random decision (default 1). */
  seed?: number;
  /** The scheduler's loops, in virtual time (defaults 5 s, 60 s, 500 ms): every tick costs real time. */
  tickMs?: number;
  reconcileMs?: number;
  pollMs?: number;
  /** Virtual time a ready check of a node with network takes (default 0). */
  readyCheckMs?: number;
  logger?: Logger;
}

/** How long until() and run() wait, in virtual time, unless told (an hour). */
const DEFAULT_WITHIN_MS = 3_600_000;
/** Turns of the event loop in a row without activity that make the system quiet. */
const QUIET_TURNS = 3;
/** More turns than this in one settle means something spins without waiting on the clock. */
const MAX_TURNS = 100_000;
/** More steps than this without time moving means timers that set themselves again at once. */
const MAX_STEPS_AT_INSTANT = 10_000;

export const DEFAULT_CLAIM: ClaimInput = {
  labelExpressions: ["jammy"],
  requester: "sim",
  jobName: "job",
  priority: 0,
  leaseTtlSeconds: 60,
  sshPublicKeys: [],
  requestId: "",
};

/**
 * The real Scheduler (claims, pools, launches, deletions, reconciliation)
 * on an in-memory SQLite store, with in-process fake clouds and node access,
 * all on one virtual clock. Time moves only through advance(), until() and
 * run(): each jumps from one due timer to the next and lets everything the
 * timer set off finish (settle) before the next one, so hours of scheduling
 * run in seconds and every run with the same seed is the same run.
 */
export class Sim {
  private constructor(
    readonly clock: ManualClock,
    readonly store: Store,
    readonly providers: SimProviders,
    readonly access: SimNodeAccess,
    readonly scheduler: Scheduler,
    readonly config: Config,
    readonly ownerId: string,
    private readonly storeActivity: () => number,
  ) {}

  private stepsAtInstant = 0;

  static async start(options: SimOptions): Promise<Sim> {
    const logger = options.logger ?? silentLogger;
    const seed = options.seed ?? 1;
    const clock = new ManualClock(options.start ?? Date.UTC(2026, 0, 1));
    const doc = options.config as { providers?: { name?: unknown; plugin?: unknown }[] };
    for (const p of doc.providers ?? []) {
      if (p.plugin !== undefined && p.plugin !== "fake") {
        throw new StandbyError(
          "invalid-argument",
          `the simulator runs fake clouds only; provider ${JSON.stringify(p.name)} uses ${JSON.stringify(p.plugin)}`,
        );
      }
    }
    const config = parseConfig(
      {
        ...options.config,
        providers: (doc.providers ?? []).map((p) => ({ ...p, plugin: "fake" })),
        server: { listen: "127.0.0.1:0", db: "sqlite::memory:", stateDir: tmpdir() },
      },
      "simulation config",
    );
    let storeCalls = 0;
    const store = watched(await openStore(config.server.db, { logger }), () => storeCalls++);
    const ownerId = "standby-sim";
    const providers = new SimProviders({
      providers: config.providers.map((p) => ({
        name: p.name,
        settings: p.settings,
        ...(options.providers?.[p.name]?.callLatencyMs === undefined ? {} : { callLatencyMs: options.providers[p.name]?.callLatencyMs }),
      })),
      clock,
      random: seededRandom(seed + 1),
      ownerId,
      logger,
    });
    await providers.start();
    const noNetworkRate = Object.fromEntries(Object.entries(options.providers ?? {}).map(([name, k]) => [name, k.noNetworkRate ?? 0]));
    const access = new SimNodeAccess({
      clock,
      random: seededRandom(seed + 2),
      noNetworkRate,
      ...(options.readyCheckMs === undefined ? {} : { readyCheckMs: options.readyCheckMs }),
    });
    const scheduler = new Scheduler({
      store,
      providers,
      clock,
      random: seededRandom(seed),
      logger,
      config,
      ownerId,
      tokenKey: Buffer.alloc(32, seed),
      tickMs: options.tickMs ?? 5000,
      reconcileMs: options.reconcileMs ?? 60_000,
      pollMs: options.pollMs ?? 500,
      // Virtual time: nothing may wait on a real-time window.
      coalesceMs: 0,
      access,
    });
    const sim = new Sim(clock, store, providers, access, scheduler, config, ownerId, () => storeCalls);
    // Its first reconcile calls the providers, which may take virtual time.
    await sim.run(scheduler.start());
    return sim;
  }

  now(): number {
    return this.clock.now();
  }

  /**
   * Lets everything under way finish without moving time: returns once the
   * store, the providers and the clock have seen no activity for a few turns
   * of the event loop (all work left waits on a timer).
   */
  async settle(): Promise<void> {
    let quiet = 0;
    for (let turns = 0; quiet < QUIET_TURNS; turns++) {
      if (turns > MAX_TURNS) throw new Error(`the simulation never settles at ${new Date(this.now()).toISOString()}`);
      const before = this.activity();
      await new Promise<void>((resolve) => setImmediate(resolve));
      quiet = this.activity() === before ? quiet + 1 : 0;
    }
  }

  /** Moves virtual time forward by ms, timer by timer, settling after each. */
  async advance(ms: number): Promise<void> {
    const end = this.now() + ms;
    await this.settle();
    while (await this.step(end));
    this.clock.fireUntil(end);
    await this.settle();
  }

  /**
   * Runs virtual time until check returns a truthy value, checking after
   * every timer; fails naming what it waited for once withinMs passed.
   */
  async until<T>(what: string, check: () => Promise<T> | T, withinMs = DEFAULT_WITHIN_MS): Promise<NonNullable<T>> {
    const started = this.now();
    const end = started + withinMs;
    await this.settle();
    for (;;) {
      const value = await check();
      if (value) return value as NonNullable<T>;
      if (await this.step(end)) continue;
      if (this.now() < end) {
        this.clock.fireUntil(end);
        await this.settle();
        continue;
      }
      throw new Error(`${what}: not so after ${(this.now() - started) / 1000} s of virtual time`);
    }
  }

  /** Runs virtual time until the promise settles, and returns what it gives. */
  async run<T>(promise: Promise<T>, withinMs = DEFAULT_WITHIN_MS): Promise<T> {
    let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
    promise.then(
      (value) => (outcome = { ok: true, value }),
      (error: unknown) => (outcome = { ok: false, error }),
    );
    const done = await this.until("the call to finish", () => outcome, withinMs);
    if (!done.ok) throw done.error;
    return done.value;
  }

  /** Creates a claim and returns at once (queued, or fulfilled from the pool); no client watches it. */
  claim(input: Partial<ClaimInput> = {}): Promise<CreateResult> {
    return this.run(this.scheduler.createClaim({ ...DEFAULT_CLAIM, ...input }, undefined));
  }

  /** Creates a claim and waits for it, as a client with `wait` does, up to waitMs of virtual time. */
  claimAndWait(input: Partial<ClaimInput> = {}, waitMs = 600_000): Promise<CreateResult> {
    return this.run(this.scheduler.createClaim({ ...DEFAULT_CLAIM, ...input }, { timeoutMs: waitMs }), waitMs + 1000);
  }

  release(leaseToken: string, outcome: Outcome = "success", hold?: HoldRequest): Promise<ClaimView> {
    return this.run(this.scheduler.releaseLease(leaseToken, outcome, hold));
  }

  nodes(filter: NodeFilter = {}): Promise<NodeRecord[]> {
    return this.store.listNodes(filter);
  }

  /** Ids of the provider's (or every) ready node. */
  async readyIds(provider?: string): Promise<string[]> {
    return (await this.nodes({ states: ["ready"], ...(provider ? { provider } : {}) })).map((n) => n.id);
  }

  async node(id: string): Promise<NodeRecord> {
    const node = await this.store.getNode(id);
    if (!node) throw new Error(`no node ${id}`);
    return node;
  }

  async claimRecord(id: string): Promise<ClaimRecord> {
    const claim = await this.store.getClaim(id);
    if (!claim) throw new Error(`no claim ${id}`);
    return claim;
  }

  claims(states?: ClaimRecord["state"][]): Promise<ClaimRecord[]> {
    return this.store.listClaims(states ? { states } : {});
  }

  async provider(name: string): Promise<ProviderSummary> {
    const found = (await this.scheduler.listProviders()).find((p) => p.name === name);
    if (!found) throw new Error(`no provider ${name}`);
    return found;
  }

  async label(name: string): Promise<LabelSummary> {
    const found = (await this.scheduler.listLabels()).find((l) => l.name === name);
    if (!found) throw new Error(`no label ${name}`);
    return found;
  }

  /** Node ids that still have an instance (booting, running, in error or deleting) in the provider's cloud. */
  liveInstances(provider: string): string[] {
    return this.providers.liveInstances(provider, this.now());
  }

  async close(): Promise<void> {
    this.scheduler.stop();
    await this.providers.close();
    await this.store.close();
  }

  /** Fires the next timers if one is due by limit, and settles. */
  private async step(limit: number): Promise<boolean> {
    const next = this.clock.nextAt();
    if (next === undefined || next > limit) return false;
    this.stepsAtInstant = next === this.now() ? this.stepsAtInstant + 1 : 0;
    if (this.stepsAtInstant > MAX_STEPS_AT_INSTANT) {
      throw new Error(`timers keep falling due at ${new Date(next).toISOString()} without time moving on`);
    }
    this.clock.fireUntil(next);
    await this.settle();
    return true;
  }

  private activity(): number {
    return this.storeActivity() + this.providers.activity() + this.clock.activity();
  }
}

/** The store, counting every call made to it and every answer it gives. */
function watched<T extends object>(target: T, note: () => void): T {
  return new Proxy(target, {
    get(object, key) {
      const value: unknown = Reflect.get(object, key, object);
      if (typeof value !== "function") return value;
      return (...args: unknown[]): unknown => {
        note();
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(object, args);
        if (result instanceof Promise) return result.finally(note);
        return result;
      };
    },
  });
}
