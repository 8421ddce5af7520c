import type { Logger } from "../../../common/log.js";
import { BUILD_TAG, type ImageBuildRecord } from "../../core/images.js";
import { OWNER_TAG, type ImageInfo, type ProviderRegistry } from "../../../common/provider.js";
import { ACTIVE_IMAGE_BUILD_STATES } from "../../core/states.js";
import type { NodeRecord } from "../../core/store.js";
import { LeakReaper } from "../reaper.js";

/**
 * Images of ours that no build accounts for: tagged with this scheduler's
 * owner id and a build id, where the build is unknown, has ended (failed,
 * retired) or holds another image (a snapshot taken twice across a
 * restart). As with instances, one is deleted only when two passes in a row
 * find it; images without our owner tag (base images, other schedulers')
 * are never touched, and a failed list reaps nothing.
 */
export function leakedImages(
  images: readonly ImageInfo[],
  ownerId: string,
  buildOf: (id: string) => ImageBuildRecord | undefined,
): ImageInfo[] {
  return images.filter((image) => {
    if (image.tags[OWNER_TAG] !== ownerId) return false;
    const buildId = image.tags[BUILD_TAG];
    if (!buildId) return false;
    const build = buildOf(buildId);
    if (!build) return true;
    if (build.state === "failed" || build.state === "retired") return true;
    return build.imageId !== "" && build.imageId !== image.id;
  });
}

/** Leaked images, deleted when two passes in a row find them (the reaper instances use too). */
export class LeakedImages {
  private readonly reaper: LeakReaper;

  constructor(
    private readonly providers: ProviderRegistry,
    private readonly ownerId: string,
    logger: Logger,
  ) {
    this.reaper = new LeakReaper("image", "image", logger);
  }

  /** One pass over a provider's images; returns the ids deleted. */
  reconcile(provider: string, images: readonly ImageInfo[], buildOf: (id: string) => ImageBuildRecord | undefined): Promise<string[]> {
    const leaked = new Set(leakedImages(images, this.ownerId, buildOf).map((i) => i.id));
    return this.reaper.pass(provider, leaked, (id) => this.providers.get(provider).deleteImage(id));
  }
}

/** Build nodes whose build no longer drives them (ended, or never got going): they are deleted. */
export function orphanBuildNodes(nodes: readonly NodeRecord[], builds: readonly ImageBuildRecord[]): NodeRecord[] {
  const driven = new Set<string>();
  for (const b of builds) {
    if (!ACTIVE_IMAGE_BUILD_STATES.includes(b.state)) continue;
    if (b.builderNodeId) driven.add(b.builderNodeId);
    if (b.verifierNodeId) driven.add(b.verifierNodeId);
  }
  return nodes.filter((n) => (n.purpose ?? "pool") !== "pool" && n.state !== "gone" && !driven.has(n.id));
}
