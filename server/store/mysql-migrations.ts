import type { Migration } from "./migration.js";

/**
 * MySQL/MariaDB DDL, in step with mysql-schema.ts. DDL commits implicitly
 * here, so every statement is written to be re-runnable (IF NOT EXISTS,
 * indexes inside CREATE TABLE): a migration cut short by a crash is simply
 * run again. utf8mb4_bin: full Unicode, and ids and labels compare byte for
 * byte as they do on SQLite.
 */
const TABLE_OPTIONS = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";

export const MYSQL_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "nodes, claims and meta",
    statements: [
      `CREATE TABLE IF NOT EXISTS nodes (
        id VARCHAR(128) NOT NULL,
        label VARCHAR(255) NOT NULL,
        provider VARCHAR(255) NOT NULL,
        state VARCHAR(16) NOT NULL,
        instance_id VARCHAR(255) NOT NULL,
        addresses TEXT NOT NULL,
        ssh_port INT NOT NULL,
        username VARCHAR(255) NOT NULL,
        host_keys TEXT NOT NULL,
        tags TEXT NOT NULL,
        image VARCHAR(255) NOT NULL,
        flavor VARCHAR(255) NOT NULL,
        claim_id VARCHAR(128) NOT NULL,
        created_at BIGINT NOT NULL,
        state_changed_at BIGINT NOT NULL,
        ready_at BIGINT NOT NULL,
        failure_reason TEXT NOT NULL,
        PRIMARY KEY (id),
        INDEX nodes_state_label_ready (state, label, ready_at, id),
        INDEX nodes_provider_state (provider, state),
        INDEX nodes_claim (claim_id)
      ) ${TABLE_OPTIONS}`,
      `CREATE TABLE IF NOT EXISTS claims (
        id VARCHAR(128) NOT NULL,
        request_id VARCHAR(255) NULL,
        request_hash VARCHAR(128) NOT NULL,
        state VARCHAR(16) NOT NULL,
        label_expressions TEXT NOT NULL,
        requester VARCHAR(255) NOT NULL,
        job_name TEXT NOT NULL,
        priority INT NOT NULL,
        lease_ttl_seconds INT NOT NULL,
        ssh_public_keys TEXT NOT NULL,
        token_hash VARCHAR(128) NOT NULL,
        created_at BIGINT NOT NULL,
        last_seen_at BIGINT NOT NULL,
        fulfilled_at BIGINT NOT NULL,
        lease_hash VARCHAR(128) NOT NULL,
        lease_expires_at BIGINT NOT NULL,
        node_ids TEXT NOT NULL,
        outcome VARCHAR(16) NOT NULL,
        ended_at BIGINT NOT NULL,
        failure_reason TEXT NOT NULL,
        PRIMARY KEY (id),
        INDEX claims_state_priority_created (state, priority, created_at),
        UNIQUE INDEX claims_request_id (request_id)
      ) ${TABLE_OPTIONS}`,
      `CREATE TABLE IF NOT EXISTS meta (
        name VARCHAR(191) NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (name)
      ) ${TABLE_OPTIONS}`,
    ],
  },
  {
    version: 2,
    name: "claim events",
    statements: [
      `CREATE TABLE IF NOT EXISTS claim_events (
        id BIGINT NOT NULL AUTO_INCREMENT,
        claim_id VARCHAR(128) NOT NULL,
        happened_at BIGINT NOT NULL,
        kind VARCHAR(32) NOT NULL,
        label VARCHAR(255) NOT NULL,
        provider VARCHAR(255) NOT NULL,
        node_id VARCHAR(128) NOT NULL,
        message TEXT NOT NULL,
        PRIMARY KEY (id),
        INDEX claim_events_claim (claim_id, happened_at, id)
      ) ${TABLE_OPTIONS}`,
    ],
  },
  {
    version: 3,
    name: "holds, their keys and snapshots, autohold rules",
    statements: [
      `CREATE TABLE IF NOT EXISTS holds (
        node_id VARCHAR(128) NOT NULL,
        reason TEXT NOT NULL,
        requester VARCHAR(255) NOT NULL,
        source VARCHAR(16) NOT NULL,
        rule_id VARCHAR(255) NOT NULL,
        claim_id VARCHAR(128) NOT NULL,
        job_name TEXT NOT NULL,
        held_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        ended_at BIGINT NOT NULL,
        end_reason TEXT NOT NULL,
        PRIMARY KEY (node_id),
        INDEX holds_ended_expires (ended_at, expires_at)
      ) ${TABLE_OPTIONS}`,
      `CREATE TABLE IF NOT EXISTS hold_keys (
        id VARCHAR(255) NOT NULL,
        node_id VARCHAR(128) NOT NULL,
        fingerprint VARCHAR(64) NOT NULL,
        public_key TEXT NOT NULL,
        added_by VARCHAR(255) NOT NULL,
        added_at BIGINT NOT NULL,
        PRIMARY KEY (id),
        INDEX hold_keys_node (node_id)
      ) ${TABLE_OPTIONS}`,
      `CREATE TABLE IF NOT EXISTS hold_snapshots (
        id VARCHAR(128) NOT NULL,
        node_id VARCHAR(128) NOT NULL,
        provider VARCHAR(255) NOT NULL,
        image_name VARCHAR(255) NOT NULL,
        visibility VARCHAR(16) NOT NULL,
        operation_id VARCHAR(255) NOT NULL,
        image_id VARCHAR(255) NOT NULL,
        state VARCHAR(16) NOT NULL,
        error TEXT NOT NULL,
        requested_by VARCHAR(255) NOT NULL,
        created_at BIGINT NOT NULL,
        done_at BIGINT NOT NULL,
        PRIMARY KEY (id),
        INDEX hold_snapshots_node (node_id),
        INDEX hold_snapshots_state (state)
      ) ${TABLE_OPTIONS}`,
      `CREATE TABLE IF NOT EXISTS hold_rules (
        id VARCHAR(128) NOT NULL,
        source VARCHAR(16) NOT NULL,
        label_expression TEXT NOT NULL,
        requester VARCHAR(255) NOT NULL,
        job_name_pattern TEXT NOT NULL,
        max_count INT NOT NULL,
        fired INT NOT NULL,
        duration_ms BIGINT NOT NULL,
        reason TEXT NOT NULL,
        created_by VARCHAR(255) NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (id)
      ) ${TABLE_OPTIONS}`,
    ],
  },
  {
    version: 4,
    name: "image builds and families; node purpose",
    statements: [
      // Re-run after a crash, this fails with a duplicate column, which the migration runner takes as done.
      `ALTER TABLE nodes ADD COLUMN purpose VARCHAR(16) NOT NULL DEFAULT 'pool'`,
      `CREATE TABLE IF NOT EXISTS image_builds (
        id VARCHAR(128) NOT NULL,
        family VARCHAR(255) NOT NULL,
        provider VARCHAR(255) NOT NULL,
        source VARCHAR(32) NOT NULL,
        state VARCHAR(16) NOT NULL,
        slot VARCHAR(64) NULL,
        requested_by VARCHAR(255) NOT NULL,
        base_image VARCHAR(255) NOT NULL,
        image_id VARCHAR(255) NOT NULL,
        image_name VARCHAR(255) NOT NULL,
        operation_id VARCHAR(255) NOT NULL,
        builder_node_id VARCHAR(128) NOT NULL,
        verifier_node_id VARCHAR(128) NOT NULL,
        builder_host_key TEXT NOT NULL,
        cache_key VARCHAR(128) NOT NULL,
        size_bytes BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        state_changed_at BIGINT NOT NULL,
        finished_at BIGINT NOT NULL,
        promoted_at BIGINT NOT NULL,
        verified_at BIGINT NOT NULL,
        failure_reason TEXT NOT NULL,
        timings TEXT NOT NULL,
        log MEDIUMTEXT NOT NULL,
        PRIMARY KEY (id),
        INDEX image_builds_family_provider (family, provider, state),
        UNIQUE INDEX image_builds_slot (family, provider, slot)
      ) ${TABLE_OPTIONS}`,
      `CREATE TABLE IF NOT EXISTS image_families (
        name VARCHAR(255) NOT NULL,
        paused INT NOT NULL,
        changed_at BIGINT NOT NULL,
        PRIMARY KEY (name)
      ) ${TABLE_OPTIONS}`,
    ],
  },
];

export const MYSQL_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INT NOT NULL,
  name VARCHAR(255) NOT NULL,
  applied_at BIGINT NOT NULL,
  PRIMARY KEY (version)
) ${TABLE_OPTIONS}`;
