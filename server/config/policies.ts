import { z } from "zod";
import { parseDuration } from "./duration.js";

/**
 * The isolation policies of the plugin host (deadlines, bulkhead, rate limit,
 * circuit breaker, crash loop) as configuration: `server.plugins.policies`
 * for every provider, `providers[].policies` for one. Durations are written
 * as durations ("90s"); the result has the host's own shape (milliseconds,
 * see server/plugin-host/policies.ts), where the defaults live.
 */
const ms = z.union([z.string(), z.number()]).transform((value, ctx) => {
  try {
    return parseDuration(value);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: (err as Error).message });
    return z.NEVER;
  }
});
const positiveMs = ms.refine((v) => v > 0, "must be more than 0");
const count = z.number().int().min(0);
const positive = z.number().int().min(1);

export const policiesSchema = z
  .object({
    deadlines: z
      .object({ fast: positiveMs.optional(), accept: positiveMs.optional(), long: positiveMs.optional() })
      .strict()
      .transform((d) => strip({ fastMs: d.fast, acceptMs: d.accept, longMs: d.long }))
      .optional(),
    bulkhead: z.object({ maxConcurrent: positive.optional(), maxQueued: count.optional() }).strict().transform(strip).optional(),
    rateLimit: z
      .object({ perSecond: z.number().min(0).optional(), burst: positive.optional() })
      .strict()
      .transform(strip)
      .optional(),
    circuitBreaker: z
      .object({ failures: positive.optional(), halfOpenAfter: positiveMs.optional(), maxHalfOpenAfter: positiveMs.optional() })
      .strict()
      .transform((c) => strip({ failures: c.failures, halfOpenAfterMs: c.halfOpenAfter, maxHalfOpenAfterMs: c.maxHalfOpenAfter }))
      .optional(),
    crashLoop: z
      .object({ maxCrashes: positive.optional(), window: positiveMs.optional(), disableFor: ms.optional() })
      .strict()
      .transform((c) => strip({ maxCrashes: c.maxCrashes, windowMs: c.window, disableForMs: c.disableFor }))
      .optional(),
  })
  .strict()
  .transform(strip);

export type PoliciesConfig = z.output<typeof policiesSchema>;

/** Drops undefined values, so a layer only overrides what it sets. */
function strip<T extends Record<string, unknown>>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
