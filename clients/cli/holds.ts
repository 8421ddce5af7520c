import { readFileSync } from "node:fs";
import {
  snapshotStateToJSON,
  SnapshotVisibility,
  snapshotVisibilityToJSON,
  type Hold,
  type HoldRule,
  type HoldSnapshot,
  type ListHoldsResponse,
} from "../../gen/ts/standby/v1/standby.js";
import { defaultRequester } from "../typescript/claim.js";
import { bool, int, positionals, str, UsageError, type Values } from "./args.js";
import { durationSeconds, emit, type Command } from "./command.js";
import { details, hostKeyFingerprint, nodeJson, table, type JsonObject } from "./format.js";

/**
 * The hold commands: `holds` lists held nodes, `hold NODE --for D` holds
 * one, `hold show|release|add-key|snapshot NODE` act on one; `hold-rules`
 * lists autohold rules, `hold-rule add|delete` change them. (A lease's
 * nodes are held at release: `release TOKEN --outcome failure --hold D`.)
 */

/** Who the CLI says is asking, until the API authenticates callers. */
function whoami(values: Values): string {
  return str(values, "requester") ?? defaultRequester();
}

function readKeyFile(file: string, command: string): string {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read --key ${file}: ${(err as Error).message}`, command);
  }
  // Private keys never leave the machine they live on.
  if (text.includes("PRIVATE KEY")) throw new UsageError(`--key ${file} is a private key; pass its .pub file`, command);
  const key = text
    .split("\n")
    .map((l) => l.trim())
    .find((l) => l !== "" && !l.startsWith("#"));
  if (!key) throw new UsageError(`--key ${file} holds no public key`, command);
  return key;
}

const iso = (d: Date | undefined): string | null => (d === undefined ? null : d.toISOString());
const visibilityName = (v: SnapshotVisibility): string => snapshotVisibilityToJSON(v).replace("SNAPSHOT_VISIBILITY_", "").toLowerCase();
const snapshotStateName = (s: HoldSnapshot["state"]): string => snapshotStateToJSON(s).replace("SNAPSHOT_STATE_", "").toLowerCase();
const VISIBILITIES: Record<string, SnapshotVisibility> = {
  private: SnapshotVisibility.SNAPSHOT_VISIBILITY_PRIVATE,
  shared: SnapshotVisibility.SNAPSHOT_VISIBILITY_SHARED,
  public: SnapshotVisibility.SNAPSHOT_VISIBILITY_PUBLIC,
};

export function snapshotJson(s: HoldSnapshot): JsonObject {
  return {
    id: s.id,
    nodeId: s.nodeId,
    provider: s.provider,
    imageName: s.imageName,
    imageId: s.imageId,
    visibility: visibilityName(s.visibility),
    state: snapshotStateName(s.state),
    error: s.error,
    requestedBy: s.requestedBy,
    createdAt: iso(s.createdAt),
    doneAt: iso(s.doneAt),
  };
}

export function holdJson(h: Hold): JsonObject {
  return {
    node: h.node ? nodeJson(h.node) : null,
    reason: h.reason,
    requester: h.requester,
    heldAt: iso(h.heldAt),
    expiresAt: iso(h.expiresAt),
    source: h.source,
    ruleId: h.ruleId,
    claimId: h.claimId,
    jobName: h.jobName,
    keys: h.keys.map((k) => ({ fingerprint: k.fingerprint, publicKey: k.publicKey, addedBy: k.addedBy, addedAt: iso(k.addedAt) })),
    snapshots: h.snapshots.map(snapshotJson),
    endedAt: iso(h.endedAt),
    endReason: h.endReason,
  };
}

export function ruleJson(r: HoldRule): JsonObject {
  return {
    id: r.id,
    labelExpression: r.labelExpression,
    requester: r.requester,
    jobNamePattern: r.jobNamePattern,
    count: r.count,
    fired: r.fired,
    durationSeconds: r.durationSeconds,
    reason: r.reason,
    source: r.source,
    createdBy: r.createdBy,
    createdAt: iso(r.createdAt),
  };
}

/** "in 3h", "in 12m", or "overdue". */
export function until(when: Date | undefined, now: Date): string {
  if (when === undefined) return "";
  const s = Math.floor((when.getTime() - now.getTime()) / 1000);
  if (s < 0) return "overdue";
  if (s < 120) return `in ${s}s`;
  if (s < 120 * 60) return `in ${Math.floor(s / 60)}m`;
  if (s < 48 * 3600) return `in ${Math.floor(s / 3600)}h`;
  return `in ${Math.floor(s / 86400)}d`;
}

export function holdsTable(res: ListHoldsResponse, now: Date): string {
  const rows = table(
    ["NODE", "LABEL", "PROVIDER", "REASON", "REQUESTER", "EXPIRES", "ADDRESS", "KEYS", "SNAPSHOTS"],
    res.holds.map((h) => [
      h.node?.id ?? "",
      h.node?.label ?? "",
      h.node?.provider ?? "",
      h.reason,
      h.requester,
      `${iso(h.expiresAt) ?? ""} (${until(h.expiresAt, now)})`,
      h.node?.addresses[0] ? `${h.node.addresses[0]}:${h.node.sshPort}` : "",
      String(h.keys.length),
      String(h.snapshots.length),
    ]),
  );
  const next = res.nextExpiry ? `; next expiry ${res.nextExpiry.toISOString()} (${until(res.nextExpiry, now)})` : "";
  return `${rows}${res.count} held${next}\n`;
}

export function holdDetails(h: Hold, now: Date): string {
  const n = h.node;
  const head = details([
    ["node", n?.id ?? ""],
    ["label", n?.label ?? ""],
    ["provider", n?.provider ?? ""],
    ["state", n ? (nodeJson(n).state as string) : ""],
    ["reason", h.reason],
    ["requester", h.requester],
    ["source", h.ruleId ? `${h.source} (${h.ruleId})` : h.source],
    ["claim", h.claimId],
    ["job", h.jobName],
    ["held", iso(h.heldAt) ?? ""],
    ["expires", h.expiresAt ? `${h.expiresAt.toISOString()} (${until(h.expiresAt, now)})` : ""],
    ...(h.endedAt ? [["ended", `${h.endedAt.toISOString()}: ${h.endReason}`] as [string, string]] : []),
    ["address", n?.addresses.join(", ") ?? ""],
    ["ssh port", n && n.sshPort > 0 ? String(n.sshPort) : ""],
    ["username", n?.username ?? ""],
    ["host keys", n?.hostKeys.join("\n") ?? ""],
  ]);
  const keys =
    h.keys.length === 0
      ? ""
      : `\nkeys:\n${table(
          ["FINGERPRINT", "ADDED BY", "ADDED"],
          h.keys.map((k) => [k.fingerprint, k.addedBy, iso(k.addedAt) ?? ""]),
        )}`;
  const snaps = h.snapshots.length === 0 ? "" : `\nsnapshots:\n${snapshotsTable(h.snapshots)}`;
  return `${head}${keys}${snaps}`;
}

function snapshotsTable(snapshots: HoldSnapshot[]): string {
  return table(
    ["ID", "STATE", "IMAGE ID", "IMAGE NAME", "VISIBILITY", "PROVIDER", "ERROR"],
    snapshots.map((s) => [s.id, snapshotStateName(s.state), s.imageId, s.imageName, visibilityName(s.visibility), s.provider, s.error]),
  );
}

export function rulesTable(rules: HoldRule[]): string {
  return table(
    ["ID", "LABELS", "REQUESTER", "JOB", "FIRED", "DURATION", "SOURCE", "REASON"],
    rules.map((r) => [
      r.id,
      r.labelExpression,
      r.requester,
      r.jobNamePattern,
      `${r.fired}/${r.count}`,
      r.durationSeconds === 0 ? "default" : `${r.durationSeconds}s`,
      r.source,
      r.reason,
    ]),
  );
}

const requesterHelp = "  --requester NAME   who asks (default USER@HOST; the authenticated identity once the API has one)";

const holds: Command = {
  name: "holds",
  args: "",
  summary: "list held nodes: why, for whom, until when, where",
  help: "",
  options: {},
  async run(ctx) {
    positionals(ctx.parsed, "holds", []);
    const res = await ctx.client().holds.list();
    emit(ctx, { holds: res.holds.map(holdJson), count: res.count, nextExpiry: iso(res.nextExpiry) }, holdsTable(res, new Date()));
    return 0;
  },
};

const hold: Command = {
  name: "hold",
  args: "NODE [--for DURATION] [--reason TEXT]",
  summary: "keep a ready or claimed node for diagnosis (or give a held one a new expiry)",
  help: `  --for DURATION     how long, e.g. 4h or 2d (default: the scheduler's holds.defaultDuration)
  --reason TEXT      why; shown to operators
${requesterHelp}`,
  notes: `A claimed node stays with its lease and is kept when the lease ends. No hold lasts
longer than the scheduler's holds.maxDuration from when it began.`,
  options: { for: { type: "string" }, reason: { type: "string" }, requester: { type: "string" } },
  async run(ctx) {
    const [nodeId = ""] = positionals(ctx.parsed, "hold", ["NODE"]);
    const v = ctx.parsed.values;
    const res = await ctx.client().holds.hold({
      nodeId,
      durationSeconds: durationSeconds(v, "for", "hold") ?? 0,
      reason: str(v, "reason") ?? "",
      requester: whoami(v),
    });
    if (!res.hold) throw new Error("the server answered without a hold");
    emit(ctx, { hold: holdJson(res.hold) }, `node ${nodeId} held until ${iso(res.hold.expiresAt) ?? "-"}\n`);
    return 0;
  },
};

const holdShow: Command = {
  name: "hold show",
  args: "NODE",
  summary: "show a node's hold, the keys added to it and its snapshots",
  help: "",
  options: {},
  async run(ctx) {
    const [nodeId = ""] = positionals(ctx.parsed, "hold show", ["NODE"]);
    const res = await ctx.client().holds.get({ nodeId });
    if (!res.hold) throw new Error("the server answered without a hold");
    emit(ctx, { hold: holdJson(res.hold) }, holdDetails(res.hold, new Date()));
    return 0;
  },
};

const holdRelease: Command = {
  name: "hold release",
  args: "NODE",
  summary: "end a hold early; the node is deleted",
  help: requesterHelp,
  options: { requester: { type: "string" } },
  async run(ctx) {
    const [nodeId = ""] = positionals(ctx.parsed, "hold release", ["NODE"]);
    const res = await ctx.client().holds.release({ nodeId, requester: whoami(ctx.parsed.values) });
    emit(
      ctx,
      { node: res.node ? nodeJson(res.node) : null },
      `hold on ${nodeId} released; the node is ${res.node ? (nodeJson(res.node).state as string) : "being deleted"}\n`,
    );
    return 0;
  },
};

const holdAddKey: Command = {
  name: "hold add-key",
  args: "NODE --key FILE.pub",
  summary: "add a developer's SSH public key to a held node, to log in with",
  help: `  --key FILE.pub     the OpenSSH public key to add
${requesterHelp}`,
  notes: `The scheduler adds the key over SSH with its own key, checking the node's pinned
host key. Log in with the address, port, user and host key "standby hold show NODE"
prints; pin the host key (StrictHostKeyChecking=yes).`,
  options: { key: { type: "string" }, requester: { type: "string" } },
  async run(ctx) {
    const [nodeId = ""] = positionals(ctx.parsed, "hold add-key", ["NODE"]);
    const file = str(ctx.parsed.values, "key");
    if (!file) throw new UsageError("--key FILE.pub is required", "hold add-key");
    const res = await ctx
      .client()
      .holds.addKey({ nodeId, publicKey: readKeyFile(file, "hold add-key"), requester: whoami(ctx.parsed.values) });
    const h = res.hold;
    if (!h) throw new Error("the server answered without a hold");
    const n = h.node;
    const login = n?.addresses[0] ? `ssh -p ${n.sshPort} ${n.username}@${n.addresses[0]}` : "";
    emit(
      ctx,
      { hold: holdJson(h) },
      `key added to ${nodeId}\n` +
        details([
          ["login", login],
          ["host keys", n?.hostKeys.map(hostKeyFingerprint).join("\n") ?? ""],
          ["expires", iso(h.expiresAt) ?? ""],
        ]),
    );
    return 0;
  },
};

const holdSnapshot: Command = {
  name: "hold snapshot",
  args: "NODE [--visibility shared|private|public] [--name IMAGE] [--no-wait]",
  summary: "make an image of a held node (without its host keys and authorized keys) and print its id",
  help: `  --visibility V     shared, private or public (default: shared where the provider can share images, else private; public needs the admin role)
  --name IMAGE       the image's name (default hold-NODE-TIME)
  --no-wait          answer at once; "hold show NODE" shows the progress
  --timeout S        wait at most S seconds (default 600)
${requesterHelp}`,
  notes: "Exits 1 if the snapshot failed or is still running when the wait ends.",
  options: {
    visibility: { type: "string" },
    name: { type: "string" },
    "no-wait": { type: "boolean" },
    timeout: { type: "string" },
    requester: { type: "string" },
  },
  async run(ctx) {
    const [nodeId = ""] = positionals(ctx.parsed, "hold snapshot", ["NODE"]);
    const v = ctx.parsed.values;
    const raw = str(v, "visibility");
    const visibility = raw === undefined ? SnapshotVisibility.SNAPSHOT_VISIBILITY_UNSPECIFIED : VISIBILITIES[raw];
    if (visibility === undefined)
      throw new UsageError(`--visibility must be shared, private or public, not "${raw ?? ""}"`, "hold snapshot");
    const wait = !bool(v, "no-wait");
    const res = await ctx.client().holds.snapshot({
      nodeId,
      visibility,
      imageName: str(v, "name") ?? "",
      requester: whoami(v),
      wait,
      waitTimeoutSeconds: int(v, "timeout", "hold snapshot", { min: 1, max: 3600 }) ?? 600,
    });
    const s = res.snapshot;
    if (!s) throw new Error("the server answered without a snapshot");
    const state = snapshotStateName(s.state);
    const text =
      state === "done"
        ? `${s.imageId}\n`
        : details([
            ["snapshot", s.id],
            ["state", state],
            ["error", s.error],
          ]);
    emit(ctx, { snapshot: snapshotJson(s) }, text);
    if (state === "done") ctx.err(`image ${s.imageId} ("${s.imageName}", ${visibilityName(s.visibility)}) on provider ${s.provider}\n`);
    return state === "done" || (!wait && state === "running") ? 0 : 1;
  },
};

const holdRules: Command = {
  name: "hold-rules",
  args: "",
  summary: "list autohold rules and how often each has fired",
  help: "",
  options: {},
  async run(ctx) {
    positionals(ctx.parsed, "hold-rules", []);
    const res = await ctx.client().holds.listRules();
    emit(ctx, { rules: res.rules.map(ruleJson) }, rulesTable(res.rules));
    return 0;
  },
};

const holdRuleAdd: Command = {
  name: "hold-rule add",
  args: "--count N [--label EXPR] [--requester NAME] [--job REGEX] [--for DURATION] [--reason TEXT] [--name NAME]",
  summary: "hold the nodes of the next N failed jobs that match",
  help: `  --count N          how many failures to hold in all
  --label EXPR       a label expression one of the claim's nodes must satisfy (default any)
  --requester NAME   the claim's requester, exactly (default any)
  --job REGEX        a regular expression on the claim's job name (default any)
  --for DURATION     how long each hold lasts (default: holds.defaultDuration)
  --reason TEXT      shown with the holds
  --name NAME        the rule's name (default: made up)
  --by NAME          who adds it (default USER@HOST)`,
  options: {
    count: { type: "string" },
    label: { type: "string" },
    requester: { type: "string" },
    job: { type: "string" },
    for: { type: "string" },
    reason: { type: "string" },
    name: { type: "string" },
    by: { type: "string" },
  },
  async run(ctx) {
    positionals(ctx.parsed, "hold-rule add", []);
    const v = ctx.parsed.values;
    const count = int(v, "count", "hold-rule add", { min: 1 });
    if (count === undefined) throw new UsageError("--count N is required", "hold-rule add");
    const res = await ctx.client().holds.createRule({
      name: str(v, "name") ?? "",
      labelExpression: str(v, "label") ?? "",
      requester: str(v, "requester") ?? "",
      jobNamePattern: str(v, "job") ?? "",
      count,
      durationSeconds: durationSeconds(v, "for", "hold-rule add") ?? 0,
      reason: str(v, "reason") ?? "",
      createdBy: str(v, "by") ?? whoami({}),
    });
    const r = res.rule;
    if (!r) throw new Error("the server answered without a rule");
    emit(ctx, { rule: ruleJson(r) }, rulesTable([r]));
    return 0;
  },
};

const holdRuleDelete: Command = {
  name: "hold-rule delete",
  args: "ID",
  summary: "remove an autohold rule added through the API (holds it made stay)",
  help: "",
  options: {},
  async run(ctx) {
    const [id = ""] = positionals(ctx.parsed, "hold-rule delete", ["ID"]);
    await ctx.client().holds.deleteRule({ id });
    emit(ctx, { id }, `hold rule ${id} deleted\n`);
    return 0;
  },
};

/** In the order the top-level help lists them. */
export const HOLD_COMMANDS: Command[] = [
  holds,
  hold,
  holdShow,
  holdRelease,
  holdAddKey,
  holdSnapshot,
  holdRules,
  holdRuleAdd,
  holdRuleDelete,
];

/** The nouns above that take a verb, for main.ts. */
export const HOLD_VERBS: Record<string, string[]> = {
  hold: ["show", "release", "add-key", "snapshot"],
  "hold-rule": ["add", "delete"],
};
