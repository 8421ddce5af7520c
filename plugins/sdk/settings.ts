import type { z } from "zod";
import { StandbyError } from "../../common/errors.js";
import { issueField } from "../../common/zod-issues.js";

/**
 * A plugin's settings validated with its zod schema (absent settings are
 * {}); a bad value throws invalid-argument naming the first field at fault
 * as settings.<path>, which Configure answers as INVALID_ARGUMENT.
 */
export function parseSettings<S extends z.ZodType>(schema: S, settings: unknown): z.output<S> {
  const result = schema.safeParse(settings ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw StandbyError.invalidArgument(issue ? issueField(issue, "settings") : "settings", issue?.message ?? "invalid");
}
