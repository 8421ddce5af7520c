import type { ImageBuildRecord, ImageBuildSource } from "../../core/index.js";

/** What a new build is asked to be. */
export interface NewBuild {
  family: string;
  provider: string;
  source: ImageBuildSource;
  requestedBy: string;
  slot?: string;
  cacheKey?: string;
  baseImage?: string;
  builderNodeId?: string;
  builderHostKey?: string;
}

/** A new build's record, pending, with the first line of its log. */
export function newBuildRecord(id: string, spec: NewBuild, now: number): ImageBuildRecord {
  return {
    id,
    family: spec.family,
    provider: spec.provider,
    source: spec.source,
    state: "pending",
    slot: spec.slot ?? "",
    requestedBy: spec.requestedBy,
    baseImage: spec.baseImage ?? "",
    imageId: "",
    imageName: "",
    operationId: "",
    builderNodeId: spec.builderNodeId ?? "",
    verifierNodeId: "",
    builderHostKey: spec.builderHostKey ?? "",
    cacheKey: spec.cacheKey ?? "",
    sizeBytes: 0,
    createdAt: now,
    stateChangedAt: now,
    finishedAt: 0,
    promotedAt: 0,
    verifiedAt: 0,
    failureReason: "",
    timings: {},
    log: `# ${new Date(now).toISOString()} ${spec.source} build of ${spec.family} on ${spec.provider}, requested by ${spec.requestedBy}\n`,
  };
}
