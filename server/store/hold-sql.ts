import type {
  HoldKeyRecord,
  HoldRecord,
  HoldRuleRecord,
  HoldRuleSource,
  HoldSnapshotRecord,
  HoldSource,
  HoldStore,
  SnapshotState,
} from "../core/holds.js";
import type { Visibility } from "../../common/provider.js";
import { isDuplicateKey } from "./driver-errors.js";
import { chunks, Columns, insertSql, marks, type Param, type Statement } from "./sql-text.js";
import { holdKeys, holdRules, holds, holdSnapshots } from "./sqlite-schema.js";

/**
 * How the hold tables are reached: the owning store runs the statements, so
 * they share its connections, transactions, error mapping and closed check.
 */
export interface HoldSqlRunner {
  readonly dialect: "sqlite" | "mysql";
  /** The rows of one SELECT, aliased to field names. */
  all(what: string, statement: Statement): Promise<Record<string, unknown>[]>;
  /** Runs the statements in one transaction; the rows each one changed. */
  write(what: string, statements: Statement[]): Promise<number[]>;
}

// Column names are the same on both dialects (the schema tests check), so the
// SQLite tables serve as the column lists for both.
const HOLD = new Columns(holds);
const KEY = new Columns(holdKeys);
const SNAPSHOT = new Columns(holdSnapshots);
const RULE = new Columns(holdRules);

const IN_CHUNK = 500;

/**
 * The HoldStore over SQL, for SQLite and MySQL/MariaDB alike. These are cold
 * paths (a few holds a day, an expiry sweep per tick over the few held
 * nodes), so plain statements; the one race that matters, a rule firing
 * more often than its count, is a compare-and-set UPDATE.
 */
export class SqlHoldStore implements HoldStore {
  constructor(private readonly db: HoldSqlRunner) {}

  async putHolds(records: HoldRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.db.write(
      "putHolds",
      records.map((h) => this.upsert(HOLD, ["nodeId"], holdRow(h))),
    );
  }

  async getHolds(nodeIds: string[]): Promise<HoldRecord[]> {
    const out: HoldRecord[] = [];
    for (const part of chunks([...new Set(nodeIds)], IN_CHUNK)) {
      if (part.length === 0) continue;
      const rows = await this.db.all("getHolds", {
        sql: `SELECT ${HOLD.select} FROM ${HOLD.table} WHERE ${HOLD.col("nodeId")} IN (${marks(part.length)})`,
        params: part,
      });
      out.push(...rows.map(rowToHold));
    }
    return out;
  }

  async listActiveHolds(): Promise<HoldRecord[]> {
    const rows = await this.db.all("listActiveHolds", {
      sql: `SELECT ${HOLD.select} FROM ${HOLD.table} WHERE ${HOLD.col("endedAt")} = 0 ORDER BY ${HOLD.col("heldAt")}, ${HOLD.col("nodeId")}`,
      params: [],
    });
    return rows.map(rowToHold);
  }

  async extendHold(nodeId: string, expiresAt: number, reason: string): Promise<boolean> {
    const [n] = await this.db.write("extendHold", [
      {
        sql: `UPDATE ${HOLD.table} SET ${HOLD.col("expiresAt")} = ?, ${HOLD.col("reason")} = ? WHERE ${HOLD.col("nodeId")} = ? AND ${HOLD.col("endedAt")} = 0`,
        params: [expiresAt, reason, nodeId],
      },
    ]);
    return n === 1;
  }

  async endHold(nodeId: string, at: number, reason: string): Promise<boolean> {
    const [n] = await this.db.write("endHold", [
      {
        sql: `UPDATE ${HOLD.table} SET ${HOLD.col("endedAt")} = ?, ${HOLD.col("endReason")} = ? WHERE ${HOLD.col("nodeId")} = ? AND ${HOLD.col("endedAt")} = 0`,
        params: [at, reason, nodeId],
      },
    ]);
    return n === 1;
  }

