import { parseSchedule, nextRun } from "../../config/schedule.js";
import type { FamilyConfig } from "../../config/images.js";
import { ACTIVE_IMAGE_BUILD_STATES } from "../../core/states.js";
import type { ImageBuildRecord } from "../../core/images.js";

/**
 * When the schedule wants a family rebuilt on a provider: a family with a
 * schedule and no build there yet is built at once; after that, when the
 * schedule's next time after the newest build's start has come (a cron slot,
 * or the interval). A missed slot (the scheduler was down) is caught up once,
 * not once per missed slot. Manual and post-build builds count as builds: a
 * fresh snapshot moves an interval schedule on.
 */
export interface DueBuild {
  family: string;
  provider: string;
  /** Unique per family and provider: two schedulers sharing a store make one build for it. */
  slot: string;
}

export function dueBuilds(
  families: readonly FamilyConfig[],
  paused: ReadonlySet<string>,
  buildsOf: (family: string, provider: string) => ImageBuildRecord[],
  launchable: (provider: string) => boolean,
  now: number,
): DueBuild[] {
  const due: DueBuild[] = [];
  for (const family of families) {
    if (!family.schedule || paused.has(family.name)) continue;
    const spec = parseSchedule(family.schedule, family.timezone);
    for (const entry of family.providers) {
      if (!launchable(entry.provider)) continue;
      const builds = buildsOf(family.name, entry.provider);
      if (builds.some((b) => ACTIVE_IMAGE_BUILD_STATES.includes(b.state) && b.state !== "retiring")) continue;
      const last = builds.reduce<ImageBuildRecord | undefined>((a, b) => (!a || b.createdAt > a.createdAt ? b : a), undefined);
      if (!last) {
        due.push({ family: family.name, provider: entry.provider, slot: "first" });
        continue;
      }
      const next = nextRun(spec, last.createdAt);
      if (now >= next) due.push({ family: family.name, provider: entry.provider, slot: new Date(next).toISOString() });
    }
  }
  return due;
}

/** When the next scheduled build of a family on a provider is due (undefined: none scheduled). */
export function nextDue(family: FamilyConfig, lastStart: number | undefined, now: number): number | undefined {
  if (!family.schedule) return undefined;
  if (lastStart === undefined) return now;
  return nextRun(parseSchedule(family.schedule, family.timezone), lastStart);
}
