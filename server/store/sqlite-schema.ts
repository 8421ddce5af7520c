import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * The SQLite tables, for queries. The DDL lives in sqlite-migrations.ts; the
 * schema tests check that the migrated database, this file and
 * mysql-schema.ts describe the same tables. String arrays are JSON text,
 * times epoch milliseconds.
 */
export const nodes = sqliteTable(
  "nodes",
  {
    id: text("id").primaryKey().notNull(),
    label: text("label").notNull(),
    provider: text("provider").notNull(),
    state: text("state").notNull(),
    instanceId: text("instance_id").notNull(),
    addresses: text("addresses").notNull(),
    sshPort: integer("ssh_port").notNull(),
    username: text("username").notNull(),
    hostKeys: text("host_keys").notNull(),
    tags: text("tags").notNull(),
    image: text("image").notNull(),
    flavor: text("flavor").notNull(),
    claimId: text("claim_id").notNull(),
    createdAt: integer("created_at").notNull(),
    stateChangedAt: integer("state_changed_at").notNull(),
    readyAt: integer("ready_at").notNull(),
    failureReason: text("failure_reason").notNull(),
    purpose: text("purpose").notNull().default("pool"),
  },
  (t) => [
    index("nodes_state_label_ready").on(t.state, t.label, t.readyAt, t.id),
    index("nodes_provider_state").on(t.provider, t.state),
    index("nodes_claim").on(t.claimId),
  ],
);

