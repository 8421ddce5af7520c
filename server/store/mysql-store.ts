import { LIVE_NODE_STATES } from "../core/states.js";
import { createHash } from "node:crypto";
import { and, asc, desc, eq, gt, inArray, lt, sql, type SQL } from "drizzle-orm";
import { unionAll } from "drizzle-orm/mysql-core";
import { drizzle, type MySql2Database } from "drizzle-orm/mysql2";
import mysql from "mysql2/promise";
import {
  silentLogger,
  StandbyError,
  systemClock,
  type Allocation,
  type AllocationRequest,
  type ClaimEnd,
  type ClaimRecord,
  type ClaimState,
  type ClaimUpdate,
  type Clock,
  type Logger,
  type NodeCount,
  type NodeFilter,
  type NodeRecord,
  type NodeState,
  type NodeTransition,
} from "../core/index.js";
import { isDuplicateKey, isRetryableConflict, storeError } from "./driver-errors.js";
import { checkMigrationList, latestVersion } from "./migration.js";
import { MYSQL_MIGRATIONS, MYSQL_MIGRATIONS_TABLE } from "./mysql-migrations.js";
import { claims, meta, nodes, schemaMigrations } from "./mysql-schema.js";
import {
  candidateLimits,
  labelsToReadInFull,
  planAllocations,
  planClaimUpdates,
  planEnds,
  planTransitions,
  chunkGroup,
  type UpdateGroup,
} from "./plan.js";
import { claimToRow, nodeToRow, rowToClaim, rowToNode, type NodeRow } from "./records.js";
import { claimedNode, endedClaims, fulfilled } from "./results.js";
import { column, sortShape, type IndexShape, type SchemaShape, type TableShape } from "./schema-shape.js";
import type { AppliedMigration, SqlStore, StoreOptions } from "./sql-store.js";
import { caseById, groupSet } from "./update-sql.js";
import type { StoreConfig } from "./url.js";

type Db = MySql2Database;

interface TableRow extends mysql.RowDataPacket {
  name: string;
  collation: string;
}
interface ColumnRow extends mysql.RowDataPacket {
  tableName: string;
  name: string;
  type: string;
  nullable: "YES" | "NO";
  columnKey: string;
}
interface IndexRow extends mysql.RowDataPacket {
  tableName: string;
  name: string;
  nonUnique: number | string;
  columnName: string;
}
type MysqlConfig = Extract<StoreConfig, { dialect: "mysql" }>;

/** Ids per statement: keeps packets small and IN lists cheap to plan. */
const CHUNK = 1000;
/** Rows per multi-row INSERT. */
const INSERT_CHUNK = 500;
/** A transaction that lost a deadlock is run again this many times in all. */
const MAX_ATTEMPTS = 4;
/** How long a statement waits for a row lock before failing (and being retried). */
const LOCK_WAIT_SECONDS = 10;
/** How long a migration waits for another scheduler's migration. */
const MIGRATION_LOCK_SECONDS = 120;

/**
 * The production store: MySQL 8 or MariaDB 10.6+ through a mysql2 pool,
 * shared by several scheduler replicas. Every pooled connection runs READ
 * COMMITTED (CAS updates everywhere, so no need for repeatable reads, and far
 * less gap locking). allocate locks claims and candidate nodes with
 * FOR UPDATE SKIP LOCKED: replicas never hand out one node twice and never
 * wait for each other; a node or claim another replica holds is simply not
 * a candidate this time.
 */
export class MysqlStore implements SqlStore {
  readonly dialect = "mysql" as const;
  private readonly db: Db;
  private readonly q;
  private closed = false;

