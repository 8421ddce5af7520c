import type { Logger } from "../../../common/log.js";
import { BUILD_TAG, type ImageBuildRecord } from "../../core/images.js";
import { OWNER_TAG, type ImageInfo, type ProviderRegistry } from "../../../common/provider.js";
import { ACTIVE_IMAGE_BUILD_STATES } from "../../core/states.js";
import type { NodeRecord } from "../../core/store.js";

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

export class LeakedImages {
  private readonly sightings = new Map<string, number>();

  constructor(
    private readonly providers: ProviderRegistry,
    private readonly ownerId: string,
    private readonly logger: Logger,
  ) {}

  /** One pass over a provider's images; returns the ids deleted. */
  async reconcile(
    provider: string,
    images: readonly ImageInfo[],
    buildOf: (id: string) => ImageBuildRecord | undefined,
  ): Promise<string[]> {
    const leaked = new Set(leakedImages(images, this.ownerId, buildOf).map((i) => i.id));
    const deleted: string[] = [];
    for (const id of leaked) {
      const key = `${provider}/${id}`;
      const seen = (this.sightings.get(key) ?? 0) + 1;
      this.sightings.set(key, seen);
      if (seen < 2) continue;
      this.logger.warn({ provider, image: id }, "deleting leaked image");
      try {
        await this.providers.get(provider).deleteImage(id);
        this.sightings.delete(key);
        deleted.push(id);
      } catch (err) {
        this.logger.warn({ provider, image: id, err: err instanceof Error ? err.message : String(err) }, "deleting leaked image failed");
      }
    }
    // Seen once, then accounted for (or gone): the count starts over.
    for (const key of [...this.sightings.keys()]) {
      const [p, id] = key.split("/") as [string, string];
      if (p === provider && !leaked.has(id)) this.sightings.delete(key);
    }
    return deleted;
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
