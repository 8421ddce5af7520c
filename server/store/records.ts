import type { ClaimRecord, ClaimState, NodePurpose, NodeRecord, NodeState, Outcome } from "../core/index.js";
import type { claims as mysqlClaims, nodes as mysqlNodes } from "./mysql-schema.js";
import type { claims as sqliteClaims, nodes as sqliteNodes } from "./sqlite-schema.js";

/**
 * Records ⇄ rows. Both dialects' tables infer the same row shapes (checked
 * below at compile time), so one mapping serves both. Arrays are JSON text;
 * an empty requestId is NULL so the unique index ignores it.
 */
export type NodeRow = typeof sqliteNodes.$inferSelect;
export type ClaimRow = typeof sqliteClaims.$inferSelect;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const rowShapesMatch: [Same<NodeRow, typeof mysqlNodes.$inferSelect>, Same<ClaimRow, typeof mysqlClaims.$inferSelect>] = [true, true];
void rowShapesMatch;

export function nodeToRow(node: NodeRecord): NodeRow {
  return {
    id: node.id,
    label: node.label,
    provider: node.provider,
    state: node.state,
    instanceId: node.instanceId,
    addresses: JSON.stringify(node.addresses),
    sshPort: node.sshPort,
    username: node.username,
    hostKeys: JSON.stringify(node.hostKeys),
    tags: JSON.stringify(node.tags),
    image: node.image,
    flavor: node.flavor,
    claimId: node.claimId,
    createdAt: node.createdAt,
    stateChangedAt: node.stateChangedAt,
    readyAt: node.readyAt,
    failureReason: node.failureReason,
    purpose: node.purpose ?? "pool",
  };
}

export function rowToNode(row: NodeRow): NodeRecord {
  return {
    id: row.id,
    label: row.label,
    provider: row.provider,
    state: row.state as NodeState,
    instanceId: row.instanceId,
    addresses: parseList(row.addresses),
    sshPort: Number(row.sshPort),
    username: row.username,
    hostKeys: parseList(row.hostKeys),
    tags: parseList(row.tags),
    image: row.image,
    flavor: row.flavor,
    claimId: row.claimId,
    createdAt: Number(row.createdAt),
    stateChangedAt: Number(row.stateChangedAt),
    readyAt: Number(row.readyAt),
    failureReason: row.failureReason,
    // Pool nodes carry no purpose, so records read back equal what was written.
    ...(row.purpose && row.purpose !== "pool" ? { purpose: row.purpose as NodePurpose } : {}),
  };
}

export function claimToRow(claim: ClaimRecord): ClaimRow {
  return {
    id: claim.id,
    requestId: claim.requestId === "" ? null : claim.requestId,
    requestHash: claim.requestHash,
    state: claim.state,
    labelExpressions: JSON.stringify(claim.labelExpressions),
    requester: claim.requester,
    jobName: claim.jobName,
    priority: claim.priority,
    leaseTtlSeconds: claim.leaseTtlSeconds,
    sshPublicKeys: JSON.stringify(claim.sshPublicKeys),
    tokenHash: claim.tokenHash,
    createdAt: claim.createdAt,
    lastSeenAt: claim.lastSeenAt,
    fulfilledAt: claim.fulfilledAt,
    leaseHash: claim.leaseHash,
    leaseExpiresAt: claim.leaseExpiresAt,
    nodeIds: JSON.stringify(claim.nodeIds),
    outcome: claim.outcome,
    endedAt: claim.endedAt,
    failureReason: claim.failureReason,
  };
}

export function rowToClaim(row: ClaimRow): ClaimRecord {
  return {
    id: row.id,
    requestId: row.requestId ?? "",
    requestHash: row.requestHash,
    state: row.state as ClaimState,
    labelExpressions: parseList(row.labelExpressions),
    requester: row.requester,
    jobName: row.jobName,
    priority: Number(row.priority),
    leaseTtlSeconds: Number(row.leaseTtlSeconds),
    sshPublicKeys: parseList(row.sshPublicKeys),
    tokenHash: row.tokenHash,
    createdAt: Number(row.createdAt),
    lastSeenAt: Number(row.lastSeenAt),
    fulfilledAt: Number(row.fulfilledAt),
    leaseHash: row.leaseHash,
    leaseExpiresAt: Number(row.leaseExpiresAt),
    nodeIds: parseList(row.nodeIds),
    outcome: row.outcome as Outcome | "",
    endedAt: Number(row.endedAt),
    failureReason: row.failureReason,
  };
}

/** A row's column values by field name; what an UPDATE sets. */
export type RowValues = Record<string, string | number | null>;

const NODE_PATCHABLE: ReadonlySet<string> = new Set<keyof NodeRecord>([
  "label",
  "provider",
  "instanceId",
  "addresses",
  "sshPort",
  "username",
  "hostKeys",
  "tags",
  "image",
  "flavor",
  "claimId",
  "createdAt",
  "readyAt",
  "failureReason",
  "purpose",
]);
const CLAIM_PATCHABLE: ReadonlySet<string> = new Set<keyof ClaimRecord>([
  "requestId",
  "requestHash",
  "labelExpressions",
  "requester",
  "jobName",
  "priority",
  "leaseTtlSeconds",
  "sshPublicKeys",
  "tokenHash",
  "createdAt",
  "lastSeenAt",
  "fulfilledAt",
  "leaseHash",
  "leaseExpiresAt",
  "nodeIds",
  "outcome",
  "endedAt",
  "failureReason",
]);

/** The columns a node patch sets (arrays as JSON). Keys that are not
 * patchable (id, state, stateChangedAt) or undefined are left out. */
export function nodePatchToRow(patch: Partial<NodeRecord>): RowValues {
  return patchToRow(patch, NODE_PATCHABLE);
}

/** The columns a claim patch sets (arrays as JSON, "" requestId as NULL). */
export function claimPatchToRow(patch: Partial<ClaimRecord>): RowValues {
  const row = patchToRow(patch, CLAIM_PATCHABLE);
  if (row.requestId === "") row.requestId = null;
  return row;
}

function patchToRow(patch: object, allowed: ReadonlySet<string>): RowValues {
  const row: RowValues = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined || !allowed.has(key)) continue;
    row[key] = Array.isArray(value) ? JSON.stringify(value) : (value as string | number);
  }
  return row;
}

function parseList(text: string): string[] {
  if (text === "") return [];
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value)) throw new Error(`expected a JSON array, got ${text.slice(0, 40)}`);
  return value.map(String);
}
