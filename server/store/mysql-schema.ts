import { bigint, index, int, mediumtext, mysqlTable, text, uniqueIndex, varchar } from "drizzle-orm/mysql-core";

/**
 * The MySQL/MariaDB tables, for queries; kept in step with sqlite-schema.ts
 * (the schema tests compare them). The DDL, with utf8mb4 and a binary
 * collation so ids and labels compare exactly as on SQLite, lives in
 * mysql-migrations.ts.
 */
const time = (name: string) => bigint(name, { mode: "number" }).notNull();
const id = (name: string) => varchar(name, { length: 128 });
const name = (column: string) => varchar(column, { length: 255 });
const hash = (column: string) => varchar(column, { length: 128 });

export const nodes = mysqlTable(
  "nodes",
  {
    id: id("id").primaryKey().notNull(),
    label: name("label").notNull(),
    provider: name("provider").notNull(),
    state: varchar("state", { length: 16 }).notNull(),
    instanceId: name("instance_id").notNull(),
    addresses: text("addresses").notNull(),
    sshPort: int("ssh_port").notNull(),
    username: name("username").notNull(),
    hostKeys: text("host_keys").notNull(),
    tags: text("tags").notNull(),
    image: name("image").notNull(),
    flavor: name("flavor").notNull(),
    claimId: id("claim_id").notNull(),
    createdAt: time("created_at"),
    stateChangedAt: time("state_changed_at"),
    readyAt: time("ready_at"),
    failureReason: text("failure_reason").notNull(),
    purpose: varchar("purpose", { length: 16 }).notNull().default("pool"),
  },
  (t) => [
    index("nodes_state_label_ready").on(t.state, t.label, t.readyAt, t.id),
    index("nodes_provider_state").on(t.provider, t.state),
    index("nodes_claim").on(t.claimId),
  ],
);

export const claims = mysqlTable(
  "claims",
  {
    id: id("id").primaryKey().notNull(),
    requestId: name("request_id"),
    requestHash: hash("request_hash").notNull(),
    state: varchar("state", { length: 16 }).notNull(),
    labelExpressions: text("label_expressions").notNull(),
    requester: name("requester").notNull(),
    jobName: text("job_name").notNull(),
    priority: int("priority").notNull(),
    leaseTtlSeconds: int("lease_ttl_seconds").notNull(),
    sshPublicKeys: text("ssh_public_keys").notNull(),
    tokenHash: hash("token_hash").notNull(),
    createdAt: time("created_at"),
    lastSeenAt: time("last_seen_at"),
    fulfilledAt: time("fulfilled_at"),
    leaseHash: hash("lease_hash").notNull(),
    leaseExpiresAt: time("lease_expires_at"),
    nodeIds: text("node_ids").notNull(),
    outcome: varchar("outcome", { length: 16 }).notNull(),
    endedAt: time("ended_at"),
    failureReason: text("failure_reason").notNull(),
  },
  (t) => [index("claims_state_priority_created").on(t.state, t.priority, t.createdAt), uniqueIndex("claims_request_id").on(t.requestId)],
);

/** Steps of claims' timelines (see ClaimEventRecord); id in write order. */
export const claimEvents = mysqlTable(
  "claim_events",
  {
    id: bigint("id", { mode: "number" }).autoincrement().primaryKey().notNull(),
    claimId: id("claim_id").notNull(),
    happenedAt: time("happened_at"),
    kind: varchar("kind", { length: 32 }).notNull(),
    label: name("label").notNull(),
    provider: name("provider").notNull(),
    nodeId: id("node_id").notNull(),
    message: text("message").notNull(),
  },
  (t) => [index("claim_events_claim").on(t.claimId, t.happenedAt, t.id)],
);

export const meta = mysqlTable("meta", {
  name: varchar("name", { length: 191 }).primaryKey().notNull(),
  value: text("value").notNull(),
});

export const schemaMigrations = mysqlTable("schema_migrations", {
  version: int("version").primaryKey().notNull(),
  name: name("name").notNull(),
  appliedAt: time("applied_at"),
});

