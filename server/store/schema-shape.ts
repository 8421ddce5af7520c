import { getTableConfig as mysqlTableConfig, type MySqlTable } from "drizzle-orm/mysql-core";
import { getTableConfig as sqliteTableConfig, type SQLiteTable } from "drizzle-orm/sqlite-core";

/**
 * A dialect-neutral description of tables, to check that the two drizzle
 * schemas agree and that each migrated database matches its drizzle schema.
 */
export interface ColumnShape {
  name: string;
  /** The dialect's own type, normalised: "text", "integer", "varchar(128)", "bigint", "int". */
  sqlType: string;
  /** What the value is, across dialects. */
  kind: "text" | "integer";
  notNull: boolean;
  primaryKey: boolean;
}

export interface IndexShape {
  name: string;
  columns: string[];
  unique: boolean;
}

export interface TableShape {
  name: string;
  /** Sorted by name. */
  columns: ColumnShape[];
  /** Secondary indexes, sorted by name. */
  indexes: IndexShape[];
  /** MySQL only, from the live database. */
  collation?: string;
}

/** Sorted by table name. */
export type SchemaShape = TableShape[];

/** Lower case, without MySQL's integer display widths ("bigint(20)" → "bigint"). */
export function normaliseSqlType(type: string): string {
  const t = type.trim().toLowerCase();
  return /^(tinyint|smallint|mediumint|int|integer|bigint)\(\d+\)/.test(t) ? t.replace(/\(\d+\)/, "") : t;
}

export function kindOf(sqlType: string): ColumnShape["kind"] {
  const t = normaliseSqlType(sqlType);
  if (/^(tinyint|smallint|mediumint|int|integer|bigint)\b/.test(t)) return "integer";
  if (/^(text|varchar|char|tinytext|mediumtext|longtext)\b/.test(t)) return "text";
  throw new Error(`no kind for SQL type ${sqlType}`);
}

export function column(name: string, sqlType: string, notNull: boolean, primaryKey: boolean): ColumnShape {
  const normal = normaliseSqlType(sqlType);
  return { name, sqlType: normal, kind: kindOf(normal), notNull, primaryKey };
}

export function sortShape(tables: TableShape[]): SchemaShape {
  return tables
    .map((t) => ({
      ...t,
      columns: [...t.columns].sort((a, b) => a.name.localeCompare(b.name)),
      indexes: [...t.indexes].sort((a, b) => a.name.localeCompare(b.name)),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function shapeOfSqliteTables(tables: Record<string, SQLiteTable>): SchemaShape {
  return sortShape(
    Object.values(tables).map((table) => {
      const config = sqliteTableConfig(table);
      return {
        name: config.name,
        columns: config.columns.map((c) => column(c.name, c.getSQLType(), c.notNull, c.primary)),
        indexes: config.indexes.map((i) => ({
          name: i.config.name,
          columns: i.config.columns.map(indexColumnName),
          unique: i.config.unique,
        })),
      };
    }),
  );
}

export function shapeOfMysqlTables(tables: Record<string, MySqlTable>): SchemaShape {
  return sortShape(
    Object.values(tables).map((table) => {
      const config = mysqlTableConfig(table);
      return {
        name: config.name,
        columns: config.columns.map((c) => column(c.name, c.getSQLType(), c.notNull, c.primary)),
        indexes: config.indexes.map((i) => ({
          name: i.config.name,
          columns: i.config.columns.map(indexColumnName),
          unique: i.config.unique ?? false,
        })),
      };
    }),
  );
}

function indexColumnName(c: object): string {
  if ("name" in c && typeof c.name === "string") return c.name;
  throw new Error("expression indexes are not described; index columns only");
}

/** The shape without dialect details: what must be equal on both dialects. */
export function portableShape(shape: SchemaShape): SchemaShape {
  return shape.map((t) => ({
    name: t.name,
    columns: t.columns.map((c) => ({ ...c, sqlType: c.kind })),
    indexes: t.indexes,
  }));
}
