import type { Clock } from "../../../common/clock.js";
import { StandbyError } from "../../../common/errors.js";
import { TEMPLATE_CACHE_PREFIX, type ImageBuildRecord, type ImageRecords } from "../../core/images.js";
import type { Logger } from "../../../common/log.js";
import type { Catalog } from "../catalog.js";
import { familyOf } from "./recipes.js";
import type { ImageResolver } from "./resolver.js";

/**
 * Keeps N promoted builds per family and provider and deletes the older
 * ones, only ever after a newer one is promoted; the newest promoted build
 * (the one launches use) is never deleted, by retention or by an operator.
 * A template's cache keeps its newest build; caches of templates no longer
 * configured are deleted whole. Families no longer configured keep what
 * they have (an operator may delete builds by hand).
 */
export interface RetentionDeps {
  images: ImageRecords;
  resolver: ImageResolver;
  clock: Clock;
  logger: Logger;
  catalog(): Catalog;
  /** Drives a build that was moved to retiring (its image deleted, then retired). */
  drive(build: ImageBuildRecord): Promise<void>;
}

/** Which of the promoted builds (newest first) go: all past the first `keep`, never the newest. */
export function beyondKeep(promotedNewestFirst: readonly ImageBuildRecord[], keep: number): ImageBuildRecord[] {
  return promotedNewestFirst.slice(Math.max(1, keep));
}

export class Retention {
  constructor(private readonly deps: RetentionDeps) {}

  /** How many promoted builds of a family are kept (Infinity: not configured, nothing deleted). */
  keepOf(family: string): number {
    if (family.startsWith(TEMPLATE_CACHE_PREFIX)) return 1;
    return familyOf(this.deps.catalog(), family)?.keep ?? Number.POSITIVE_INFINITY;
  }

  /** After a promotion (and on every sweep): retire what is past the family's keep. */
  async apply(family: string, provider: string): Promise<void> {
    const keep = this.keepOf(family);
    if (!Number.isFinite(keep)) return;
    for (const build of beyondKeep(this.deps.resolver.promoted(family, provider), keep)) {
      await this.retire(build, `past the ${keep} kept`);
    }
  }

  /** Every family and provider with promoted builds; caches of templates that are gone. */
  async sweep(provider: string): Promise<void> {
    const catalog = this.deps.catalog();
    const pairs = new Set(
      this.deps.resolver
        .all()
        .filter((b) => b.provider === provider && b.state === "promoted")
        .map((b) => b.family),
    );
    for (const family of pairs) {
      if (family.startsWith(TEMPLATE_CACHE_PREFIX)) {
        const label = family.slice(TEMPLATE_CACHE_PREFIX.length);
        const template = catalog.template(label, provider);
        if (!template?.cache) {
          for (const build of this.deps.resolver.promoted(family, provider)) await this.retire(build, "its template no longer has a cache");
          continue;
        }
      }
      await this.apply(family, provider);
    }
  }

  /**
   * An operator deletes a promoted build: allowed while another promoted
   * build of the family remains on that provider (launches fall back to
   * it); the last good build is refused with failed-precondition.
   */
  async deletePromoted(build: ImageBuildRecord): Promise<ImageBuildRecord> {
    const others = this.deps.resolver.promoted(build.family, build.provider).filter((b) => b.id !== build.id);
    if (others.length === 0) {
      throw new StandbyError(
        "failed-precondition",
        `build ${build.id} is the last good build of ${build.family} on ${build.provider}; it cannot be deleted (build another first)`,
      );
    }
    return this.retire(build, "deleted by an operator");
  }

  private async retire(build: ImageBuildRecord, why: string): Promise<ImageBuildRecord> {
    const at = this.deps.clock.now();
    const log = `${build.log}# retiring: ${why}\n`;
    if (!(await this.deps.images.updateBuild({ id: build.id, from: ["promoted"], to: "retiring", at, patch: { log } }))) return build;
    const retiring: ImageBuildRecord = { ...build, state: "retiring", stateChangedAt: at, log };
    this.deps.resolver.note(retiring);
    this.deps.logger.info(
      { build: build.id, family: build.family, provider: build.provider, image: build.imageId, why },
      "retiring image build",
    );
    await this.deps.drive(retiring);
    return (await this.deps.images.getBuild(build.id)) ?? retiring;
  }
}
