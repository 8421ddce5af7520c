import { ACTIVE_IMAGE_BUILD_STATES, type Logger, type Store } from "../../core/index.js";
import type { BuildNodes } from "./build-nodes.js";
import { orphanBuildNodes, type LeakedImages } from "./leaks.js";
import type { ImageResolver } from "./resolver.js";
import type { Retention } from "./retention.js";

export interface ImageCleanupDeps {
  store: Store;
  resolver: ImageResolver;
  leaks: LeakedImages;
  retention: Retention;
  nodes: BuildNodes;
  logger: Logger;
}

/**
 * Garbage collection of images, with every reconcile of a provider: leaked
 * images (two passes), retention, and build nodes no build drives.
 */
export class ImageCleanup {
  constructor(private readonly deps: ImageCleanupDeps) {}

  /** One pass over a provider. */
  async reconcile(provider: string): Promise<void> {
    const { store, resolver, logger } = this.deps;
    let images;
    try {
      images = await resolver.listImages(provider, 0);
    } catch (err) {
      logger.warn({ provider, err: err instanceof Error ? err.message : String(err) }, "cannot list images; image clean-up postponed");
      return;
    }
    const known = new Map(resolver.all().map((b) => [b.id, b]));
    // Builds another scheduler made are in the store, not (yet) in this one's view.
    for (const image of images) {
      const id = image.tags["standby-build"];
      if (id && !known.has(id)) {
        const stored = await store.images.getBuild(id);
        if (stored) known.set(id, stored);
      }
    }
    await this.deps.leaks.reconcile(provider, images, (id) => known.get(id));
    await this.deps.retention.sweep(provider);
    const [nodes, active] = await Promise.all([
      store.listNodes({ provider }),
      store.images.listBuilds({ states: ACTIVE_IMAGE_BUILD_STATES }),
    ]);
    for (const orphan of orphanBuildNodes(nodes, active)) {
      logger.warn({ node: orphan.id, provider }, "deleting an image build node no build drives");
      void this.deps.nodes
        .remove(orphan.id)
        .catch((err: unknown) => logger.warn({ err, node: orphan.id }, "deleting an orphaned build node failed"));
    }
  }
}
