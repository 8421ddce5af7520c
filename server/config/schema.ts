import { z } from "zod";
import { duration } from "./duration.js";
import { checkImages, familySchema, templateImageFields } from "./images.js";
import { holdsSchema } from "./holds.js";
import { policiesSchema } from "./policies.js";

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "use letters, digits, '.', '_' and '-' (starting with a letter or digit)");
const tag = z.string().regex(/^[^\s&|!()"']+$/, "a tag may not contain spaces, quotes, &, |, ! or parentheses");

/**
 * A plugin's extra environment. Names are checked here rather than by a key
 * schema, whose failure zod reports only as "Invalid key in record"; the
 * plugin host sets STANDBY_PLUGIN_* itself.
 */
const pluginEnv = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String))
  .superRefine((env, ctx) => {
    for (const name of Object.keys(env)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: "not an environment variable name (letters, digits and '_', not starting with a digit)",
        });
      else if (name.startsWith("STANDBY_PLUGIN_"))
        ctx.addIssue({ code: "custom", path: [name], message: "STANDBY_PLUGIN_* is set by the scheduler" });
    }
  })
  .default({});

export const providerSchema = z
  .object({
    name,
    /** A plugin shipped with standby ("fake", ...). */
    plugin: z.string().optional(),
    /** Or the command that starts an external plugin. */
    command: z.array(z.string()).min(1).optional(),
    settings: z.record(z.string(), z.unknown()).default({}),
    /** Secrets handed to the plugin through Configure; values "env:NAME" read the environment. */
    secrets: z.record(z.string(), z.string()).default({}),
    /** Extra environment of the plugin process (never credentials: those go in secrets). */
    env: pluginEnv,
    /** Tags added to every node of this provider (e.g. "rax"). */
    extraTags: z.array(tag).default([]),
    /** Most nodes of this provider at once (0 = no limit). */
    maxNodes: z.number().int().min(0).default(0),
    /** Most cores and RAM (MiB) of this provider's nodes at once, from the plugin's flavor sizes (0 = no limit). */
    maxCores: z.number().int().min(0).default(0),
    maxRamMb: z.number().int().min(0).default(0),
    /** Higher is preferred when several providers can launch a label. */
    priority: z.number().int().default(0),
    /** Cloud boot until RUNNING, and running until ready. */
    bootTimeout: duration("10m"),
    readyTimeout: duration("5m"),
    /** Retries of a failed launch on this provider before another is tried. */
    launchRetries: z.number().int().min(0).default(2),
    /** This provider's isolation policies, over server.plugins.policies (see docs/configuration.md). */
    policies: policiesSchema.optional(),
  })
  .strict()
  .refine((p) => (p.plugin === undefined) !== (p.command === undefined), {
    message: "set exactly one of plugin or command",
    path: ["plugin"],
  });

export const labelSchema = z
  .object({
    name,
    /** The tags its nodes carry; the label's own name is always one of them. */
    tags: z.array(tag).default([]),
    /** Ready nodes to keep in the pool. */
    minReady: z.number().int().min(0).default(0),
    /** Most nodes of this label at once, in any state but gone (0 = no limit). */
    maxNodes: z.number().int().min(0).default(0),
    /** Ready nodes older than this are recycled (0 = never). */
    maxReadyAge: duration(0),
    /** Ready nodes on an outdated image build replaced at a time (0 = never replaced; they age out). */
    replaceAtOnce: z.number().int().min(0).default(1),
  })
  .strict();

export const templateSchema = z
  .object({
    label: name,
    provider: name,
    /** A provider image name or id, handed to the provider as is; or see family and imageSelector. */
    image: z.string().min(1).optional(),
    ...templateImageFields,
    flavor: z.string().min(1),
    setupScript: z.string().default(""),
    networks: z.array(z.string()).default([]),
    extraTags: z.array(tag).default([]),
    /** Check each node over SSH with the scheduler's key before it joins the pool; off for clouds the scheduler cannot reach. */
    readyCheck: z.boolean().default(true),
    /** Run by the ready check on the node (e.g. "curl -fsS http://mirror/ >/dev/null"); it must exit 0. */
    readyScript: z.string().default("true"),
  })
  .strict();

