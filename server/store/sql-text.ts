import { getTableColumns, getTableName, type Table } from "drizzle-orm";
import type { RowValues } from "./records.js";

/**
 * Hand-written SQL for the hot paths, on both dialects. drizzle builds a
 * query object, maps parameters and maps every result row on each call;
 * on statements that run thousands of times a second that was most of the
 * store's time. The text here is built from the drizzle tables (field and
 * column names come from the schema files, never from callers), identifiers
 * are quoted with backticks (MySQL's quote, which SQLite also accepts), and
 * every value is bound as a `?` parameter.
 */
export type Param = string | number | null;

export interface Statement {
  sql: string;
  params: Param[];
}

/** A table's columns in schema order, by drizzle field name. */
export class Columns {
  readonly table: string;
  readonly fields: readonly string[];
  /** Every column, aliased to its field name, for rows that map with rowToNode / rowToClaim. */
  readonly select: string;
  /** Every column, for INSERT. */
  readonly list: string;
  /** `(?, …)` for one row of every column. */
  readonly row: string;
  private readonly names: Map<string, string>;

  constructor(table: Table) {
    this.table = quote(getTableName(table));
    const columns = Object.entries(getTableColumns(table));
    this.fields = columns.map(([field]) => field);
    this.names = new Map(columns.map(([field, column]) => [field, quote(column.name)]));
    this.select = columns
      .map(([field, column]) => (field === column.name ? quote(field) : `${quote(column.name)} AS ${quote(field)}`))
      .join(", ");
    this.list = columns.map(([, column]) => quote(column.name)).join(", ");
    this.row = `(${marks(columns.length)})`;
  }

  /** The quoted column of a field; throws for a field the table lacks. */
  col(field: string): string {
    const name = this.names.get(field);
    if (name === undefined) throw new Error(`${this.table} has no field ${field}`);
    return name;
  }

  /** A row's values in column order. */
  values(row: object): Param[] {
    const r = row as Record<string, Param>;
    return this.fields.map((field) => r[field] ?? null);
  }
}

function quote(identifier: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(identifier)) throw new Error(`unexpected identifier ${identifier}`);
  return `\`${identifier}\``;
}

/** `?, ?, …` */
export function marks(n: number): string {
  return n === 1 ? "?" : Array.from({ length: n }, () => "?").join(", ");
}

/**
 * `UPDATE t SET a = ?, … WHERE id = ? AND state IN (?, …)`: a compare-and-set
 * of one row; parameters are the set's values, the id, then the from-states.
 * A set without columns still matches (and counts) the row.
 */
export function casUpdateSql(cols: Columns, fields: readonly string[], fromCount: number): string {
  const set = fields.length === 0 ? `${cols.col("id")} = ${cols.col("id")}` : fields.map((f) => `${cols.col(f)} = ?`).join(", ");
  return `UPDATE ${cols.table} SET ${set} WHERE ${cols.col("id")} = ? AND ${cols.col("state")} IN (${marks(fromCount)})`;
}

export function casUpdate(cols: Columns, set: RowValues, id: string, from: readonly string[]): Statement {
  const fields = Object.keys(set);
  return { sql: casUpdateSql(cols, fields, from.length), params: [...fields.map((f) => set[f] ?? null), id, ...from] };
}

/** `INSERT INTO t (…) VALUES (…), …` for `count` rows. */
export function insertSql(cols: Columns, count: number, verb: "INSERT" | "INSERT IGNORE" = "INSERT"): string {
  return `${verb} INTO ${cols.table} (${cols.list}) VALUES ${Array.from({ length: count }, () => cols.row).join(", ")}`;
}

/**
 * One UPDATE giving many rows their own values: rows are picked by `key`
 * (`key IN (…)` plus `where`), a column every row sets to one value is set
 * plainly, any other as `CASE key WHEN … THEN … ELSE column END`.
 */
export function updateRows(
  cols: Columns,
  key: string,
  rows: ReadonlyMap<string, RowValues>,
  where?: { sql: string; params: Param[] },
): Statement {
  const keyCol = cols.col(key);
  const fields = [...new Set([...rows.values()].flatMap((set) => Object.keys(set)))];
  const sets: string[] = [];
  const params: Param[] = [];
  for (const field of fields) {
    const column = cols.col(field);
    const values = [...rows.values()];
    const first = values[0]?.[field];
    if (first !== undefined && values.every((set) => set[field] === first)) {
      sets.push(`${column} = ?`);
      params.push(first);
      continue;
    }
    const whens: string[] = [];
    for (const [k, set] of rows) {
      const value = set[field];
      if (value === undefined) continue;
      whens.push("WHEN ? THEN ?");
      params.push(k, value);
    }
    sets.push(`${column} = CASE ${keyCol} ${whens.join(" ")} ELSE ${column} END`);
  }
  if (sets.length === 0) sets.push(`${keyCol} = ${keyCol}`);
  params.push(...rows.keys());
  const extra = where ? ` AND ${where.sql}` : "";
  if (where) params.push(...where.params);
  return { sql: `UPDATE ${cols.table} SET ${sets.join(", ")} WHERE ${keyCol} IN (${marks(rows.size)})${extra}`, params };
}

/** Splits a list into parts of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  if (items.length <= size) return [items as T[]];
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Splits a map into parts of at most `size` entries. */
export function mapChunks<K, V>(map: ReadonlyMap<K, V>, size: number): Map<K, V>[] {
  if (map.size <= size) return [map as Map<K, V>];
  return chunks([...map], size).map((part) => new Map(part));
}
