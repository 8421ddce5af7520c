import { createHash } from "node:crypto";
import type { HoldsConfig } from "../config/holds.js";
import type { Clock } from "../../common/clock.js";
import { StandbyError } from "../../common/errors.js";
import type { HoldKeyRecord, HoldRecord, HoldRuleRecord, HoldSnapshotRecord } from "../core/holds.js";
import type { Logger } from "../../common/log.js";
import type { NodeAccess } from "../core/node-access.js";
import type { SchedulerObserver } from "../core/observer.js";
import type { ProviderRegistry } from "../../common/provider.js";
import type { Random } from "../../common/random.js";
import type { ClaimRecord, NodeRecord, Store } from "../core/store.js";
import type { LeaseEnd, LeaseHolds, PreparedHolds } from "./claims/index.js";
import { effectiveHold, HoldExpiry } from "./hold-expiry.js";
import { AutoholdRules, type HoldRuleInput } from "./hold-rules.js";
import { HoldSnapshots, type SnapshotOptions } from "./hold-snapshots.js";

export interface HoldSettings {
  defaultMs: number;
  maxMs: number;
  /** Hold an expired lease's nodes this long (0 = delete them). */
  expiredLeasesMs: number;
  rules: HoldsConfig["rules"];
}

export function holdSettings(config: HoldsConfig): HoldSettings {
  return { defaultMs: config.defaultDuration, maxMs: config.maxDuration, expiredLeasesMs: config.expiredLeases, rules: config.rules };
}

/** A held node with everything about its hold. */
export interface HoldView {
  node: NodeRecord;
  /** Its expiry is the effective one (capped by the configured maximum). */
  hold: HoldRecord;
  keys: HoldKeyRecord[];
  snapshots: HoldSnapshotRecord[];
}

export interface HoldList {
  holds: HoldView[];
  /** The earliest expiry among them (0 when none is held). */
  nextExpiry: number;
}

export interface HoldDeps {
  store: Store;
  providers: ProviderRegistry;
  clock: Clock;
  random: Random;
  logger: Logger;
  /** Deletes a node (the lifecycle's deletion, from the node's current state). */
  deleteNode(node: NodeRecord): void;
  /** How the scheduler reaches nodes over SSH; none: keys cannot be added. */
  access?: NodeAccess;
  snapshotPollMs?: number;
  /** Metrics of holds taken by hand and of holds that end. */
  observer?: SchedulerObserver;
}

const SSH_KEY =
  /^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/]+={0,3}( [^\r\n]*)?$/;
const MAX_REASON = 1024;

/**
 * Holds: nodes kept for diagnosis instead of deleted. A lease's end holds
 * its nodes when the release asks for it, when a failure matches an
 * autohold rule, or when an expired lease's nodes are configured to be held
 * (LeaseHolds, called by the claim service); an operator holds a ready or
 * claimed node by hand. Held nodes get developers' keys on request, can be
 * snapshotted to a published image, and are deleted when their hold expires
 * or is released. The hold is always stored before the node enters held.
 */
export class HoldService implements LeaseHolds {
  readonly rules: AutoholdRules;
  readonly snapshots: HoldSnapshots;
  private readonly expiry: HoldExpiry;
  private readonly log: Logger;

  constructor(
    private readonly deps: HoldDeps,
    private settings: HoldSettings,
  ) {
    this.log = deps.logger;
    this.rules = new AutoholdRules(deps.store.holds, deps.clock, deps.random, deps.logger);
    this.snapshots = new HoldSnapshots(deps.store, deps.providers, deps.clock, deps.random, deps.logger, deps.snapshotPollMs);
    this.expiry = new HoldExpiry(
      deps.store,
      deps.clock,
      deps.logger,
      () => this.settings,
      (node, hold) => this.remove(node, hold ? "expired" : "expired (no hold record)"),
    );
  }

  /** Config rules into the store, unfinished snapshots polled again. */
  async start(): Promise<void> {
    await this.rules.sync(this.settings.rules);
    await this.snapshots.resume();
  }

