import type { Migration } from "./migration.js";

/** SQLite DDL, in step with sqlite-schema.ts. SQLite DDL is transactional, so
 * each migration runs inside the BEGIN IMMEDIATE that guards the whole run. */
export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "nodes, claims and meta",
    statements: [
      `CREATE TABLE nodes (
        id TEXT PRIMARY KEY NOT NULL,
        label TEXT NOT NULL,
        provider TEXT NOT NULL,
        state TEXT NOT NULL,
        instance_id TEXT NOT NULL,
        addresses TEXT NOT NULL,
        ssh_port INTEGER NOT NULL,
        username TEXT NOT NULL,
        host_keys TEXT NOT NULL,
        tags TEXT NOT NULL,
        image TEXT NOT NULL,
        flavor TEXT NOT NULL,
        claim_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        state_changed_at INTEGER NOT NULL,
        ready_at INTEGER NOT NULL,
        failure_reason TEXT NOT NULL
      )`,
      // Ends in id so the allocator's ORDER BY ready_at, id LIMIT n walks
      // the index and stops, instead of sorting every ready node.
      `CREATE INDEX nodes_state_label_ready ON nodes (state, label, ready_at, id)`,
      `CREATE INDEX nodes_provider_state ON nodes (provider, state)`,
      `CREATE INDEX nodes_claim ON nodes (claim_id)`,
      `CREATE TABLE claims (
        id TEXT PRIMARY KEY NOT NULL,
        request_id TEXT,
        request_hash TEXT NOT NULL,
        state TEXT NOT NULL,
        label_expressions TEXT NOT NULL,
        requester TEXT NOT NULL,
        job_name TEXT NOT NULL,
        priority INTEGER NOT NULL,
        lease_ttl_seconds INTEGER NOT NULL,
        ssh_public_keys TEXT NOT NULL,
        token_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        fulfilled_at INTEGER NOT NULL,
        lease_hash TEXT NOT NULL,
        lease_expires_at INTEGER NOT NULL,
        node_ids TEXT NOT NULL,
        outcome TEXT NOT NULL,
        ended_at INTEGER NOT NULL,
        failure_reason TEXT NOT NULL
      )`,
      `CREATE INDEX claims_state_priority_created ON claims (state, priority, created_at)`,
      `CREATE UNIQUE INDEX claims_request_id ON claims (request_id)`,
      `CREATE TABLE meta (
        name TEXT PRIMARY KEY NOT NULL,
        value TEXT NOT NULL
      )`,
    ],
  },
  {
    version: 2,
    name: "claim events",
    statements: [
      // id is the rowid: the order events were written in, within one time.
      `CREATE TABLE claim_events (
        id INTEGER PRIMARY KEY NOT NULL,
        claim_id TEXT NOT NULL,
        happened_at INTEGER NOT NULL,
        kind TEXT NOT NULL,
        label TEXT NOT NULL,
        provider TEXT NOT NULL,
        node_id TEXT NOT NULL,
        message TEXT NOT NULL
      )`,
      `CREATE INDEX claim_events_claim ON claim_events (claim_id, happened_at, id)`,
    ],
  },
  {
    version: 3,
    name: "holds, their keys and snapshots, autohold rules",
    statements: [
      `CREATE TABLE holds (
        node_id TEXT PRIMARY KEY NOT NULL,
        reason TEXT NOT NULL,
        requester TEXT NOT NULL,
        source TEXT NOT NULL,
        rule_id TEXT NOT NULL,
        claim_id TEXT NOT NULL,
        job_name TEXT NOT NULL,
        held_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        ended_at INTEGER NOT NULL,
        end_reason TEXT NOT NULL
      )`,
      `CREATE INDEX holds_ended_expires ON holds (ended_at, expires_at)`,
      `CREATE TABLE hold_keys (
        id TEXT PRIMARY KEY NOT NULL,
        node_id TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        public_key TEXT NOT NULL,
        added_by TEXT NOT NULL,
        added_at INTEGER NOT NULL
      )`,
      `CREATE INDEX hold_keys_node ON hold_keys (node_id)`,
      `CREATE TABLE hold_snapshots (
        id TEXT PRIMARY KEY NOT NULL,
        node_id TEXT NOT NULL,
        provider TEXT NOT NULL,
        image_name TEXT NOT NULL,
        visibility TEXT NOT NULL,
        operation_id TEXT NOT NULL,
        image_id TEXT NOT NULL,
        state TEXT NOT NULL,
        error TEXT NOT NULL,
        requested_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        done_at INTEGER NOT NULL
      )`,
      `CREATE INDEX hold_snapshots_node ON hold_snapshots (node_id)`,
      `CREATE INDEX hold_snapshots_state ON hold_snapshots (state)`,
      `CREATE TABLE hold_rules (
        id TEXT PRIMARY KEY NOT NULL,
        source TEXT NOT NULL,
        label_expression TEXT NOT NULL,
        requester TEXT NOT NULL,
        job_name_pattern TEXT NOT NULL,
        max_count INTEGER NOT NULL,
        fired INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL,
        reason TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL
      )`,
    ],
  },
  {
    version: 4,
    name: "image builds and families; node purpose",
    statements: [
      `ALTER TABLE nodes ADD COLUMN purpose TEXT NOT NULL DEFAULT 'pool'`,
      `CREATE TABLE image_builds (
        id TEXT PRIMARY KEY NOT NULL,
        family TEXT NOT NULL,
        provider TEXT NOT NULL,
        source TEXT NOT NULL,
        state TEXT NOT NULL,
        slot TEXT,
        requested_by TEXT NOT NULL,
        base_image TEXT NOT NULL,
        image_id TEXT NOT NULL,
        image_name TEXT NOT NULL,
        operation_id TEXT NOT NULL,
        builder_node_id TEXT NOT NULL,
        verifier_node_id TEXT NOT NULL,
        builder_host_key TEXT NOT NULL,
        cache_key TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        state_changed_at INTEGER NOT NULL,
        finished_at INTEGER NOT NULL,
        promoted_at INTEGER NOT NULL,
        verified_at INTEGER NOT NULL,
        failure_reason TEXT NOT NULL,
        timings TEXT NOT NULL,
        log TEXT NOT NULL
      )`,
      `CREATE INDEX image_builds_family_provider ON image_builds (family, provider, state)`,
      // NULL slots (builds not made by the schedule) are not unique-checked.
      `CREATE UNIQUE INDEX image_builds_slot ON image_builds (family, provider, slot)`,
      `CREATE TABLE image_families (
        name TEXT PRIMARY KEY NOT NULL,
        paused INTEGER NOT NULL,
        changed_at INTEGER NOT NULL
      )`,
    ],
  },
];

export const SQLITE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY NOT NULL,
  name TEXT NOT NULL,
  applied_at INTEGER NOT NULL
)`;
