import { LIVE_NODE_STATES } from "../core/states.js";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { and, asc, desc, eq, getTableName, gt, inArray, lt, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
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
import { isDuplicateKey, storeError } from "./driver-errors.js";
import { checkMigrationList, latestVersion } from "./migration.js";
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
import { column, sortShape, type SchemaShape, type TableShape } from "./schema-shape.js";
import type { AppliedMigration, SqlStore, StoreOptions } from "./sql-store.js";
import { SQLITE_MIGRATIONS, SQLITE_MIGRATIONS_TABLE } from "./sqlite-migrations.js";
import { groupSet } from "./update-sql.js";
import { claims, meta, nodes, schemaMigrations, sqliteTables } from "./sqlite-schema.js";

type Db = BetterSQLite3Database;

/** How long a writer waits for another connection's write lock before failing. */
const BUSY_TIMEOUT_MS = 5_000;

/** `id IN (the ids)`, as one bound JSON parameter, so statements can be prepared once. */
const idIn = (col: SQLWrapper, param: SQL | string): SQL => sql`${col} in (select value from json_each(${param}))`;

/**
 * The embedded store: one SQLite file (WAL, synchronous=NORMAL). better-sqlite3
 * is synchronous, so every method runs to completion without yielding and
 * each write transaction is BEGIN IMMEDIATE: two handles on one file (or two
 * processes) serialise on SQLite's write lock, never interleave.
 */
export class SqliteStore implements SqlStore {
  readonly dialect = "sqlite" as const;
  private readonly db: Db;
  private readonly q;
  private closed = false;

  private constructor(private readonly sqlite: Database.Database) {
    this.db = drizzle({ client: sqlite });
    const db = this.db;
    const p = sql.placeholder;
    this.q = {
      getNode: db.select().from(nodes).where(eq(nodes.id, p("id"))).prepare(),
      getClaim: db.select().from(claims).where(eq(claims.id, p("id"))).prepare(),
      claimByRequestId: db.select().from(claims).where(eq(claims.requestId, p("requestId"))).prepare(),
      nodeStates: db.select({ id: nodes.id, state: nodes.state }).from(nodes).where(idIn(nodes.id, sql`${p("ids")}`)).prepare(),
      claimStates: db.select({ id: claims.id, state: claims.state }).from(claims).where(idIn(claims.id, sql`${p("ids")}`)).prepare(),
      claimsByIds: db.select().from(claims).where(idIn(claims.id, sql`${p("ids")}`)).prepare(),
      readyOfLabel: db
        .select()
        .from(nodes)
        .where(and(eq(nodes.state, "ready"), eq(nodes.label, p("label"))))
        .orderBy(asc(nodes.readyAt), asc(nodes.id))
        .limit(p("limit"))
        .prepare(),
      claimNode: db
        .update(nodes)
        .set({ state: "claimed", claimId: sql`${p("claimId")}`, stateChangedAt: sql`${p("at")}` })
        .where(and(eq(nodes.id, p("id")), eq(nodes.state, "ready")))
        .prepare(),
      fulfilClaim: db
        .update(claims)
        .set({
          state: "fulfilled",
          fulfilledAt: sql`${p("at")}`,
          leaseHash: sql`${p("leaseHash")}`,
          leaseExpiresAt: sql`${p("leaseExpiresAt")}`,
          nodeIds: sql`${p("nodeIds")}`,
        })
        .where(and(eq(claims.id, p("id")), eq(claims.state, "queued")))
        .prepare(),
      moveClaimed: db
        .update(nodes)
        .set({ state: sql`${p("to")}`, stateChangedAt: sql`${p("at")}` })
        .where(and(eq(nodes.state, "claimed"), idIn(nodes.claimId, sql`${p("claimIds")}`)))
        .prepare(),
      moveClaimedToReady: db
        .update(nodes)
        .set({ state: sql`${p("to")}`, stateChangedAt: sql`${p("at")}`, readyAt: sql`${p("at")}` })
        .where(and(eq(nodes.state, "claimed"), idIn(nodes.claimId, sql`${p("claimIds")}`)))
        .prepare(),
      insertNode: db
        .insert(nodes)
        .values(placeholders(nodeToRow(exampleNode)))
        .prepare(),
      insertClaim: db
        .insert(claims)
        .values(placeholders(claimToRow(exampleClaim)))
        .prepare(),
      getMeta: db.select({ value: meta.value }).from(meta).where(eq(meta.name, p("name"))).prepare(),
      insertMeta: db
        .insert(meta)
        .values({ name: sql`${p("name")}`, value: sql`${p("value")}` })
        .onConflictDoNothing()
        .prepare(),
      countNodes: db
        .select({ label: nodes.label, provider: nodes.provider, state: nodes.state, count: sql<number>`count(*)` })
        .from(nodes)
        .where(inArray(nodes.state, [...LIVE_NODE_STATES]))
        .groupBy(nodes.label, nodes.provider, nodes.state)
        .orderBy(nodes.label, nodes.provider, nodes.state)
        .prepare(),
    };
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
      this.db.transaction(
        () => {
          this.q.insertMeta.run({ name: key, value });
          return this.q.getMeta.get({ name: key })!.value;
        },
        { behavior: "immediate" },
      ),
    );
  }

  async insertNodes(records: NodeRecord[]): Promise<void> {
    if (records.length === 0) return;
    this.run("insertNodes", () =>
      this.db.transaction(
        () => {
          for (const record of records) this.q.insertNode.run(nodeToRow(record));
        },
        { behavior: "immediate" },
      ),
    );
  }

  async getNode(id: string): Promise<NodeRecord | undefined> {
    return this.run("getNode", () => {
      const row = this.q.getNode.get({ id });
      return row && rowToNode(row);
    });
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

  async transitionNodes(changes: NodeTransition[]): Promise<string[]> {
    if (changes.length === 0) return [];
    return this.run("transitionNodes", () =>
      this.db.transaction(
        () => {
          const ids = JSON.stringify([...new Set(changes.map((c) => c.id))]);
          const states = new Map(this.q.nodeStates.all({ ids }).map((r) => [r.id, r.state as NodeState]));
          const plan = planTransitions(states, changes);
          this.applyGroups(nodes, plan.updates);
          return plan.changed;
        },
        { behavior: "immediate" },
      ),
    );
  }

  async countNodes(): Promise<NodeCount[]> {
    return this.run("countNodes", () =>
      this.q.countNodes.all().map((r) => ({
        label: r.label,
        provider: r.provider,
        state: r.state as NodeState,
        count: Number(r.count),
      })),
    );
  }

  async createClaim(claim: ClaimRecord): Promise<{ claim: ClaimRecord; created: boolean }> {
    return this.run("createClaim", () => {
      try {
        this.q.insertClaim.run(claimToRow(claim));
        return { claim: structuredClone(claim), created: true };
      } catch (err) {
        if (!isDuplicateKey(err) || claim.requestId === "") throw err;
        const existing = this.q.claimByRequestId.get({ requestId: claim.requestId });
        if (!existing) throw err;
        return { claim: rowToClaim(existing), created: false };
      }
    });
  }

  async getClaim(id: string): Promise<ClaimRecord | undefined> {
    return this.run("getClaim", () => {
      const row = this.q.getClaim.get({ id });
      return row && rowToClaim(row);
    });
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

  async updateClaims(updates: ClaimUpdate[]): Promise<string[]> {
    if (updates.length === 0) return [];
    return this.run("updateClaims", () =>
      this.db.transaction(
        () => {
          const ids = JSON.stringify([...new Set(updates.map((u) => u.id))]);
          const states = new Map(this.q.claimStates.all({ ids }).map((r) => [r.id, r.state as ClaimState]));
          const plan = planClaimUpdates(states, updates);
          this.applyGroups(claims, plan.updates);
          return plan.changed;
        },
        { behavior: "immediate" },
      ),
    );
  }

  async allocate(requests: AllocationRequest[], at: number): Promise<Allocation[]> {
    if (requests.length === 0) return [];
    return this.run("allocate", () =>
      this.db.transaction(
        () => {
          const ids = JSON.stringify([...new Set(requests.map((r) => r.claimId))]);
          const claimRows = new Map(this.q.claimsByIds.all({ ids }).map((r) => [r.id, r]));
          const queued = new Set([...claimRows.values()].filter((r) => r.state === "queued").map((r) => r.id));
          const empty = requests.map((r): Allocation => ({ claimId: r.claimId, nodes: [] }));
          if (queued.size === 0) return empty;

          const live = requests.filter((r) => queued.has(r.claimId));
          const nodeRows = new Map<string, NodeRow>();
          const truncated = new Set<string>();
          const read = (label: string, limit: number) => {
            const rows = this.q.readyOfLabel.all({ label, limit });
            for (const row of rows) nodeRows.set(row.id, row);
            if (limit >= 0 && rows.length >= limit) truncated.add(label);
          };
          for (const [label, limit] of candidateLimits(live)) read(label, limit);
          let plan = planAllocations(requests, queued, [...nodeRows.values()]);
          const again = labelsToReadInFull(requests, plan, queued, truncated);
          if (again.length > 0) {
            for (const label of again) read(label, -1);
            plan = planAllocations(requests, queued, [...nodeRows.values()]);
          }
          if (plan.every((ids) => ids === undefined)) return empty;
          return requests.map((request, i): Allocation => {
            const nodeIds = plan[i];
            if (!nodeIds) return { claimId: request.claimId, nodes: [] };
            for (const id of nodeIds) {
              if (this.q.claimNode.run({ id, claimId: request.claimId, at }).changes !== 1) {
                throw new StandbyError("internal", `allocate: node ${id} was not ready`);
              }
            }
            const change = {
              id: request.claimId,
              at,
              leaseHash: request.leaseHash,
              leaseExpiresAt: request.leaseExpiresAt,
              nodeIds: JSON.stringify(nodeIds),
            };
            if (this.q.fulfilClaim.run(change).changes !== 1) {
              throw new StandbyError("internal", `allocate: claim ${request.claimId} was not queued`);
            }
            return {
              claimId: request.claimId,
              claim: fulfilled(rowToClaim(claimRows.get(request.claimId)!), request, nodeIds, at),
              nodes: nodeIds.map((id) => claimedNode(nodeRows.get(id)!, request.claimId, at)),
            };
          });
        },
        { behavior: "immediate" },
      ),
    );
  }

  async endClaims(ends: ClaimEnd[]): Promise<ClaimRecord[]> {
    if (ends.length === 0) return [];
    return this.run("endClaims", () =>
      this.db.transaction(
        () => {
          const ids = JSON.stringify([...new Set(ends.map((e) => e.claimId))]);
          const rows = new Map(this.q.claimsByIds.all({ ids }).map((r) => [r.id, rowToClaim(r)]));
          const plan = planEnds(new Map([...rows].map(([id, c]) => [id, c.state])), ends);
          this.applyGroups(claims, plan.claimUpdates);
          for (const move of plan.nodeMoves) {
            const params = { to: move.to, at: move.at, claimIds: JSON.stringify(move.claimIds) };
            (move.to === "ready" ? this.q.moveClaimedToReady : this.q.moveClaimed).run(params);
          }
          return endedClaims(rows, plan.applied);
        },
        { behavior: "immediate" },
      ),
    );
  }

  async appliedMigrations(): Promise<AppliedMigration[]> {
    return this.run("appliedMigrations", () =>
      this.db.select().from(schemaMigrations).orderBy(asc(schemaMigrations.version)).all(),
    );
  }

  async describeSchema(): Promise<SchemaShape> {
    return this.run("describeSchema", () => {
      const names = Object.values(sqliteTables).map((t) => getTableName(t));
      return sortShape(names.map((name) => describeSqliteTable(this.sqlite, name)));
    });
  }

  private applyGroups(table: typeof nodes | typeof claims, groups: readonly UpdateGroup[]): void {
    // SQLite binds at most 32766 parameters; a CASE costs two per row.
    for (const part of groups.flatMap((g) => chunkGroup(g, 500))) {
      this.db
        .update(table)
        .set(groupSet(part, table.id))
        .where(idIn(table.id, JSON.stringify(part.ids)))
        .run();
    }
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

function placeholders<T extends object>(example: T): { [K in keyof T]: SQL } {
  return Object.fromEntries(Object.keys(example).map((k) => [k, sql`${sql.placeholder(k)}`])) as { [K in keyof T]: SQL };
}

const exampleNode: NodeRecord = {
  id: "",
  label: "",
  provider: "",
  state: "launching",
  instanceId: "",
  addresses: [],
  sshPort: 0,
  username: "",
  hostKeys: [],
  tags: [],
  image: "",
  flavor: "",
  claimId: "",
  createdAt: 0,
  stateChangedAt: 0,
  readyAt: 0,
  failureReason: "",
};

const exampleClaim: ClaimRecord = {
  id: "",
  requestId: "",
  requestHash: "",
  state: "queued",
  labelExpressions: [],
  requester: "",
  jobName: "",
  priority: 0,
  leaseTtlSeconds: 0,
  sshPublicKeys: [],
  tokenHash: "",
  createdAt: 0,
  lastSeenAt: 0,
  fulfilledAt: 0,
  leaseHash: "",
  leaseExpiresAt: 0,
  nodeIds: [],
  outcome: "",
  endedAt: 0,
  failureReason: "",
};