  private constructor(
    /** Autocommit connections, for single statements. */
    private readonly pool: mysql.Pool,
    /** autocommit=0 connections, for transactions only: the first statement
     * opens the transaction, saving the START TRANSACTION round trip. */
    private readonly txPool: mysql.Pool,
    private readonly logger: Logger,
  ) {
    this.db = drizzle({ client: pool });
    const p = sql.placeholder;
    this.q = {
      getNode: this.db.select().from(nodes).where(eq(nodes.id, p("id"))).prepare(),
      getClaim: this.db.select().from(claims).where(eq(claims.id, p("id"))).prepare(),
      claimByRequestId: this.db.select().from(claims).where(eq(claims.requestId, p("requestId"))).prepare(),
      getMeta: this.db.select({ value: meta.value }).from(meta).where(eq(meta.name, p("name"))).prepare(),
    };
  }

  /**
   * Opens two pools of up to connectionLimit connections each (single
   * statements, transactions), migrates, and checks the session settings.
   */
  static async open(config: MysqlConfig, options: StoreOptions = {}): Promise<MysqlStore> {
    const logger = options.logger ?? silentLogger;
    const pool = createPool(config, false, logger);
    const txPool = createPool(config, true, logger);
    try {
      await migrate(pool, config.database, logger, options.clock ?? systemClock);
      await checkSession(pool, false);
      await checkSession(txPool, true);
    } catch (err) {
      await Promise.all([pool.end().catch(() => undefined), txPool.end().catch(() => undefined)]);
      throw storeError(err, "open mysql store");
    }
    return new MysqlStore(pool, txPool, logger);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.pool.end(), this.txPool.end()]);
  }

  async getMeta(key: string): Promise<string | undefined> {
    return this.run("getMeta", async () => (await this.q.getMeta.execute({ name: key }))[0]?.value);
  }

  async setMetaIfAbsent(key: string, value: string): Promise<string> {
    return this.run("setMetaIfAbsent", async () => {
      await this.db
        .insert(meta)
        .values({ name: key, value })
        .onDuplicateKeyUpdate({ set: { name: sql`${meta.name}` } });
      const row = (await this.q.getMeta.execute({ name: key }))[0];
      if (!row) throw new StandbyError("internal", `setMetaIfAbsent: ${key} vanished`);
      return row.value;
    });
  }

  async insertNodes(records: NodeRecord[]): Promise<void> {
    if (records.length === 0) return;
    const rows = records.map(nodeToRow);
    await this.transaction("insertNodes", async (tx) => {
      for (const part of chunks(rows, INSERT_CHUNK)) await tx.insert(nodes).values(part);
    });
  }

  async getNode(id: string): Promise<NodeRecord | undefined> {
    return this.run("getNode", async () => {
      const row = (await this.q.getNode.execute({ id }))[0];
      return row && rowToNode(row);
    });
  }

  async listNodes(filter: NodeFilter = {}): Promise<NodeRecord[]> {
    return this.run("listNodes", async () => {
      const where: SQL[] = [];
      if (filter.label !== undefined) where.push(eq(nodes.label, filter.label));
      if (filter.provider !== undefined) where.push(eq(nodes.provider, filter.provider));
      if (filter.claimId !== undefined) where.push(eq(nodes.claimId, filter.claimId));
      if (filter.states === undefined) where.push(inArray(nodes.state, [...LIVE_NODE_STATES]));
      else if (filter.states.length === 0) return [];
      else where.push(inArray(nodes.state, filter.states));
      const rows = await this.db
        .select()
        .from(nodes)
        .where(and(...where))
        .orderBy(asc(nodes.createdAt), asc(nodes.id));
      return rows.map(rowToNode);
    });
  }

  async transitionNodes(changes: NodeTransition[]): Promise<string[]> {
    if (changes.length === 0) return [];
    const ids = [...new Set(changes.map((c) => c.id))];
    return this.transaction("transitionNodes", async (tx) => {
      const states = new Map<string, NodeState>();
      for (const part of chunks(ids, CHUNK)) {
        const rows = await tx.select({ id: nodes.id, state: nodes.state }).from(nodes).where(inArray(nodes.id, part)).for("update");
        for (const row of rows) states.set(row.id, row.state as NodeState);
      }
      const plan = planTransitions(states, changes);
      await applyGroups(tx, nodes, plan.updates);
      return plan.changed;
    });
  }

  async countNodes(): Promise<NodeCount[]> {
    return this.run("countNodes", async () => {
      const rows = await this.db
        .select({ label: nodes.label, provider: nodes.provider, state: nodes.state, count: sql<number>`count(*)` })
        .from(nodes)
        .where(inArray(nodes.state, [...LIVE_NODE_STATES]))
        .groupBy(nodes.label, nodes.provider, nodes.state)
        .orderBy(nodes.label, nodes.provider, nodes.state);
      return rows.map((r) => ({ label: r.label, provider: r.provider, state: r.state as NodeState, count: Number(r.count) }));
    });
  }

  async createClaim(claim: ClaimRecord): Promise<{ claim: ClaimRecord; created: boolean }> {
    return this.run("createClaim", async () => {
      try {
        // Autocommit: a concurrent duplicate waits on this row's lock, then
        // fails with a duplicate key and reads the committed claim.
        await this.db.insert(claims).values(claimToRow(claim));
        return { claim: structuredClone(claim), created: true };
      } catch (err) {
        if (!isDuplicateKey(err) || claim.requestId === "") throw err;
        const existing = (await this.q.claimByRequestId.execute({ requestId: claim.requestId }))[0];
        if (!existing) throw err;
        return { claim: rowToClaim(existing), created: false };
      }
    });
  }

  async getClaim(id: string): Promise<ClaimRecord | undefined> {
    return this.run("getClaim", async () => {
      const row = (await this.q.getClaim.execute({ id }))[0];
      return row && rowToClaim(row);
    });
  }

  async listClaims(filter: { states?: ClaimState[]; leaseExpiresBefore?: number } = {}): Promise<ClaimRecord[]> {
    return this.run("listClaims", async () => {
      const where: SQL[] = [];
      if (filter.states !== undefined) {
        if (filter.states.length === 0) return [];
        where.push(inArray(claims.state, filter.states));
      }
      if (filter.leaseExpiresBefore !== undefined) {
        where.push(gt(claims.leaseExpiresAt, 0), lt(claims.leaseExpiresAt, filter.leaseExpiresBefore));
      }
      const rows = await this.db
        .select()
        .from(claims)
        .where(and(...where))
        .orderBy(desc(claims.priority), asc(claims.createdAt), asc(claims.id));
      return rows.map(rowToClaim);
    });
  }

  async updateClaims(updates: ClaimUpdate[]): Promise<string[]> {
    if (updates.length === 0) return [];
    const ids = [...new Set(updates.map((u) => u.id))];
    return this.transaction("updateClaims", async (tx) => {
      const states = new Map<string, ClaimState>();
      for (const part of chunks(ids, CHUNK)) {
        const rows = await tx.select({ id: claims.id, state: claims.state }).from(claims).where(inArray(claims.id, part)).for("update");
        for (const row of rows) states.set(row.id, row.state as ClaimState);
      }
      const plan = planClaimUpdates(states, updates);
      await applyGroups(tx, claims, plan.updates);
      return plan.changed;
    });
  }

  async allocate(requests: AllocationRequest[], at: number): Promise<Allocation[]> {
    if (requests.length === 0) return [];
    const empty = (): Allocation[] => requests.map((r) => ({ claimId: r.claimId, nodes: [] }));
    const claimIds = [...new Set(requests.map((r) => r.claimId))];
    return this.transaction("allocate", async (tx) => {
      // A claim another replica is working on is skipped, not waited for.
      const claimRows = new Map<string, (typeof claims)["$inferSelect"]>();
      for (const part of chunks(claimIds, CHUNK)) {
        const rows = await tx.select().from(claims).where(inArray(claims.id, part)).for("update", { skipLocked: true });
        for (const row of rows) claimRows.set(row.id, row);
      }
      const queued = new Set([...claimRows.values()].filter((r) => r.state === "queued").map((r) => r.id));
      if (queued.size === 0) return empty();

      const nodeRows = new Map<string, NodeRow>();
      const truncated = new Set<string>();
      const read = async (limits: Map<string, number | undefined>) => {
        const parts = [...limits].map(([label, limit]) => {
          const query = tx
            .select()
            .from(nodes)
            .where(and(eq(nodes.state, "ready"), eq(nodes.label, label)))
            .orderBy(asc(nodes.readyAt), asc(nodes.id));
          return (limit === undefined ? query : query.limit(limit)).for("update", { skipLocked: true });
        });
        const [first, second, ...rest] = parts;
        if (!first) return;
        // One round trip; each part walks its label's (state, label, ready_at)
        // index in order and stops at its limit, so only those rows are locked.
        const rows: NodeRow[] = second ? await unionAll(first, second, ...rest) : await first;
        const seen = new Map<string, number>();
        for (const row of rows) {
          nodeRows.set(row.id, row);
          seen.set(row.label, (seen.get(row.label) ?? 0) + 1);
        }
        for (const [label, limit] of limits) if (limit !== undefined && (seen.get(label) ?? 0) >= limit) truncated.add(label);
      };
      const live = requests.filter((r) => queued.has(r.claimId));
      await read(candidateLimits(live));
      let plan = planAllocations(requests, queued, [...nodeRows.values()]);
      const again = labelsToReadInFull(requests, plan, queued, truncated);
      if (again.length > 0) {
        await read(new Map(again.map((label) => [label, undefined])));
        plan = planAllocations(requests, queued, [...nodeRows.values()]);
      }

      const nodeClaim: [string, string][] = [];
      const fulfilments: { request: AllocationRequest; nodeIds: string[] }[] = [];
      requests.forEach((request, i) => {
        const ids = plan[i];
        if (!ids) return;
        fulfilments.push({ request, nodeIds: ids });
        for (const id of ids) nodeClaim.push([id, request.claimId]);
      });
      if (fulfilments.length === 0) return empty();

      for (const part of chunks(nodeClaim, CHUNK)) {
        const [result] = await tx
          .update(nodes)
          .set({ state: "claimed", stateChangedAt: at, claimId: caseById(nodes.id, part) })
          .where(and(inArray(nodes.id, part.map(([id]) => id)), eq(nodes.state, "ready")));
        if (result.affectedRows !== part.length) {
          throw new StandbyError("aborted", "allocate: a locked node was no longer ready");
        }
      }
      for (const part of chunks(fulfilments, CHUNK)) {
        const [result] = await tx
          .update(claims)
          .set({
            state: "fulfilled",
            fulfilledAt: at,
            leaseHash: caseById(claims.id, part.map((f) => [f.request.claimId, f.request.leaseHash])),
            leaseExpiresAt: caseById(claims.id, part.map((f) => [f.request.claimId, f.request.leaseExpiresAt])),
            nodeIds: caseById(claims.id, part.map((f) => [f.request.claimId, JSON.stringify(f.nodeIds)])),
          })
          .where(and(inArray(claims.id, part.map((f) => f.request.claimId)), eq(claims.state, "queued")));
        if (result.affectedRows !== part.length) {
          throw new StandbyError("aborted", "allocate: a locked claim was no longer queued");
        }
      }

      return requests.map((request, i): Allocation => {
        const ids = plan[i];
        if (!ids) return { claimId: request.claimId, nodes: [] };
        return {
          claimId: request.claimId,
          claim: fulfilled(rowToClaim(claimRows.get(request.claimId)!), request, ids, at),
          nodes: ids.map((id) => claimedNode(nodeRows.get(id)!, request.claimId, at)),
        };
      });
    });
  }

  async endClaims(ends: ClaimEnd[]): Promise<ClaimRecord[]> {
    if (ends.length === 0) return [];
    const ids = [...new Set(ends.map((e) => e.claimId))];
    return this.transaction("endClaims", async (tx) => {
      const before = new Map<string, ClaimRecord>();
      for (const part of chunks(ids, CHUNK)) {
        const rows = await tx.select().from(claims).where(inArray(claims.id, part)).for("update");
        for (const row of rows) before.set(row.id, rowToClaim(row));
      }
      const plan = planEnds(new Map([...before].map(([id, c]) => [id, c.state])), ends);
      await applyGroups(tx, claims, plan.claimUpdates);
      for (const move of plan.nodeMoves) {
        for (const part of chunks(move.claimIds, CHUNK)) {
          await tx
            .update(nodes)
            .set(move.to === "ready" ? { state: move.to, stateChangedAt: move.at, readyAt: move.at } : { state: move.to, stateChangedAt: move.at })
            .where(and(inArray(nodes.claimId, part), eq(nodes.state, "claimed")));
        }
      }
      return endedClaims(before, plan.applied);
    });
  }

  async appliedMigrations(): Promise<AppliedMigration[]> {
    return this.run("appliedMigrations", () => this.db.select().from(schemaMigrations).orderBy(asc(schemaMigrations.version)));
  }

  async describeSchema(): Promise<SchemaShape> {
    return this.run("describeSchema", async () => {
      const [tables] = await this.pool.query<TableRow[]>(
        "SELECT TABLE_NAME AS name, TABLE_COLLATION AS collation FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()",
      );
      const [columns] = await this.pool.query<ColumnRow[]>(
        `SELECT TABLE_NAME AS tableName, COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_KEY AS columnKey
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()`,
      );
      const [stats] = await this.pool.query<IndexRow[]>(
        `SELECT TABLE_NAME AS tableName, INDEX_NAME AS name, NON_UNIQUE AS nonUnique, COLUMN_NAME AS columnName
         FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND INDEX_NAME <> 'PRIMARY'
         ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
      );
      const shapes: TableShape[] = tables.map((t) => {
        const indexes = new Map<string, IndexShape>();
        for (const s of stats.filter((s) => s.tableName === t.name)) {
          const index = indexes.get(s.name) ?? { name: s.name, columns: [], unique: Number(s.nonUnique) === 0 };
          index.columns.push(s.columnName);
          indexes.set(s.name, index);
        }
        return {
          name: t.name,
          collation: t.collation,
          columns: columns
            .filter((c) => c.tableName === t.name)
            .map((c) => column(c.name, c.type, c.nullable === "NO", c.columnKey === "PRI")),
          indexes: [...indexes.values()],
        };
      });
      return sortShape(shapes);
    });
  }

  /**
   * Runs fn in a transaction on one pooled connection; runs it again (from
   * the start, fn keeps no state outside) if InnoDB chose it as a deadlock
   * victim or a lock wait timed out.
   */
  private async transaction<T>(what: string, fn: (tx: Db) => Promise<T>): Promise<T> {
    this.assertOpen(what);
    for (let attempt = 1; ; attempt++) {
      let conn: mysql.PoolConnection | undefined;
      let broken = false;
      try {
        conn = await this.txPool.getConnection();
        try {
          const result = await fn(drizzle({ client: conn }));
          await conn.query("COMMIT");
          return result;
        } catch (err) {
          await conn.query("ROLLBACK").catch(() => (broken = true));
          throw err;
        }
      } catch (err) {
        if (attempt < MAX_ATTEMPTS && isRetryableConflict(err)) {
          this.logger.debug({ what, attempt }, "store: transaction conflict, retrying");
          await new Promise((resolve) => setTimeout(resolve, attempt * 5));
          continue;
        }
        throw storeError(err, what);
      } finally {
        if (conn && broken) conn.destroy();
        else conn?.release();
      }
    }
  }

  private async run<T>(what: string, fn: () => Promise<T>): Promise<T> {
    this.assertOpen(what);
    try {
      return await fn();
    } catch (err) {
      throw storeError(err, what);
    }
  }

  private assertOpen(what: string): void {
    if (this.closed) throw new StandbyError("unavailable", `${what}: store is closed`);
  }
}

/**
 * Every connection runs READ COMMITTED with a short lock wait; transaction
 * connections also run with autocommit off. Set when the pool opens a
 * connection, before anything else runs on it.
 */
function createPool(config: MysqlConfig, transactions: boolean, logger: Logger): mysql.Pool {
  const pool = mysql.createPool({
    host: config.host,
    port: config.port,
    user: config.user,
    password: config.password,
    database: config.database,
    ...(config.socketPath ? { socketPath: config.socketPath } : {}),
    connectionLimit: config.connectionLimit,
    maxIdle: config.connectionLimit,
    waitForConnections: true,
    enableKeepAlive: true,
    charset: "UTF8MB4_BIN",
    supportBigNumbers: true,
    multipleStatements: false,
  });
  const statements = [
    "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
    `SET SESSION innodb_lock_wait_timeout = ${LOCK_WAIT_SECONDS}, autocommit = ${transactions ? 0 : 1}`,
  ];
  pool.pool.on("connection", (conn) => {
    for (const statement of statements) {
      conn.query(statement, (err: unknown) => {
        if (err) {
          logger.error({ err }, "store: could not configure a new connection; dropping it");
          conn.destroy();
        }
      });
    }
  });
  return pool;
}

/** Fails unless a pooled connection really has the settings createPool asks for. */
async function checkSession(pool: mysql.Pool, transactions: boolean): Promise<void> {
  const conn = await pool.getConnection();
  let rows: mysql.RowDataPacket[];
  try {
    [rows] = await conn.query<mysql.RowDataPacket[]>(
      "SHOW SESSION VARIABLES WHERE Variable_name IN ('tx_isolation', 'transaction_isolation', 'autocommit')",
    );
    await conn.query("COMMIT");
  } finally {
    conn.release();
  }
  const vars = new Map(rows.map((r) => [String(r.Variable_name), String(r.Value)]));
  const isolation = vars.get("transaction_isolation") ?? vars.get("tx_isolation");
  const autocommit = vars.get("autocommit");
  if (isolation !== "READ-COMMITTED" || autocommit !== (transactions ? "OFF" : "ON")) {
    throw new StandbyError("internal", `store session misconfigured: isolation ${isolation}, autocommit ${autocommit}`);
  }
}

async function applyGroups(tx: Db, table: typeof nodes | typeof claims, groups: readonly UpdateGroup[]): Promise<void> {
  for (const part of groups.flatMap((g) => chunkGroup(g, CHUNK))) {
    await tx.update(table).set(groupSet(part, table.id)).where(inArray(table.id, part.ids));
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Applies the migrations this database lacks. GET_LOCK (named after the
 * database) makes replicas that start together take turns: the second finds
 * every version recorded and does nothing.
 */
async function migrate(pool: mysql.Pool, database: string, logger: Logger, clock: Clock): Promise<void> {
  checkMigrationList(MYSQL_MIGRATIONS);
  const lock = `standby-migrate-${createHash("sha256").update(database).digest("hex").slice(0, 40)}`;
  const conn = await pool.getConnection();
  try {
    const [[got]] = await conn.query<mysql.RowDataPacket[]>("SELECT GET_LOCK(?, ?) AS got", [lock, MIGRATION_LOCK_SECONDS]);
    if (Number(got?.got) !== 1) {
      throw new StandbyError("unavailable", "store migration: timed out waiting for another scheduler's migration");
    }
    try {
      await conn.query(MYSQL_MIGRATIONS_TABLE);
      const [rows] = await conn.query<mysql.RowDataPacket[]>("SELECT version FROM schema_migrations");
      const applied = new Set(rows.map((r) => Number(r.version)));
      const known = latestVersion(MYSQL_MIGRATIONS);
      const newest = Math.max(0, ...applied);
      if (newest > known) {
        logger.warn({ databaseVersion: newest, knownVersion: known }, "store schema is newer than this scheduler");
      }
      for (const migration of MYSQL_MIGRATIONS) {
        if (applied.has(migration.version)) continue;
        for (const statement of migration.statements) await conn.query(statement);
        await conn.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", [
          migration.version,
          migration.name,
          clock.now(),
        ]);
        logger.info({ version: migration.version, name: migration.name }, "store migration applied");
      }
    } finally {
      await conn.query("SELECT RELEASE_LOCK(?)", [lock]);
    }
  } finally {
    conn.release();
  }
}
