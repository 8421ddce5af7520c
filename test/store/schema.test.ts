import assert from "node:assert/strict";
import {
  MYSQL_MIGRATIONS,
  mysqlTables,
  portableShape,
  shapeOfMysqlTables,
  shapeOfSqliteTables,
  SQLITE_MIGRATIONS,
  sqliteTables,
} from "../../server/store/index.js";
import { suite } from "../lib/harness.js";

const t = suite("store schema");

t("the sqlite and mysql schemas have the same tables, columns, kinds, nullability and indexes", () => {
  assert.deepEqual(portableShape(shapeOfSqliteTables(sqliteTables)), portableShape(shapeOfMysqlTables(mysqlTables)));
});

t("the schema has the tables and hot-path indexes the store relies on", () => {
  const shape = shapeOfSqliteTables(sqliteTables);
  assert.deepEqual(shape.map((t) => t.name), ["claims", "meta", "nodes", "schema_migrations"]);
  const indexes = Object.fromEntries(shape.map((t) => [t.name, t.indexes.map((i) => `${i.unique ? "unique " : ""}${i.columns.join(",")}`)]));
  assert.deepEqual(indexes.nodes, ["claim_id", "provider,state", "state,label,ready_at,id"]);
  assert.deepEqual(indexes.claims, ["unique request_id", "state,priority,created_at"]);
});

t("only the request id may be NULL, so the unique index skips claims without one", () => {
  const nullable = shapeOfMysqlTables(mysqlTables).flatMap((t) => t.columns.filter((c) => !c.notNull).map((c) => `${t.name}.${c.name}`));
  assert.deepEqual(nullable, ["claims.request_id"]);
});

t("times are 64-bit integers on mysql", () => {
  for (const table of shapeOfMysqlTables(mysqlTables)) {
    for (const column of table.columns.filter((c) => c.name.endsWith("_at"))) {
      assert.equal(column.sqlType, "bigint", `${table.name}.${column.name}`);
    }
  }
});

t("both dialects have the same migrations, numbered from 1 without gaps", () => {
  const list = (ms: typeof SQLITE_MIGRATIONS) => ms.map((m) => `${m.version} ${m.name}`);
  assert.deepEqual(list(SQLITE_MIGRATIONS), list(MYSQL_MIGRATIONS));
  SQLITE_MIGRATIONS.forEach((m, i) => assert.equal(m.version, i + 1));
});

t("every mysql table is created utf8mb4 with a binary collation", () => {
  const creates = MYSQL_MIGRATIONS.flatMap((m) => m.statements).filter((s) => /^\s*CREATE TABLE/i.test(s));
  assert.ok(creates.length >= 3);
  for (const statement of creates) assert.match(statement, /DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin/);
});

t.run();
