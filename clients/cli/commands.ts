import { status } from "@grpc/grpc-js";
import { ProviderMode, type Claim, type ClaimTimelineEvent } from "../../gen/ts/standby/v1/standby.js";
import { defaultRequester } from "../typescript/claim.js";
import { createClient, StandbyClientError, type StandbyClient } from "../typescript/client.js";
import { int, positionals, PRIORITY_RANGE, str, strs, TIMEOUT_RANGE, TTL_RANGE, UsageError } from "./args.js";
import { claimTokenArg, claimWatch, isClaimId, runClaim } from "./claim.js";
import { durationSeconds, emit, formatSeconds, GLOBAL_HELP, readPublicKey, type Command } from "./command.js";
import { run } from "./run.js";
import { HOLD_COMMANDS } from "./holds.js";
import { IMAGE_COMMANDS } from "./images.js";
import {
  claimDetails,
  claimJson,
  claimStateName,
  heldSummary,
  labelDetails,
  labelJson,
  labelsTable,
  NODE_STATE_NAMES,
  nodeDetails,
  nodeJson,
  nodesTable,
  nodeStateName,
  OUTCOME_NAMES,
  outcomeName,
  parseNodeState,
  parseOutcome,
  providerDetails,
  providerJson,
  providersTable,
  timelineJson,
  timelineText,
} from "./format.js";

export { GLOBAL_OPTIONS, type Command } from "./command.js";

const clean: Command = {
  name: "clean",
  args: "--config FILE [--provider NAME ...] [--db URL] [--timeout S]",
  summary: "with the scheduler stopped: delete every node it left running and wait until they are gone",
  help: `  --config FILE       the configuration the scheduler ran with
  --provider NAME     only this provider's nodes (repeatable; default: every provider)
  --db URL            the store (overrides the config)
  --timeout S         wait at most S seconds for the nodes to go, 1..2147483 (default 120)`,
  notes: `Nodes outlive a stopped scheduler, like machines in a cloud, and the next start
adopts them; a local provider's nodes are processes on this host (SSH servers on
their loopback addresses). This deletes every node of this scheduler on the
given providers through their plugins, waits until none is left, and records
them as gone. It refuses while a scheduler answers at the configured address.
Exits 1 when some node was still there when the wait ended.`,
  options: {
    config: { type: "string" },
    provider: { type: "string", multiple: true },
    db: { type: "string" },
    timeout: { type: "string" },
  },
  async run(ctx) {
    positionals(ctx.parsed, "clean", []);
    const v = ctx.parsed.values;
    const config = str(v, "config");
    if (!config) throw new UsageError("--config FILE is required", "clean");
    const timeout = int(v, "timeout", "clean", TIMEOUT_RANGE) ?? 120;
    const db = str(v, "db");
    const { clean: run } = await import("../../server/clean.js");
    const results = await run({ config, providers: strs(v, "provider"), timeoutMs: timeout * 1000, ...(db !== undefined ? { db } : {}) });
    emit(
      ctx,
      { providers: results.map((r) => ({ ...r })) },
      results
        .map((r) => `${r.provider}: ${r.deleted} deleted${r.remaining > 0 ? `, ${r.remaining} still there after ${timeout}s` : ""}\n`)
        .join(""),
    );
    return results.some((r) => r.remaining > 0) ? 1 : 0;
  },
};

