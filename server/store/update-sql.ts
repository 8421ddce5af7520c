import { sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { UpdateGroup } from "./plan.js";
import type { RowValues } from "./records.js";

/** `CASE id WHEN … THEN … END`: one UPDATE gives each row its own value. */
export function caseById(idColumn: SQLWrapper, pairs: Iterable<readonly [string, RowValues[string]]>): SQL {
  const whens = [...pairs].map(([id, value]) => sql`when ${id} then ${value}`);
  return sql`(case ${idColumn} ${sql.join(whens, sql` `)} end)`;
}

/** The SET of a grouped update: shared values as they are, per-row ones as CASE. */
export function groupSet(group: UpdateGroup, idColumn: SQLWrapper): Record<string, RowValues[string] | SQL> {
  const set: Record<string, RowValues[string] | SQL> = { ...group.set };
  for (const [column, values] of group.perRow) set[column] = caseById(idColumn, values);
  return set;
}
