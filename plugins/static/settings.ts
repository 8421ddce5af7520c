import { z } from "zod";
import { parseSettings } from "../sdk/settings.js";
import type { Flavor } from "../../common/provider.js";
import { parseSshKey } from "../../common/ssh-keys.js";

const publicKey = z.string().refine(
  (text) => {
    try {
      return !parseSshKey(text).isPrivateKey();
    } catch {
      return false;
    }
  },
  { message: 'must be an SSH public key ("ssh-ed25519 AAAA…")' },
);

const NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

/** One existing machine. */
export const staticHostSchema = z.strictObject({
  /** Unique; default "<address>:<port>". */
  name: z.string().regex(NAME, "letters, digits, '.', '_', ':', '-'").optional(),
  address: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(22),
  /** The login the plugin and the claimers use. */
  username: z.string().min(1),
  /** The host's SSH public host key; connections that see another key are refused. */
  hostKey: publicKey,
  /** Added to the tags of instances on this host. */
  tags: z.record(z.string(), z.string()).default({}),
  /** Labels this host may serve; empty: any. */
  labels: z.array(z.string().min(1)).default([]),
  /** What a template's image must say to land here. */
  image: z.string().min(1).default("static"),
  /** What a template's flavor must say to land here (one of settings.flavors). */
  flavor: z.string().min(1).default("static"),
  /** Jobs at once on this host. */
  maxJobs: z.number().int().min(1).max(1000).default(1),
});

export const DEFAULT_STATIC_FLAVORS: Flavor[] = [{ name: "static", cores: 1, ramMb: 1024, diskGb: 0 }];

/** The static-hosts provider's settings. Its SSH private key is the secret `sshPrivateKey`. */
export const staticSettingsSchema = z
  .strictObject({
    hosts: z.array(staticHostSchema).min(1),
    /** Where the assignments are kept. Default: $STANDBY_PLUGIN_STATE_DIR. */
    stateDir: z.string().min(1).optional(),
    /** Runs on the host (with /bin/sh, as the host's user, in its home) after every job, before the keys are reset. */
    cleanupScript: z.string().default(""),
    /** The file the keys go into, relative to the user's home unless absolute. */
    authorizedKeysFile: z.string().min(1).default(".ssh/authorized_keys"),
    /**
     * When a host has no job left, its authorized_keys is rewritten to hold
     * only the plugin's key and keepKeys. When false, only lines marked
     * "standby-node=<node id>" are removed.
     */
    resetAuthorizedKeys: z.boolean().default(true),
    /** Public keys that stay in authorized_keys (an operator's). */
    keepKeys: z.array(publicKey).default([]),
    connectTimeoutMs: z.number().int().min(100).max(60_000).default(5_000),
    /** Longest run of the cleanup (or key injection); it must fit the 60 s deadline of DeleteInstance. */
    cleanupTimeoutMs: z.number().int().min(1_000).max(50_000).default(30_000),
    /** A failed host is tried again after this long. */
    retryFailedMs: z.number().int().min(100).default(30_000),
    flavors: z
      .array(
        z.strictObject({
          name: z.string().min(1),
          cores: z.number().int().min(1),
          ramMb: z.number().int().min(1),
          diskGb: z.number().int().min(0).default(0),
        }),
      )
      .min(1)
      .default(DEFAULT_STATIC_FLAVORS),
  })
  .superRefine((settings, ctx) => {
    const seen = new Set<string>();
    settings.hosts.forEach((host, i) => {
      const name = hostName(host);
      if (seen.has(name)) ctx.addIssue({ code: "custom", path: ["hosts", i, "name"], message: `host "${name}" is listed twice` });
      seen.add(name);
      if (!settings.flavors.some((f) => f.name === host.flavor)) {
        ctx.addIssue({ code: "custom", path: ["hosts", i, "flavor"], message: `"${host.flavor}" is not one of settings.flavors` });
      }
    });
  });

export type StaticSettings = z.infer<typeof staticSettingsSchema>;
export type StaticHost = z.infer<typeof staticHostSchema>;

export function hostName(host: { name?: string | undefined; address: string; port: number }): string {
  return host.name ?? `${host.address}:${host.port}`;
}

/** Validates settings; the error names the first field at fault, as settings.<path>. */
export function parseStaticSettings(settings: unknown): StaticSettings {
  return parseSettings(staticSettingsSchema, settings);
}
