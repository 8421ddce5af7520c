import { LIVE_NODE_STATES } from "../core/states.js";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { and, asc, desc, eq, getTableName, gt, inArray, lt, sql, type SQL } from "drizzle-orm";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
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
import { eventValues, insertEventsSql, rowToEvent, SELECT_EVENTS_SQL, type EventRow } from "./claim-events.js";
import { isDuplicateKey, storeError } from "./driver-errors.js";
import { SqlHoldStore } from "./hold-sql.js";
import { checkMigrationList, latestVersion } from "./migration.js";
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
  endSet,
  insertable,
  labelsToReadInFull,
  nodeUpdateFrom,
  nodeUpdateSet,
  planAllocations,
  requeueSet,
  transitionSet,
  type Candidate,
} from "./plan.js";
import { claimToRow, nodeToRow, rowToClaim, rowToNode, type ClaimRow, type NodeRow, type RowValues } from "./records.js";
import { copyClaim, fulfilled, withInserted } from "./results.js";
import { column, sortShape, type SchemaShape, type TableShape } from "./schema-shape.js";
import type { AppliedMigration, SqlStore, StoreOptions } from "./sql-store.js";
import { casUpdateSql, Columns, insertSql, marks, type Param } from "./sql-text.js";
import { SqliteImageRecords } from "./sqlite-images.js";
import { SQLITE_MIGRATIONS, SQLITE_MIGRATIONS_TABLE } from "./sqlite-migrations.js";
import { claims, meta, nodes, schemaMigrations, sqliteTables } from "./sqlite-schema.js";

type Db = BetterSQLite3Database;
type Stmt = Database.Statement<Param[], unknown>;

/** How long a writer waits for another connection's write lock before failing. */
const BUSY_TIMEOUT_MS = 5_000;

const NODE = new Columns(nodes);
const CLAIM = new Columns(claims);

/**
 * The embedded store: one SQLite file (WAL, synchronous=NORMAL). better-sqlite3
 * is synchronous, so every method runs to completion without yielding and
 * each write transaction is BEGIN IMMEDIATE: two handles on one file (or two
 * processes) serialise on SQLite's write lock, never interleave.
 *
 * The hot paths are better-sqlite3 statements prepared once (per shape, for
 * the compare-and-set updates) and run with positional parameters; drizzle
 * serves the cold ones (listing, meta, migrations).
 */
export class SqliteStore implements SqlStore {
  readonly dialect = "sqlite" as const;
  readonly images: SqliteImageRecords;
  readonly holds: HoldStore;
  private readonly db: Db;
  private readonly q;
  /** Compare-and-set updates and other statements whose text depends on the call's shape. */
  private readonly shaped = new Map<string, Stmt>();
  /** Runs a function inside BEGIN IMMEDIATE … COMMIT (ROLLBACK if it throws). */
  private readonly immediate: (fn: () => unknown) => unknown;
  private closed = false;