  stop(): void {
    this.snapshots.stop();
  }

  async reload(settings: HoldSettings): Promise<void> {
    this.settings = settings;
    await this.rules.sync(settings.rules);
  }

  /** Deletes held nodes whose hold ran out (every tick). */
  sweep(): Promise<void> {
    return this.expiry.sweep();
  }

  // ---- the end of a lease (LeaseHolds) ----

  considers(end: LeaseEnd): boolean {
    if (end.hold && end.hold.seconds > 0) return true;
    if (end.to === "expired") return this.settings.expiredLeasesMs > 0;
    // Rules may be added by another replica at any time: every failure looks.
    return end.to === "released" && end.outcome === "failure";
  }

  async prepare(claim: ClaimRecord, nodes: NodeRecord[], end: LeaseEnd): Promise<PreparedHolds | undefined> {
    const now = this.deps.clock.now();
    let hold: Pick<HoldRecord, "reason" | "requester" | "source" | "ruleId"> & { durationMs: number };
    if (end.hold && end.hold.seconds > 0) {
      hold = {
        reason: end.hold.reason.slice(0, MAX_REASON) || `asked for at release (outcome ${end.outcome ?? "none"})`,
        requester: end.hold.requester || claim.requester,
        source: "release",
        ruleId: "",
        durationMs: end.hold.seconds * 1000,
      };
    } else if (end.to === "expired" && this.settings.expiredLeasesMs > 0) {
      hold = {
        reason: "the lease expired",
        requester: claim.requester,
        source: "lease-expired",
        ruleId: "",
        durationMs: this.settings.expiredLeasesMs,
      };
    } else if (end.outcome === "failure") {
      const rule = await this.rules.fire(claim, nodes);
      if (!rule) return undefined;
      hold = {
        reason: rule.reason || `autohold rule ${rule.id} (${rule.fired} of ${rule.maxCount})`,
        requester: rule.createdBy,
        source: "rule",
        ruleId: rule.id,
        durationMs: rule.durationMs || this.settings.defaultMs,
      };
    } else {
      return undefined;
    }
    const expiresAt = now + Math.min(hold.durationMs, this.settings.maxMs);
    const holds: HoldRecord[] = nodes.map((n) => ({
      nodeId: n.id,
      reason: hold.reason,
      requester: hold.requester,
      source: hold.source,
      ruleId: hold.ruleId,
      claimId: claim.id,
      jobName: claim.jobName,
      heldAt: now,
      expiresAt,
      endedAt: 0,
      endReason: "",
    }));
    try {
      await this.deps.store.holds.putHolds(holds);
    } catch (err) {
      if (hold.ruleId) await this.rules.unfire(hold.ruleId).catch(() => undefined);
      throw err;
    }
    return { holds, ruleId: hold.ruleId };
  }

  async abandon(prepared: PreparedHolds): Promise<void> {
    if (prepared.ruleId) await this.rules.unfire(prepared.ruleId);
  }

  held(prepared: PreparedHolds): void {
    for (const h of prepared.holds) {
      this.log.info(
        {
          node: h.nodeId,
          claim: h.claimId,
          source: h.source,
          rule: h.ruleId || undefined,
          requester: h.requester,
          reason: h.reason,
          expiresAt: new Date(h.expiresAt).toISOString(),
        },
        "node held",
      );
    }
  }

  // ---- operators and developers ----