export const imageBuilds = mysqlTable(
  "image_builds",
  {
    id: id("id").primaryKey().notNull(),
    family: name("family").notNull(),
    provider: name("provider").notNull(),
    source: varchar("source", { length: 32 }).notNull(),
    state: varchar("state", { length: 16 }).notNull(),
    slot: varchar("slot", { length: 64 }),
    requestedBy: name("requested_by").notNull(),
    baseImage: name("base_image").notNull(),
    imageId: name("image_id").notNull(),
    imageName: name("image_name").notNull(),
    operationId: name("operation_id").notNull(),
    builderNodeId: id("builder_node_id").notNull(),
    verifierNodeId: id("verifier_node_id").notNull(),
    builderHostKey: text("builder_host_key").notNull(),
    cacheKey: hash("cache_key").notNull(),
    sizeBytes: time("size_bytes"),
    createdAt: time("created_at"),
    stateChangedAt: time("state_changed_at"),
    finishedAt: time("finished_at"),
    promotedAt: time("promoted_at"),
    verifiedAt: time("verified_at"),
    failureReason: text("failure_reason").notNull(),
    timings: text("timings").notNull(),
    log: mediumtext("log").notNull(),
  },
  (t) => [
    index("image_builds_family_provider").on(t.family, t.provider, t.state),
    uniqueIndex("image_builds_slot").on(t.family, t.provider, t.slot),
  ],
);

export const imageFamilies = mysqlTable("image_families", {
  name: name("name").primaryKey().notNull(),
  paused: int("paused").notNull(),
  changedAt: time("changed_at"),
});

export const holds = mysqlTable(
  "holds",
  {
    nodeId: id("node_id").primaryKey().notNull(),
    reason: text("reason").notNull(),
    requester: name("requester").notNull(),
    source: varchar("source", { length: 16 }).notNull(),
    ruleId: name("rule_id").notNull(),
    claimId: id("claim_id").notNull(),
    jobName: text("job_name").notNull(),
    heldAt: time("held_at"),
    expiresAt: time("expires_at"),
    endedAt: time("ended_at"),
    endReason: text("end_reason").notNull(),
  },
  (t) => [index("holds_ended_expires").on(t.endedAt, t.expiresAt)],
);

export const holdKeys = mysqlTable(
  "hold_keys",
  {
    id: name("id").primaryKey().notNull(),
    nodeId: id("node_id").notNull(),
    fingerprint: varchar("fingerprint", { length: 64 }).notNull(),
    publicKey: text("public_key").notNull(),
    addedBy: name("added_by").notNull(),
    addedAt: time("added_at"),
  },
  (t) => [index("hold_keys_node").on(t.nodeId)],
);

export const holdSnapshots = mysqlTable(
  "hold_snapshots",
  {
    id: id("id").primaryKey().notNull(),
    nodeId: id("node_id").notNull(),
    provider: name("provider").notNull(),
    imageName: name("image_name").notNull(),
    visibility: varchar("visibility", { length: 16 }).notNull(),
    operationId: name("operation_id").notNull(),
    imageId: name("image_id").notNull(),
    state: varchar("state", { length: 16 }).notNull(),
    error: text("error").notNull(),
    requestedBy: name("requested_by").notNull(),
    createdAt: time("created_at"),
    doneAt: time("done_at"),
  },
  (t) => [index("hold_snapshots_node").on(t.nodeId), index("hold_snapshots_state").on(t.state)],
);

export const holdRules = mysqlTable("hold_rules", {
  id: id("id").primaryKey().notNull(),
  source: varchar("source", { length: 16 }).notNull(),
  labelExpression: text("label_expression").notNull(),
  requester: name("requester").notNull(),
  jobNamePattern: text("job_name_pattern").notNull(),
  maxCount: int("max_count").notNull(),
  fired: int("fired").notNull(),
  durationMs: time("duration_ms"),
  reason: text("reason").notNull(),
  createdBy: name("created_by").notNull(),
  createdAt: time("created_at"),
});

export const mysqlTables = {
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
