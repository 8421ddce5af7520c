import { createHash } from "node:crypto";
import {
  ClaimState,
  claimStateToJSON,
  NodeState,
  nodeStateToJSON,
  Outcome,
  outcomeToJSON,
  providerHealthToJSON,
  providerModeToJSON,
  type ProviderMode,
  type Claim,
  type ClaimTimelineEvent,
  type LabelStatus,
  type Node,
  type ProviderHealth,
  type ProviderStatus,
  type StateCount,
} from "../../gen/ts/standby/v1/standby.js";

/**
 * How the CLI shows API objects: aligned tables for people, stable JSON for
 * scripts (every field present, keys in proto order, enums as lower-case names
 * without their prefix, timestamps as ISO strings or null).
 */

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

/** "NODE_STATE_READY" → "ready". */
function shortName(full: string, prefix: string): string {
  return (full.startsWith(prefix) ? full.slice(prefix.length) : full).toLowerCase();
}

export const nodeStateName = (s: NodeState): string => shortName(nodeStateToJSON(s), "NODE_STATE_");
export const claimStateName = (s: ClaimState): string => shortName(claimStateToJSON(s), "CLAIM_STATE_");
export const healthName = (h: ProviderHealth): string => shortName(providerHealthToJSON(h), "PROVIDER_HEALTH_");
export const outcomeName = (o: Outcome): string => shortName(outcomeToJSON(o), "OUTCOME_");

function enumValues<E extends number>(e: Record<string, string | number>): E[] {
  return Object.values(e).filter((v): v is E => typeof v === "number" && v > 0);
}

/** Named node states a user may type ("ready"); unspecified is not one. */
export const NODE_STATE_NAMES = enumValues<NodeState>(NodeState).map(nodeStateName);
export const OUTCOME_NAMES = enumValues<Outcome>(Outcome).map(outcomeName);

export function parseNodeState(name: string): NodeState | undefined {
  return enumValues<NodeState>(NodeState).find((s) => nodeStateName(s) === name.toLowerCase());
}

export function parseOutcome(name: string): Outcome | undefined {
  return enumValues<Outcome>(Outcome).find((o) => outcomeName(o) === name.toLowerCase());
}

/** Claim states after which nothing more happens. */
export function isTerminal(state: ClaimState): boolean {
  return (
    state === ClaimState.CLAIM_STATE_RELEASED ||
    state === ClaimState.CLAIM_STATE_EXPIRED ||
    state === ClaimState.CLAIM_STATE_CANCELLED ||
    state === ClaimState.CLAIM_STATE_FAILED
  );
}

const iso = (d: Date | undefined): string | null => (d === undefined ? null : d.toISOString());

export function nodeJson(n: Node): JsonObject {
  return {
    id: n.id,
    label: n.label,
    provider: n.provider,
    state: nodeStateName(n.state),
    addresses: [...n.addresses],
    sshPort: n.sshPort,
    username: n.username,
    hostKeys: [...n.hostKeys],
    tags: [...n.tags],
    image: n.image,
    instanceId: n.instanceId,
    claimId: n.claimId,
    createdAt: iso(n.createdAt),
    stateChangedAt: iso(n.stateChangedAt),
    flavor: n.flavor,
    purpose: n.purpose,
    holdReason: n.holdReason,
    holdRequester: n.holdRequester,
    holdExpiresAt: iso(n.holdExpiresAt),
  };
}

export function claimJson(c: Claim): JsonObject {
  return {
    id: c.id,
    state: claimStateName(c.state),
    labelExpressions: [...c.labelExpressions],
    requester: c.requester,
    jobName: c.jobName,
    priority: c.priority,
    leaseTtlSeconds: c.leaseTtlSeconds,
    createdAt: iso(c.createdAt),
    queuePosition: c.queuePosition,
    nodes: c.nodes.map(nodeJson),
    leaseExpiresAt: iso(c.leaseExpiresAt),
    failureReason: c.failureReason,
    fulfilledAt: iso(c.fulfilledAt),
    requestId: c.requestId,
    traceId: c.traceId,
  };
}

