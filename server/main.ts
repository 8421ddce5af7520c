import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { startApiServer } from "./api/server.js";
import { loadConfig } from "./config/load.js";
import type { Config } from "./config/schema.js";
import { systemClock } from "../common/clock.js";
import { createLogger, type Logger } from "../common/log.js";
import { cryptoRandom } from "../common/random.js";
import { PluginHost, resolvePluginCommand } from "./plugin-host/index.js";
import { Scheduler } from "./scheduler/scheduler.js";
import { loadSchedulerKey, SshNodeAccess } from "./ssh/node-access.js";
import { openStore } from "./store/index.js";
import { startTelemetry } from "./telemetry/index.js";

export interface ServeOptions {
  config: string;
  listen?: string;
  db?: string;
  /** HOST:PORT for Prometheus metrics; overrides server.metrics. */
  metrics?: string;
  logger?: Logger;
}

export interface Running {
  address: string;
  /** Where Prometheus metrics are served (HOST:PORT), if they are. */
  metricsAddress: string | undefined;
  close(): Promise<void>;
  /** Re-reads the config file; on any error the running config stays and the error is thrown. */
  reload(): Promise<void>;
}

/** The repository root, from dist/server/main.js or server/main.ts. */
function repoRoot(): string {
  const here = fileURLToPath(new URL(".", import.meta.url));
  return fileURLToPath(new URL(here.includes("/dist/") ? "../../" : "../", import.meta.url));
}

/** The plugin host for these providers of the configuration. */
export function pluginHostFor(config: Config, providers: Config["providers"], ownerId: string, logger: Logger): PluginHost {
  const root = repoRoot();
  return new PluginHost({
    providers: providers.map((p) => ({
      name: p.name,
      command: resolvePluginCommand(p, root),
      settings: p.settings,
      secrets: resolveSecrets(p.secrets),
      env: p.env,
      ...(p.policies ? { policies: p.policies } : {}),
    })),
    ownerId,
    logger: logger.child({ component: "plugin-host" }),
    stateDir: config.server.stateDir,
    ...(config.server.plugins.policies ? { policies: config.server.plugins.policies } : {}),
  });
}

/** Wires config → store → plugin host → scheduler → API. Nothing else lives here. */
export async function serve(opts: ServeOptions): Promise<Running> {
  const logger = opts.logger ?? createLogger();
  const loaded = await loadConfig(opts.config);
  const config: Config = {
    ...loaded.config,
    server: {
      ...loaded.config.server,
      ...(opts.listen ? { listen: opts.listen } : {}),
      ...(opts.db ? { db: opts.db } : {}),
      ...(opts.metrics ? { metrics: opts.metrics } : {}),
    },
  };
  await mkdir(config.server.stateDir, { recursive: true });

  const telemetry = await startTelemetry({ logger: logger.child({ component: "telemetry" }), metrics: config.server.metrics });
  const store = await openStore(config.server.db, { logger: logger.child({ component: "store" }) }).catch(async (err: unknown) => {
    await telemetry.close();
    throw err;
  });
  const ownerId = await store.setMetaIfAbsent("owner-id", cryptoRandom.id("standby"));
  const tokenKey = Buffer.from(await store.setMetaIfAbsent("token-key", cryptoRandom.secret()), "base64url");

  const host = pluginHostFor(config, config.providers, ownerId, logger);
  await host.start();

  const access = telemetry.access(new SshNodeAccess(await loadSchedulerKey(config.server.stateDir)));
  const providers = telemetry.providers(host);
  const observer = telemetry.observer;
  const imageMetrics = telemetry.imageMetrics;
  const scheduler = new Scheduler({
    store,
    providers,
    clock: systemClock,
    random: cryptoRandom,
    logger,
    config,
    ownerId,
    tokenKey,
    access,
    observer,
    ...(imageMetrics ? { imageMetrics } : {}),
  });
  telemetry.watch({
    countNodes: () => store.countNodes(),
    providers: () => host.names().map((name) => host.status(name)),
    queuedClaims: () => scheduler.queuedClaims(),
    currentBuilds: () => scheduler.images.currentBuilds(),
  });
  await scheduler.start();
  const reload = async () => {
    const next = await loadConfig(opts.config);
    scheduler.reload({ ...next.config, server: config.server });
    logger.info({ config: next.path }, "configuration reloaded");
    return { labels: next.config.labels.map((l) => l.name), providers: next.config.providers.map((p) => p.name) };
  };
  const api = await startApiServer(config.server.listen, () => scheduler, logger.child({ component: "api" }), { reload });
  logger.info(
    { address: api.address, db: redactUrl(config.server.db), providers: config.providers.map((p) => p.name) },
    "standby is serving",
  );

  return {
    address: api.address,
    metricsAddress: telemetry.metricsAddress,
    async reload() {
      await reload();
    },
    async close() {
      await api.close();
      scheduler.stop();
      await host.stop();
      await telemetry.close();
      await store.close();
    },
  };
}

/** Secret values "env:NAME" come from the scheduler's environment. */
function resolveSecrets(secrets: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(secrets).map(([k, v]) => [k, v.startsWith("env:") ? (process.env[v.slice(4)] ?? "") : v]));
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):([^@]*)@/, "//$1:***@");
}
