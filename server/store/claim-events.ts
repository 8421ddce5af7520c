import type { ClaimEventRecord } from "../core/index.js";
import { chunks, Columns, marks, type Param, type Statement } from "./sql-text.js";
import { claimEvents } from "./sqlite-schema.js";

/**
 * claim_events on both dialects (the column names are the same): the rows
 * are written with the node writes they belong to and read back per claim.
 */
const EVENT = new Columns(claimEvents);
/** Every column but the id, which the database assigns in write order. */
const FIELDS = ["claimId", "happenedAt", "kind", "label", "provider", "nodeId", "message"] as const;
const LIST = FIELDS.map((f) => EVENT.col(f)).join(", ");
const ROW = `(${marks(FIELDS.length)})`;
/** Rows per multi-row INSERT. */
const INSERT_CHUNK = 500;
/** A cloud's error body can be long; the timeline keeps its start. */
export const MAX_MESSAGE_CHARS = 2000;
const MAX_KIND_CHARS = 32;

export function insertEventsSql(count: number): string {
  return `INSERT INTO ${EVENT.table} (${LIST}) VALUES ${Array.from({ length: count }, () => ROW).join(", ")}`;
}

export function eventValues(e: ClaimEventRecord): Param[] {
  return [
    e.claimId,
    e.at,
    e.kind.slice(0, MAX_KIND_CHARS),
    e.label,
    e.provider,
    e.nodeId,
    e.message.length > MAX_MESSAGE_CHARS ? `${e.message.slice(0, MAX_MESSAGE_CHARS - 1)}…` : e.message,
  ];
}

/** Multi-row INSERTs for the events. */
export function insertEvents(events: readonly ClaimEventRecord[]): Statement[] {
  if (events.length === 0) return [];
  return chunks(events, INSERT_CHUNK).map((part) => {
    const params: Param[] = [];
    for (const e of part) for (const v of eventValues(e)) params.push(v);
    return { sql: insertEventsSql(part.length), params };
  });
}

export const SELECT_EVENTS_SQL =
  `SELECT ${FIELDS.map((f) => `${EVENT.col(f)} AS \`${f}\``).join(", ")} FROM ${EVENT.table} ` +
  `WHERE ${EVENT.col("claimId")} = ? ORDER BY ${EVENT.col("happenedAt")}, ${EVENT.col("id")}`;

export interface EventRow {
  claimId: string;
  happenedAt: number | string;
  kind: string;
  label: string;
  provider: string;
  nodeId: string;
  message: string;
}

export function rowToEvent(row: EventRow): ClaimEventRecord {
  return {
    claimId: row.claimId,
    at: Number(row.happenedAt),
    kind: row.kind,
    label: row.label,
    provider: row.provider,
    nodeId: row.nodeId,
    message: row.message,
  };
}
