import type { ImageBuildRecord, ImageBuildSource, ImageBuildState, ImageBuildUpdate } from "../core/index.js";
import type { imageBuilds as mysqlBuilds } from "./mysql-schema.js";
import { checkImageBuildUpdate } from "./plan.js";
import type { imageBuilds as sqliteBuilds } from "./sqlite-schema.js";

/** Image build records ⇄ rows, one mapping for both dialects (their row shapes are checked equal below). */
export type ImageBuildRow = typeof sqliteBuilds.$inferSelect;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const rowShapesMatch: Same<ImageBuildRow, typeof mysqlBuilds.$inferSelect> = true;
void rowShapesMatch;

/** What a build keeps of its log: the end, where a failure shows. */
export const MAX_LOG_CHARS = 256 * 1024;

export function buildToRow(build: ImageBuildRecord): ImageBuildRow {
  return {
    id: build.id,
    family: build.family,
    provider: build.provider,
    source: build.source,
    state: build.state,
    slot: build.slot === "" ? null : build.slot,
    requestedBy: build.requestedBy,
    baseImage: build.baseImage,
    imageId: build.imageId,
    imageName: build.imageName,
    operationId: build.operationId,
    builderNodeId: build.builderNodeId,
    verifierNodeId: build.verifierNodeId,
    builderHostKey: build.builderHostKey,
    cacheKey: build.cacheKey,
    sizeBytes: build.sizeBytes,
    createdAt: build.createdAt,
    stateChangedAt: build.stateChangedAt,
    finishedAt: build.finishedAt,
    promotedAt: build.promotedAt,
    verifiedAt: build.verifiedAt,
    failureReason: build.failureReason,
    timings: JSON.stringify(build.timings),
    log: tail(build.log),
  };
}

export function rowToBuild(row: ImageBuildRow): ImageBuildRecord {
  return {
    id: row.id,
    family: row.family,
    provider: row.provider,
    source: row.source as ImageBuildSource,
    state: row.state as ImageBuildState,
    slot: row.slot ?? "",
    requestedBy: row.requestedBy,
    baseImage: row.baseImage,
    imageId: row.imageId,
    imageName: row.imageName,
    operationId: row.operationId,
    builderNodeId: row.builderNodeId,
    verifierNodeId: row.verifierNodeId,
    builderHostKey: row.builderHostKey,
    cacheKey: row.cacheKey,
    sizeBytes: Number(row.sizeBytes),
    createdAt: Number(row.createdAt),
    stateChangedAt: Number(row.stateChangedAt),
    finishedAt: Number(row.finishedAt),
    promotedAt: Number(row.promotedAt),
    verifiedAt: Number(row.verifiedAt),
    failureReason: row.failureReason,
    timings: parseTimings(row.timings),
    log: row.log,
  };
}

/**
 * The columns an update sets: the new state and its time, then the patch.
 * Refuses an illegal state change (plan.ts, checkImageBuildUpdate) before anything is written.
 */
export function buildUpdateSet(update: ImageBuildUpdate): Partial<ImageBuildRow> {
  checkImageBuildUpdate("updateBuild", update);
  const set: Partial<ImageBuildRow> = {};
  if (update.to !== undefined) {
    set.state = update.to;
    set.stateChangedAt = update.at;
  }
  const patch = update.patch ?? {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (key === "timings") set.timings = JSON.stringify(value);
    else if (key === "log") set.log = tail(value as string);
    else if (key === "slot") set.slot = value === "" ? null : (value as string);
    else (set as Record<string, unknown>)[key] = value;
  }
  return set;
}

function tail(log: string): string {
  return log.length > MAX_LOG_CHARS ? `[… earlier output cut …]\n${log.slice(log.length - MAX_LOG_CHARS)}` : log;
}

function parseTimings(text: string): Record<string, number> {
  if (!text) return {};
  const value: unknown = JSON.parse(text);
  if (!value || typeof value !== "object" || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, Number(v)]));
}