  private constructor(private readonly sqlite: Database.Database) {
    this.db = drizzle({ client: sqlite });
    this.images = new SqliteImageRecords(this.db, () => this.closed);
    const prepare = (text: string): Stmt => sqlite.prepare<Param[]>(text);
    const ready = `${NODE.col("state")} = 'ready'`;
    this.q = {
      getNode: prepare(`SELECT ${NODE.select} FROM ${NODE.table} WHERE ${NODE.col("id")} = ?`),
      getClaim: prepare(`SELECT ${CLAIM.select} FROM ${CLAIM.table} WHERE ${CLAIM.col("id")} = ?`),
      claimByRequestId: prepare(`SELECT ${CLAIM.select} FROM ${CLAIM.table} WHERE ${CLAIM.col("requestId")} = ?`),
      insertNode: prepare(insertSql(NODE, 1)),
      insertClaim: prepare(insertSql(CLAIM, 1)),
      insertEvent: prepare(insertEventsSql(1)),
      claimEvents: prepare(SELECT_EVENTS_SQL),
      // (id, label, provider, readyAt) of the oldest ready nodes of a label;
      // walks the (state, label, ready_at, id) index and stops at the limit.
      readyOfLabel: prepare(
        `SELECT ${NODE.col("id")}, ${NODE.col("label")}, ${NODE.col("provider")}, ${NODE.col("readyAt")} FROM ${NODE.table} ` +
          `WHERE ${ready} AND ${NODE.col("label")} = ? ORDER BY ${NODE.col("readyAt")}, ${NODE.col("id")} LIMIT ?`,
      ).raw(true),
      claimNode: prepare(
        `UPDATE ${NODE.table} SET ${NODE.col("state")} = 'claimed', ${NODE.col("claimId")} = ?, ${NODE.col("stateChangedAt")} = ? ` +
          `WHERE ${NODE.col("id")} = ? AND ${ready}`,
      ),
      fulfilClaim: prepare(
        `UPDATE ${CLAIM.table} SET ${CLAIM.col("state")} = 'fulfilled', ${CLAIM.col("fulfilledAt")} = ?, ${CLAIM.col("leaseHash")} = ?, ` +
          `${CLAIM.col("leaseExpiresAt")} = ?, ${CLAIM.col("nodeIds")} = ? WHERE ${CLAIM.col("id")} = ? AND ${CLAIM.col("state")} = 'queued'`,
      ),
      moveClaimed: prepare(
        `UPDATE ${NODE.table} SET ${NODE.col("state")} = ?, ${NODE.col("stateChangedAt")} = ? ` +
          `WHERE ${NODE.col("claimId")} = ? AND ${NODE.col("state")} = 'claimed'`,
      ),
      countNodes: prepare(
        `SELECT ${NODE.col("label")}, ${NODE.col("provider")}, ${NODE.col("state")}, count(*) FROM ${NODE.table} ` +
          `WHERE ${NODE.col("state")} IN (${marks(LIVE_NODE_STATES.length)}) ` +
          `GROUP BY ${NODE.col("label")}, ${NODE.col("provider")}, ${NODE.col("state")} ` +
          `ORDER BY ${NODE.col("label")}, ${NODE.col("provider")}, ${NODE.col("state")}`,
      ).raw(true),
      getMeta: this.db
        .select({ value: meta.value })
        .from(meta)
        .where(eq(meta.name, sql.placeholder("name")))
        .prepare(),
      insertMeta: this.db
        .insert(meta)
        .values({ name: sql`${sql.placeholder("name")}`, value: sql`${sql.placeholder("value")}` })
        .onConflictDoNothing()
        .prepare(),
    };
    const tx = sqlite.transaction((fn: () => unknown) => fn());
    this.immediate = (fn) => tx.immediate(fn);
    const statement = (text: string): Stmt => this.shaped.get(text) ?? this.shaped.set(text, prepare(text)).get(text)!;
    this.holds = new SqlHoldStore({
      dialect: "sqlite",
      all: async (what, s) => this.run(what, () => statement(s.sql).all(...s.params) as Record<string, unknown>[]),
      write: async (what, list) => this.run(what, () => this.write(() => list.map((s) => statement(s.sql).run(...s.params).changes))),
    });
  }

