import { ImageBuildState, imageBuildStateToJSON, type ImageBuild, type ImageFamily } from "../../gen/ts/standby/v1/standby.js";
import { bool, int, positionals, str, TIMEOUT_RANGE, UsageError } from "./args.js";
import type { Command } from "./commands.js";
import type { Context } from "./context.js";
import { age, details, renderJson, table, type Json, type JsonObject } from "./format.js";

/**
 * The image commands: `standby images` lists families and their builds;
 * `standby image build|show|log|pause|resume|delete` act on one;
 * `standby snapshot NODE --image NAME` is a CI job's post-build step.
 */

export const buildStateName = (s: ImageBuildState): string => imageBuildStateToJSON(s).replace("IMAGE_BUILD_STATE_", "").toLowerCase();

const iso = (d: Date | undefined): string | null => (d === undefined ? null : d.toISOString());

export function buildJson(b: ImageBuild): JsonObject {
  return {
    id: b.id,
    family: b.family,
    provider: b.provider,
    state: buildStateName(b.state),
    source: b.source,
    requestedBy: b.requestedBy,
    imageId: b.imageId,
    imageName: b.imageName,
    baseImage: b.baseImage,
    sizeBytes: b.sizeBytes,
    createdAt: iso(b.createdAt),
    finishedAt: iso(b.finishedAt),
    promotedAt: iso(b.promotedAt),
    verifiedAt: iso(b.verifiedAt),
    failureReason: b.failureReason,
    current: b.current,
    builderNodeId: b.builderNodeId,
    verifierNodeId: b.verifierNodeId,
    timings: Object.fromEntries(Object.entries(b.timings).map(([k, v]) => [k, v])) as Json,
    cacheKey: b.cacheKey,
    stateChangedAt: iso(b.stateChangedAt),
  };
}

export function familyJson(f: ImageFamily): JsonObject {
  return {
    name: f.name,
    templateCache: f.templateCache,
    schedule: f.schedule,
    paused: f.paused,
    keep: f.keep,
    verify: f.verify,
    providers: f.providers.map((p) => ({ provider: p.provider, currentBuildId: p.currentBuildId, nextBuildAt: iso(p.nextBuildAt) })),
    builds: f.builds.map(buildJson),
  };
}

/** "1.5 GB", "340 MB", "12 kB". */
export function size(bytes: number): string {
  if (bytes <= 0) return "";
  const units = ["B", "kB", "MB", "GB", "TB"];
  let n = bytes;
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${n >= 10 || i === 0 ? Math.round(n) : n.toFixed(1)} ${units[i]}`;
}

export function familiesTable(families: ImageFamily[], now: Date): string {
  const rows = families.flatMap((f) =>
    (f.providers.length > 0 ? f.providers : [{ provider: "", currentBuildId: "", nextBuildAt: undefined }]).map((p) => [
      f.name,
      p.provider,
      p.currentBuildId,
      p.nextBuildAt ? (p.nextBuildAt.getTime() <= now.getTime() ? "due" : `in ${age(now, p.nextBuildAt)}`) : "",
      f.templateCache ? "cache" : f.schedule,
      f.keep === 0 ? "" : String(f.keep),
      f.paused ? "paused" : "",
    ]),
  );
  return table(["FAMILY", "PROVIDER", "CURRENT", "NEXT BUILD", "SCHEDULE", "KEEP", "PAUSED"], rows);
}

export function buildsTable(builds: ImageBuild[], now: Date): string {
  return table(
    ["BUILD", "FAMILY", "PROVIDER", "STATE", "SOURCE", "AGE", "SIZE", "VERIFIED", "IMAGE", "FAILURE"],
    builds.map((b) => [
      b.id,
      b.family,
      b.provider,
      `${buildStateName(b.state)}${b.current ? " (current)" : ""}`,
      b.source,
      age(b.createdAt, now),
      size(b.sizeBytes),
      b.verifiedAt ? `${age(b.verifiedAt, now)} ago` : "",
      b.imageId,
      b.failureReason,
    ]),
  );
}

export function buildDetails(b: ImageBuild): string {
  return details([
    ["id", b.id],
    ["family", b.family],
    ["provider", b.provider],
    ["state", `${buildStateName(b.state)}${b.current ? " (current: launches use it)" : ""}`],
    ["source", b.source],
    ["requested by", b.requestedBy],
    ["image", b.imageId],
    ["image name", b.imageName],
    ["base image", b.baseImage],
    ["size", size(b.sizeBytes)],
    ["created", iso(b.createdAt) ?? ""],
    ["verified", iso(b.verifiedAt) ?? ""],
    ["promoted", iso(b.promotedAt) ?? ""],
    ["finished", iso(b.finishedAt) ?? ""],
    ["builder node", b.builderNodeId],
    ["verifier node", b.verifierNodeId],
    [
      "timings",
      Object.entries(b.timings)
        .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}s`)
        .join(", "),
    ],
    ["cache key", b.cacheKey],
    ["failure", b.failureReason],
  ]);
}

