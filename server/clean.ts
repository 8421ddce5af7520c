import net from "node:net";
import { loadConfig } from "./config/load.js";
import type { Config } from "./config/schema.js";
import { StandbyError } from "../common/errors.js";
import { createLogger, type Logger } from "../common/log.js";
import { nodeStatesInto } from "./core/states.js";
import { pluginHostFor } from "./main.js";
import { openStore } from "./store/index.js";

export interface CleanOptions {
  config: string;
  /** Overrides server.db. */
  db?: string;
  /** Only these providers (default: every provider of the configuration). */
  providers?: string[];
  /** How long to wait for the instances to be gone (default 120 s). */
  timeoutMs?: number;
  logger?: Logger;
}

export interface CleanResult {
  provider: string;
  /** Instances of this scheduler the provider had. */
  deleted: number;
  /** Still there when the wait ended (0 when all went). */
  remaining: number;
}

const POLL_MS = 250;
const CONCURRENT_DELETES = 8;

/**
 * Deletes every instance this scheduler owns on the given providers and
 * waits until they are gone, with the scheduler stopped: what a node left
 * running after a stop (a local provider's sandbox, a cloud's machine)
 * otherwise stays until the next start adopts it. The store's nodes of those
 * providers end as gone. Refuses while a scheduler answers at the
 * configuration's listen address, since it would launch them again.
 */
export async function clean(opts: CleanOptions): Promise<CleanResult[]> {
  // Its output is the answer; what the plugins say goes to stderr, warnings and worse only.
  const logger = opts.logger ?? createLogger({ level: process.env.STANDBY_LOG_LEVEL ?? "warn", destination: process.stderr });
  const { config } = await loadConfig(opts.config);
  const providers = chooseProviders(config, opts.providers ?? []);
  if (await answers(config.server.listen)) {
    throw new StandbyError(
      "failed-precondition",
      `a scheduler answers at ${config.server.listen}: stop it first (it would launch the nodes again), or drain its providers`,
    );
  }
  const store = await openStore(opts.db ?? config.server.db, { logger: logger.child({ component: "store" }) });
  try {
    const ownerId = await store.getMeta("owner-id");
    // Nothing was ever launched with this store: nothing of ours can exist.
    if (!ownerId) return providers.map((p) => ({ provider: p.name, deleted: 0, remaining: 0 }));
    const host = pluginHostFor(config, providers, ownerId, logger);
    await host.start();
    try {
      const results: CleanResult[] = [];
      for (const p of providers) {
        const provider = host.get(p.name);
        const ours = (await provider.listInstances()).filter((i) => i.nodeId !== "");
        for (let i = 0; i < ours.length; i += CONCURRENT_DELETES) {
          await Promise.all(ours.slice(i, i + CONCURRENT_DELETES).map((instance) => provider.deleteInstance(instance.nodeId)));
        }
        const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
        let remaining = ours.length;
        while (remaining > 0) {
          remaining = (await provider.listInstances()).filter((i) => i.nodeId !== "").length;
          if (remaining === 0 || Date.now() > deadline) break;
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        }
        if (remaining === 0) await forgetNodes(store, p.name);
        results.push({ provider: p.name, deleted: ours.length, remaining });
      }
      return results;
    } finally {
      await host.stop();
    }
  } finally {
    await store.close();
  }
}

function chooseProviders(config: Config, names: string[]): Config["providers"] {
  if (names.length === 0) return config.providers;
  return names.map((name, i) => {
    const p = config.providers.find((x) => x.name === name);
    if (!p) throw StandbyError.invalidArgument(`providers[${i}]`, `no provider "${name}" in the configuration`);
    return p;
  });
}

/** The store's nodes of a provider whose instances are all gone end as gone (through deleting, as the table has it). */
async function forgetNodes(store: Awaited<ReturnType<typeof openStore>>, provider: string): Promise<void> {
  const nodes = await store.listNodes({ provider });
  if (nodes.length === 0) return;
  const at = Date.now();
  const intoDeleting = nodeStatesInto("deleting");
  await store.transitionNodes(nodes.map((n) => ({ id: n.id, from: intoDeleting, to: "deleting", at })));
  await store.transitionNodes(nodes.map((n) => ({ id: n.id, from: ["deleting"], to: "gone", at })));
}

/** Whether something accepts connections at HOST:PORT (within a second). */
function answers(address: string): Promise<boolean> {
  const i = address.lastIndexOf(":");
  const host = address.slice(0, i).replace(/^\[|\]$/g, "") || "127.0.0.1";
  const port = Number(address.slice(i + 1));
  return new Promise((resolve) => {
    const socket = net.connect({ host: host === "0.0.0.0" ? "127.0.0.1" : host, port });
    const done = (yes: boolean): void => {
      socket.destroy();
      resolve(yes);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}
