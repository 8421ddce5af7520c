import { parseStoreUrl } from "./url.js";
import { MysqlStore } from "./mysql-store.js";
import { SqliteStore } from "./sqlite-store.js";
import type { SqlStore, StoreOptions } from "./sql-store.js";

/**
 * Opens the store a URL names and brings its schema up to date:
 * `sqlite:PATH` (parent directories are created), `sqlite::memory:`,
 * `mysql://user:pass@host:port/db` or `mariadb://…` (`?connectionLimit=N`,
 * `?socket=PATH`).
 */
export async function openStore(url: string, options: StoreOptions = {}): Promise<SqlStore> {
  const config = parseStoreUrl(url);
  return config.dialect === "sqlite" ? SqliteStore.open(config.path, options) : MysqlStore.open(config, options);
}

export { parseStoreUrl, DEFAULT_CONNECTION_LIMIT, type StoreConfig } from "./url.js";
export type { SqlStore, StoreOptions, AppliedMigration } from "./sql-store.js";
export { SqliteStore } from "./sqlite-store.js";
export { MysqlStore } from "./mysql-store.js";
export { SQLITE_MIGRATIONS } from "./sqlite-migrations.js";
export { MYSQL_MIGRATIONS } from "./mysql-migrations.js";
export type { Migration } from "./migration.js";
export { sqliteTables } from "./sqlite-schema.js";
export { mysqlTables } from "./mysql-schema.js";
export {
  shapeOfSqliteTables,
  shapeOfMysqlTables,
  portableShape,
  type SchemaShape,
  type TableShape,
  type ColumnShape,
  type IndexShape,
} from "./schema-shape.js";
export { planAllocations, type Candidate } from "./plan.js";