function emit(ctx: Context, json: Json, text: string): void {
  ctx.out(ctx.json ? renderJson(json) : text);
}

const ENDED = new Set([
  ImageBuildState.IMAGE_BUILD_STATE_PROMOTED,
  ImageBuildState.IMAGE_BUILD_STATE_FAILED,
  ImageBuildState.IMAGE_BUILD_STATE_RETIRED,
]);

/** Polls builds until each has ended or the timeout passes; their last states. */
async function waitForBuilds(ctx: Context, builds: ImageBuild[], timeoutSeconds: number): Promise<ImageBuild[]> {
  const end = Date.now() + timeoutSeconds * 1000;
  let current = builds;
  const seen = new Map(builds.map((b) => [b.id, b.state]));
  while (current.some((b) => !ENDED.has(b.state)) && Date.now() < end && !ctx.signal.aborted) {
    await new Promise((r) => setTimeout(r, 1000));
    current = await Promise.all(
      current.map(async (b) => (ENDED.has(b.state) ? b : ((await ctx.client().getImageBuild({ id: b.id })).build ?? b))),
    );
    for (const b of current) {
      if (seen.get(b.id) !== b.state) ctx.err(`standby: build ${b.id} on ${b.provider}: ${buildStateName(b.state)}\n`);
      seen.set(b.id, b.state);
    }
  }
  return current;
}

const failedAny = (builds: ImageBuild[]) => builds.some((b) => b.state !== ImageBuildState.IMAGE_BUILD_STATE_PROMOTED);

export const images: Command = {
  name: "images",
  args: "[--family NAME] [--provider P] [--all]",
  summary: "list image families and their builds per provider: state, age, size, verification, failures",
  help: `  --family NAME  only this family (or "template:LABEL" for a template's cache)
  --provider P   only builds on provider P
  --all          retired builds too`,
  notes: `The first table has one row per family and provider: the build launches use
now (CURRENT) and when the schedule builds it next. The second lists builds,
newest first; FAILURE says at which step a failed build failed, and why.`,
  options: { family: { type: "string" }, provider: { type: "string" }, all: { type: "boolean" } },
  async run(ctx) {
    positionals(ctx.parsed, "images", []);
    const v = ctx.parsed.values;
    const res = await ctx.client().listImages({ family: str(v, "family") ?? "", provider: str(v, "provider") ?? "", all: bool(v, "all") });
    const now = new Date();
    const builds = res.families.flatMap((f) => f.builds);
    emit(ctx, { families: res.families.map(familyJson) }, `${familiesTable(res.families, now)}\n${buildsTable(builds, now)}`);
    return 0;
  },
};

export const imageBuild: Command = {
  name: "image build",
  args: "NAME [--provider P] [--wait [--timeout S]]",
  summary: "build an image family now (on each of its providers, or one)",
  help: `  --provider P  only on provider P
  --wait        wait until every build is promoted or failed (exit 1 if one failed)
  --timeout S   with --wait: give up waiting after S seconds (default 3600; the builds go on)`,
  options: { provider: { type: "string" }, wait: { type: "boolean" }, timeout: { type: "string" } },
  async run(ctx) {
    const [name = ""] = positionals(ctx.parsed, "image build", ["NAME"]);
    const v = ctx.parsed.values;
    const timeout = int(v, "timeout", "image build", TIMEOUT_RANGE) ?? 3600;
    let builds = (await ctx.client().buildImage({ family: name, provider: str(v, "provider") ?? "" })).builds;
    if (bool(v, "wait")) builds = await waitForBuilds(ctx, builds, timeout);
    emit(ctx, { builds: builds.map(buildJson) }, buildsTable(builds, new Date()));
    return bool(v, "wait") && failedAny(builds) ? 1 : 0;
  },
};