  /**
   * Holds a ready or claimed node, or gives a held one a new expiry (from
   * now, within the maximum from when its hold began).
   */
  async hold(nodeId: string, options: { durationMs: number; reason: string; requester: string }): Promise<HoldView> {
    if (options.reason.length > MAX_REASON) throw StandbyError.invalidArgument("reason", `at most ${MAX_REASON} characters`);
    const node = await this.node(nodeId);
    const now = this.deps.clock.now();
    const durationMs = options.durationMs > 0 ? options.durationMs : this.settings.defaultMs;
    if (node.state === "held") {
      const [existing] = await this.deps.store.holds.getHolds([node.id]);
      const began = existing?.heldAt ?? node.stateChangedAt;
      const expiresAt = Math.min(now + durationMs, began + this.settings.maxMs);
      const reason = options.reason || existing?.reason || "held by hand";
      if (!existing || !(await this.deps.store.holds.extendHold(node.id, expiresAt, reason))) {
        await this.deps.store.holds.putHolds([{ ...this.manual(node, options, began, expiresAt), reason }]);
      }
      this.log.info({ node: node.id, by: options.requester, expiresAt: new Date(expiresAt).toISOString() }, "hold extended");
      return this.view(node.id);
    }
    if (node.state !== "ready" && node.state !== "claimed") {
      throw new StandbyError("failed-precondition", `node ${node.id} is ${node.state}; only a ready or claimed node can be held`);
    }
    // An image build's builder or verifier belongs to its build, which deletes it.
    if ((node.purpose ?? "pool") !== "pool")
      throw new StandbyError("failed-precondition", `node ${node.id} is an ${node.purpose ?? ""} node of an image build; not held`);
    const record = this.manual(node, options, now, now + Math.min(durationMs, this.settings.maxMs));
    if (node.claimId !== "") {
      const claim = await this.deps.store.getClaim(node.claimId);
      if (claim) record.jobName = claim.jobName;
    }
    await this.deps.store.holds.putHolds([record]);
    const changed = await this.deps.store.transitionNodes([{ id: node.id, from: [node.state], to: "held", at: now }]);
    if (changed.length === 0) {
      const current = await this.node(nodeId);
      throw new StandbyError("failed-precondition", `node ${node.id} became ${current.state} meanwhile; not held`);
    }
    this.log.info(
      {
        node: node.id,
        state: node.state,
        by: options.requester,
        reason: record.reason,
        expiresAt: new Date(record.expiresAt).toISOString(),
      },
      "node held",
    );
    this.deps.observer?.nodeHeld(node, "manual");
    return this.view(node.id);
  }

  private manual(node: NodeRecord, options: { reason: string; requester: string }, heldAt: number, expiresAt: number): HoldRecord {
    return {
      nodeId: node.id,
      reason: options.reason || "held by hand",
      requester: options.requester,
      source: "manual",
      ruleId: "",
      claimId: node.claimId,
      jobName: "",
      heldAt,
      expiresAt,
      endedAt: 0,
      endReason: "",
    };
  }

  /** Ends a hold early: the node is deleted. Releasing a node already being deleted is a no-op. */
  async release(nodeId: string, requester: string): Promise<NodeRecord> {
    const node = await this.node(nodeId);
    if (node.state === "deleting" || node.state === "gone") return node;
    if (node.state !== "held") throw new StandbyError("failed-precondition", `node ${node.id} is ${node.state}, not held`);
    this.log.info({ node: node.id, by: requester }, "hold released");
    await this.remove(node, `released by ${requester}`);
    return { ...node, state: "deleting" };
  }

  private async remove(node: NodeRecord, reason: string): Promise<void> {
    await this.deps.store.holds.endHold(node.id, this.deps.clock.now(), reason);
    this.deps.observer?.holdEnded(node, reason.startsWith("expired") ? "expired" : "released");
    this.deps.deleteNode(node);
  }

  /** Adds a developer's public key to a held node over SSH, and records who asked. */
  async addKey(nodeId: string, publicKey: string, requester: string): Promise<HoldView> {
    const key = publicKey.trim();
    if (key.includes("PRIVATE KEY")) throw StandbyError.invalidArgument("public_key", "this is a private key; send its public half");
    if (!SSH_KEY.test(key)) throw StandbyError.invalidArgument("public_key", "not an OpenSSH public key");
    const node = await this.node(nodeId);
    if (node.state !== "held") throw new StandbyError("failed-precondition", `node ${node.id} is ${node.state}, not held`);
    if (!this.deps.access)
      throw new StandbyError("failed-precondition", "this scheduler has no SSH access to nodes, so it cannot add keys");
    await this.deps.access.injectKeys(node, [key], 30_000);
    const fingerprint = fingerprintOf(key);
    await this.deps.store.holds.putKey({
      nodeId: node.id,
      fingerprint,
      publicKey: key,
      addedBy: requester,
      addedAt: this.deps.clock.now(),
    });
    this.log.info({ node: node.id, fingerprint, by: requester }, "key added to a held node");
    return this.view(node.id);
  }

