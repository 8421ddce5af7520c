import type { ServerUnaryCall, sendUnaryData } from "@grpc/grpc-js";
import {
  ImageBuildState as PbImageBuildState,
  type ImageBuild,
  type ImageFamily,
  type StandbyServiceServer,
} from "../../gen/ts/standby/v1/standby.js";
import { StandbyError } from "../../common/errors.js";
import type { ImageBuildRecord } from "../core/images.js";
import type { ImageBuildState } from "../core/states.js";
import type { ImageFamilyView } from "../scheduler/images/index.js";
import type { Scheduler } from "../scheduler/scheduler.js";
import { waitWithinDeadline } from "./wait.js";

/** The image rpcs of StandbyService; service.ts mounts them with its own unary wrapper (authorisation, error mapping). */
type Unary = <Req, Res>(
  method: string,
  fn: (req: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>,
) => (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void;

export type ImageRpcs = Pick<
  StandbyServiceServer,
  "listImages" | "buildImage" | "getImageBuild" | "setImageFamilyPaused" | "deleteImageBuild" | "snapshotNode"
>;

const DEFAULT_SNAPSHOT_WAIT_S = 600;
const MAX_SNAPSHOT_WAIT_S = 7200;

export function imageRpcs(scheduler: () => Scheduler, unary: Unary): ImageRpcs {
  const currentIds = () =>
    new Set(
      scheduler()
        .images.currentBuilds()
        .map((c) => c.buildId),
    );
  return {
    listImages: unary("ListImages", async (req) => {
      const views = scheduler().images.list({
        ...(req.family ? { family: req.family } : {}),
        ...(req.provider ? { provider: req.provider } : {}),
        all: req.all,
      });
      const current = currentIds();
      return { families: views.map((v) => familyToPb(v, current)) };
    }),

    buildImage: unary("BuildImage", async (req) => {
      if (!req.family) throw StandbyError.invalidArgument("family", "required");
      const builds = await scheduler().images.build(req.family, req.provider || undefined);
      return { builds: builds.map((b) => buildToPb(b, false)) };
    }),

    getImageBuild: unary("GetImageBuild", async (req) => {
      if (!req.id) throw StandbyError.invalidArgument("id", "required");
      const build = await scheduler().images.get(req.id);
      return { build: buildToPb(build, currentIds().has(build.id)), log: req.log ? build.log : "" };
    }),

    setImageFamilyPaused: unary("SetImageFamilyPaused", async (req) => {
      if (!req.family) throw StandbyError.invalidArgument("family", "required");
      const view = await scheduler().images.setPaused(req.family, req.paused);
      return { family: familyToPb(view, currentIds()) };
    }),

    deleteImageBuild: unary("DeleteImageBuild", async (req) => {
      if (!req.id) throw StandbyError.invalidArgument("id", "required");
      const build = await scheduler().images.deleteBuild(req.id);
      return { build: buildToPb(build, currentIds().has(build.id)) };
    }),

    snapshotNode: unary("SnapshotNode", async (req, call) => {
      if (!req.leaseToken) throw new StandbyError("unauthenticated", "lease_token: required");
      if (!req.nodeId) throw StandbyError.invalidArgument("node_id", "required");
      if (!req.family) throw StandbyError.invalidArgument("family", "required");
      const requested = req.waitTimeoutSeconds > 0 ? req.waitTimeoutSeconds : DEFAULT_SNAPSHOT_WAIT_S;
      if (requested > MAX_SNAPSHOT_WAIT_S) throw StandbyError.invalidArgument("wait_timeout_seconds", `at most ${MAX_SNAPSHOT_WAIT_S}`);
      // Answer a little before the client's deadline, with the build as it stands then.
      const timeoutMs = waitWithinDeadline(call, requested * 1000);
      const build = await scheduler().snapshotNode(req.leaseToken, req.nodeId, req.family, req.wait, timeoutMs);
      return { build: buildToPb(build, currentIds().has(build.id)) };
    }),
  };
}

const date = (ms: number): Date | undefined => (ms > 0 ? new Date(ms) : undefined);

export function buildStateToPb(state: ImageBuildState): PbImageBuildState {
  return PbImageBuildState[`IMAGE_BUILD_STATE_${state.toUpperCase()}` as keyof typeof PbImageBuildState] as PbImageBuildState;
}

export function buildToPb(b: ImageBuildRecord, current: boolean): ImageBuild {
  return {
    id: b.id,
    family: b.family,
    provider: b.provider,
    state: buildStateToPb(b.state),
    source: b.source,
    requestedBy: b.requestedBy,
    imageId: b.imageId,
    imageName: b.imageName,
    baseImage: b.baseImage,
    sizeBytes: b.sizeBytes,
    createdAt: date(b.createdAt),
    finishedAt: date(b.finishedAt),
    promotedAt: date(b.promotedAt),
    verifiedAt: date(b.verifiedAt),
    failureReason: b.failureReason,
    current,
    builderNodeId: b.builderNodeId,
    verifierNodeId: b.verifierNodeId,
    timings: Object.fromEntries(Object.entries(b.timings).map(([k, v]) => [k, Math.max(0, Math.round(v))])),
    cacheKey: b.cacheKey,
    stateChangedAt: date(b.stateChangedAt),
  };
}

export function familyToPb(v: ImageFamilyView, current: ReadonlySet<string>): ImageFamily {
  return {
    name: v.name,
    templateCache: v.templateCache,
    schedule: v.schedule,
    paused: v.paused,
    keep: Number.isFinite(v.keep) ? v.keep : 0,
    verify: v.verify,
    providers: v.providers.map((p) => ({ provider: p.provider, currentBuildId: p.currentBuildId, nextBuildAt: date(p.nextBuildAt) })),
    builds: v.builds.map((b) => buildToPb(b, current.has(b.id))),
  };
}