export const imageShow: Command = {
  name: "image show",
  args: "BUILD",
  summary: "show one image build",
  help: "",
  options: {},
  async run(ctx) {
    const [id = ""] = positionals(ctx.parsed, "image show", ["BUILD"]);
    const res = await ctx.client().getImageBuild({ id });
    if (!res.build) throw new Error("the server answered without a build");
    emit(ctx, { build: buildJson(res.build) }, buildDetails(res.build));
    return 0;
  },
};

export const imageLog: Command = {
  name: "image log",
  args: "BUILD",
  summary: "print a build's log: the setup script's output and each step",
  help: "",
  options: {},
  async run(ctx) {
    const [id = ""] = positionals(ctx.parsed, "image log", ["BUILD"]);
    const res = await ctx.client().getImageBuild({ id, log: true });
    if (!res.build) throw new Error("the server answered without a build");
    emit(ctx, { build: buildJson(res.build), log: res.log }, res.log.endsWith("\n") || res.log === "" ? res.log : `${res.log}\n`);
    return 0;
  },
};

function pauseCommand(verb: "pause" | "resume"): Command {
  return {
    name: `image ${verb}`,
    args: "NAME",
    summary:
      verb === "pause"
        ? "stop a family's scheduled builds (requested and post-build ones still run)"
        : "let a paused family's schedule build again",
    help: "",
    options: {},
    async run(ctx) {
      const [name = ""] = positionals(ctx.parsed, `image ${verb}`, ["NAME"]);
      const res = await ctx.client().setImageFamilyPaused({ family: name, paused: verb === "pause" });
      const f = res.family;
      emit(ctx, { family: f ? familyJson(f) : null }, f ? familiesTable([f], new Date()) : "");
      return 0;
    },
  };
}

export const imageDelete: Command = {
  name: "image delete",
  args: "BUILD",
  summary: "delete a build's image (launches fall back to the previous build) or cancel a build under way",
  help: "",
  notes: "The last good build of a family on a provider cannot be deleted: build another first.",
  options: {},
  async run(ctx) {
    const [id = ""] = positionals(ctx.parsed, "image delete", ["BUILD"]);
    const res = await ctx.client().deleteImageBuild({ id });
    const b = res.build;
    emit(ctx, { build: b ? buildJson(b) : null }, b ? `build ${b.id} is ${buildStateName(b.state)}\n` : "");
    return 0;
  },
};

export const snapshot: Command = {
  name: "snapshot",
  args: "NODE --image NAME [--lease TOKEN] [--wait] [--timeout S]",
  summary: "snapshot a node you hold to a new build of an image family (a post-build step)",
  help: `  --image NAME   the image family the snapshot becomes a build of
  --lease TOKEN  the lease holding the node (default: env STANDBY_LEASE_TOKEN)
  --wait         wait until the build is verified and promoted (or failed)
  --timeout S    how long to wait at most (default 600; the build goes on after)`,
  notes: `Without --wait it returns once the snapshot is taken: the lease may then be
released. The node is scrubbed first (authorized keys and the build's temporary
files are removed), so run it as the job's last step. Exits 1 if the build failed.`,
  options: { image: { type: "string" }, lease: { type: "string" }, wait: { type: "boolean" }, timeout: { type: "string" } },
  async run(ctx) {
    const [node = ""] = positionals(ctx.parsed, "snapshot", ["NODE"]);
    const v = ctx.parsed.values;
    const family = str(v, "image");
    if (!family) throw new UsageError("--image NAME is required", "snapshot");
    const leaseToken = str(v, "lease") ?? process.env.STANDBY_LEASE_TOKEN ?? "";
    if (!leaseToken) throw new UsageError("--lease TOKEN (or env STANDBY_LEASE_TOKEN) is required", "snapshot");
    const timeout = int(v, "timeout", "snapshot", { min: 1, max: 7200 }) ?? 600;
    const res = await ctx.client().snapshotNode({ leaseToken, nodeId: node, family, wait: bool(v, "wait"), waitTimeoutSeconds: timeout });
    const b = res.build;
    if (!b) throw new Error("the server answered without a build");
    emit(ctx, { build: buildJson(b) }, buildDetails(b));
    const failed = b.state === ImageBuildState.IMAGE_BUILD_STATE_FAILED || b.state === ImageBuildState.IMAGE_BUILD_STATE_FAILING;
    return failed ? 1 : 0;
  },
};

/** In the order the top-level help lists them. */
export const IMAGE_COMMANDS: Command[] = [
  images,
  imageBuild,
  imageShow,
  imageLog,
  pauseCommand("pause"),
  pauseCommand("resume"),
  imageDelete,
  snapshot,
];
