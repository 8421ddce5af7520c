import type { Flavor, Logger, ProviderRegistry } from "../../core/index.js";

/** Flavor sizes per provider, from the plugin, for the cores/RAM caps. */
export class FlavorSizes {
  private readonly sizes = new Map<string, Map<string, Flavor>>();

  private readonly providers: ProviderRegistry;
  private readonly logger: Logger;

  constructor(deps: { providers: ProviderRegistry; logger: Logger }) {
    this.providers = deps.providers;
    this.logger = deps.logger;
  }

  sizeOf(provider: string, flavor: string): Flavor | undefined {
    return this.sizes.get(provider)?.get(flavor);
  }

  /** Reads the provider's flavor sizes (kept until the next read; a failure keeps the old ones). */
  async load(provider: string): Promise<void> {
    try {
      const flavors = await this.providers.get(provider).listFlavors();
      this.sizes.set(provider, new Map(flavors.map((f) => [f.name, f])));
    } catch (err) {
      this.logger.warn({ provider, err: err instanceof Error ? err.message : String(err) }, "cannot read flavor sizes");
    }
  }
}