  /** Starts a snapshot of a held node (see HoldSnapshots). */
  async snapshot(nodeId: string, options: SnapshotOptions): Promise<HoldSnapshotRecord> {
    const node = await this.node(nodeId);
    if (node.state !== "held") throw new StandbyError("failed-precondition", `node ${node.id} is ${node.state}, not held`);
    return this.snapshots.start(node, options);
  }

  /** Every held node, oldest hold first. */
  async list(): Promise<HoldList> {
    const nodes = await this.deps.store.listNodes({ states: ["held"] });
    const views = await this.views(nodes);
    views.sort((a, b) => a.hold.heldAt - b.hold.heldAt || (a.node.id < b.node.id ? -1 : 1));
    return { holds: views, nextExpiry: views.reduce((min, v) => (min === 0 || v.hold.expiresAt < min ? v.hold.expiresAt : min), 0) };
  }

  /** One node's hold, also after it ended (NOT_FOUND if it never was held). */
  async view(nodeId: string): Promise<HoldView> {
    const node = await this.node(nodeId);
    const [view] = await this.views([node]);
    if (!view) throw new StandbyError("not-found", `node ${nodeId} is not held`);
    return view;
  }

  /** The holds of the held ones among these nodes, effective expiry included (for showing nodes). */
  async of(nodes: NodeRecord[]): Promise<Map<string, HoldRecord>> {
    const held = nodes.filter((n) => n.state === "held");
    if (held.length === 0) return new Map();
    const records = new Map((await this.deps.store.holds.getHolds(held.map((n) => n.id))).map((h) => [h.nodeId, h]));
    return new Map(held.map((n) => [n.id, effectiveHold(n, records.get(n.id), this.settings)]));
  }

  listRules(): Promise<HoldRuleRecord[]> {
    return this.rules.list();
  }

  createRule(input: HoldRuleInput): Promise<HoldRuleRecord> {
    return this.rules.create(input, this.settings.maxMs);
  }

  deleteRule(id: string, by: string): Promise<void> {
    return this.rules.delete(id, by);
  }

  private async views(nodes: NodeRecord[]): Promise<HoldView[]> {
    if (nodes.length === 0) return [];
    const ids = nodes.map((n) => n.id);
    const [records, keys, snapshots] = await Promise.all([
      this.deps.store.holds.getHolds(ids),
      this.deps.store.holds.listKeys(ids),
      this.deps.store.holds.listSnapshots({ nodeIds: ids }),
    ]);
    const byNode = new Map(records.map((h) => [h.nodeId, h]));
    return nodes.flatMap((node) => {
      const record = byNode.get(node.id);
      // A record of a hold that has not begun (the node is not held yet) is no hold.
      if (node.state !== "held" && (!record || record.endedAt === 0)) return [];
      return [
        {
          node,
          hold: node.state === "held" ? effectiveHold(node, record, this.settings) : (record as HoldRecord),
          keys: keys.filter((k) => k.nodeId === node.id),
          snapshots: snapshots.filter((s) => s.nodeId === node.id),
        },
      ];
    });
  }

  private async node(id: string): Promise<NodeRecord> {
    if (!id) throw StandbyError.invalidArgument("node_id", "required");
    const node = await this.deps.store.getNode(id);
    if (!node) throw new StandbyError("not-found", `node ${id} not found`);
    return node;
  }
}

/** OpenSSH's fingerprint of a public key: "SHA256:" and the unpadded base64 of the blob's sha256. */
export function fingerprintOf(publicKey: string): string {
  const blob = publicKey.trim().split(/\s+/)[1] ?? "";
  return `SHA256:${createHash("sha256").update(Buffer.from(blob, "base64")).digest("base64").replace(/=+$/, "")}`;
}
