import { z } from "zod";
import { LabelExpressionError, parseLabelExpression } from "../scheduler/label-expression.js";
import { duration } from "./duration.js";

/** Why a job-name pattern is not a usable regular expression ("" if it is). */
export function patternProblem(pattern: string): string {
  try {
    new RegExp(pattern);
    return "";
  } catch (err) {
    return `not a regular expression: ${(err as Error).message}`;
  }
}

/** Why a label expression does not parse ("" if it does, or is empty: any). */
export function expressionProblem(expression: string): string {
  if (expression.trim() === "") return "";
  try {
    parseLabelExpression(expression);
    return "";
  } catch (err) {
    if (err instanceof LabelExpressionError) return err.message;
    throw err;
  }
}

/** An autohold rule: the next `count` failed jobs that match have their nodes held. */
export const holdRuleSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "use letters, digits, '.', '_' and '-' (starting with a letter or digit)"),
    /** A label expression one of the claim's nodes' tag sets must satisfy ("" = any). */
    labels: z
      .string()
      .default("")
      .superRefine((value, ctx) => {
        const problem = expressionProblem(value);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
    /** The claim's requester, exactly ("" = any). */
    requester: z.string().default(""),
    /** A regular expression the claim's job name must match ("" = any). */
    jobName: z
      .string()
      .default("")
      .superRefine((value, ctx) => {
        const problem = patternProblem(value);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
    /** How many failures it holds in all; the count survives restarts. */
    count: z.number().int().min(1),
    /** How long each hold lasts (0 = holds.defaultDuration). */
    duration: duration(0),
    reason: z.string().default(""),
  })
  .strict();

export const holdsSchema = z
  .object({
    /** A hold that names no duration lasts this long. */
    defaultDuration: duration("24h"),
    /** No hold lasts longer than this from when it began, whatever was asked. */
    maxDuration: duration("7d"),
    /** Hold the nodes of a lease that expired for this long instead of deleting them (0 = delete them). */
    expiredLeases: duration(0),
    rules: z.array(holdRuleSchema).default([]),
  })
  .strict()
  .superRefine((holds, ctx) => {
    if (holds.maxDuration <= 0) ctx.addIssue({ code: "custom", path: ["maxDuration"], message: "must be more than 0" });
    if (holds.defaultDuration <= 0) ctx.addIssue({ code: "custom", path: ["defaultDuration"], message: "must be more than 0" });
    if (holds.defaultDuration > holds.maxDuration)
      ctx.addIssue({ code: "custom", path: ["defaultDuration"], message: "exceeds maxDuration" });
    if (holds.expiredLeases > holds.maxDuration) ctx.addIssue({ code: "custom", path: ["expiredLeases"], message: "exceeds maxDuration" });
    const seen = new Set<string>();
    holds.rules.forEach((rule, i) => {
      if (seen.has(rule.name)) ctx.addIssue({ code: "custom", path: ["rules", i, "name"], message: `duplicate name "${rule.name}"` });
      seen.add(rule.name);
      if (rule.duration > holds.maxDuration)
        ctx.addIssue({ code: "custom", path: ["rules", i, "duration"], message: "exceeds maxDuration" });
    });
  });

export type HoldsConfig = z.output<typeof holdsSchema>;
export type HoldRuleConfig = HoldsConfig["rules"][number];
