import { LIVE_NODE_STATES } from "../core/states.js";
import { createHash } from "node:crypto";
import { and, asc, desc, eq, gt, inArray, lt, sql, type SQL } from "drizzle-orm";
import { drizzle, type MySql2Database } from "drizzle-orm/mysql2";
import mysql from "mysql2/promise";
import {
  silentLogger,
  StandbyError,
  systemClock,
  type Allocation,
  type AllocationRequest,
  type ClaimEnd,
  type ClaimEventRecord,
  type ClaimRecord,
  type ClaimRequeue,
  type ClaimState,
  type ClaimTransition,
  type ClaimUpdate,
  type Clock,
  type Logger,
  type NodeCount,
  type NodeFilter,
  type NodeRecord,
  type NodeState,
  type NodeTransition,
  type NodeUpdate,
} from "../core/index.js";
import type { HoldStore } from "../core/holds.js";
import { insertEvents, rowToEvent, SELECT_EVENTS_SQL, type EventRow } from "./claim-events.js";
import { isAlreadyApplied, isDuplicateKey, isRetryableConflict, storeError } from "./driver-errors.js";
import { SqlHoldStore } from "./hold-sql.js";
import { checkMigrationList, latestVersion } from "./migration.js";
import { MysqlImageRecords } from "./mysql-images.js";
import { MYSQL_MIGRATIONS, MYSQL_MIGRATIONS_TABLE } from "./mysql-migrations.js";
import { claims, meta, nodes, schemaMigrations } from "./mysql-schema.js";
import {
  candidateLimits,
  changedIds,
  checkAllocation,
  checkClaimEnds,
  checkClaimTransitions,
  checkClaimUpdates,
  checkNodeTransitions,
  checkNodeUpdates,
  checkRequeue,
  claimTransitionSet,
  claimUpdateSet,
  insertable,
  labelsToReadInFull,
  lockOrder,
  moveSet,
  nodeUpdateFrom,
  nodeUpdateSet,
  planAllocations,
  planEnds,
  planClaimTransitions,
  planClaimUpdates,
  planNodeUpdates,
  planTransitions,
  requeueSet,
  transitionSet,
  type Candidate,
} from "./plan.js";
import { claimToRow, nodeToRow, rowToClaim, rowToNode, type ClaimRow, type NodeRow, type RowValues } from "./records.js";
import { copyClaim, endedClaims, fulfilled, withInserted } from "./results.js";
import { column, sortShape, type IndexShape, type SchemaShape, type TableShape } from "./schema-shape.js";
import type { AppliedMigration, SqlStore, StoreOptions } from "./sql-store.js";
import { casUpdate, chunks, Columns, insertSql, mapChunks, marks, updateRows, type Param, type Statement } from "./sql-text.js";
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
/** Statements per packet (round trip) for batches of per-row statements. */
const PACKET = 500;
/** Up to this many changes are written as one compare-and-set UPDATE each; more are read under lock first. */
const PER_ROW_MAX = 4;
/** Rows per multi-row INSERT. */
const INSERT_CHUNK = 500;
/** A transaction that lost a deadlock is run again this many times in all. */
const MAX_ATTEMPTS = 4;
/** How long a statement waits for a row lock before failing (and being retried). */
const LOCK_WAIT_SECONDS = 10;
/** How long a migration waits for another scheduler's migration. */
const MIGRATION_LOCK_SECONDS = 120;

/** A result of one statement in a packet: rows for a SELECT, a header otherwise. */
type Result = mysql.ResultSetHeader | mysql.RowDataPacket[];
type CandidateRow = { id: string; label: string; provider: string; readyAt: number | string };

const NODE = new Columns(nodes);
const CLAIM = new Columns(claims);

/**
 * One transaction on one connection of the transaction pool. Statements are
 * sent several to a packet (the pool runs with multipleStatements), so a
 * transaction costs as many round trips as it has rounds of decisions, and
 * the COMMIT rides with the last writes.
 */
class Tx {
  committed = false;

  constructor(readonly conn: mysql.PoolConnection) {}

