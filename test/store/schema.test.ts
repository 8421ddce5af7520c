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
import { checkMigrationList } from "../../server/store/migration.js";
import { suite } from "../lib/harness.js";

const t = suite("store schema");

t("the sqlite and mysql schemas have the same tables, columns, kinds, nullability and indexes", () => {
  assert.deepEqual(portableShape(shapeOfSqliteTables(sqliteTables)), portableShape(shapeOfMysqlTables(mysqlTables)));
});

t("the schema has the tables and hot-path indexes the store relies on", () => {
  const shape = shapeOfSqliteTables(sqliteTables);
  assert.deepEqual(
    shape.map((t) => t.name),
    [
      "claim_events",
      "claims",
      "hold_keys",
      "hold_rules",
      "hold_snapshots",
      "holds",
      "image_builds",
      "image_families",
      "meta",
      "nodes",
      "schema_migrations",
    ],
  );
  const indexes = Object.fromEntries(
    shape.map((t) => [t.name, t.indexes.map((i) => `${i.unique ? "unique " : ""}${i.columns.join(",")}`)]),
  );
  assert.deepEqual(indexes.nodes, ["claim_id", "provider,state", "state,label,ready_at,id"]);
  assert.deepEqual(indexes.claims, ["unique request_id", "state,priority,created_at"]);
  assert.deepEqual(indexes.image_builds, ["family,provider,state", "unique family,provider,slot"]);
  assert.deepEqual(indexes.holds, ["ended_at,expires_at"]);
  assert.deepEqual(indexes.hold_keys, ["node_id"]);
  assert.deepEqual(indexes.claim_events, ["claim_id,happened_at,id"]);
});

t("only the request id and a build's schedule slot may be NULL, so their unique indexes skip rows without one", () => {
  const nullable = shapeOfMysqlTables(mysqlTables).flatMap((t) => t.columns.filter((c) => !c.notNull).map((c) => `${t.name}.${c.name}`));
  assert.deepEqual(nullable, ["claims.request_id", "image_builds.slot"]);
});

t("times are 64-bit integers on mysql", () => {
  for (const table of shapeOfMysqlTables(mysqlTables)) {
    for (const column of table.columns.filter((c) => c.name.endsWith("_at"))) {
      assert.equal(column.sqlType, "bigint", `${table.name}.${column.name}`);
    }
  }
});

t("both dialects have the same migrations, numbered from 1 and strictly increasing", () => {
  const list = (ms: typeof SQLITE_MIGRATIONS) => ms.map((m) => `${m.version} ${m.name}`);
  assert.deepEqual(list(SQLITE_MIGRATIONS), list(MYSQL_MIGRATIONS));
  assert.equal(SQLITE_MIGRATIONS[0]?.version, 1);
  SQLITE_MIGRATIONS.forEach((m, i) => assert.ok(i === 0 || m.version > (SQLITE_MIGRATIONS[i - 1]?.version ?? 0)));
});

t("a migration list out of order or not starting at 1 is refused; gaps are allowed", () => {
  const m = (version: number) => ({ version, name: `m${version}`, statements: [] });
  assert.doesNotThrow(() => checkMigrationList([m(1), m(4)]));
  assert.throws(() => checkMigrationList([m(2)]), /first is 1/);
  assert.throws(() => checkMigrationList([m(1), m(4), m(3)]), /above 4/);
});

t("every mysql table is created utf8mb4 with a binary collation", () => {
  const creates = MYSQL_MIGRATIONS.flatMap((m) => m.statements).filter((s) => /^\s*CREATE TABLE/i.test(s));
  assert.ok(creates.length >= 3);
  for (const statement of creates) assert.match(statement, /DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin/);
});

t.run();