  async putKey(key: HoldKeyRecord): Promise<void> {
    await this.db.write("putKey", [this.upsert(KEY, ["id"], { id: `${key.nodeId}/${key.fingerprint}`, ...key })]);
  }

  async listKeys(nodeIds: string[]): Promise<HoldKeyRecord[]> {
    const out: HoldKeyRecord[] = [];
    for (const part of chunks([...new Set(nodeIds)], IN_CHUNK)) {
      if (part.length === 0) continue;
      const rows = await this.db.all("listKeys", {
        sql: `SELECT ${KEY.select} FROM ${KEY.table} WHERE ${KEY.col("nodeId")} IN (${marks(part.length)}) ORDER BY ${KEY.col("addedAt")}, ${KEY.col("fingerprint")}`,
        params: part,
      });
      out.push(
        ...rows.map((r) => ({
          nodeId: String(r.nodeId),
          fingerprint: String(r.fingerprint),
          publicKey: String(r.publicKey),
          addedBy: String(r.addedBy),
          addedAt: Number(r.addedAt),
        })),
      );
    }
    return out.sort((a, b) => a.addedAt - b.addedAt || (a.fingerprint < b.fingerprint ? -1 : 1));
  }

  async putSnapshot(snapshot: HoldSnapshotRecord): Promise<void> {
    await this.db.write("putSnapshot", [this.upsert(SNAPSHOT, ["id"], { ...snapshot })]);
  }

  async getSnapshot(id: string): Promise<HoldSnapshotRecord | undefined> {
    const rows = await this.db.all("getSnapshot", {
      sql: `SELECT ${SNAPSHOT.select} FROM ${SNAPSHOT.table} WHERE ${SNAPSHOT.col("id")} = ?`,
      params: [id],
    });
    return rows[0] && rowToSnapshot(rows[0]);
  }

  async listSnapshots(filter: { nodeIds?: string[]; states?: SnapshotState[] }): Promise<HoldSnapshotRecord[]> {
    const where: string[] = [];
    const params: Param[] = [];
    if (filter.nodeIds !== undefined) {
      if (filter.nodeIds.length === 0) return [];
      where.push(`${SNAPSHOT.col("nodeId")} IN (${marks(filter.nodeIds.length)})`);
      params.push(...filter.nodeIds);
    }
    if (filter.states !== undefined) {
      if (filter.states.length === 0) return [];
      where.push(`${SNAPSHOT.col("state")} IN (${marks(filter.states.length)})`);
      params.push(...filter.states);
    }
    const rows = await this.db.all("listSnapshots", {
      sql: `SELECT ${SNAPSHOT.select} FROM ${SNAPSHOT.table}${where.length > 0 ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY ${SNAPSHOT.col("createdAt")}, ${SNAPSHOT.col("id")}`,
      params,
    });
    return rows.map(rowToSnapshot);
  }

