import type { ImageBuildRecord } from "../../core/images.js";
import { ACTIVE_IMAGE_BUILD_STATES } from "../../core/states.js";
import { cacheFamily } from "./recipes.js";
import type { CacheMiss } from "./resolver.js";

/** A cache build for a key that failed is not tried again for this long (a broken setup must not boot builders in a loop). */
export const CACHE_RETRY_MS = 15 * 60_000;

/**
 * Template caching (jclouds' auto-image): a launch of a template with a
 * cache that finds no fresh cache for the template's current content asks
 * for one. One cache build runs per template and provider at a time; the
 * launch itself goes on from the base image meanwhile, so nobody waits.
 */
export function wantsCacheBuild(miss: CacheMiss, buildsOf: (family: string, provider: string) => ImageBuildRecord[], now: number): boolean {
  const builds = buildsOf(cacheFamily(miss.template.label), miss.template.provider);
  if (builds.some((b) => ACTIVE_IMAGE_BUILD_STATES.includes(b.state) && b.state !== "retiring")) return false;
  return !builds.some((b) => b.cacheKey === miss.key && b.state === "failed" && now - b.createdAt < CACHE_RETRY_MS);
}
