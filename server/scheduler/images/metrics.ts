import type { ImageBuildSource } from "../../core/images.js";

/**
 * The one place image metrics leave the image controllers: build results
 * and durations, and the age of the build each family serves per provider.
 * The scheduler passes a recorder in (SchedulerDeps.imageMetrics); without
 * one nothing is recorded.
 */
export interface ImageMetrics {
  /** A build ended: promoted, or failed at `failedStep`. */
  buildFinished(event: {
    family: string;
    provider: string;
    source: ImageBuildSource;
    result: "promoted" | "failed";
    failedStep: string;
    durationMs: number;
  }): void;
}

/** What an image-age gauge reads: when each family's current build on each provider was promoted. */
export interface CurrentBuild {
  family: string;
  provider: string;
  buildId: string;
  promotedAt: number;
}

export const noImageMetrics: ImageMetrics = {
  buildFinished() {},
};
