import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { credentials } from "@grpc/grpc-js";
import { createConnection } from "mysql2/promise";
import { StandbyServiceClient } from "../../gen/ts/standby/v1/standby.js";
import { startApiServer, type ApiServer } from "../../server/api/server.js";
import { parseConfig } from "../../server/config/load.js";
import type { Config } from "../../server/config/schema.js";
import { systemClock, type Clock } from "../../common/clock.js";
import { silentLogger, type Logger } from "../../common/log.js";
import { cryptoRandom } from "../../common/random.js";
import type { Store } from "../../server/core/store.js";
import { PluginHost, resolvePluginCommand, type PluginHostOptions, type PolicyOverrides } from "../../server/plugin-host/index.js";
import { Scheduler } from "../../server/scheduler/scheduler.js";
import { loadSchedulerKey, SshNodeAccess } from "../../server/ssh/node-access.js";
import { openStore } from "../../server/store/index.js";
import type { Telemetry } from "../../server/telemetry/index.js";

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export interface ClusterOptions {
  /** Config document (providers' fake settings get stateFile filled in). */
  config: Record<string, unknown>;
  db?: "sqlite" | "mariadb";
  clock?: Clock;
  logger?: Logger;
  tickMs?: number;
  reconcileMs?: number;
  pollMs?: number;
  /** Plugin host timeouts, restart backoff and isolation policies (all providers). */
  host?: Pick<PluginHostOptions, "timeouts" | "restart" | "policies">;
  /** Isolation policies of single providers, by name. */
  providerPolicies?: Record<string, PolicyOverrides>;
  /** Reach nodes over SSH with a scheduler key (ready checks, key injection). */
  access?: boolean;
  /** Start again where a stopped cluster left off: its directory (plugin state, keys) and its database. */
  restartOf?: Cluster;
  /** Traces and metrics, wired as server/main.ts wires them (the caller closes it). */
  telemetry?: Telemetry;
}

export interface Cluster {
  dir: string;
  config: Config;
  store: Store;
  host: PluginHost;
  scheduler: Scheduler;
  api: ApiServer;
  client: StandbyServiceClient;
  ownerId: string;
  /** The store's URL. */
  url: string;
  /** Drops a MariaDB database made for this cluster (close does; a restart inherits it). */
  dropDatabase?: () => Promise<void>;
  /** The fake cloud's state file of a provider. */
  stateFile(provider: string): string;
  /** Stops the scheduler, its plugins and API, keeping the directory and database for restartOf. */
  stop(): Promise<void>;
  /** Stops (if running) and removes the directory and database. */
  close(): Promise<void>;
}

/** A fresh MariaDB database for one test; dropped by the returned function. */
export async function freshMariaDb(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `standby_t_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
  const conn = await createConnection({ host: "127.0.0.1", port: 3306, user: "root", password: "" });
  await conn.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4`);
  await conn.end();
  return {
    url: `mysql://root@127.0.0.1:3306/${name}`,
    async drop() {
      const c = await createConnection({ host: "127.0.0.1", port: 3306, user: "root", password: "" });
      await c.query(`DROP DATABASE IF EXISTS ${name}`);
      await c.end();
    },
  };
}

/**
 * The real thing, in this process: store, plugin host with fake plugins as
 * child processes, scheduler, and the gRPC API on a loopback port.
 */
export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const dir = opts.restartOf?.dir ?? (await mkdtemp(join(tmpdir(), "standby-t-")));
  const doc = structuredClone(opts.config) as { providers: { name: string; plugin?: string; settings?: Record<string, unknown> }[] };
  // The fake cloud keeps its state in a file of the test's own.
  for (const p of doc.providers) if (p.plugin === "fake") p.settings = { stateFile: join(dir, `${p.name}.json`), ...(p.settings ?? {}) };
  const config = parseConfig({ ...doc, server: { listen: "127.0.0.1:0", db: "sqlite::memory:", stateDir: dir } });
  let drop: (() => Promise<void>) | undefined;
  let url = opts.restartOf?.url ?? `sqlite:${join(dir, "standby.db")}`;
  if (opts.restartOf) drop = opts.restartOf.dropDatabase;
  else if (opts.db === "mariadb") {
    const db = await freshMariaDb();
    url = db.url;
    drop = () => db.drop();
  }
  const logger = opts.logger ?? silentLogger;
  const store = await openStore(url, { logger });
  const ownerId = await store.setMetaIfAbsent("owner-id", cryptoRandom.id("standby"));
  const tokenKey = Buffer.from(await store.setMetaIfAbsent("token-key", cryptoRandom.secret()), "base64url");
  const host = new PluginHost({
    providers: config.providers.map((p) => ({
      name: p.name,
      command: resolvePluginCommand(p, REPO_ROOT),
      settings: p.settings,
      secrets: p.secrets,
      ...(opts.providerPolicies?.[p.name] ? { policies: opts.providerPolicies[p.name] } : {}),
    })),
    ownerId,
    logger,
    stateDir: dir,
    ...opts.host,
  });
  await host.start();
  const telemetry = opts.telemetry;
  const access = opts.access ? new SshNodeAccess(await loadSchedulerKey(dir)) : undefined;
  const scheduler = new Scheduler({
    store,
    providers: telemetry ? telemetry.providers(host) : host,
    clock: opts.clock ?? systemClock,
    random: cryptoRandom,
    logger,
    config,
    ownerId,
    tokenKey,
    tickMs: opts.tickMs ?? 200,
    reconcileMs: opts.reconcileMs ?? 2_000,
    pollMs: opts.pollMs ?? 50,
    ...(access ? { access: telemetry ? telemetry.access(access) : access } : {}),
    ...(telemetry ? { observer: telemetry.observer } : {}),
    ...(telemetry?.imageMetrics ? { imageMetrics: telemetry.imageMetrics } : {}),
  });
  telemetry?.watch({
    countNodes: () => store.countNodes(),
    providers: () => host.names().map((name) => host.status(name)),
    queuedClaims: () => scheduler.queuedClaims(),
    currentBuilds: () => scheduler.images.currentBuilds(),
  });
  await scheduler.start();
  const api = await startApiServer("127.0.0.1:0", () => scheduler, logger);
  const client = new StandbyServiceClient(api.address, credentials.createInsecure());
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    client.close();
    await api.close();
    scheduler.stop();
    await host.stop();
    await store.close();
  };
  const cluster: Cluster = {
    dir,
    config,
    store,
    host,
    scheduler,
    api,
    client,
    ownerId,
    url,
    stateFile: (provider) => join(dir, `${provider}.json`),
    stop,
    async close() {
      await stop();
      await drop?.();
      await rm(dir, { recursive: true, force: true });
    },
  };
  if (drop) cluster.dropDatabase = drop;
  return cluster;
}

export function call<T>(fn: (cb: (err: Error | null, res: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, res) => (err ? reject(err) : resolve(res))));
}

/** Polls until check returns a truthy value (real time), or fails naming what it waited for. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T> | T,
  timeoutMs = 20_000,
  intervalMs = 50,
): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ""}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
