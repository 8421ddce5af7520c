import type { ImageSelector, TemplateConfig } from "../../config/schema.js";
import type { Clock } from "../../../common/clock.js";
import { StandbyError } from "../../../common/errors.js";
import { TEMPLATE_CACHE_PREFIX, type ImageBuildRecord } from "../../core/images.js";
import type { ImageInfo, ProviderRegistry } from "../../../common/provider.js";
import { sha256 } from "../../../common/random.js";
import type { NodeRecord, Store } from "../../core/store.js";
import type { Catalog } from "../catalog.js";
import { cacheFamily, familyOf, joinScripts } from "./recipes.js";

/** What a launch boots from, before any cache. */
export interface TemplateBase {
  image: string;
  /** Everything that must run at boot on that image: a family's setup when the family has no build yet, then the template's. */
  setupScript: string;
}

export interface CacheMiss {
  template: TemplateConfig;
  key: string;
  base: TemplateBase;
}

/** How long a provider's image list is reused for selectors. */
const LISTING_MS = 30_000;

/**
 * Best match, never a hard-coded id: resolves what a template's launch boots
 * from at the moment of the launch (the newest promoted build of its family,
 * the newest provider image matching its selector, its cache while fresh),
 * and keeps the in-memory view of every build that this needs. The view is
 * loaded at start and told of every change the image controllers make.
 */
export class ImageResolver {
  private readonly builds = new Map<string, ImageBuildRecord>();
  private readonly listings = new Map<string, { at: number; images: ImageInfo[] }>();

  constructor(
    private readonly store: Store,
    private readonly providers: ProviderRegistry,
    private readonly clock: Clock,
    private readonly catalog: () => Catalog,
    private readonly onCacheMiss: (miss: CacheMiss) => void,
  ) {}

  async load(): Promise<void> {
    for (const build of await this.store.images.listBuilds()) this.builds.set(build.id, build);
  }

  /** A build was written: the view follows. */
  note(build: ImageBuildRecord): void {
    this.builds.set(build.id, { ...build });
  }

  /** A build that never made it into the store. */
  forget(id: string): void {
    this.builds.delete(id);
  }

  all(): ImageBuildRecord[] {
    return [...this.builds.values()].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  }

  get(id: string): ImageBuildRecord | undefined {
    return this.builds.get(id);
  }

  /** Builds of a family on a provider, oldest first. */
  of(family: string, provider: string): ImageBuildRecord[] {
    return this.all().filter((b) => b.family === family && b.provider === provider);
  }