export function timelineJson(e: ClaimTimelineEvent): JsonObject {
  return { at: iso(e.at), kind: e.kind, message: e.message, label: e.label, provider: e.provider, nodeId: e.nodeId };
}

/**
 * A claim's timeline for people: the time of each step from the claim's
 * creation, what happened, and the first step's date once.
 */
export function timelineText(events: ClaimTimelineEvent[]): string {
  if (events.length === 0) return "";
  const start = events[0]?.at?.getTime() ?? 0;
  const offset = (e: ClaimTimelineEvent): string => {
    const ms = (e.at?.getTime() ?? start) - start;
    return ms < 1000 ? `+${ms}ms` : ms < 600_000 ? `+${(ms / 1000).toFixed(1)}s` : `+${Math.round(ms / 60_000)}m`;
  };
  const rows = events.map((e) => [offset(e), e.kind, e.message]);
  const widths = [0, 1].map((i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  const lines = rows.map((r) =>
    `  ${(r[0] ?? "").padStart(widths[0] ?? 0)}  ${(r[1] ?? "").padEnd(widths[1] ?? 0)}  ${r[2] ?? ""}`.trimEnd(),
  );
  return `timeline (from ${iso(events[0]?.at) ?? "?"}):\n${lines.join("\n")}\n`;
}

function countsJson(counts: StateCount[]): Json {
  return counts.map((c) => ({ state: nodeStateName(c.state), count: c.count }));
}

export function labelJson(l: LabelStatus): JsonObject {
  return {
    name: l.name,
    tags: [...l.tags],
    minReady: l.minReady,
    maxNodes: l.maxNodes,
    counts: countsJson(l.counts),
    providers: [...l.providers],
    queuedClaims: l.queuedClaims,
  };
}

export function providerJson(p: ProviderStatus): JsonObject {
  return {
    name: p.name,
    health: healthName(p.health),
    plugin: p.plugin,
    pluginVersion: p.pluginVersion,
    restarts: p.restarts,
    lastError: p.lastError,
    counts: countsJson(p.counts),
    pid: p.pid,
    mode: modeName(p.mode),
    pausedReason: p.pausedReason,
    recentFailures: p.recentFailures.map((f) => ({
      label: f.label,
      reason: f.reason,
      message: f.message,
      at: f.at?.toISOString() ?? null,
      nodeId: f.nodeId,
    })),
  };
}

export const modeName = (m: ProviderMode): string => shortName(providerModeToJSON(m), "PROVIDER_MODE_");

export function renderJson(value: Json): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Columns separated by two spaces, left-aligned, no trailing blanks. */
export function table(headers: string[], rows: string[][]): string {
  const cells = [headers, ...rows].map((r) => r.map((c) => (c === "" ? "-" : c.replace(/\s*\n\s*/g, " "))));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
        .join("  ")
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join("");
}

/** "key: value" lines with the values aligned; a value's further lines are indented to match. */
export function details(pairs: [string, string][]): string {
  const width = Math.max(0, ...pairs.map(([k]) => k.length)) + 1;
  const indent = " ".repeat(width + 2);
  return pairs.map(([k, v]) => `${`${k}:`.padEnd(width)}  ${v === "" ? "-" : v.split("\n").join(`\n${indent}`)}\n`).join("");
}

/** How long ago, coarsely: "42s", "5m", "3h", "2d". */
export function age(since: Date | undefined, now: Date): string {
  if (since === undefined) return "";
  const s = Math.max(0, Math.floor((now.getTime() - since.getTime()) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 120 * 60) return `${Math.floor(s / 60)}m`;
  if (s < 48 * 3600) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/**
 * A host key as OpenSSH prints its fingerprint ("ssh-ed25519 SHA256:..."),
 * short enough for a table; the JSON carries the whole key.
 */
export function hostKeyFingerprint(key: string): string {
  const [type, blob] = key.trim().split(/\s+/);
  if (!type || !blob) return key;
  const digest = createHash("sha256").update(Buffer.from(blob, "base64")).digest("base64").replace(/=+$/, "");
  return `${type} SHA256:${digest}`;
}

function address(n: Node): string {
  const [first, ...rest] = n.addresses;
  if (first === undefined) return "";
  return rest.length > 0 ? `${first} (+${rest.length})` : first;
}

function count(counts: StateCount[], ...states: NodeState[]): number {
  return counts.filter((c) => states.includes(c.state)).reduce((sum, c) => sum + c.count, 0);
}

const BOOTING = [NodeState.NODE_STATE_LAUNCHING, NodeState.NODE_STATE_BOOTED, NodeState.NODE_STATE_CHECKING];

export function nodesTable(nodes: Node[], now: Date): string {
  return table(
    ["ID", "LABEL", "PROVIDER", "STATE", "AGE", "ADDRESS", "IMAGE", "CLAIM"],
    nodes.map((n) => [
      n.id,
      n.label,
      n.provider,
      nodeStateName(n.state),
      age(n.stateChangedAt ?? n.createdAt, now),
      address(n),
      n.image,
      n.claimId,
    ]),
  );
}

/** What a claimer needs to log in to each node. */
export function claimedNodesTable(nodes: Node[]): string {
  return table(
    ["ID", "LABEL", "PROVIDER", "ADDRESS", "PORT", "USER", "HOST KEY"],
    nodes.map((n) => [
      n.id,
      n.label,
      n.provider,
      address(n),
      n.sshPort === 0 ? "" : String(n.sshPort),
      n.username,
      n.hostKeys.map(hostKeyFingerprint).join(", "),
    ]),
  );
}

export function nodeDetails(n: Node): string {
  return details([
    ["id", n.id],
    ["label", n.label],
    ["provider", n.provider],
    ["state", nodeStateName(n.state)],
    ["addresses", n.addresses.join(", ")],
    ["ssh port", n.sshPort === 0 ? "" : String(n.sshPort)],
    ["username", n.username],
    ["host keys", n.hostKeys.join("\n")],
    ["tags", n.tags.join(" ")],
    ["image", n.image],
    ["flavor", n.flavor],
    ["instance id", n.instanceId],
    ["claim", n.claimId],
    ["purpose", n.purpose],
    ["created", iso(n.createdAt) ?? ""],
    ["state changed", iso(n.stateChangedAt) ?? ""],
    ...(n.state === NodeState.NODE_STATE_HELD
      ? ([
          ["hold reason", n.holdReason],
          ["hold requester", n.holdRequester],
          ["hold expires", iso(n.holdExpiresAt) ?? ""],
        ] as [string, string][])
      : []),
  ]);
}

export function claimDetails(c: Claim, leaseToken = ""): string {
  const head = details([
    ["id", c.id],
    ["state", claimStateName(c.state)],
    ...(leaseToken ? [["lease token", leaseToken] as [string, string]] : []),
    ["labels", c.labelExpressions.map((e) => JSON.stringify(e)).join(", ")],
    ["requester", c.requester],
    ["job", c.jobName],
    ["priority", String(c.priority)],
    ["lease ttl", c.leaseTtlSeconds === 0 ? "" : `${c.leaseTtlSeconds}s`],
    ["queue position", c.queuePosition === 0 ? "" : String(c.queuePosition)],
    ["created", iso(c.createdAt) ?? ""],
    ["fulfilled", iso(c.fulfilledAt) ?? ""],
    ["lease expires", iso(c.leaseExpiresAt) ?? ""],
    ["failure reason", c.failureReason],
    ["request id", c.requestId],
    ["trace id", c.traceId],
  ]);
  return c.nodes.length === 0 ? head : `${head}\n${claimedNodesTable(c.nodes)}`;
}

export function labelsTable(labels: LabelStatus[]): string {
  return table(
    ["NAME", "READY", "BOOTING", "CLAIMED", "FAILED NODES", "HELD", "MIN READY", "MAX", "QUEUED", "PROVIDERS", "TAGS"],
    labels.map((l) => [
      l.name,
      String(count(l.counts, NodeState.NODE_STATE_READY)),
      String(count(l.counts, ...BOOTING)),
      String(count(l.counts, NodeState.NODE_STATE_CLAIMED)),
      String(count(l.counts, NodeState.NODE_STATE_FAILED)),
      String(count(l.counts, NodeState.NODE_STATE_HELD)),
      String(l.minReady),
      l.maxNodes === 0 ? "" : String(l.maxNodes),
      String(l.queuedClaims),
      l.providers.join(","),
      l.tags.join(" "),
    ]),
  );
}

function lastFailure(p: ProviderStatus): string {
  const f = p.recentFailures[p.recentFailures.length - 1];
  return f ? `${f.label}: ${f.reason}${f.message ? ` (${f.message})` : ""}` : "";
}

export function providersTable(providers: ProviderStatus[]): string {
  return table(
    [
      "NAME",
      "HEALTH",
      "MODE",
      "PLUGIN",
      "VERSION",
      "PID",
      "RESTARTS",
      "READY",
      "BOOTING",
      "CLAIMED",
      "LAUNCH FAILURES",
      "LAST FAILURE",
      "LAST ERROR",
    ],
    providers.map((p) => [
      p.name,
      healthName(p.health),
      p.pausedReason ? `${modeName(p.mode)} (${p.pausedReason})` : modeName(p.mode),
      p.plugin,
      p.pluginVersion,
      p.pid === 0 ? "" : String(p.pid),
      String(p.restarts),
      String(count(p.counts, NodeState.NODE_STATE_READY)),
      String(count(p.counts, ...BOOTING)),
      String(count(p.counts, NodeState.NODE_STATE_CLAIMED)),
      String(p.recentFailures.length),
      lastFailure(p),
      p.lastError,
    ]),
  );
}

function countsLine(counts: StateCount[]): string {
  return counts
    .filter((c) => c.count > 0)
    .map((c) => `${nodeStateName(c.state)} ${c.count}`)
    .join(", ");
}

export function labelDetails(l: LabelStatus): string {
  return details([
    ["name", l.name],
    ["tags", l.tags.join(" ")],
    ["min ready", String(l.minReady)],
    ["max nodes", l.maxNodes === 0 ? "" : String(l.maxNodes)],
    ["providers", l.providers.join(", ")],
    ["queued claims", String(l.queuedClaims)],
    ["nodes", countsLine(l.counts)],
  ]);
}

export function providerDetails(p: ProviderStatus): string {
  const head = details([
    ["name", p.name],
    ["health", healthName(p.health)],
    ["mode", modeName(p.mode)],
    ["paused because", p.pausedReason],
    ["plugin", `${p.plugin}${p.pluginVersion ? ` ${p.pluginVersion}` : ""}`],
    ["pid", p.pid === 0 ? "" : String(p.pid)],
    ["restarts", String(p.restarts)],
    ["last error", p.lastError],
    ["nodes", countsLine(p.counts)],
  ]);
  if (p.recentFailures.length === 0) return head;
  const failures = table(
    ["AT", "LABEL", "REASON", "NODE", "MESSAGE"],
    p.recentFailures.map((f) => [iso(f.at) ?? "", f.label, f.reason, f.nodeId, f.message]),
  );
  return `${head}\nRecent launch failures:\n${failures}`;
}

/** "held: n-1, n-2" for the claim's nodes the scheduler kept, "" when it kept none. */
export function heldSummary(c: Claim): string {
  const held = c.nodes.filter((n) => n.state === NodeState.NODE_STATE_HELD).map((n) => n.id);
  return held.length > 0 ? `held: ${held.join(", ")}` : "";
}