const serve: Command = {
  name: "serve",
  args: "--config FILE [--listen HOST:PORT] [--db URL] [--metrics HOST:PORT]",
  summary: "run the scheduler",
  help: `  --config FILE       the configuration (YAML)
  --listen HOST:PORT  the API address (overrides the config)
  --db URL            the store, e.g. sqlite:./standby.db or mysql://... (overrides the config)
  --metrics HOST:PORT  where to serve Prometheus metrics (overrides the config)`,
  notes: "SIGINT or SIGTERM stops the scheduler; SIGHUP re-reads the configuration.",
  options: {
    config: { type: "string" },
    listen: { type: "string" },
    db: { type: "string" },
    metrics: { type: "string" },
  },
  async run(ctx) {
    positionals(ctx.parsed, "serve", []);
    const config = str(ctx.parsed.values, "config");
    if (!config) throw new UsageError("--config FILE is required", "serve");
    const { serve: start } = await import("../../server/main.js");
    const options: Parameters<typeof start>[0] = { config };
    const listen = str(ctx.parsed.values, "listen");
    const db = str(ctx.parsed.values, "db");
    const metrics = str(ctx.parsed.values, "metrics");
    if (listen !== undefined) options.listen = listen;
    if (db !== undefined) options.db = db;
    if (metrics !== undefined) options.metrics = metrics;
    const running = await start(options);
    ctx.err(
      `standby: serving on ${running.address}${running.metricsAddress ? `; metrics at http://${running.metricsAddress}/metrics` : ""}\n`,
    );

    return new Promise<number>((resolve) => {
      let stopping = false;
      const stop = (signal: NodeJS.Signals): void => {
        if (stopping) {
          ctx.err(`standby: ${signal} again; exiting without waiting\n`);
          process.exit(1);
        }
        stopping = true;
        ctx.err(`standby: ${signal}: stopping\n`);
        running.close().then(
          () => resolve(0),
          (err: unknown) => {
            ctx.err(`standby: error while stopping: ${err instanceof Error ? err.message : String(err)}\n`);
            resolve(1);
          },
        );
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
      process.on("SIGHUP", () => {
        running.reload().then(
          () => ctx.err("standby: configuration reloaded\n"),
          (err: unknown) =>
            ctx.err(`standby: reload failed, keeping the running configuration: ${err instanceof Error ? err.message : String(err)}\n`),
        );
      });
    });
  },
};

const claim: Command = {
  name: "claim",
  args: "--label EXPR [--label EXPR ...] [options]",
  summary: "claim ready nodes, waiting until they are there",
  help: `  --label EXPR        a label expression ("jammy && py312"); one node per --label
  --ttl S             lease TTL in seconds, 1..86400 (server default 600)
  --ssh-key FILE.pub  an OpenSSH public key to log in with (repeatable)
  --priority N        higher is served first, -1000000..1000000 (default 0)
  --requester NAME    who asks (default USER@HOST)
  --job NAME          the job the nodes are for
  --request-id ID     makes retries return the same claim (default: random)
  --timeout S         give up (and cancel the claim) after S seconds, 1..2147483 (default 600)`,
  notes: `Prints the claim, its claim token (for "claim show", "claim watch" and
"claim cancel"), its lease token (for "lease renew" and "lease release") and
the nodes to log in to. Queue progress goes to stderr. The lease is not renewed
by this command: renew it, or claim with a TTL that covers the job. Exits 1
when the claim fails or times out; on timeout or Ctrl-C the claim is cancelled.`,
  interruptible: true,
  options: {
    label: { type: "string", multiple: true },
    ttl: { type: "string" },
    "ssh-key": { type: "string", multiple: true },
    priority: { type: "string" },
    requester: { type: "string" },
    job: { type: "string" },
    "request-id": { type: "string" },
    timeout: { type: "string" },
  },
  async run(ctx) {
    positionals(ctx.parsed, "claim", []);
    const v = ctx.parsed.values;
    const labels = strs(v, "label");
    if (labels.length === 0) throw new UsageError("at least one --label EXPR is required", "claim");
    if (labels.some((l) => l.trim() === "")) throw new UsageError("--label must not be empty", "claim");
    return runClaim(ctx, {
      labelExpressions: labels,
      leaseTtlSeconds: int(v, "ttl", "claim", TTL_RANGE) ?? 0,
      sshPublicKeys: strs(v, "ssh-key").map((f) => readPublicKey(f)),
      priority: int(v, "priority", "claim", PRIORITY_RANGE) ?? 0,
      requester: str(v, "requester"),
      jobName: str(v, "job") ?? "",
      requestId: str(v, "request-id"),
      timeoutSeconds: int(v, "timeout", "claim", TIMEOUT_RANGE) ?? 600,
    });
  },
};

/** A claim's id ("c-" and hex); a claim token is base64url of "c-…:mac" and never starts so. */

const claimShow: Command = {
  name: "claim show",
  args: "CLAIM_TOKEN|CLAIM_ID",
  summary: "show a claim, its nodes, its lease token and its timeline",
  help: "",
  notes: `With the claim token (printed by "claim") the lease token is shown too. With the
claim's id (c-…) it needs the operator role and shows no tokens. The timeline says
what happened while the claim waited: launches for its labels, attempts that
failed and why, nodes that became ready, and when it was fulfilled.`,
  options: {},
  async run(ctx) {
    const [ref = ""] = positionals(ctx.parsed, "claim show", ["CLAIM_TOKEN|CLAIM_ID"]);
    const byId = isClaimId(ref);
    let claim: Claim | undefined;
    let leaseToken = "";
    if (!byId) {
      const res = await ctx.client().getClaim({ claimToken: ref });
      claim = res.claim;
      leaseToken = res.leaseToken;
    }
    let events: ClaimTimelineEvent[] = [];
    try {
      const timeline = await ctx.client().getClaimTimeline(byId ? { claimId: ref } : { claimToken: ref });
      events = timeline.events;
      claim = claim ?? timeline.claim;
    } catch (err) {
      // An older scheduler has no timelines; the claim itself is still worth showing.
      if (byId || StandbyClientError.from(err).code !== status.UNIMPLEMENTED) throw err;
    }
    if (!claim) throw new Error("the server answered without a claim");
    const text = claimDetails(claim, leaseToken) + (events.length > 0 ? `\n${timelineText(events)}` : "");
    emit(ctx, { claim: claimJson(claim), leaseToken, events: events.map(timelineJson) }, text);
    return 0;
  },
};

const claimCancel: Command = {
  name: "claim cancel",
  args: "CLAIM_TOKEN",
  summary: "withdraw a claim (a fulfilled one is released as aborted)",
  help: "",
  options: {},
  async run(ctx) {
    const token = claimTokenArg(ctx, "claim cancel");
    const res = await ctx.client().cancelClaim({ claimToken: token });
    const c = res.claim;
    emit(ctx, { claim: c ? claimJson(c) : null }, c ? `claim ${c.id} is ${claimStateName(c.state)}\n` : "cancelled\n");
    return 0;
  },
};

const renew: Command = {
  name: "lease renew",
  aliases: ["renew"],
  args: "LEASE_TOKEN [--ttl S]",
  summary: "extend a lease",
  help: "  --ttl S  new TTL in seconds from now, 1..86400 (default: the claim's lease TTL)",
  options: { ttl: { type: "string" } },
  async run(ctx) {
    const [token = ""] = positionals(ctx.parsed, "lease renew", ["LEASE_TOKEN"]);
    const ttl = int(ctx.parsed.values, "ttl", "lease renew", TTL_RANGE) ?? 0;
    const res = await ctx.client().renewLease({ leaseToken: token, ttlSeconds: ttl });
    const expires = res.expiresAt?.toISOString() ?? null;
    emit(ctx, { expiresAt: expires }, `lease renewed until ${expires ?? "-"}\n`);
    return 0;
  },
};

const release: Command = {
  name: "lease release",
  aliases: ["release"],
  args: "LEASE_TOKEN --outcome success|failure|aborted [--hold DURATION [--reason TEXT]]",
  summary: "end a lease with the job's outcome; its nodes are deleted (or held)",
  help: `  --outcome O         how the job ended: success, failure or aborted
  --hold DURATION     keep the nodes for diagnosis this long instead of deleting them (90s, 30m, 2h, 1d)
  --reason TEXT       why they are held, shown with the hold (default: "held by USER@HOST")`,
  notes: `Held nodes are listed by "standby holds"; "standby hold add-key" lets a developer
in, "standby hold snapshot" publishes an image of one, "standby hold release" ends
the hold. A failure may also be held by an autohold rule ("standby hold-rules").`,
  options: { outcome: { type: "string" }, hold: { type: "string" }, reason: { type: "string" } },
  async run(ctx) {
    const [token = ""] = positionals(ctx.parsed, "lease release", ["LEASE_TOKEN"]);
    const v = ctx.parsed.values;
    const raw = str(v, "outcome");
    if (raw === undefined) throw new UsageError(`--outcome is required (${OUTCOME_NAMES.join(", ")})`, "lease release");
    const outcome = parseOutcome(raw);
    if (outcome === undefined) {
      throw new UsageError(`--outcome must be one of ${OUTCOME_NAMES.join(", ")}, not "${raw}"`, "lease release");
    }
    const holdSeconds = durationSeconds(v, "hold", "lease release") ?? 0;
    const reason = str(v, "reason");
    if (reason !== undefined && holdSeconds === 0) throw new UsageError("--reason goes with --hold DURATION", "lease release");
    const holdReason = holdSeconds > 0 ? (reason ?? `held by ${defaultRequester()}`) : "";
    const res = await ctx.client().releaseLease({ leaseToken: token, outcome, holdSeconds, holdReason });
    const c = res.claim;
    const held = c ? heldSummary(c) : "";
    const hold = holdSeconds > 0 ? `; hold for ${formatSeconds(holdSeconds)} asked${held ? `, ${held}` : ""}` : "";
    emit(
      ctx,
      { claim: c ? claimJson(c) : null, holdSeconds, holdReason },
      `released${c ? ` claim ${c.id}` : ""} (outcome ${outcomeName(outcome)})${hold}\n`,
    );
    return 0;
  },
};

const nodes: Command = {
  name: "nodes",
  args: "[--label L] [--provider P] [--state S]",
  summary: "list nodes that are not gone",
  help: `  --label L     only nodes of label L
  --provider P  only nodes of provider P
  --state S     only nodes in state S (${NODE_STATE_NAMES.join(", ")})`,
  options: {
    label: { type: "string" },
    provider: { type: "string" },
    state: { type: "string" },
  },
  async run(ctx) {
    positionals(ctx.parsed, "nodes", []);
    const v = ctx.parsed.values;
    const stateName = str(v, "state");
    const state = stateName === undefined ? 0 : parseNodeState(stateName);
    if (state === undefined) {
      throw new UsageError(`--state must be one of ${NODE_STATE_NAMES.join(", ")}, not "${String(stateName)}"`, "nodes");
    }
    const res = await ctx.client().listNodes({ label: str(v, "label") ?? "", provider: str(v, "provider") ?? "", state });
    emit(ctx, { nodes: res.nodes.map(nodeJson) }, nodesTable(res.nodes, new Date()));
    return 0;
  },
};

const nodeShow: Command = {
  name: "node show",
  args: "ID",
  summary: "show one node",
  help: "",
  options: {},
  async run(ctx) {
    const [id = ""] = positionals(ctx.parsed, "node show", ["ID"]);
    const res = await ctx.client().getNode({ id });
    if (!res.node) throw new Error("the server answered without a node");
    emit(ctx, { node: nodeJson(res.node) }, nodeDetails(res.node));
    return 0;
  },
};

const nodeDelete: Command = {
  name: "node delete",
  args: "ID",
  summary: "delete a node that is not claimed",
  help: "",
  options: {},
  async run(ctx) {
    const [id = ""] = positionals(ctx.parsed, "node delete", ["ID"]);
    const res = await ctx.client().deleteNode({ id });
    const n = res.node;
    emit(ctx, { node: n ? nodeJson(n) : null }, `node ${id} is ${n ? nodeStateName(n.state) : "being deleted"}\n`);
    return 0;
  },
};

const labels: Command = {
  name: "labels",
  args: "",
  summary: "list labels with their nodes per state",
  help: "",
  options: {},
  async run(ctx) {
    positionals(ctx.parsed, "labels", []);
    const res = await ctx.client().listLabels();
    emit(ctx, { labels: res.labels.map(labelJson) }, labelsTable(res.labels));
    return 0;
  },
};

const providers: Command = {
  name: "providers",
  args: "",
  summary: "list providers with their plugin's health",
  help: "",
  options: {},
  async run(ctx) {
    positionals(ctx.parsed, "providers", []);
    const res = await ctx.client().listProviders();
    emit(ctx, { providers: res.providers.map(providerJson) }, providersTable(res.providers));
    return 0;
  },
};

const labelShow: Command = {
  name: "label show",
  args: "NAME",
  summary: "show one label: its policy, providers and nodes per state",
  help: "",
  options: {},
  async run(ctx) {
    const [name = ""] = positionals(ctx.parsed, "label show", ["NAME"]);
    const label = (await ctx.client().listLabels()).labels.find((l) => l.name === name);
    if (!label) throw new StandbyClientError(status.NOT_FOUND, `label ${name} not found`);
    emit(ctx, { label: labelJson(label) }, labelDetails(label));
    return 0;
  },
};

const providerShow: Command = {
  name: "provider show",
  args: "NAME",
  summary: "show one provider: its plugin, mode, nodes per state and recent launch failures",
  help: "",
  options: {},
  async run(ctx) {
    const [name = ""] = positionals(ctx.parsed, "provider show", ["NAME"]);
    const provider = (await ctx.client().listProviders()).providers.find((p) => p.name === name);
    if (!provider) throw new StandbyClientError(status.NOT_FOUND, `provider ${name} not found`);
    emit(ctx, { provider: providerJson(provider) }, providerDetails(provider));
    return 0;
  },
};

function providerModeCommand(verb: "pause" | "resume" | "drain"): Command {
  const mode = {
    pause: ProviderMode.PROVIDER_MODE_PAUSED,
    resume: ProviderMode.PROVIDER_MODE_ACTIVE,
    drain: ProviderMode.PROVIDER_MODE_DRAINING,
  }[verb];
  const summary = {
    pause: "stop launching on a provider; its nodes stay as they are",
    resume: "let a paused or draining provider launch again",
    drain: "stop launching on a provider and recycle its ready nodes, a few at a time",
  }[verb];
  return {
    name: `provider ${verb}`,
    args: "NAME",
    summary,
    help: "",
    options: {},
    async run(ctx) {
      const [name = ""] = positionals(ctx.parsed, `provider ${verb}`, ["NAME"]);
      const res = await ctx.client().setProviderMode({ name, mode });
      const p = res.provider;
      emit(ctx, { provider: p ? providerJson(p) : null }, p ? providersTable([p]) : "");
      return 0;
    },
  };
}

const configReload: Command = {
  name: "config reload",
  args: "",
  summary: "make the scheduler re-read its configuration file (like SIGHUP); an invalid file changes nothing",
  help: "",
  options: {},
  async run(ctx) {
    positionals(ctx.parsed, "config reload", []);
    const res = await ctx.client().reloadConfig();
    emit(
      ctx,
      { labels: res.labels, providers: res.providers },
      `reloaded: labels ${res.labels.join(", ")}; providers ${res.providers.join(", ")}\n`,
    );
    return 0;
  },
};

/**
 * Every command, in the order the top-level help lists them. Commands of
 * their own area live in their own file and are spread in here.
 */
export const COMMANDS: Command[] = [
  serve,
  clean,
  claim,
  claimShow,
  claimWatch,
  claimCancel,
  renew,
  release,
  run,
  ...HOLD_COMMANDS,
  nodes,
  nodeShow,
  nodeDelete,
  labels,
  labelShow,
  providers,
  providerShow,
  providerModeCommand("pause"),
  providerModeCommand("resume"),
  providerModeCommand("drain"),
  ...IMAGE_COMMANDS,
  configReload,
];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name) ?? COMMANDS.find((c) => c.aliases?.includes(name));
}

