import type { Flavor } from "../../core/index.js";
import type { Catalog } from "../catalog.js";

/** What a provider's nodes take up, counted against its caps. */
export interface Usage {
  nodes: number;
  cores: number;
  ramMb: number;
}

/** What provider choice looks at: a snapshot of the pool's state, no I/O. */
export interface PoolView {
  catalog: Catalog;
  /** Serving, active and not paused (pauses.ts). */
  launchesNow(provider: string): boolean;
  /** Why not, when launchesNow is false (pauses.ts). */
  whyNotLaunching(provider: string): string;
  /** The size of a flavor of a provider, if the plugin told it. */
  sizeOf(provider: string, flavor: string): Flavor | undefined;
  /** Launch failures of the label on the provider in a row. */
  inARow(label: string, provider: string): number;
  /** Recent launch failures per provider (quota refusals aside). */
  failures: ReadonlyMap<string, number>;
}

/** The size of the flavor the label's template on the provider asks for, if the plugin told it. */
export function flavorOf(view: PoolView, label: string, provider: string): Flavor | undefined {
  const flavor = view.catalog.template(label, provider)?.flavor;
  return flavor === undefined ? undefined : view.sizeOf(provider, flavor);
}

/** Counts `count` nodes of the label on the provider into usage. */
export function addUsage(view: PoolView, usage: Map<string, Usage>, label: string, provider: string, count: number): void {
  const used = usage.get(provider) ?? { nodes: 0, cores: 0, ramMb: 0 };
  const size = flavorOf(view, label, provider);
  used.nodes += count;
  used.cores += (size?.cores ?? 0) * count;
  used.ramMb += (size?.ramMb ?? 0) * count;
  usage.set(provider, used);
}

/** Whether the provider may launch one more node of the label now: serving, active, not paused, under every cap. */
export function usable(view: PoolView, provider: string, usage: ReadonlyMap<string, Usage>, label: string): boolean {
  return whyUnusable(view, provider, usage, label) === "";
}

/** Why the provider may not launch one more node of the label now ("" when it may): what a waiting claim is told. */
export function whyUnusable(view: PoolView, provider: string, usage: ReadonlyMap<string, Usage>, label: string): string {
  const p = view.catalog.providers.get(provider);
  if (!p) return "not configured";
  if (!view.launchesNow(provider)) return view.whyNotLaunching(provider) || "not launching";
  const used = usage.get(provider) ?? { nodes: 0, cores: 0, ramMb: 0 };
  if (p.maxNodes > 0 && used.nodes >= p.maxNodes) return `full: ${used.nodes} of ${p.maxNodes} nodes`;
  if (p.maxCores === 0 && p.maxRamMb === 0) return "";
  const size = flavorOf(view, label, provider);
  // Without the flavor's size a cores/RAM cap cannot be kept: launch nothing there until it is known.
  if (!size) return "the flavor's size is not known, and a cores/RAM cap is set";
  if (p.maxCores > 0 && used.cores + size.cores > p.maxCores) return `full: ${used.cores} of ${p.maxCores} cores in use`;
  if (p.maxRamMb > 0 && used.ramMb + size.ramMb > p.maxRamMb) return `full: ${used.ramMb} of ${p.maxRamMb} MB of RAM in use`;
  return "";
}

/**
 * Among the label's providers: usable, not past its launch retries (unless
 * all are), fewest recent failures, highest configured priority, then
 * fewest nodes (spread), then name.
 */
export function chooseProvider(view: PoolView, label: string, usage: ReadonlyMap<string, Usage>): string | undefined {
  const entry = view.catalog.labels.get(label);
  if (!entry) return undefined;
  const candidates = entry.templates
    .map((t) => view.catalog.providers.get(t.provider))
    .filter((p): p is NonNullable<typeof p> => p !== undefined)
    .filter((p) => usable(view, p.name, usage, label));
  // A provider that failed this label more than its launch retries in a row
  // yields to the others until it succeeds again (or is the only one left).
  const fresh = candidates.filter((p) => view.inARow(label, p.name) <= p.launchRetries);
  const ranked = fresh.length > 0 ? fresh : candidates;
  ranked.sort(
    (a, b) =>
      (view.failures.get(a.name) ?? 0) - (view.failures.get(b.name) ?? 0) ||
      b.priority - a.priority ||
      (usage.get(a.name)?.nodes ?? 0) - (usage.get(b.name)?.nodes ?? 0) ||
      a.name.localeCompare(b.name),
  );
  return ranked[0]?.name;
}

/**
 * Providers that can launch nodes of every one of these labels now, best
 * first: serving, active, not paused, not past their launch retries for any
 * of the labels; then fewest recent failures and highest priority. Used to
 * place a nodeset, which must come from one provider.
 */
export function rankProviders(view: PoolView, candidates: readonly string[], labels: readonly string[]): string[] {
  const ok = candidates.filter((name) => {
    const p = view.catalog.providers.get(name);
    if (!p || !view.launchesNow(name)) return false;
    return labels.every((l) => !view.catalog.template(l, name) || view.inARow(l, name) <= p.launchRetries);
  });
  const priority = (name: string) => view.catalog.providers.get(name)?.priority ?? 0;
  return ok.sort((a, b) => (view.failures.get(a) ?? 0) - (view.failures.get(b) ?? 0) || priority(b) - priority(a) || a.localeCompare(b));
}
