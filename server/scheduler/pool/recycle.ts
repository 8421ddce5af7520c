import type { Clock, Logger, Store } from "../../core/index.js";
import type { Catalog } from "../catalog.js";
import type { NodeDriver } from "../nodes/driver.js";
import type { Deleter } from "./deletion.js";
import type { Pauses } from "./pauses.js";

export interface RecyclerDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  catalog: () => Catalog;
  pauses: Pauses;
  driver: NodeDriver;
  deleter: Deleter;
}

/** Ready nodes of a draining provider deleted per tick, so the pool refills elsewhere meanwhile. */
const DRAIN_PER_TICK = 5;

/**
 * Expiry: deletes ready nodes older than their label's max-ready-age, and
 * ready nodes of draining providers, a few at a time.
 */
export class Recycler {
  constructor(private readonly deps: RecyclerDeps) {}

  /** Called on every tick. */
  async recycle(): Promise<void> {
    const { catalog, pauses } = this.deps;
    const ageing = [...catalog().labels.values()].some((l) => l.config.maxReadyAge > 0);
    if (!ageing && !pauses.draining()) return;
    const now = this.deps.clock.now();
    const ready = await this.deps.store.listNodes({ states: ["ready"] });
    const drained = new Map<string, number>();
    for (const node of ready) {
      const maxAge = catalog().labels.get(node.label)?.config.maxReadyAge ?? 0;
      let reason = "";
      if (maxAge > 0 && node.readyAt > 0 && now - node.readyAt > maxAge) reason = "max-ready-age";
      else if (pauses.mode(node.provider) === "draining") {
        const n = drained.get(node.provider) ?? 0;
        if (n >= DRAIN_PER_TICK) continue;
        drained.set(node.provider, n + 1);
        reason = "draining";
      }
      if (!reason || this.deps.driver.busy(node.id)) continue;
      this.deps.logger.info({ node: node.id, provider: node.provider, label: node.label, reason }, "recycling ready node");
      void this.deps.deleter.drive({ ...node, state: "ready" });
    }
  }
}