  /** Opens (creating if needed) the database at path and migrates it. */
  static open(path: string, options: StoreOptions = {}): SqliteStore {
    const logger = options.logger ?? silentLogger;
    let sqlite: Database.Database;
    try {
      if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
      sqlite = new Database(path);
      sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      if (path !== ":memory:") sqlite.pragma("journal_mode = WAL");
      sqlite.pragma("synchronous = NORMAL");
    } catch (err) {
      throw storeError(err, "open sqlite store");
    }
    try {
      migrate(sqlite, logger, options.clock ?? systemClock);
      return new SqliteStore(sqlite);
    } catch (err) {
      sqlite.close();
      throw storeError(err, "migrate sqlite store");
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sqlite.close();
  }

  async getMeta(key: string): Promise<string | undefined> {
    return this.run("getMeta", () => this.q.getMeta.get({ name: key })?.value);
  }

  async setMetaIfAbsent(key: string, value: string): Promise<string> {
    return this.run("setMetaIfAbsent", () =>
      this.write(() => {
        this.q.insertMeta.run({ name: key, value });
        return this.q.getMeta.get({ name: key })!.value;
      }),
    );
  }

  async insertNodes(records: NodeRecord[], events: readonly ClaimEventRecord[] = []): Promise<void> {
    if (records.length === 0 && events.length === 0) return;
    this.run("insertNodes", () =>
      this.write(() => {
        for (const record of records) this.q.insertNode.run(...NODE.values(nodeToRow(record)));
        this.insertEvents(events);
      }),
    );
  }

  async getNode(id: string): Promise<NodeRecord | undefined> {
    return this.run("getNode", () => this.node(id));
  }

  async listNodes(filter: NodeFilter = {}): Promise<NodeRecord[]> {
    return this.run("listNodes", () => {
      const where: SQL[] = [];
      if (filter.label !== undefined) where.push(eq(nodes.label, filter.label));
      if (filter.provider !== undefined) where.push(eq(nodes.provider, filter.provider));
      if (filter.claimId !== undefined) where.push(eq(nodes.claimId, filter.claimId));
      if (filter.states === undefined) where.push(inArray(nodes.state, [...LIVE_NODE_STATES]));
      else if (filter.states.length === 0) return [];
      else where.push(inArray(nodes.state, filter.states));
      return this.db
        .select()
        .from(nodes)
        .where(and(...where))
        .orderBy(asc(nodes.createdAt), asc(nodes.id))
        .all()
        .map(rowToNode);
    });
  }

  /** One compare-and-set UPDATE per change, in order, in one transaction: no read first. */
  async transitionNodes(changes: NodeTransition[], events: readonly ClaimEventRecord[] = []): Promise<string[]> {
    if (changes.length === 0 && events.length === 0) return [];
    return this.run("transitionNodes", () => {
      checkNodeTransitions("transitionNodes", changes);
      return this.write(() => {
        const changed = changedIds(
          changes,
          changes.map((c) => this.cas(NODE, transitionSet(c), c.id, c.from)),
        );
        this.insertEvents(events);
        return changed;
      });
    });
  }

  /** One compare-and-set UPDATE per field-only change, in order, in one transaction. */
  async updateNodes(updates: NodeUpdate[]): Promise<string[]> {
    if (updates.length === 0) return [];
    return this.run("updateNodes", () => {
      checkNodeUpdates("updateNodes", updates);
      return this.write(() =>
        changedIds(
          updates,
          updates.map((u) => this.cas(NODE, nodeUpdateSet(u), u.id, nodeUpdateFrom(u))),
        ),
      );
    });
  }

  async countNodes(): Promise<NodeCount[]> {
    return this.run("countNodes", () =>
      (this.q.countNodes.all(...LIVE_NODE_STATES) as [string, string, NodeState, number][]).map(([label, provider, state, count]) => ({
        label,
        provider,
        state,
        count: Number(count),
      })),
    );
  }

  async createClaim(claim: ClaimRecord): Promise<{ claim: ClaimRecord; created: boolean }> {
    return this.run("createClaim", () => {
      const existing = this.insertClaim(claim);
      return existing ? { claim: existing, created: false } : { claim: copyClaim(claim), created: true };
    });
  }

  async getClaim(id: string): Promise<ClaimRecord | undefined> {
    return this.run("getClaim", () => this.claim(id));
  }

  async listClaims(filter: { states?: ClaimState[]; leaseExpiresBefore?: number } = {}): Promise<ClaimRecord[]> {
    return this.run("listClaims", () => {
      const where: SQL[] = [];
      if (filter.states !== undefined) {
        if (filter.states.length === 0) return [];
        where.push(inArray(claims.state, filter.states));
      }
      if (filter.leaseExpiresBefore !== undefined) {
        where.push(gt(claims.leaseExpiresAt, 0), lt(claims.leaseExpiresAt, filter.leaseExpiresBefore));
      }
      return this.db
        .select()
        .from(claims)
        .where(and(...where))
        .orderBy(desc(claims.priority), asc(claims.createdAt), asc(claims.id))
        .all()
        .map(rowToClaim);
    });
  }

  async transitionClaims(changes: ClaimTransition[]): Promise<string[]> {
    if (changes.length === 0) return [];
    return this.run("transitionClaims", () => {
      checkClaimTransitions("transitionClaims", changes);
      return this.write(() =>
        changedIds(
          changes,
          changes.map((c) => this.cas(CLAIM, claimTransitionSet(c), c.id, c.from)),
        ),
      );
    });
  }

  async updateClaims(updates: ClaimUpdate[]): Promise<string[]> {
    if (updates.length === 0) return [];
    return this.run("updateClaims", () => {
      checkClaimUpdates("updateClaims", updates);
      return this.write(() =>
        changedIds(
          updates,
          updates.map((u) => this.cas(CLAIM, claimUpdateSet(u), u.id, u.from)),
        ),
      );
    });
  }

  async requeueClaim(requeue: ClaimRequeue): Promise<ClaimRecord | undefined> {
    return this.run("requeueClaim", () => {
      checkRequeue("requeueClaim", requeue);
      return this.write(() => {
        if (!this.cas(CLAIM, requeueSet(), requeue.claimId, ["fulfilled"])) return undefined;
        this.moveClaimed(requeue.claimId, requeue.nodesTo, requeue.at);
        this.insertEvents(requeue.events ?? []);
        return this.claim(requeue.claimId);
      });
    });
  }

  async allocate(requests: AllocationRequest[], at: number): Promise<Allocation[]> {
    if (requests.length === 0) return [];
    return this.run("allocate", () => {
      checkAllocation("allocate");
      return this.write(() => this.allocateInTransaction(requests, at));
    });
  }

  private allocateInTransaction(requests: AllocationRequest[], at: number): Allocation[] {
    const results = requests.map((r): Allocation => ({ claimId: r.claimId, nodes: [] }));
    // The claims as this transaction sees them, and which requests may be served.
    const claimOf = new Map<string, ClaimRecord | undefined>();
    const served = requests.map(() => true);
    requests.forEach((request, i) => {
      if (!request.insert) return;
      const record = insertable(request);
      const existing = this.insertClaim(record);
      if (existing) {
        results[i]!.inserted = { claim: existing, created: false };
        served[i] = false;
      } else {
        claimOf.set(record.id, copyClaim(record));
        results[i]!.inserted = { claim: copyClaim(record), created: true };
      }
    });
    for (const request of requests) if (!claimOf.has(request.claimId)) claimOf.set(request.claimId, this.claim(request.claimId));
    const queued = new Set([...claimOf.values()].filter((c) => c?.state === "queued").map((c) => c!.id));
    const live = requests.filter((r, i) => served[i] && queued.has(r.claimId));
    if (live.length === 0) return results;

    const candidates = new Map<string, Candidate>();
    const truncated = new Set<string>();
    const read = (label: string, limit: number) => {
      const rows = this.q.readyOfLabel.all(label, limit) as [string, string, string, number][];
      for (const [id, l, provider, readyAt] of rows) candidates.set(id, { id, label: l, provider, readyAt: Number(readyAt) });
      if (limit >= 0 && rows.length >= limit) truncated.add(label);
    };
    for (const [label, limit] of candidateLimits(live)) read(label, limit);
    const planned = requests.map((r, i) => (served[i] ? r : { ...r, slots: [] }));
    let plan = planAllocations(planned, queued, [...candidates.values()]);
    const again = labelsToReadInFull(planned, plan, queued, truncated);
    if (again.length > 0) {
      for (const label of again) read(label, -1);
      plan = planAllocations(planned, queued, [...candidates.values()]);
    }

    const after = new Map<string, ClaimRecord>();
    requests.forEach((request, i) => {
      const nodeIds = plan[i];
      if (!nodeIds) return;
      for (const id of nodeIds) {
        if (this.q.claimNode.run(request.claimId, at, id).changes !== 1) {
          throw new StandbyError("internal", `allocate: node ${id} was not ready`);
        }
      }
      const params = [at, request.leaseHash, request.leaseExpiresAt, JSON.stringify(nodeIds), request.claimId];
      if (this.q.fulfilClaim.run(...params).changes !== 1) {
        throw new StandbyError("internal", `allocate: claim ${request.claimId} was not queued`);
      }
      const claim = fulfilled(claimOf.get(request.claimId)!, request, nodeIds, at);
      after.set(claim.id, claim);
      results[i]!.claim = claim;
      results[i]!.nodes = nodeIds.map((id) => this.node(id)!);
    });
    return withInserted(results, after);
  }

  /** Ends each claim whose state matches, in order, and moves its claimed nodes on; no read first. */
  async endClaims(ends: ClaimEnd[]): Promise<ClaimRecord[]> {
    if (ends.length === 0) return [];
    return this.run("endClaims", () => {
      checkClaimEnds("endClaims", ends);
      return this.write(() => {
        const ended = new Set<string>();
        for (const end of ends) {
          if (!this.cas(CLAIM, endSet(end), end.claimId, end.from)) continue;
          this.moveClaimed(end.claimId, end.nodesTo, end.at);
          // In the order of each claim's last end, as stored after all of them.
          ended.delete(end.claimId);
          ended.add(end.claimId);
        }
        return [...ended].map((id) => this.claim(id)!);
      });
    });
  }

  /** Moves the claim's claimed nodes on (checked by the caller: never to ready). */
  private moveClaimed(claimId: string, to: NodeState, at: number): void {
    this.q.moveClaimed.run(to, at, claimId);
  }

  async appendClaimEvents(events: readonly ClaimEventRecord[]): Promise<void> {
    if (events.length === 0) return;
    this.run("appendClaimEvents", () => this.write(() => this.insertEvents(events)));
  }

  async listClaimEvents(claimId: string): Promise<ClaimEventRecord[]> {
    return this.run("listClaimEvents", () => (this.q.claimEvents.all(claimId) as EventRow[]).map(rowToEvent));
  }

  async appliedMigrations(): Promise<AppliedMigration[]> {
    return this.run("appliedMigrations", () => this.db.select().from(schemaMigrations).orderBy(asc(schemaMigrations.version)).all());
  }

  async describeSchema(): Promise<SchemaShape> {
    return this.run("describeSchema", () => {
      const names = Object.values(sqliteTables).map((t) => getTableName(t));
      return sortShape(names.map((name) => describeSqliteTable(this.sqlite, name)));
    });
  }

  private insertEvents(events: readonly ClaimEventRecord[]): void {
    for (const e of events) this.q.insertEvent.run(...eventValues(e));
  }

  private node(id: string): NodeRecord | undefined {
    const row = this.q.getNode.get(id) as NodeRow | undefined;
    return row && rowToNode(row);
  }

  private claim(id: string): ClaimRecord | undefined {
    const row = this.q.getClaim.get(id) as ClaimRow | undefined;
    return row && rowToClaim(row);
  }

  /**
   * Inserts the claim; if its non-empty request id is taken, inserts nothing
   * and returns the claim holding it. A failed INSERT undoes only itself, so
   * inside a batch's transaction the rest goes on.
   */
  private insertClaim(claim: ClaimRecord): ClaimRecord | undefined {
    try {
      this.q.insertClaim.run(...CLAIM.values(claimToRow(claim)));
      return undefined;
    } catch (err) {
      if (!isDuplicateKey(err) || claim.requestId === "") throw err;
      const existing = this.q.claimByRequestId.get(claim.requestId) as ClaimRow | undefined;
      if (!existing) throw err;
      return rowToClaim(existing);
    }
  }

  /** `UPDATE … SET … WHERE id = ? AND state IN (from)`; whether it applied. */
  private cas(cols: Columns, set: RowValues, id: string, from: readonly string[]): boolean {
    if (from.length === 0) return false;
    const fields = Object.keys(set);
    const key = `${cols.table}|${from.length}|${fields.join(",")}`;
    let stmt = this.shaped.get(key);
    if (!stmt) {
      stmt = this.sqlite.prepare<Param[]>(casUpdateSql(cols, fields, from.length));
      this.shaped.set(key, stmt);
    }
    const params: Param[] = fields.map((f) => set[f] ?? null);
    params.push(id, ...from);
    return stmt.run(...params).changes === 1;
  }

  private write<T>(fn: () => T): T {
    return this.immediate(fn) as T;
  }

  private run<T>(what: string, fn: () => T): T {
    if (this.closed) throw new StandbyError("unavailable", `${what}: store is closed`);
    try {
      return fn();
    } catch (err) {
      throw storeError(err, what);
    }
  }
}

function migrate(sqlite: Database.Database, logger: Logger, clock: Clock): void {
  checkMigrationList(SQLITE_MIGRATIONS);
  // Immediate: a second process starting at the same time waits here, then
  // finds the versions recorded and applies nothing.
  sqlite
    .transaction(() => {
      sqlite.exec(SQLITE_MIGRATIONS_TABLE);
      const applied = new Set(
        (sqlite.prepare("SELECT version FROM schema_migrations").all() as { version: number }[]).map((r) => r.version),
      );
      const known = latestVersion(SQLITE_MIGRATIONS);
      const newest = Math.max(0, ...applied);
      if (newest > known) {
        logger.warn({ databaseVersion: newest, knownVersion: known }, "store schema is newer than this scheduler");
      }
      const record = sqlite.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
      for (const migration of SQLITE_MIGRATIONS) {
        if (applied.has(migration.version)) continue;
        for (const statement of migration.statements) sqlite.exec(statement);
        record.run(migration.version, migration.name, clock.now());
        logger.info({ version: migration.version, name: migration.name }, "store migration applied");
      }
    })
    .immediate();
}

function describeSqliteTable(sqlite: Database.Database, name: string): TableShape {
  const columns = sqlite.prepare(`PRAGMA table_info("${name}")`).all() as {
    name: string;
    type: string;
    notnull: number;
    pk: number;
  }[];
  const indexes = (sqlite.prepare(`PRAGMA index_list("${name}")`).all() as { name: string; unique: number; origin: string }[])
    .filter((i) => i.origin === "c")
    .map((i) => ({
      name: i.name,
      unique: i.unique === 1,
      columns: (sqlite.prepare(`PRAGMA index_info("${i.name}")`).all() as { seqno: number; name: string }[])
        .sort((a, b) => a.seqno - b.seqno)
        .map((c) => c.name),
    }));
  return {
    name,
    columns: columns.map((c) => column(c.name, c.type, c.notnull === 1 || c.pk > 0, c.pk > 0)),
    indexes,
  };
}
