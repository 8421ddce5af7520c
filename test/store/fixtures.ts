import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConnection } from "mysql2/promise";
import type { ClaimRecord, NodeRecord } from "../../server/core/index.js";
import { openStore, type SqlStore } from "../../server/store/index.js";

/** A fresh, empty database and a way to open handles on it. */
export interface StoreFixture {
  /** The store URL of this fixture's database. */
  url: string;
  /** Opens (and migrates) another handle on this fixture's database. */
  open(): Promise<SqlStore>;
  /** Deletes the database. */
  dispose(): Promise<void>;
}

/** A temporary SQLite file, under a directory that openStore has to create. */
export async function sqliteFixture(): Promise<StoreFixture> {
  const dir = await mkdtemp(join(tmpdir(), "standby-store-"));
  const url = `sqlite:${join(dir, "state", "standby.db")}`;
  return {
    url,
    open: () => openStore(url),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/** The server the MariaDB tests use; the database in it is only used to connect. */
export const MYSQL_TEST_URL = process.env.STANDBY_TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";

/** A uniquely named database on the test server, dropped on dispose. */
export async function mariadbFixture(): Promise<StoreFixture> {
  const name = `standby_test_${randomBytes(6).toString("hex")}`;
  const admin = new URL(MYSQL_TEST_URL);
  const connection = await createConnection({
    host: admin.hostname,
    port: Number(admin.port || 3306),
    user: decodeURIComponent(admin.username),
    password: decodeURIComponent(admin.password),
  });
  await connection.query(`CREATE DATABASE \`${name}\``);
  const url = new URL(MYSQL_TEST_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    open: () => openStore(url.toString()),
    async dispose() {
      try {
        await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await connection.end();
      }
    },
  };
}

let sequence = 0;
const unique = (prefix: string) => `${prefix}-${(++sequence).toString().padStart(6, "0")}`;

export function makeNode(overrides: Partial<NodeRecord> = {}): NodeRecord {
  return {
    id: unique("n"),
    label: "jammy",
    provider: "alpha",
    state: "ready",
    instanceId: "",
    addresses: [],
    sshPort: 22,
    username: "ci",
    hostKeys: [],
    tags: ["jammy"],
    image: "",
    flavor: "",
    claimId: "",
    createdAt: 1_000,
    stateChangedAt: 1_000,
    readyAt: 1_000,
    failureReason: "",
    ...overrides,
  };
}

export function makeClaim(overrides: Partial<ClaimRecord> = {}): ClaimRecord {
  return {
    id: unique("c"),
    requestId: "",
    requestHash: "",
    state: "queued",
    labelExpressions: ["jammy"],
    requester: "jenkins",
    jobName: "build",
    priority: 0,
    leaseTtlSeconds: 600,
    sshPublicKeys: [],
    tokenHash: "token-hash",
    createdAt: 1_000,
    lastSeenAt: 1_000,
    fulfilledAt: 0,
    leaseHash: "",
    leaseExpiresAt: 0,
    nodeIds: [],
    outcome: "",
    endedAt: 0,
    failureReason: "",
    ...overrides,
  };
}