  /** Sends the statements in one round trip (then COMMIT, if asked); each statement's result. */
  async send(statements: readonly Statement[], commit = false): Promise<Result[]> {
    const texts = statements.map((s) => s.sql);
    if (commit) texts.push("COMMIT");
    if (texts.length === 0) return [];
    const params: Param[] = [];
    for (const statement of statements) for (const p of statement.params) params.push(p);
    const [out] = await this.conn.query(texts.join(";\n"), params);
    if (commit) this.committed = true;
    const results = texts.length === 1 ? [out as unknown as Result] : (out as unknown as Result[]);
    return results.slice(0, statements.length);
  }

  async commit(): Promise<void> {
    if (!this.committed) await this.send([], true);
  }

  /** Undoes everything so far; the connection starts a new transaction with its next statement. */
  async rollback(): Promise<void> {
    await this.conn.query("ROLLBACK");
  }
}

const affected = (result: Result | undefined): number => (result as mysql.ResultSetHeader | undefined)?.affectedRows ?? 0;
const rowsOf = <T>(result: Result | undefined): T[] => (result ?? []) as unknown as T[];

/**
 * The production store: MySQL 8 or MariaDB 10.6+ through mysql2 pools,
 * shared by several scheduler replicas. Every pooled connection runs READ
 * COMMITTED (CAS updates everywhere, so no need for repeatable reads, and far
 * less gap locking). allocate locks claims and candidate nodes with
 * FOR UPDATE SKIP LOCKED: replicas never hand out one node twice and never
 * wait for each other; a node or claim another replica holds is simply not
 * a candidate this time.
 *
 * Round trips (and the COMMIT's log flush) are what a transaction costs
 * here, so the hot paths are hand-written SQL sent several statements to a
 * packet: insertNodes and small transitionNodes / updateClaims batches are
 * one round trip (writes and COMMIT); allocate, endClaims and larger batches
 * two (read under lock, then writes and COMMIT). drizzle serves the cold
 * paths.
 */
export class MysqlStore implements SqlStore {
  readonly dialect = "mysql" as const;
  readonly images: MysqlImageRecords;
  readonly holds: HoldStore;
  private readonly db: Db;
  private readonly q;
  private closed = false;

