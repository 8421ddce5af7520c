import { z } from "zod";
import { checkTimezone, parseSchedule } from "./schedule.js";
import { duration } from "./duration.js";

/**
 * Configuration of image families (`images:`) and of the image parts of a
 * template (`family`, `imageSelector`, `cache`). Validated together with the
 * rest of the file in schema.ts.
 */
const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "use letters, digits, '.', '_' and '-' (starting with a letter or digit)");

/** The newest image of the provider whose name is `name` and whose tags include `tags`. */
export const imageSelectorSchema = z
  .object({
    name: z.string().min(1).optional(),
    tags: z.record(z.string(), z.string()).default({}),
  })
  .strict()
  .refine((s) => s.name !== undefined || Object.keys(s.tags).length > 0, { message: "name an image or tags to match" });
export type ImageSelector = z.output<typeof imageSelectorSchema>;

/** Removes what must never be in an image: keys injected for the build and its users, shell history, build secrets. */
export const DEFAULT_SCRUB_SCRIPT = [
  'rm -f "$HOME/.ssh/authorized_keys" "$HOME/.ssh/authorized_keys2"',
  'rm -f "$HOME/.bash_history" "$HOME/.sh_history" "$HOME/.lesshst" "$HOME/.viminfo"',
  'rm -rf "$HOME/.standby-build"',
].join("\n");

const scheduleText = z.string().superRefine((text, ctx) => {
  try {
    parseSchedule(text);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: (err as Error).message });
  }
});

const timezoneText = z.string().superRefine((text, ctx) => {
  try {
    checkTimezone(text);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: (err as Error).message });
  }
});

/** Whether a schedule is an interval (false for a cron expression, and for one that does not parse: that is reported by itself). */
function isInterval(schedule: string): boolean {
  try {
    return parseSchedule(schedule).kind === "interval";
  } catch {
    return false;
  }
}

export const familyProviderSchema = z
  .object({
    provider: name,
    /** The image the builder boots from: a provider image name or id, or a selector. */
    base: z.union([z.string().min(1), imageSelectorSchema]),
    /** The builder's (and verifier's) flavor. */
    flavor: z.string().min(1),
    /** Replaces the family's setup script on this provider. */
    setupScript: z.string().optional(),
    /** The scheduler reaches this provider's nodes over SSH (setup, scrub and verification run there); off: the setup script goes to the provider's boot, unchecked. */
    readyCheck: z.boolean().default(true),
  })
  .strict();

export const familySchema = z
  .object({
    name,
    /** Cron ("0 3 * * *", in UTC or `timezone`), a macro (@daily) or an interval ("24h"); none: built only on request or by post-build snapshots. */
    schedule: scheduleText.optional(),
    /** The time zone of a cron schedule (IANA: "Europe/Berlin"); default UTC. */
    timezone: timezoneText.optional(),
    /** Promoted builds kept per provider (the newest is never deleted). */
    keep: z.number().int().min(1).default(2),
    /** Boot a node from each new build and pass its ready check before promoting it. */
    verify: z.boolean().default(true),
    /** A build (boot, setup, snapshot, verification) that takes longer fails. */
    buildTimeout: duration("1h"),
    /** Run on the builder over SSH, in its home directory, to fetch and cache what jobs need. */
    setupScript: z.string().default(""),
    /** Run on the builder (and on a node snapshotted after its job) just before the snapshot. */
    scrubScript: z.string().default(DEFAULT_SCRUB_SCRIPT),
    /** The verifier's ready check; it must exit 0. */
    verifyScript: z.string().default("true"),
    /** Environment of the setup script only ("env:NAME" reads the scheduler's environment): never on a command line, on disk only in the script's private file while it runs, masked in the build log. */
    secrets: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name"), z.string()).default({}),
    providers: z.array(familyProviderSchema).default([]),
  })
  .strict()
  .superRefine((family, ctx) => {
    if (family.timezone === undefined) return;
    if (family.schedule === undefined) ctx.addIssue({ code: "custom", path: ["timezone"], message: "a time zone needs a cron schedule" });
    else if (isInterval(family.schedule))
      ctx.addIssue({ code: "custom", path: ["timezone"], message: `an interval ("${family.schedule}") runs the same in every time zone` });
  });

export type FamilyConfig = z.output<typeof familySchema>;
export type FamilyProviderConfig = FamilyConfig["providers"][number];

/** A template's cache: the first node's setup is snapshotted and later nodes boot from it until the TTL runs out. */
export const templateCacheSchema = z
  .object({
    ttl: duration("24h"),
  })
  .strict();

/** The image fields a template may have besides `image`. */
export const templateImageFields = {
  /** Boot from the newest promoted build of this family on the template's provider. */
  family: name.optional(),
  /** Boot from the newest provider image matching this selector, looked up at each launch. */
  imageSelector: imageSelectorSchema.optional(),
  cache: templateCacheSchema.optional(),
};

interface IssueSink {
  addIssue(issue: { code: "custom"; path: (string | number)[]; message: string }): void;
}

/** Checks across families, providers and templates; issues name the field. */
export function checkImages(
  config: {
    providers: { name: string }[];
    images: FamilyConfig[];
    templates: { provider: string; image?: string | undefined; family?: string | undefined; imageSelector?: ImageSelector | undefined }[];
  },
  ctx: IssueSink,
): void {
  const providers = new Set(config.providers.map((p) => p.name));
  const families = new Map<string, FamilyConfig>();
  config.images.forEach((f, i) => {
    if (families.has(f.name)) ctx.addIssue({ code: "custom", path: ["images", i, "name"], message: `duplicate name "${f.name}"` });
    families.set(f.name, f);
    const seen = new Set<string>();
    f.providers.forEach((p, j) => {
      if (!providers.has(p.provider))
        ctx.addIssue({ code: "custom", path: ["images", i, "providers", j, "provider"], message: `no provider named "${p.provider}"` });
      if (seen.has(p.provider))
        ctx.addIssue({
          code: "custom",
          path: ["images", i, "providers", j, "provider"],
          message: `a second entry for provider "${p.provider}"`,
        });
      seen.add(p.provider);
    });
  });
  config.templates.forEach((t, i) => {
    const given = [t.image !== undefined, t.family !== undefined, t.imageSelector !== undefined].filter(Boolean).length;
    if (given !== 1) {
      ctx.addIssue({ code: "custom", path: ["templates", i, "image"], message: "set exactly one of image, family or imageSelector" });
    }
    if (t.family !== undefined) {
      const family = families.get(t.family);
      if (!family) ctx.addIssue({ code: "custom", path: ["templates", i, "family"], message: `no image family named "${t.family}"` });
      else if (!family.providers.some((p) => p.provider === t.provider)) {
        ctx.addIssue({
          code: "custom",
          path: ["templates", i, "family"],
          message: `image family "${t.family}" has no entry for provider "${t.provider}"`,
        });
      }
    }
  });
}