  /** Promoted builds, newest promotion first. */
  promoted(family: string, provider: string): ImageBuildRecord[] {
    return this.of(family, provider)
      .filter((b) => b.state === "promoted")
      .sort((a, b) => b.promotedAt - a.promotedAt || b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
  }

  /** The build launches of the family on the provider use now. */
  current(family: string, provider: string): ImageBuildRecord | undefined {
    return this.promoted(family, provider)[0];
  }

  private byImage(provider: string, imageId: string): ImageBuildRecord | undefined {
    if (!imageId) return undefined;
    for (const b of this.builds.values()) if (b.provider === provider && b.imageId === imageId) return b;
    return undefined;
  }

  /** The image of a launch known without looking anything up (a plain image, no cache); "" when it must be resolved at launch. */
  immediateImage(template: TemplateConfig | undefined): string {
    if (!template) return "";
    return template.image !== undefined && !template.cache ? template.image : "";
  }

  /** What a launch of the template boots from now. Throws not-found when a selector matches nothing. */
  async resolveLaunch(template: TemplateConfig): Promise<string> {
    const base = await this.templateBase(template);
    if (!template.cache) return base.image;
    const key = this.cacheKey(template, base);
    const hit = this.cacheHit(template, key);
    if (hit) return hit.imageId;
    this.onCacheMiss({ template, key, base });
    return base.image;
  }

  /** A fresh promoted cache build for this content, if there is one. */
  cacheHit(template: TemplateConfig, key: string): ImageBuildRecord | undefined {
    const ttl = template.cache?.ttl ?? 0;
    return this.promoted(cacheFamily(template.label), template.provider).find(
      (b) => b.cacheKey === key && b.createdAt + ttl > this.clock.now(),
    );
  }

  /** The hash of everything that makes a template's image: any change to it misses the cache. */
  cacheKey(template: TemplateConfig, base: TemplateBase): string {
    return sha256(
      JSON.stringify({
        label: template.label,
        provider: template.provider,
        base: base.image,
        setup: base.setupScript,
        flavor: template.flavor,
        networks: template.networks,
        image: template.image ?? null,
        family: template.family ?? null,
        selector: template.imageSelector ?? null,
      }),
    );
  }

  /** The template's image before any cache, with what must run on it at boot. */
  async templateBase(template: TemplateConfig): Promise<TemplateBase> {
    if (template.image !== undefined) return { image: template.image, setupScript: template.setupScript };
    if (template.imageSelector)
      return { image: await this.resolveRef(template.provider, template.imageSelector), setupScript: template.setupScript };
    const family = template.family ? familyOf(this.catalog(), template.family) : undefined;
    const entry = family?.providers.find((p) => p.provider === template.provider);
    if (!family || !entry)
      throw new StandbyError(
        "failed-precondition",
        `image family "${template.family ?? ""}" has no entry for provider ${template.provider}`,
      );
    const current = this.current(family.name, template.provider);
    if (current) return { image: current.imageId, setupScript: template.setupScript };
    // No good build yet: boot the family's base and run its setup at boot, so the label is served meanwhile.
    return {
      image: await this.resolveRef(template.provider, entry.base),
      setupScript: joinScripts(entry.setupScript ?? family.setupScript, template.setupScript),
    };
  }

  /** The setup script a boot of this template on this image runs (the same on every retry of the boot). */
  setupFor(template: TemplateConfig | undefined, image: string): string {
    if (!template) return "";
    const build = this.byImage(template.provider, image);
    if (build?.family.startsWith(TEMPLATE_CACHE_PREFIX)) return "";
    if (build && build.family === template.family) return template.setupScript;
    if (template.family) {
      const family = familyOf(this.catalog(), template.family);
      const entry = family?.providers.find((p) => p.provider === template.provider);
      return joinScripts(entry?.setupScript ?? family?.setupScript ?? "", template.setupScript);
    }
    return template.setupScript;
  }

  /**
   * A ready node booted from something older than its family's current
   * build (directly, or through a cache built on an older build). Only
   * family templates have builds to be outdated by.
   */
  outdated(node: NodeRecord, template: TemplateConfig | undefined): boolean {
    if (!template?.family) return false;
    const current = this.current(template.family, node.provider);
    if (!current || node.image === current.imageId) return false;
    const build = this.byImage(node.provider, node.image);
    if (build?.family.startsWith(TEMPLATE_CACHE_PREFIX) && build.baseImage === current.imageId) return false;
    return true;
  }

  /** A provider image name or id as given, or the id of the newest image matching a selector. */
  async resolveRef(provider: string, ref: string | ImageSelector): Promise<string> {
    if (typeof ref === "string") return ref;
    const images = await this.listImages(provider);
    const matching = images
      .filter((i) => (ref.name === undefined || i.name === ref.name) && Object.entries(ref.tags).every(([k, v]) => i.tags[k] === v))
      .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
    const newest = matching[0];
    if (!newest) throw new StandbyError("not-found", `no image of provider ${provider} matches ${JSON.stringify(ref)}`);
    return newest.id;
  }

  /** The provider's images, reused for a short while (selectors are resolved at every launch). */
  async listImages(provider: string, maxAgeMs = LISTING_MS): Promise<ImageInfo[]> {
    const cached = this.listings.get(provider);
    if (cached && this.clock.now() - cached.at < maxAgeMs) return cached.images;
    const images = await this.providers.get(provider).listImages();
    this.listings.set(provider, { at: this.clock.now(), images });
    return images;
  }

  /** Forget a provider's listing (after an image was made or deleted there). */
  forgetListing(provider: string): void {
    this.listings.delete(provider);
  }
}
