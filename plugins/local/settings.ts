import os from "node:os";
import { z } from "zod";
import { parseSettings } from "../sdk/settings.js";
import type { Flavor } from "../../common/provider.js";

const count = z.number().int().min(0);
const probability = z.number().min(0).max(1);

/** Built-in base images the plugin can create when they are missing (see images.ts). */
export const BUILTIN_IMAGES = ["empty", "base"] as const;

export const DEFAULT_LOCAL_FLAVORS: Flavor[] = [
  { name: "local", cores: Math.max(1, os.cpus().length), ramMb: Math.floor(os.totalmem() / 1024 / 1024), diskGb: 0 },
];

/** "a.b.c.d/n" inside 127.0.0.0/8, n between 8 and 30. */
const loopbackRange = z.string().refine((text) => parseRange(text) !== undefined, {
  message: 'must be a loopback range "127.x.y.z/n" with n between 8 and 30 (not containing 127.0.0.1)',
});

const baseImage = z.union([
  z.enum(BUILTIN_IMAGES),
  z.strictObject({
    /** The image's id and name. */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "letters, digits, '.', '_', '-'"),
    /** A directory whose contents become the image (copied once, when the image is missing). */
    fromDir: z.string().min(1),
  }),
]);

/** The local provider's settings (the provider's `settings` in the scheduler's configuration). */
export const localSettingsSchema = z.strictObject({
  /** Where nodes, images and operations live. Default: $STANDBY_PLUGIN_STATE_DIR. Relative paths resolve against the working directory. */
  stateDir: z.string().min(1).optional(),
  /** Images directory. Default <stateDir>/images. */
  imagesDir: z.string().min(1).optional(),
  /** Images created at Configure when missing: "empty", "base", or {name, fromDir}. */
  baseImages: z.array(baseImage).default(["empty", "base"]),
  /** Loopback addresses nodes get, one each. */
  addressRange: loopbackRange.default("127.10.0.0/16"),
  /** The SSH port of every node (each has its own address). 0 lets each node's kernel pick one. */
  sshPort: z.number().int().min(0).max(65535).default(2222),
  /**
   * Also give every node an ECDSA (nistp256) host key beside its ed25519 one,
   * listed in its host_keys, for clients that cannot verify ed25519 (JSch
   * 0.1.55, which Jenkins' SSH agents use). Off by default: one key type less
   * for everyone who does not need it.
   */
  ecdsaHostKey: z.boolean().default(false),
  /** Extra time before a node's SSH answers (simulates a cloud's boot). */
  bootDelayMs: count.default(0),
  /** Probability that a node ends in ERROR instead of booting. */
  failureRate: probability.default(0),
  /** Probability that a node boots but its SSH never answers (a node without network). */
  noNetworkRate: probability.default(0),
  /** Most nodes at once; 0 = only the address range limits. Boot beyond it is RESOURCE_EXHAUSTED. */
  maxNodes: count.default(0),
  /** How a node's workspace is made from its image: copy-on-write where possible. */
  placement: z.enum(["auto", "overlay", "reflink", "copy"]).default("auto"),
  /** How far nodes are kept apart from the host and each other (see README). */
  isolation: z.enum(["auto", "namespaces", "none"]).default("auto"),
  /** Names only; they are not enforced as limits. */
  flavors: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        cores: z.number().int().min(1),
        ramMb: z.number().int().min(1),
        diskGb: count.default(0),
      }),
    )
    .min(1)
    .default(DEFAULT_LOCAL_FLAVORS),
  /** Node daemons kept started ahead of time, so a boot does not wait for Node and ssh2 to load. 0 = none. */
  warmSpares: count.max(16).default(1),
  /** Worker threads that copy and checksum snapshots. Default: half the cores, at least 1. */
  snapshotThreads: z.number().int().min(1).max(64).optional(),
  /** Fixes the failure decisions (failureRate, noNetworkRate) for tests. */
  seed: z.number().int().optional(),
});

export type LocalSettings = z.infer<typeof localSettingsSchema>;
export type BaseImageSetting = z.infer<typeof baseImage>;

/** Validates settings; the error names the first field at fault, as settings.<path>. */
export function parseLocalSettings(settings: unknown): LocalSettings {
  return parseSettings(localSettingsSchema, settings);
}

export interface AddressRange {
  /** First and last usable address, as 32-bit numbers. */
  first: number;
  last: number;
}

/**
 * The usable addresses of a loopback CIDR range: without the range's first and
 * last address, and never 127.0.0.1 (the host's own services live there).
 */
export function parseRange(text: string): AddressRange | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const bits = Number(match[5]);
  if (octets.some((o) => o > 255) || octets[0] !== 127 || bits < 8 || bits > 30) return undefined;
  const base = (octets.reduce((acc, o) => acc * 256 + o, 0) >>> 0) & maskOf(bits);
  const size = 2 ** (32 - bits);
  const range = { first: base + 1, last: base + size - 2 };
  const localhost = addressToNumber("127.0.0.1");
  if (range.first <= localhost && localhost <= range.last) return undefined;
  return range;
}

function maskOf(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

export function addressToNumber(address: string): number {
  return address.split(".").reduce((acc, o) => acc * 256 + Number(o), 0) >>> 0;
}

export function numberToAddress(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}