  private constructor(
    /** Autocommit connections, for single statements. */
    private readonly pool: mysql.Pool,
    /** autocommit=0 connections with multipleStatements, for transactions
     * only: the first statement opens the transaction, saving the START
     * TRANSACTION round trip. */
    private readonly txPool: mysql.Pool,
    private readonly logger: Logger,
  ) {
    this.db = drizzle({ client: pool });
    this.images = new MysqlImageRecords(this.db, () => this.closed);
    this.q = {
      getMeta: this.db
        .select({ value: meta.value })
        .from(meta)
        .where(eq(meta.name, sql.placeholder("name")))
        .prepare(),
    };
    this.holds = new SqlHoldStore({
      dialect: "mysql",
      all: (what, s) =>
        this.run(what, async () => (await this.pool.query<mysql.RowDataPacket[]>(s.sql, s.params))[0] as Record<string, unknown>[]),
      write: (what, list) => this.transaction(what, async (tx) => (await tx.send(list, true)).map(affected)),
    });
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

  /** Multi-row INSERTs and the COMMIT in one round trip (for up to PACKET × INSERT_CHUNK nodes). */
  async insertNodes(records: NodeRecord[], events: readonly ClaimEventRecord[] = []): Promise<void> {
    if (records.length === 0 && events.length === 0) return;
    const statements = (records.length === 0 ? [] : chunks(records, INSERT_CHUNK)).map((part): Statement => {
      const params: Param[] = [];
      for (const record of part) for (const value of NODE.values(nodeToRow(record))) params.push(value);
      return { sql: insertSql(NODE, part.length), params };
    });
    statements.push(...insertEvents(events));
    await this.transaction("insertNodes", async (tx) => {
      const packets = chunks(statements, PACKET);
      for (let i = 0; i < packets.length; i++) await tx.send(packets[i]!, i === packets.length - 1);
    });
  }

  async getNode(id: string): Promise<NodeRecord | undefined> {
    return this.run("getNode", async () => {
      const [rows] = await this.pool.query<mysql.RowDataPacket[]>(`SELECT ${NODE.select} FROM ${NODE.table} WHERE ${NODE.col("id")} = ?`, [
        id,
      ]);
      const row = rows[0] as NodeRow | undefined;
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

  /**
   * A few changes: one compare-and-set UPDATE per change (no read first), in
   * id order so that concurrent batches lock rows in one order, and the
   * COMMIT, in one round trip; a row another transaction is changing is
   * judged by its last committed state (InnoDB's semi-consistent read), so
   * this change is ordered before that one. More: the rows are locked and
   * read (FOR UPDATE), the changes decided in memory and written as one
   * UPDATE with the COMMIT; two round trips, but far less work for the server
   * than a statement per row.
   */
  async transitionNodes(changes: NodeTransition[], events: readonly ClaimEventRecord[] = []): Promise<string[]> {
    checkNodeTransitions("transitionNodes", changes);
    return this.applyChanges("transitionNodes", NODE, changes, transitionSet, planTransitions, insertEvents(events));
  }

  /** Compare-and-set, as transitionNodes (without from-states: any state matches). */
  async updateNodes(updates: NodeUpdate[]): Promise<string[]> {
    checkNodeUpdates("updateNodes", updates);
    const changes = updates.map((u) => ({ ...u, from: nodeUpdateFrom(u) }));
    return this.applyChanges("updateNodes", NODE, changes, nodeUpdateSet, planNodeUpdates);
  }

  async countNodes(): Promise<NodeCount[]> {
    return this.run("countNodes", async () => {
      const [rows] = await this.pool.query<mysql.RowDataPacket[]>(
        `SELECT ${NODE.col("label")} AS label, ${NODE.col("provider")} AS provider, ${NODE.col("state")} AS state, COUNT(*) AS n ` +
          `FROM ${NODE.table} WHERE ${NODE.col("state")} IN (${marks(LIVE_NODE_STATES.length)}) ` +
          `GROUP BY ${NODE.col("label")}, ${NODE.col("provider")}, ${NODE.col("state")} ` +
          `ORDER BY ${NODE.col("label")}, ${NODE.col("provider")}, ${NODE.col("state")}`,
        [...LIVE_NODE_STATES],
      );
      return rows.map((r) => ({ label: String(r.label), provider: String(r.provider), state: r.state as NodeState, count: Number(r.n) }));
    });
  }

  async createClaim(claim: ClaimRecord): Promise<{ claim: ClaimRecord; created: boolean }> {
    return this.run("createClaim", async () => {
      try {
        // Autocommit: a concurrent duplicate waits on this row's lock, then
        // fails with a duplicate key and reads the committed claim.
        await this.pool.query(insertSql(CLAIM, 1), CLAIM.values(claimToRow(claim)));
        return { claim: copyClaim(claim), created: true };
      } catch (err) {
        if (!isDuplicateKey(err) || claim.requestId === "") throw err;
        const [rows] = await this.pool.query<mysql.RowDataPacket[]>(claimsByRequestIdSql(1), [claim.requestId]);
        const existing = rows[0] as ClaimRow | undefined;
        if (!existing) throw err;
        return { claim: rowToClaim(existing), created: false };
      }
    });
  }

  async getClaim(id: string): Promise<ClaimRecord | undefined> {
    return this.run("getClaim", async () => {
      const [rows] = await this.pool.query<mysql.RowDataPacket[]>(
        `SELECT ${CLAIM.select} FROM ${CLAIM.table} WHERE ${CLAIM.col("id")} = ?`,
        [id],
      );
      const row = rows[0] as ClaimRow | undefined;
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

  /** Compare-and-set, as transitionNodes. */
  async transitionClaims(changes: ClaimTransition[]): Promise<string[]> {
    checkClaimTransitions("transitionClaims", changes);
    return this.applyChanges("transitionClaims", CLAIM, changes, claimTransitionSet, planClaimTransitions);
  }

  /** Compare-and-set, as transitionNodes. */
  async updateClaims(updates: ClaimUpdate[]): Promise<string[]> {
    checkClaimUpdates("updateClaims", updates);
    return this.applyChanges("updateClaims", CLAIM, updates, claimUpdateSet, planClaimUpdates);
  }

  /**
   * Round trip 1: the claim's compare-and-set (which locks it). Round trip 2,
   * only if it applied: its claimed nodes moved, its events written, the
   * claim read back, and the COMMIT.
   */
  async requeueClaim(requeue: ClaimRequeue): Promise<ClaimRecord | undefined> {
    checkRequeue("requeueClaim", requeue);
    return this.transaction("requeueClaim", async (tx) => {
      const [result] = await tx.send([casUpdate(CLAIM, requeueSet(), requeue.claimId, ["fulfilled"])]);
      if (affected(result) !== 1) return undefined;
      const claimed = { sql: `${NODE.col("state")} = 'claimed'`, params: [] };
      const move = updateRows(NODE, "claimId", new Map([[requeue.claimId, moveSet(requeue.nodesTo, requeue.at)]]), claimed);
      const read = { sql: `SELECT ${CLAIM.select} FROM ${CLAIM.table} WHERE ${CLAIM.col("id")} = ?`, params: [requeue.claimId] };
      const results = await tx.send([move, ...insertEvents(requeue.events ?? []), read], true);
      const row = rowsOf<ClaimRow>(results[results.length - 1])[0];
      return row && rowToClaim(row);
    });
  }

  private async applyChanges<C extends { id: string; from: readonly string[] }>(
    what: string,
    cols: Columns,
    changes: C[],
    setOf: (change: C) => RowValues,
    plan: (states: ReadonlyMap<string, string>, changes: readonly C[]) => { changed: string[]; sets: Map<string, RowValues> },
    /** Written in the same transaction, with the last packet (claim events). */
    extra: readonly Statement[] = [],
  ): Promise<string[]> {
    const order = lockOrder(changes);
    if (order.length === 0) {
      if (extra.length > 0) await this.transaction(what, async (tx) => void (await tx.send(extra, true)));
      return [];
    }
    if (order.length <= PER_ROW_MAX) {
      const statements = order.map((i) => casUpdate(cols, setOf(changes[i]!), changes[i]!.id, changes[i]!.from));
      return this.transaction(what, async (tx) => changedIds(changes, await casAll(tx, order, statements, changes.length, extra)));
    }
    // In id order (lockOrder sorts by id), as FOR UPDATE then locks them.
    const ids = chunks([...new Set(order.map((i) => changes[i]!.id))], CHUNK);
    return this.transaction(what, async (tx) => {
      const reads = ids.map((part) => ({
        sql: `SELECT ${cols.col("id")} AS id, ${cols.col("state")} AS state FROM ${cols.table} WHERE ${cols.col("id")} IN (${marks(part.length)}) FOR UPDATE`,
        params: part,
      }));
      const states = new Map<string, string>();
      for (const result of await tx.send(reads))
        for (const row of rowsOf<{ id: string; state: string }>(result)) states.set(row.id, row.state);
      const { changed, sets } = plan(states, changes);
      const writes = sets.size > 0 ? mapChunks(sets, CHUNK).map((part) => updateRows(cols, "id", part)) : [];
      if (writes.length + extra.length > 0) await tx.send([...writes, ...extra], true);
      return changed;
    });
  }

  async allocate(requests: AllocationRequest[], at: number): Promise<Allocation[]> {
    if (requests.length === 0) return [];
    checkAllocation("allocate");
    for (const request of requests) if (request.insert) insertable(request);
    return this.transaction("allocate", (tx) => this.allocateIn(tx, requests, at, false));
  }

  /**
   * Round trip 1: insert the new claims (one INSERT IGNORE: a taken request
   * id or id skips the row), lock the other claims, and lock the oldest ready
   * nodes of every label asked for (FOR UPDATE SKIP LOCKED). Round trip 2:
   * claim the planned nodes, fulfil the claims, read the nodes back, COMMIT.
   * When the INSERT skipped a row, the transaction is rolled back and run
   * again with one INSERT per claim, to learn which were taken, plus a read
   * of the claims holding their request ids; a label whose read was cut off
   * by its limit while a request went unfilled costs a round trip too.
   */
  private async allocateIn(tx: Tx, requests: AllocationRequest[], at: number, rowByRow: boolean): Promise<Allocation[]> {
    const results = requests.map((r): Allocation => ({ claimId: r.claimId, nodes: [] }));
    const served = requests.map(() => true);
    const claimOf = new Map<string, ClaimRecord>();

    const inserting = requests.flatMap((r, i) => (r.insert ? [i] : []));
    const toLock = chunks([...new Set(requests.filter((r) => !r.insert).map((r) => r.claimId))], CHUNK).filter((part) => part.length > 0);
    const limits = candidateLimits(requests);
    // All new claims in one INSERT; one INSERT each when that skipped a row, to learn which.
    const oneInsert = !rowByRow && inserting.length > 1;
    const first: Statement[] = oneInsert
      ? [
          {
            sql: insertSql(CLAIM, inserting.length, "INSERT IGNORE"),
            params: inserting.flatMap((i) => CLAIM.values(claimToRow(requests[i]!.insert!))),
          },
        ]
      : inserting.map((i) => ({ sql: insertSql(CLAIM, 1, "INSERT IGNORE"), params: CLAIM.values(claimToRow(requests[i]!.insert!)) }));
    for (const part of toLock) {
      first.push({
        sql: `SELECT ${CLAIM.select} FROM ${CLAIM.table} WHERE ${CLAIM.col("id")} IN (${marks(part.length)}) FOR UPDATE SKIP LOCKED`,
        params: part,
      });
    }
    if (limits.size > 0) first.push(candidateRead(limits));
    const out = await tx.send(first);

    // IGNORE also turns a value that does not fit into a warning: refuse it, as a plain INSERT would.
    const misfit = () => new StandbyError("internal", "allocate: a claim does not fit its columns");
    let k = 0;
    if (oneInsert) {
      const header = out[k++] as mysql.ResultSetHeader;
      if (header.affectedRows !== inserting.length) {
        await tx.rollback();
        return this.allocateIn(tx, requests, at, true);
      }
      if (header.warningStatus > 0) throw misfit();
    }
    const taken: number[] = [];
    for (const i of inserting) {
      if (!oneInsert) {
        const header = out[k++] as mysql.ResultSetHeader;
        if (header.affectedRows !== 1) {
          taken.push(i);
          continue;
        }
        if (header.warningStatus > 0) throw misfit();
      }
      const record = requests[i]!.insert!;
      claimOf.set(record.id, copyClaim(record));
      results[i]!.inserted = { claim: copyClaim(record), created: true };
    }
    for (let p = 0; p < toLock.length; p++) for (const row of rowsOf<ClaimRow>(out[k++])) claimOf.set(row.id, rowToClaim(row));
    const candidates = new Map<string, Candidate>();
    const truncated = new Set<string>();
    const absorb = (rows: CandidateRow[], read: ReadonlyMap<string, number | undefined>) => {
      const seen = new Map<string, number>();
      for (const row of rows) {
        candidates.set(row.id, { id: row.id, label: row.label, provider: row.provider, readyAt: Number(row.readyAt) });
        seen.set(row.label, (seen.get(row.label) ?? 0) + 1);
      }
      for (const [label, limit] of read) if (limit !== undefined && (seen.get(label) ?? 0) >= limit) truncated.add(label);
    };
    if (limits.size > 0) absorb(rowsOf<CandidateRow>(out[k]), limits);

    if (taken.length > 0) {
      // Taken request ids: the claims holding them (committed, or inserted earlier in this batch).
      const requestIds = [...new Set(taken.map((i) => requests[i]!.insert!.requestId).filter((r) => r !== ""))];
      const [rows] = requestIds.length > 0 ? await tx.send([{ sql: claimsByRequestIdSql(requestIds.length), params: requestIds }]) : [];
      const holders = new Map(rowsOf<ClaimRow>(rows).map((row) => [row.requestId ?? "", rowToClaim(row)]));
      for (const i of taken) {
        const record = requests[i]!.insert!;
        const holder = record.requestId === "" ? undefined : holders.get(record.requestId);
        if (!holder) throw new StandbyError("already-exists", `allocate: claim ${record.id} already exists`);
        results[i]!.inserted = { claim: holder, created: false };
        served[i] = false;
      }
    }

    const queued = new Set([...claimOf.values()].filter((c) => c.state === "queued").map((c) => c.id));
    if (!requests.some((r, i) => served[i] && queued.has(r.claimId))) return results;
    const planned = requests.map((r, i) => (served[i] ? r : { ...r, slots: [] }));
    let plan = planAllocations(planned, queued, [...candidates.values()]);
    const again = labelsToReadInFull(planned, plan, queued, truncated);
    if (again.length > 0) {
      const everything = new Map(again.map((label) => [label, undefined]));
      const [rows] = await tx.send([candidateRead(everything)]);
      absorb(rowsOf<CandidateRow>(rows), everything);
      plan = planAllocations(planned, queued, [...candidates.values()]);
    }

    const nodeSets = new Map<string, RowValues>();
    const claimSets = new Map<string, RowValues>();
    requests.forEach((request, i) => {
      const nodeIds = plan[i];
      if (!nodeIds) return;
      for (const id of nodeIds) nodeSets.set(id, { state: "claimed", stateChangedAt: at, claimId: request.claimId });
      claimSets.set(request.claimId, {
        state: "fulfilled",
        fulfilledAt: at,
        leaseHash: request.leaseHash,
        leaseExpiresAt: request.leaseExpiresAt,
        nodeIds: JSON.stringify(nodeIds),
      });
    });
    if (claimSets.size === 0) return results;

    // Every row written here was locked by this transaction's first round
    // trip (or inserted by it), so the state guards cannot fail and the
    // COMMIT can ride with the writes; the counts are checked all the same.
    const nodeParts = mapChunks(nodeSets, CHUNK);
    const claimParts = mapChunks(claimSets, CHUNK);
    const idParts = chunks([...nodeSets.keys()], CHUNK);
    const writes: Statement[] = [
      ...nodeParts.map((part) => updateRows(NODE, "id", part, { sql: `${NODE.col("state")} = 'ready'`, params: [] })),
      ...claimParts.map((part) => updateRows(CLAIM, "id", part, { sql: `${CLAIM.col("state")} = 'queued'`, params: [] })),
      ...idParts.map((part) => ({
        sql: `SELECT ${NODE.select} FROM ${NODE.table} WHERE ${NODE.col("id")} IN (${marks(part.length)})`,
        params: part,
      })),
    ];
    const written = await tx.send(writes, true);
    const nodesWritten = written.slice(0, nodeParts.length).reduce((n, r) => n + affected(r), 0);
    const claimsWritten = written.slice(nodeParts.length, nodeParts.length + claimParts.length).reduce((n, r) => n + affected(r), 0);
    if (nodesWritten !== nodeSets.size || claimsWritten !== claimSets.size) {
      this.logger.error(
        { nodesWritten, nodes: nodeSets.size, claimsWritten, claims: claimSets.size },
        "store: allocate wrote rows it had not locked",
      );
      throw new StandbyError("internal", "allocate: a locked row changed under the transaction");
    }
    const nodeById = new Map(
      written
        .slice(nodeParts.length + claimParts.length)
        .flatMap((r) => rowsOf<NodeRow>(r).map((row) => [row.id, rowToNode(row)] as const)),
    );

    const after = new Map<string, ClaimRecord>();
    requests.forEach((request, i) => {
      const nodeIds = plan[i];
      if (!nodeIds) return;
      const claim = fulfilled(claimOf.get(request.claimId)!, request, nodeIds, at);
      after.set(claim.id, claim);
      results[i]!.claim = claim;
      results[i]!.nodes = nodeIds.map((id) => nodeById.get(id)!);
    });
    return withInserted(results, after);
  }

  /**
   * Round trip 1 locks the claims (FOR UPDATE) and reads them; round trip 2
   * writes the claims that apply (one UPDATE), moves their claimed nodes
   * (one UPDATE) and commits.
   */
  async endClaims(ends: ClaimEnd[]): Promise<ClaimRecord[]> {
    if (ends.length === 0) return [];
    checkClaimEnds("endClaims", ends);
    const ids = chunks([...new Set(ends.map((e) => e.claimId))], CHUNK);
    return this.transaction("endClaims", async (tx) => {
      const reads = ids.map((part) => ({
        sql: `SELECT ${CLAIM.select} FROM ${CLAIM.table} WHERE ${CLAIM.col("id")} IN (${marks(part.length)}) FOR UPDATE`,
        params: part,
      }));
      const before = new Map<string, ClaimRecord>();
      for (const result of await tx.send(reads)) for (const row of rowsOf<ClaimRow>(result)) before.set(row.id, rowToClaim(row));
      const plan = planEnds(new Map([...before].map(([id, c]) => [id, c.state])), ends);
      if (plan.applied.length === 0) return [];
      const claimed = { sql: `${NODE.col("state")} = 'claimed'`, params: [] };
      const writes = mapChunks(plan.claimSets, CHUNK).map((part) => updateRows(CLAIM, "id", part));
      const byClaim = new Map(plan.nodeMoves.map((m) => [m.claimId, moveSet(m.to, m.at)]));
      if (byClaim.size === plan.nodeMoves.length) {
        for (const part of mapChunks(byClaim, CHUNK)) writes.push(updateRows(NODE, "claimId", part, claimed));
      } else {
        // A claim ended twice in one batch: its moves run in order.
        for (const m of plan.nodeMoves) writes.push(updateRows(NODE, "claimId", new Map([[m.claimId, moveSet(m.to, m.at)]]), claimed));
      }
      await tx.send(writes, true);
      return endedClaims(before, plan.applied);
    });
  }

  async appendClaimEvents(events: readonly ClaimEventRecord[]): Promise<void> {
    if (events.length === 0) return;
    await this.transaction("appendClaimEvents", async (tx) => {
      const packets = chunks(insertEvents(events), PACKET);
      for (let i = 0; i < packets.length; i++) await tx.send(packets[i]!, i === packets.length - 1);
    });
  }

  async listClaimEvents(claimId: string): Promise<ClaimEventRecord[]> {
    return this.run("listClaimEvents", async () => {
      const [rows] = await this.pool.query<mysql.RowDataPacket[]>(SELECT_EVENTS_SQL, [claimId]);
      return (rows as unknown as EventRow[]).map(rowToEvent);
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
   * Runs fn in a transaction on one pooled connection, then commits unless
   * fn's last packet already did; runs it again (from the start, fn keeps no
   * state outside) if InnoDB chose it as a deadlock victim or a lock wait
   * timed out.
   */
  private async transaction<T>(what: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    this.assertOpen(what);
    for (let attempt = 1; ; attempt++) {
      let conn: mysql.PoolConnection | undefined;
      let broken = false;
      try {
        conn = await this.txPool.getConnection();
        const tx = new Tx(conn);
        try {
          const result = await fn(tx);
          await tx.commit();
          return result;
        } catch (err) {
          if (!tx.committed) await conn.query("ROLLBACK").catch(() => (broken = true));
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

/** Sends compare-and-set statements (in lock order) PACKET at a time, COMMIT with the last; which changes applied. */
async function casAll(
  tx: Tx,
  order: readonly number[],
  statements: readonly Statement[],
  count: number,
  extra: readonly Statement[] = [],
): Promise<boolean[]> {
  const applied = new Array<boolean>(count).fill(false);
  const parts = chunks(
    order.map((_, k) => k),
    PACKET,
  );
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p]!;
    const last = p === parts.length - 1;
    const results = await tx.send([...part.map((k) => statements[k]!), ...(last ? extra : [])], last);
    part.forEach((k, j) => (applied[order[k]!] = affected(results[j]) === 1));
  }
  return applied;
}

/**
 * `(SELECT id, label, provider, ready_at … LIMIT n FOR UPDATE SKIP LOCKED)
 * UNION ALL …`: the oldest ready nodes of each label, one part per label;
 * each walks the (state, label, ready_at, id) index and stops at its limit
 * (no limit: every ready node of the label), so only those rows are locked.
 */
function candidateRead(limits: ReadonlyMap<string, number | undefined>): Statement {
  const parts: string[] = [];
  const params: Param[] = [];
  for (const [label, limit] of limits) {
    parts.push(
      `(SELECT ${NODE.col("id")} AS id, ${NODE.col("label")} AS label, ${NODE.col("provider")} AS provider, ${NODE.col("readyAt")} AS readyAt ` +
        `FROM ${NODE.table} WHERE ${NODE.col("state")} = 'ready' AND ${NODE.col("label")} = ? ` +
        `ORDER BY ${NODE.col("readyAt")}, ${NODE.col("id")}${limit === undefined ? "" : " LIMIT ?"} FOR UPDATE SKIP LOCKED)`,
    );
    params.push(label);
    if (limit !== undefined) params.push(limit);
  }
  return { sql: parts.length === 1 ? parts[0]!.slice(1, -1) : parts.join(" UNION ALL "), params };
}

function claimsByRequestIdSql(count: number): string {
  return `SELECT ${CLAIM.select} FROM ${CLAIM.table} WHERE ${CLAIM.col("requestId")} IN (${marks(count)})`;
}

/**
 * Every connection runs READ COMMITTED with a short lock wait and without
 * NO_BACKSLASH_ESCAPES (mysql2 escapes parameters client-side, with
 * backslashes); transaction connections also run with autocommit off and
 * accept several statements per packet. Set when the pool opens a
 * connection, before anything else runs on it.
 *
 * multipleStatements is safe here because the transaction pool only ever
 * runs this file's SQL: statement text is built from the schema's column
 * names, every value is a bound parameter, and the escaping of those
 * parameters is sound for utf8mb4 once NO_BACKSLASH_ESCAPES is off (which
 * checkSession verifies).
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
    multipleStatements: transactions,
  });
  const statements = [
    "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
    `SET SESSION innodb_lock_wait_timeout = ${LOCK_WAIT_SECONDS}, autocommit = ${transactions ? 0 : 1}, ` +
      "sql_mode = TRIM(BOTH ',' FROM REPLACE(CONCAT(',', @@SESSION.sql_mode, ','), ',NO_BACKSLASH_ESCAPES,', ','))",
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
      "SHOW SESSION VARIABLES WHERE Variable_name IN ('tx_isolation', 'transaction_isolation', 'autocommit', 'sql_mode')",
    );
    await conn.query("COMMIT");
  } finally {
    conn.release();
  }
  const vars = new Map(rows.map((r) => [String(r.Variable_name), String(r.Value)]));
  const isolation = vars.get("transaction_isolation") ?? vars.get("tx_isolation");
  const autocommit = vars.get("autocommit");
  const sqlMode = vars.get("sql_mode") ?? "";
  if (isolation !== "READ-COMMITTED" || autocommit !== (transactions ? "OFF" : "ON") || /NO_BACKSLASH_ESCAPES/i.test(sqlMode)) {
    throw new StandbyError(
      "internal",
      `store session misconfigured: isolation ${isolation}, autocommit ${autocommit}, sql_mode ${sqlMode}`,
    );
  }
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
        for (const statement of migration.statements) {
          try {
            await conn.query(statement);
          } catch (err) {
            // MySQL DDL commits as it goes: after a crash half way, an ALTER that
            // already ran finds its column or index there. That is done, not wrong.
            if (!isAlreadyApplied(err)) throw err;
            logger.warn({ version: migration.version, statement: statement.slice(0, 80) }, "migration statement had already been applied");
          }
        }
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
