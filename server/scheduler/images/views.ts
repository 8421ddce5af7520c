import { TEMPLATE_CACHE_PREFIX, type ImageBuildRecord } from "../../core/index.js";
import type { Catalog } from "../catalog.js";
import type { CurrentBuild } from "./metrics.js";
import { cacheFamily, familyOf } from "./recipes.js";
import type { ImageResolver } from "./resolver.js";
import { nextDue } from "./schedule.js";

/** A family (or a template's cache) with its builds, as `standby images` shows it. */
export interface ImageFamilyView {
  name: string;
  templateCache: boolean;
  schedule: string;
  paused: boolean;
  keep: number;
  verify: boolean;
  providers: { provider: string; currentBuildId: string; nextBuildAt: number }[];
  /** Newest first. */
  builds: ImageBuildRecord[];
}

export interface FamilyFilter {
  family?: string;
  provider?: string;
  /** Retired builds too. */
  all?: boolean;
}

/** The families (and template caches) with their builds, as `standby images` shows them. */
export function familyViews(
  catalog: Catalog,
  resolver: ImageResolver,
  pausedFamilies: ReadonlySet<string>,
  filter: FamilyFilter,
  now: number,
): ImageFamilyView[] {
  const names = new Set<string>(catalog.config.images.map((f) => f.name));
  for (const t of catalog.config.templates) if (t.cache) names.add(cacheFamily(t.label));
  for (const b of resolver.all()) names.add(b.family);
  const views: ImageFamilyView[] = [];
  for (const name of names) {
    if (filter.family !== undefined && filter.family !== name) continue;
    const family = familyOf(catalog, name);
    const cache = name.startsWith(TEMPLATE_CACHE_PREFIX);
    const builds = resolver
      .all()
      .filter((b) => b.family === name && (filter.provider === undefined || b.provider === filter.provider))
      .filter((b) => filter.all || b.state !== "retired")
      .reverse();
    const providers = new Set<string>([...(family?.providers.map((p) => p.provider) ?? []), ...builds.map((b) => b.provider)]);
    if (cache) for (const t of catalog.config.templates) if (t.cache && cacheFamily(t.label) === name) providers.add(t.provider);
    const paused = pausedFamilies.has(name);
    views.push({
      name,
      templateCache: cache,
      schedule: family?.schedule ?? "",
      paused,
      keep: cache ? 1 : (family?.keep ?? 0),
      verify: cache ? true : (family?.verify ?? false),
      providers: [...providers]
        .filter((p) => filter.provider === undefined || p === filter.provider)
        .sort()
        .map((provider) => {
          const all = resolver.of(name, provider);
          const last = all[all.length - 1];
          const next = family && !paused ? nextDue(family, last?.createdAt, now) : undefined;
          return { provider, currentBuildId: resolver.current(name, provider)?.id ?? "", nextBuildAt: next ?? 0 };
        }),
      builds,
    });
  }
  return views.sort((a, b) => Number(a.templateCache) - Number(b.templateCache) || a.name.localeCompare(b.name));
}

/** For an image-age gauge: each family's current build per provider. */
export function currentBuilds(builds: readonly ImageBuildRecord[]): CurrentBuild[] {
  const seen = new Map<string, CurrentBuild>();
  for (const b of builds) {
    if (b.state !== "promoted") continue;
    const key = `${b.family}\u0000${b.provider}`;
    const have = seen.get(key);
    if (!have || b.promotedAt > have.promotedAt)
      seen.set(key, { family: b.family, provider: b.provider, buildId: b.id, promotedAt: b.promotedAt });
  }
  return [...seen.values()];
}
