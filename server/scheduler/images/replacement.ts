import type { TemplateConfig } from "../../config/schema.js";
import { PENDING_NODE_STATES } from "../../core/states.js";
import type { NodeCount, NodeRecord } from "../../core/store.js";
import type { Catalog } from "../catalog.js";

/**
 * Ready nodes booted from a build older than their family's current one are
 * replaced gradually: per label at most `replaceAtOnce` at a time, counting
 * every launch of the label still under way, and every ready node the label
 * lacks that no launch replaces yet, as a replacement in progress, so the
 * pool never loses more than that many ready nodes to it and a busy label
 * (launches for waiting claims) is not touched. Idle nodes only, the
 * longest-idle first: claimed nodes are single use and go at release anyway.
 */
export function nodesToReplace(
  catalog: Catalog,
  ready: readonly NodeRecord[],
  counts: readonly NodeCount[],
  outdated: (node: NodeRecord, template: TemplateConfig | undefined) => boolean,
): NodeRecord[] {
  const pending = new Map<string, number>();
  const readyCount = new Map<string, number>();
  for (const c of counts) {
    if (PENDING_NODE_STATES.includes(c.state)) pending.set(c.label, (pending.get(c.label) ?? 0) + c.count);
    if (c.state === "ready") readyCount.set(c.label, (readyCount.get(c.label) ?? 0) + c.count);
  }
  const chosen: NodeRecord[] = [];
  for (const label of catalog.labels.values()) {
    const launching = pending.get(label.name) ?? 0;
    // A node already taken out whose replacement the pool has not launched yet is a replacement in progress too.
    const missing = Math.max(0, label.config.minReady - (readyCount.get(label.name) ?? 0) - launching);
    const budget = label.config.replaceAtOnce - launching - missing;
    if (budget <= 0) continue;
    const stale = ready
      .filter((n) => n.label === label.name && n.state === "ready" && (n.purpose ?? "pool") === "pool")
      .filter((n) => outdated(n, catalog.template(n.label, n.provider)))
      .sort((a, b) => a.readyAt - b.readyAt || (a.id < b.id ? -1 : 1));
    chosen.push(...stale.slice(0, budget));
  }
  return chosen;
}
