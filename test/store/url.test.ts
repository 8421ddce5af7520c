import assert from "node:assert/strict";
import { isCode } from "../../server/core/index.js";
import { DEFAULT_CONNECTION_LIMIT, parseStoreUrl } from "../../server/store/index.js";
import { suite } from "../lib/harness.js";

const t = suite("store url");

t("sqlite URLs name a relative or absolute file, or memory", () => {
  assert.deepEqual(parseStoreUrl("sqlite:state/standby.db"), { dialect: "sqlite", path: "state/standby.db" });
  assert.deepEqual(parseStoreUrl("sqlite:/var/lib/standby/standby.db"), { dialect: "sqlite", path: "/var/lib/standby/standby.db" });
  assert.deepEqual(parseStoreUrl("sqlite:///var/lib/standby.db"), { dialect: "sqlite", path: "/var/lib/standby.db" });
  assert.deepEqual(parseStoreUrl("sqlite::memory:"), { dialect: "sqlite", path: ":memory:" });
});

t("mysql and mariadb URLs give host, port, credentials and database", () => {
  assert.deepEqual(parseStoreUrl("mysql://standby:p%40ss%3Aword@db.example.org:3307/standby?connectionLimit=16"), {
    dialect: "mysql",
    host: "db.example.org",
    port: 3307,
    user: "standby",
    password: "p@ss:word",
    database: "standby",
    connectionLimit: 16,
  });
  assert.deepEqual(parseStoreUrl("mariadb://root@127.0.0.1/test"), {
    dialect: "mysql",
    host: "127.0.0.1",
    port: 3306,
    user: "root",
    password: "",
    database: "test",
    connectionLimit: DEFAULT_CONNECTION_LIMIT,
  });
  const viaSocket = parseStoreUrl("mysql://root@localhost/test?socket=/run/mysqld/mysqld.sock");
  assert.equal(viaSocket.dialect === "mysql" && viaSocket.socketPath, "/run/mysqld/mysqld.sock");
});

t("bad URLs are invalid arguments whose message never shows the password", () => {
  for (const url of [
    "postgres://u:hunter2@h/db",
    "mysql://u:hunter2@h",
    "mysql://u:hunter2@h/db?connectionLimit=0",
    "mysql://u:hunter2@h/db?poolSize=3",
    "sqlite:",
  ]) {
    assert.throws(
      () => parseStoreUrl(url),
      (err: unknown) => isCode(err, "invalid-argument") && !(err as Error).message.includes("hunter2"),
      url,
    );
  }
});

t.run();
