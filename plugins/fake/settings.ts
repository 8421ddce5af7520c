import { z } from "zod";
import { parseSettings } from "../sdk/settings.js";
import type { Flavor } from "../../common/provider.js";

export const DEFAULT_FLAVORS: Flavor[] = [
  { name: "small", cores: 1, ramMb: 1024, diskGb: 10 },
  { name: "medium", cores: 2, ramMb: 4096, diskGb: 20 },
  { name: "large", cores: 4, ramMb: 8192, diskGb: 40 },
];

export const DEFAULT_IMAGES = ["ubuntu-jammy", "ubuntu-noble"];

const count = z.number().int().min(0);

/** Codes a simulated boot refusal can carry. */
export const BOOT_ERROR_CODES = [
  "unavailable",
  "resource-exhausted",
  "failed-precondition",
  "invalid-argument",
  "permission-denied",
  "unauthenticated",
  "deadline-exceeded",
  "internal",
] as const;
const probability = z.number().min(0).max(1);

/** How the fake cloud misbehaves, for fault tests; see plugins/fake/faults.ts. */
export const FAULT_MODES = ["hang", "slow", "crash-every", "garbage", "exit-at-start"] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export const faultSchema = z.strictObject({
  /**
   * - hang:          after Configure, answers nothing more (health included) and ignores stdin EOF and SIGTERM.
   * - slow:          every call after Configure takes delayMs longer.
   * - crash-every:   the process exits after every `every` calls (the work done, the answer lost).
   * - garbage:       every answer after Configure is undecodable bytes or larger than `bytes`.
   * - exit-at-start: exits at Configure, and before its handshake on every later start by the same scheduler.
   */
  mode: z.enum(FAULT_MODES),
  /** slow: added to every call. Default 1000. */
  delayMs: count.optional(),
  /** crash-every: calls per life. Default 5. */
  every: z.number().int().min(1).optional(),
  /** garbage: size of the oversized answers. Default 65 MiB (over the host's default limit). */
  bytes: z.number().int().min(1).optional(),
});
export type FakeFault = z.infer<typeof faultSchema>;

/** The fake cloud's settings (the provider's `settings` in the scheduler's configuration). */
export const fakeSettingsSchema = z.strictObject({
  /**
   * Path of the JSON cloud state; relative paths resolve against the working directory (the scheduler's stateDir).
   * ":memory:" keeps it in the process only (the in-process simulator; lost when the plugin stops).
   */
  stateFile: z.string().min(1),
  /** Time from boot to RUNNING (or ERROR). */
  bootLatencyMs: count.default(0),
  /** Time an instance stays DELETING after a delete. */
  deleteLatencyMs: count.default(0),
  /** Time until a snapshot is done. */
  snapshotLatencyMs: count.default(50),
  /** Probability that a boot ends in ERROR. */
  failureRate: probability.default(0),
  /** Probability that Boot itself fails (the cloud's API refuses it), with bootErrorCode. */
  bootErrorRate: probability.default(0),
  /**
   * How such a refusal comes back: unavailable (a transient API error,
   * retried on the same provider), resource-exhausted (quota: the provider
   * pauses and another one is tried), or any other code of the contract.
   */
  bootErrorCode: z.enum(BOOT_ERROR_CODES).default("unavailable"),
  /** The cloud's own message in the refusal (a default per code otherwise). */
  bootErrorMessage: z.string().min(1).optional(),
  /** 0 = unlimited. */
  quota: z
    .strictObject({ maxInstances: count.default(0), maxCores: count.default(0), maxRamMb: count.default(0) })
    .default({ maxInstances: 0, maxCores: 0, maxRamMb: 0 }),
  flavors: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        cores: z.number().int().min(1),
        ramMb: z.number().int().min(1),
        diskGb: count.default(10),
      }),
    )
    .min(1)
    .default(DEFAULT_FLAVORS),
  /** Names of the cloud's public base images. */
  images: z.array(z.string().min(1)).min(1).default(DEFAULT_IMAGES),
  /** Fixes the random failure decisions (not the ids). */
  seed: z.number().int().optional(),
  /** What instances report as their address, SSH port and user. */
  address: z.string().min(1).default("127.0.0.1"),
  sshPort: z.number().int().min(1).max(65535).default(22),
  username: z.string().min(1).default("standby"),
  /**
   * Give every new instance a real SSH endpoint on its own loopback port (see
   * endpoints.ts); address/sshPort above are then replaced by the endpoint's.
   */
  endpoints: z
    .strictObject({
      /** A loopback address to listen on. */
      address: z
        .string()
        .regex(/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/, "must be a 127.x.y.z address")
        .default("127.0.0.1"),
      /** Probability that an instance has no network. */
      noNetworkRate: probability.default(0),
      /**
       * How a no-network instance shows it: "silent" (its port accepts and never
       * answers) or "down" (SSH works, STANDBY_FAKE_NETWORK=down in its commands).
       */
      noNetwork: z.enum(["silent", "down"]).default("silent"),
    })
    .optional(),
  /** Misbehave on purpose (fault tests and benchmarks). */
  fault: faultSchema.optional(),
});

export type FakeSettings = z.infer<typeof fakeSettingsSchema>;

/** Validates settings; the error names the first field at fault, as settings.<path>. */
export function parseFakeSettings(settings: unknown): FakeSettings {
  return parseSettings(fakeSettingsSchema, settings);
}