/** The verbs a noun takes ("node" → show, delete). */
export function verbsOf(noun: string): string[] {
  return COMMANDS.filter((c) => c.name.startsWith(`${noun} `)).map((c) => c.name.slice(noun.length + 1));
}

export function commandUsage(c: Command): string {
  return `usage: standby ${c.name}${c.args ? ` ${c.args}` : ""}`;
}

/** Lines "  --flag ARG  description" with the descriptions in one column. */
function alignOptions(text: string): string {
  const rows = text.split("\n").map((line) => /^ {2}(\S.*?) {2,}(\S.*)$/.exec(line));
  const width = Math.max(0, ...rows.map((m) => m?.[1]?.length ?? 0));
  return text
    .split("\n")
    .map((line, i) => {
      const m = rows[i];
      return m ? `  ${(m[1] ?? "").padEnd(width)}  ${m[2] ?? ""}` : line;
    })
    .join("\n");
}

export function commandHelp(c: Command): string {
  const summary = `${c.summary[0]?.toUpperCase() ?? ""}${c.summary.slice(1)}.`;
  const options = `Options:\n${alignOptions(c.help ? `${c.help}\n${GLOBAL_HELP}` : GLOBAL_HELP)}\n`;
  const aliases = c.aliases?.length ? `Also: ${c.aliases.map((a) => `standby ${a}`).join(", ")}.\n\n` : "";
  return `${commandUsage(c)}\n\n${summary}\n\n${aliases}${options}${c.notes ? `\n${c.notes}\n` : ""}`;
}

export function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map(
    (c) => `  ${c.name.padEnd(width)}  ${c.summary}${c.aliases?.length ? ` (also: ${c.aliases.join(", ")})` : ""}`,
  );
  return `usage: standby COMMAND [options]

Keeps disposable, health-checked CI machines ready; claim them by label.
Plural nouns list ("standby nodes"); a noun and a verb act ("standby node
delete ID"); "standby claim" claims and "standby run" runs a command on a
fresh node.

Commands:
${lines.join("\n")}

Options for every command:
${GLOBAL_HELP}

"standby COMMAND --help" explains one command. Exit codes: 0 done, 1 the
server refused or the claim failed or timed out, 2 a usage error (also the
server's INVALID_ARGUMENT), 130 interrupted; "run" exits with its command's.
`;
}

/** gRPC statuses that mean the request itself was wrong: exit 2 like a usage error. */
export function exitCodeFor(code: status): number {
  return code === status.INVALID_ARGUMENT ? 2 : 1;
}

export function clientFactory(addr: string): { get(): StandbyClient; close(): void } {
  let client: StandbyClient | undefined;
  return {
    get: () => (client ??= createClient(addr)),
    close: () => client?.close(),
  };
}