export const claims = sqliteTable(
  "claims",
  {
    id: text("id").primaryKey().notNull(),
    /** NULL when the client sent no idempotency key, so the unique index ignores it. */
    requestId: text("request_id"),
    requestHash: text("request_hash").notNull(),
    state: text("state").notNull(),
    labelExpressions: text("label_expressions").notNull(),
    requester: text("requester").notNull(),
    jobName: text("job_name").notNull(),
    priority: integer("priority").notNull(),
    leaseTtlSeconds: integer("lease_ttl_seconds").notNull(),
    sshPublicKeys: text("ssh_public_keys").notNull(),
    tokenHash: text("token_hash").notNull(),
    createdAt: integer("created_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
    fulfilledAt: integer("fulfilled_at").notNull(),
    leaseHash: text("lease_hash").notNull(),
    leaseExpiresAt: integer("lease_expires_at").notNull(),
    nodeIds: text("node_ids").notNull(),
    outcome: text("outcome").notNull(),
    endedAt: integer("ended_at").notNull(),
    failureReason: text("failure_reason").notNull(),
  },
  (t) => [index("claims_state_priority_created").on(t.state, t.priority, t.createdAt), uniqueIndex("claims_request_id").on(t.requestId)],
);

/** Steps of claims' timelines (see ClaimEventRecord); id is the rowid, in write order. */
export const claimEvents = sqliteTable(
  "claim_events",
  {
    id: integer("id").primaryKey().notNull(),
    claimId: text("claim_id").notNull(),
    happenedAt: integer("happened_at").notNull(),
    kind: text("kind").notNull(),
    label: text("label").notNull(),
    provider: text("provider").notNull(),
    nodeId: text("node_id").notNull(),
    message: text("message").notNull(),
  },
  (t) => [index("claim_events_claim").on(t.claimId, t.happenedAt, t.id)],
);

export const meta = sqliteTable("meta", {
  name: text("name").primaryKey().notNull(),
  value: text("value").notNull(),
});

export const schemaMigrations = sqliteTable("schema_migrations", {
  version: integer("version").primaryKey().notNull(),
  name: text("name").notNull(),
  appliedAt: integer("applied_at").notNull(),
});

export const imageBuilds = sqliteTable(
  "image_builds",
  {
    id: text("id").primaryKey().notNull(),
    family: text("family").notNull(),
    provider: text("provider").notNull(),
    source: text("source").notNull(),
    state: text("state").notNull(),
    /** NULL unless the schedule made it, so the unique index ignores the others. */
    slot: text("slot"),
    requestedBy: text("requested_by").notNull(),
    baseImage: text("base_image").notNull(),
    imageId: text("image_id").notNull(),
    imageName: text("image_name").notNull(),
    operationId: text("operation_id").notNull(),
    builderNodeId: text("builder_node_id").notNull(),
    verifierNodeId: text("verifier_node_id").notNull(),
    builderHostKey: text("builder_host_key").notNull(),
    cacheKey: text("cache_key").notNull(),
    sizeBytes: integer("size_bytes").notNull(),
    createdAt: integer("created_at").notNull(),
    stateChangedAt: integer("state_changed_at").notNull(),
    finishedAt: integer("finished_at").notNull(),
    promotedAt: integer("promoted_at").notNull(),
    verifiedAt: integer("verified_at").notNull(),
    failureReason: text("failure_reason").notNull(),
    timings: text("timings").notNull(),
    log: text("log").notNull(),
  },
  (t) => [
    index("image_builds_family_provider").on(t.family, t.provider, t.state),
    uniqueIndex("image_builds_slot").on(t.family, t.provider, t.slot),
  ],
);

export const imageFamilies = sqliteTable("image_families", {
  name: text("name").primaryKey().notNull(),
  paused: integer("paused").notNull(),
  changedAt: integer("changed_at").notNull(),
});

/** A held node's hold; kept after it ends (ended_at set) as its history. */
export const holds = sqliteTable(
  "holds",
  {
    nodeId: text("node_id").primaryKey().notNull(),
    reason: text("reason").notNull(),
    requester: text("requester").notNull(),
    source: text("source").notNull(),
    ruleId: text("rule_id").notNull(),
    claimId: text("claim_id").notNull(),
    jobName: text("job_name").notNull(),
    heldAt: integer("held_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    endedAt: integer("ended_at").notNull(),
    endReason: text("end_reason").notNull(),
  },
  (t) => [index("holds_ended_expires").on(t.endedAt, t.expiresAt)],
);

/** One row per node and key; id is "<node id>/<fingerprint>". */
export const holdKeys = sqliteTable(
  "hold_keys",
  {
    id: text("id").primaryKey().notNull(),
    nodeId: text("node_id").notNull(),
    fingerprint: text("fingerprint").notNull(),
    publicKey: text("public_key").notNull(),
    addedBy: text("added_by").notNull(),
    addedAt: integer("added_at").notNull(),
  },
  (t) => [index("hold_keys_node").on(t.nodeId)],
);

export const holdSnapshots = sqliteTable(
  "hold_snapshots",
  {
    id: text("id").primaryKey().notNull(),
    nodeId: text("node_id").notNull(),
    provider: text("provider").notNull(),
    imageName: text("image_name").notNull(),
    visibility: text("visibility").notNull(),
    operationId: text("operation_id").notNull(),
    imageId: text("image_id").notNull(),
    state: text("state").notNull(),
    error: text("error").notNull(),
    requestedBy: text("requested_by").notNull(),
    createdAt: integer("created_at").notNull(),
    doneAt: integer("done_at").notNull(),
  },
  (t) => [index("hold_snapshots_node").on(t.nodeId), index("hold_snapshots_state").on(t.state)],
);

/** Autohold rules; fired survives restarts, so a rule never holds more than max_count. */
export const holdRules = sqliteTable("hold_rules", {
  id: text("id").primaryKey().notNull(),
  source: text("source").notNull(),
  labelExpression: text("label_expression").notNull(),
  requester: text("requester").notNull(),
  jobNamePattern: text("job_name_pattern").notNull(),
  maxCount: integer("max_count").notNull(),
  fired: integer("fired").notNull(),
  durationMs: integer("duration_ms").notNull(),
  reason: text("reason").notNull(),
  createdBy: text("created_by").notNull(),
  createdAt: integer("created_at").notNull(),
});

export const sqliteTables = {
  nodes,
  claims,
  claimEvents,
  meta,
  schemaMigrations,
  imageBuilds,
  imageFamilies,
  holds,
  holdKeys,
  holdSnapshots,
  holdRules,
} as const;
