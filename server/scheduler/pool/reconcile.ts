import {
  ENDING_NODE_STATES,
  NODE_TAG,
  OWNER_TAG,
  PENDING_NODE_STATES,
  type Instance,
  type Logger,
  type ProviderRegistry,
  type Store,
} from "../../core/index.js";
import type { Catalog } from "../catalog.js";
import { messageOf, type NodeDriver } from "../nodes/driver.js";
import type { LeakReaper } from "../reaper.js";
import type { Signal } from "../signal.js";
import type { Deleter } from "./deletion.js";
import type { FlavorSizes } from "./flavors.js";
import type { Launcher } from "./launch.js";
import type { Pauses } from "./pauses.js";

export interface ReconcilerDeps {
  store: Store;
  providers: ProviderRegistry;
  logger: Logger;
  /** This scheduler's owner id: only instances tagged with it are ours. */
  ownerId: string;
  catalog: () => Catalog;
  driver: NodeDriver;
  launcher: Launcher;
  deleter: Deleter;
  pauses: Pauses;
  flavors: FlavorSizes;
  /** Leaked instances (two passes). */
  reaper: LeakReaper;
  poolWanted: Signal<boolean>;
}

/**
 * Garbage collection: brings the store and one provider's instances into
 * agreement. Resumes every unfinished launch and deletion, fails nodes
 * whose instance vanished, and deletes instances of ours that the store
 * does not know after two passes in a row find them. A failed list means
 * "unknown": nothing is reaped then.
 */
export class Reconciler {
  constructor(private readonly deps: ReconcilerDeps) {}

  async reconcile(providerName: string): Promise<void> {
    const { providers, logger, driver, launcher, deleter } = this.deps;
    let instances: Instance[];
    try {
      instances = await providers.get(providerName).listInstances();
    } catch (err) {
      logger.warn({ provider: providerName, err: messageOf(err) }, "cannot list instances; reconcile postponed");
      return;
    }
    try {
      this.deps.pauses.noteQuota(providerName, await providers.get(providerName).getQuota());
    } catch {
      // Quota is optional (UNIMPLEMENTED) and advisory.
    }
    const caps = this.deps.catalog().providers.get(providerName);
    if (caps && (caps.maxCores > 0 || caps.maxRamMb > 0)) await this.deps.flavors.load(providerName);
    const ours = new Map<string, Instance>();
    for (const i of instances) if (i.tags[OWNER_TAG] === this.deps.ownerId && i.tags[NODE_TAG]) ours.set(i.tags[NODE_TAG] as string, i);
    const nodes = await this.deps.store.listNodes({ provider: providerName });
    const known = new Set<string>();
    for (const node of nodes) {
      known.add(node.id);
      // Builders and verifiers of image builds are driven by their build.
      if (driver.busy(node.id) || (node.purpose ?? "pool") !== "pool") continue;
      const instance = ours.get(node.id);
      if (PENDING_NODE_STATES.includes(node.state) || ENDING_NODE_STATES.includes(node.state)) {
        void launcher.drive(node);
      } else if (!instance && node.state === "held") {
        // Nothing left to look at: end the hold's node like any other deletion.
        logger.warn({ node: node.id, provider: providerName }, "a held node's instance is gone from the provider; deleting the node");
        void deleter.drive(node);
      } else if (!instance && ["ready", "claimed"].includes(node.state)) {
        void launcher.vanished(node);
      }
    }
    const leaked = new Set([...ours.keys()].filter((id) => !known.has(id)));
    await this.deps.reaper.pass(providerName, leaked, (id) => providers.get(providerName).deleteInstance(id));
    this.deps.poolWanted.emit(false);
  }
}