export const configSchema = z
  .object({
    server: z
      .object({
        listen: z.string().default("127.0.0.1:7420"),
        db: z.string().default("sqlite:.standby/standby.db"),
        /** Where the scheduler keeps its own files (plugin state, keys). */
        stateDir: z.string().default(".standby"),
        /** The plugin host: isolation policies of every provider. */
        plugins: z.object({ policies: policiesSchema.optional() }).strict().prefault({}),
        /** HOST:PORT to serve Prometheus metrics on (GET /metrics); unset: no metrics. */
        metrics: z
          .string()
          .regex(/^(\[[0-9A-Fa-f:.]+\]|[^\s:[\]]+):\d{1,5}$/, "use HOST:PORT, e.g. 127.0.0.1:9464")
          .optional(),
      })
      .strict()
      .prefault({}),
    claims: z
      .object({
        defaultLeaseTtl: duration("10m"),
        maxLeaseTtl: duration("24h"),
        /** A queued claim whose client shows no sign of life (no watch, no get) for this long is cancelled. */
        abandonAfter: duration("60s"),
        /** A waiting claim gains one priority step per this much waiting, so nothing starves (0 = never). */
        agingStep: duration("60s"),
        /** A queued nodeset not assembled on its provider within this long is tried on another provider that can make all of it. */
        nodesetTimeout: duration("5m"),
      })
      .strict()
      .prefault({}),
    /** Nodes kept for diagnosis: durations, expired leases, autohold rules (config/holds.ts). */
    holds: holdsSchema.prefault({}),
    providers: z.array(providerSchema).min(1, "configure at least one provider"),
    labels: z.array(labelSchema).min(1, "configure at least one label"),
    templates: z.array(templateSchema).default([]),
    /** Image families: built on a schedule, by post-build snapshots, or on request. */
    images: z.array(familySchema).default([]),
  })
  .strict()
  .superRefine((config, ctx) => {
    const unique = (items: { name: string }[], path: string) => {
      const seen = new Set<string>();
      items.forEach((item, i) => {
        if (seen.has(item.name)) ctx.addIssue({ code: "custom", path: [path, i, "name"], message: `duplicate name "${item.name}"` });
        seen.add(item.name);
      });
    };
    unique(config.providers, "providers");
    unique(config.labels, "labels");
    const providers = new Set(config.providers.map((p) => p.name));
    const labels = new Set(config.labels.map((l) => l.name));
    const pairs = new Set<string>();
    config.templates.forEach((t, i) => {
      if (!labels.has(t.label)) ctx.addIssue({ code: "custom", path: ["templates", i, "label"], message: `no label named "${t.label}"` });
      if (!providers.has(t.provider))
        ctx.addIssue({ code: "custom", path: ["templates", i, "provider"], message: `no provider named "${t.provider}"` });
      const key = `${t.label}\u0000${t.provider}`;
      if (pairs.has(key))
        ctx.addIssue({
          code: "custom",
          path: ["templates", i],
          message: `a second template for label "${t.label}" on provider "${t.provider}"`,
        });
      pairs.add(key);
    });
    checkImages(config, ctx);
    config.labels.forEach((l, i) => {
      if (l.minReady > 0 && !config.templates.some((t) => t.label === l.name))
        ctx.addIssue({
          code: "custom",
          path: ["labels", i, "minReady"],
          message: `label "${l.name}" wants ready nodes but no template makes it`,
        });
      if (l.maxNodes > 0 && l.minReady > l.maxNodes)
        ctx.addIssue({ code: "custom", path: ["labels", i, "minReady"], message: `minReady ${l.minReady} exceeds maxNodes ${l.maxNodes}` });
    });
  });

export type Config = z.output<typeof configSchema>;
export type ProviderConfig = Config["providers"][number];
export type LabelConfig = Config["labels"][number];
export type TemplateConfig = Config["templates"][number];
export type { FamilyConfig, FamilyProviderConfig, ImageSelector } from "./images.js";
