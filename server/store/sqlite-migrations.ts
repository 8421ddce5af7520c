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
];

export const SQLITE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY NOT NULL,
  name TEXT NOT NULL,
  applied_at INTEGER NOT NULL
)`;
