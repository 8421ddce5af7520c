import { DEFAULT_SCRUB_SCRIPT, type FamilyConfig, type ImageSelector } from "../../config/images.js";
import type { TemplateConfig } from "../../config/schema.js";
import { TEMPLATE_CACHE_PREFIX } from "../../core/images.js";
import type { Catalog } from "../catalog.js";

/**
 * What a build does, taken from the configuration each time a build is
 * driven (also after a restart), so a build always follows the config in
 * force: where it boots, what runs on the builder and how it is checked.
 */
export interface Recipe {
  family: string;
  provider: string;
  /** A configured family, or a template's cache. */
  kind: "family" | "cache";
  /** What the builder boots from (resolved to an id or name when the build starts). */
  base: string | ImageSelector;
  flavor: string;
  setupScript: string;
  scrubScript: string;
  verifyScript: string;
  verify: boolean;
  /** The scheduler reaches the provider's nodes over SSH. */
  reach: boolean;
  /** Environment of the setup script, resolved. */
  secrets: Record<string, string>;
  timeoutMs: number;
  /** Promoted builds kept. */
  keep: number;
}

/** Builders and verifiers carry this label: never a configured one (names have no ':'), so no claim or pool ever counts them. */
export function buildNodeLabel(family: string): string {
  return family.startsWith(TEMPLATE_CACHE_PREFIX) ? `image:${family.slice(TEMPLATE_CACHE_PREFIX.length)}` : `image:${family}`;
}

export function cacheFamily(label: string): string {
  return `${TEMPLATE_CACHE_PREFIX}${label}`;
}

/** Joins scripts that run one after the other; empty ones drop out. */
export function joinScripts(...scripts: string[]): string {
  return scripts.filter((s) => s.trim() !== "").join("\n");
}

/** "env:NAME" reads the scheduler's environment, like a provider's secrets. */
export function resolveSecrets(secrets: Record<string, string>, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(Object.entries(secrets).map(([k, v]) => [k, v.startsWith("env:") ? (env[v.slice(4)] ?? "") : v]));
}

export function familyOf(catalog: Catalog, name: string): FamilyConfig | undefined {
  return catalog.config.images.find((f) => f.name === name);
}

/** The recipe of a configured family's build on a provider; undefined when the family or its entry for the provider is gone. */
export function familyRecipe(catalog: Catalog, family: string, provider: string): Recipe | undefined {
  const f = familyOf(catalog, family);
  const entry = f?.providers.find((p) => p.provider === provider);
  if (!f || !entry) return undefined;
  return {
    family,
    provider,
    kind: "family",
    base: entry.base,
    flavor: entry.flavor,
    setupScript: entry.setupScript ?? f.setupScript,
    scrubScript: f.scrubScript,
    verifyScript: f.verifyScript,
    verify: f.verify,
    reach: entry.readyCheck,
    secrets: resolveSecrets(f.secrets),
    timeoutMs: f.buildTimeout,
    keep: f.keep,
  };
}

/**
 * The recipe of a template's cache build. `base` is the image the cache is
 * built on and `setupScript` everything that runs on it (a family's setup,
 * when the template's family has no build yet, then the template's own).
 */
export function cacheRecipe(catalog: Catalog, template: TemplateConfig, base: string, setupScript: string): Recipe {
  const family = template.family ? familyOf(catalog, template.family) : undefined;
  return {
    family: cacheFamily(template.label),
    provider: template.provider,
    kind: "cache",
    base,
    flavor: template.flavor,
    setupScript,
    scrubScript: family?.scrubScript ?? DEFAULT_SCRUB_SCRIPT,
    verifyScript: template.readyScript,
    verify: true,
    reach: template.readyCheck,
    secrets: family ? resolveSecrets(family.secrets) : {},
    timeoutMs: family?.buildTimeout ?? 3_600_000,
    keep: 1,
  };
}
