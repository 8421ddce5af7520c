import type { ImageBuildRecord, Store } from "../../core/index.js";
import { TEMPLATE_CACHE_PREFIX } from "../../core/index.js";
import type { Catalog } from "../catalog.js";
import { BuildStepError } from "./build-nodes.js";
import { cacheRecipe, familyOf, familyRecipe, resolveSecrets, type Recipe } from "./recipes.js";
import type { ImageResolver } from "./resolver.js";

/** What the build does, from the configuration in force; undefined when its family (or template) is no longer configured. */
export async function recipeOf(
  build: ImageBuildRecord,
  catalog: Catalog,
  resolver: ImageResolver,
  store: Store,
): Promise<Recipe | undefined> {
  if (build.family.startsWith(TEMPLATE_CACHE_PREFIX)) {
    const template = catalog.template(build.family.slice(TEMPLATE_CACHE_PREFIX.length), build.provider);
    if (!template?.cache) return undefined;
    const base = await resolver.templateBase(template);
    if (resolver.cacheKey(template, base) !== build.cacheKey)
      throw new BuildStepError("boot", "the template (or the image it is built on) changed during the build");
    return cacheRecipe(catalog, template, build.baseImage || base.image, base.setupScript);
  }
  const recipe = familyRecipe(catalog, build.family, build.provider);
  if (recipe || build.source !== "post-build") return recipe;
  // A post-build snapshot on a provider the family has no entry for: checked like the node's own template.
  const family = familyOf(catalog, build.family);
  if (!family) return undefined;
  const node = await store.getNode(build.builderNodeId);
  return {
    family: family.name,
    provider: build.provider,
    kind: "family",
    base: build.baseImage,
    flavor: node?.flavor ?? "",
    setupScript: "",
    scrubScript: family.scrubScript,
    verifyScript: family.verifyScript,
    verify: family.verify,
    reach: node ? (catalog.template(node.label, node.provider)?.readyCheck ?? true) : true,
    secrets: resolveSecrets({}),
    timeoutMs: family.buildTimeout,
    keep: family.keep,
  };
}