  async createRule(rule: HoldRuleRecord): Promise<boolean> {
    try {
      await this.db.write("createRule", [{ sql: insertSql(RULE, 1), params: RULE.values(rule) }]);
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  async syncConfigRules(rules: HoldRuleRecord[]): Promise<void> {
    // The definition follows the file; the fire count and creation stay.
    const definition = ["source", "labelExpression", "requester", "jobNamePattern", "maxCount", "durationMs", "reason"];
    const statements = rules.map((r) => this.upsert(RULE, ["id"], { ...r, source: "config" }, definition));
    const keep = rules.map((r) => r.id);
    statements.push({
      sql: `DELETE FROM ${RULE.table} WHERE ${RULE.col("source")} = 'config'${keep.length > 0 ? ` AND ${RULE.col("id")} NOT IN (${marks(keep.length)})` : ""}`,
      params: keep,
    });
    await this.db.write("syncConfigRules", statements);
  }

  async listRules(): Promise<HoldRuleRecord[]> {
    const rows = await this.db.all("listRules", {
      sql: `SELECT ${RULE.select} FROM ${RULE.table} ORDER BY ${RULE.col("createdAt")}, ${RULE.col("id")}`,
      params: [],
    });
    return rows.map(rowToRule);
  }

  async getRule(id: string): Promise<HoldRuleRecord | undefined> {
    const rows = await this.db.all("getRule", {
      sql: `SELECT ${RULE.select} FROM ${RULE.table} WHERE ${RULE.col("id")} = ?`,
      params: [id],
    });
    return rows[0] && rowToRule(rows[0]);
  }

  async deleteRule(id: string): Promise<boolean> {
    const [n] = await this.db.write("deleteRule", [{ sql: `DELETE FROM ${RULE.table} WHERE ${RULE.col("id")} = ?`, params: [id] }]);
    return n === 1;
  }

  async fireRule(id: string): Promise<boolean> {
    const [n] = await this.db.write("fireRule", [
      {
        sql: `UPDATE ${RULE.table} SET ${RULE.col("fired")} = ${RULE.col("fired")} + 1 WHERE ${RULE.col("id")} = ? AND ${RULE.col("fired")} < ${RULE.col("maxCount")}`,
        params: [id],
      },
    ]);
    return n === 1;
  }

  async unfireRule(id: string): Promise<void> {
    await this.db.write("unfireRule", [
      {
        sql: `UPDATE ${RULE.table} SET ${RULE.col("fired")} = ${RULE.col("fired")} - 1 WHERE ${RULE.col("id")} = ? AND ${RULE.col("fired")} > 0`,
        params: [id],
      },
    ]);
  }

  /** INSERT, or on a taken key UPDATE the given fields (all but the key by default). */
  private upsert(cols: Columns, key: string[], row: object, update?: string[]): Statement {
    const fields = update ?? cols.fields.filter((f) => !key.includes(f));
    const base = insertSql(cols, 1);
    const sql =
      this.db.dialect === "sqlite"
        ? `${base} ON CONFLICT (${key.map((k) => cols.col(k)).join(", ")}) DO UPDATE SET ${fields.map((f) => `${cols.col(f)} = excluded.${cols.col(f)}`).join(", ")}`
        : `${base} ON DUPLICATE KEY UPDATE ${fields.map((f) => `${cols.col(f)} = VALUES(${cols.col(f)})`).join(", ")}`;
    return { sql, params: cols.values(row) };
  }
}

function holdRow(h: HoldRecord): Record<string, Param> {
  return { ...h };
}

function rowToHold(r: Record<string, unknown>): HoldRecord {
  return {
    nodeId: String(r.nodeId),
    reason: String(r.reason),
    requester: String(r.requester),
    source: String(r.source) as HoldSource,
    ruleId: String(r.ruleId),
    claimId: String(r.claimId),
    jobName: String(r.jobName),
    heldAt: Number(r.heldAt),
    expiresAt: Number(r.expiresAt),
    endedAt: Number(r.endedAt),
    endReason: String(r.endReason),
  };
}

function rowToSnapshot(r: Record<string, unknown>): HoldSnapshotRecord {
  return {
    id: String(r.id),
    nodeId: String(r.nodeId),
    provider: String(r.provider),
    imageName: String(r.imageName),
    visibility: String(r.visibility) as Visibility,
    operationId: String(r.operationId),
    imageId: String(r.imageId),
    state: String(r.state) as SnapshotState,
    error: String(r.error),
    requestedBy: String(r.requestedBy),
    createdAt: Number(r.createdAt),
    doneAt: Number(r.doneAt),
  };
}

function rowToRule(r: Record<string, unknown>): HoldRuleRecord {
  return {
    id: String(r.id),
    source: String(r.source) as HoldRuleSource,
    labelExpression: String(r.labelExpression),
    requester: String(r.requester),
    jobNamePattern: String(r.jobNamePattern),
    maxCount: Number(r.maxCount),
    fired: Number(r.fired),
    durationMs: Number(r.durationMs),
    reason: String(r.reason),
    createdBy: String(r.createdBy),
    createdAt: Number(r.createdAt),
  };
}
