import { constants as osConstants } from "node:os";
import { generateEd25519Key } from "../../common/ssh-keys.js";
import { defaultRequester } from "../typescript/claim.js";
import { StandbyClientError } from "../typescript/errors.js";
import type { Lease, OutcomeName } from "../typescript/lease.js";
import { connectToNode, execStreaming, NodeSshError, type ExecResult } from "../typescript/ssh.js";
import { bool, int, PRIORITY_RANGE, str, strs, TIMEOUT_RANGE, TTL_RANGE, UsageError } from "./args.js";
import { claimEndExit, progressLine } from "./claim.js";
import { durationSeconds, formatSeconds, readPublicKey, type Command } from "./command.js";
import type { Context } from "./context.js";
import { claimJson, heldSummary, nodeJson, type Json } from "./format.js";

/** Like ssh when it cannot reach the host. */
const EXIT_SSH_FAILED = 255;

/** Lines from standby itself on stderr: text, or one JSON object per line with --json; none with --quiet. */
function reporter(ctx: Context, quiet: boolean): (json: { event: string } & Record<string, Json>, text: string) => void {
  return (json, text) => {
    if (quiet) return;
    ctx.err(ctx.json ? `${JSON.stringify(json)}\n` : `standby: ${text}\n`);
  };
}

/** The command's exit code as a shell reports it: 128+N for signal N. */
function exitCodeOf(result: ExecResult): number {
  if (result.code !== null) return result.code;
  const n = result.signal ? (osConstants.signals as Record<string, number | undefined>)[`SIG${result.signal}`] : undefined;
  return n !== undefined ? 128 + n : EXIT_SSH_FAILED;
}

export const run: Command = {
  name: "run",
  args: "--label EXPR [options] -- COMMAND [ARG...]",
  summary: "claim a node, run a command on it over SSH, release it with the command's outcome",
  help: `  --label EXPR                the node's label expression ("jammy && py312")
  --hold-on-failure DURATION  when the command fails, keep the node this long for diagnosis (90s, 30m, 2h, 1d)
  --hold-reason TEXT          why, for operators (default: the command and its exit code)
  --ssh-key FILE.pub          also authorize this public key on the node, e.g. to log in to a held node (repeatable)
  --ttl S                     lease TTL in seconds, 1..86400; renewed in the background while the command runs (default 600)
  --timeout S                 give up waiting for a node after S seconds, 1..2147483; the claim is cancelled (default 600)
  --priority N                higher is served first, -1000000..1000000 (default 0)
  --requester NAME            who asks (default USER@HOST)
  --job NAME                  the job the node is for (default: "standby run" and the command)
  -n, --no-stdin              do not pass stdin to the command (default: passed unless it is a terminal)
  -q, --quiet                 no lines from standby itself on stderr, only the command's`,
  notes: `Makes a throwaway SSH key pair, claims one node with its public key (waiting
as long as it takes, with the queue position and the provider launching on
stderr), connects verifying the host key the scheduler pinned for the node,
runs COMMAND there through the node's shell (the words are joined with spaces,
as ssh does), passes its stdout to stdout and its stderr to stderr as they come,
and releases the node: outcome success when the command exits 0, failure
otherwise, with a hold when --hold-on-failure is given. The lease is renewed
while the command runs. With --json, standby's own stderr lines are JSON
objects (events queued, launching, node, exit, released).

Exit codes: the command's own; 128+N when it died of signal N; 1 when no node
came (the claim failed or timed out) or the server refused; 2 a usage error;
255 when the node could not be reached over SSH (it is released as aborted);
130 interrupted (the command gets SIGTERM, the node is released as aborted).

Examples:
  standby run --label jammy -- make test
  standby run --label 'jammy && py312' --hold-on-failure 2h --ssh-key ~/.ssh/id_ed25519.pub -- ./ci.sh
  tar c src | standby run --label local -- 'tar x && cd src && make'`,
  options: {
    label: { type: "string", multiple: true },
    "hold-on-failure": { type: "string" },
    "hold-reason": { type: "string" },
    "ssh-key": { type: "string", multiple: true },
    ttl: { type: "string" },
    timeout: { type: "string" },
    priority: { type: "string" },
    requester: { type: "string" },
    job: { type: "string" },
    "no-stdin": { type: "boolean", short: "n" },
    quiet: { type: "boolean", short: "q" },
  },
  interruptible: true,
  async run(ctx) {
    const v = ctx.parsed.values;
    const labels = strs(v, "label");
    if (labels.length !== 1 || labels[0]?.trim() === "") throw new UsageError("exactly one --label EXPR is required", "run");
    const label = labels[0] as string;
    const words = ctx.parsed.positionals;
    if (words.length === 0) throw new UsageError("missing COMMAND (after --)", "run");
    const command = words.join(" ");
    const holdSeconds = durationSeconds(v, "hold-on-failure", "run") ?? 0;
    const holdReasonOption = str(v, "hold-reason");
    if (holdReasonOption !== undefined && holdSeconds === 0) throw new UsageError("--hold-reason needs --hold-on-failure DURATION", "run");
    const userKeys = strs(v, "ssh-key").map((f) => readPublicKey(f, "run"));
    const ttlSeconds = int(v, "ttl", "run", TTL_RANGE) ?? 600;
    const timeoutSeconds = int(v, "timeout", "run", TIMEOUT_RANGE) ?? 600;
    const priority = int(v, "priority", "run", PRIORITY_RANGE) ?? 0;
    const report = reporter(ctx, bool(v, "quiet"));

    // The key lives only in this process; the node is single use.
    const key = generateEd25519Key("standby-run");
    let lastLine = "";
    let lease: Lease;
    try {
      lease = await ctx.client().claim({
        labels: [label],
        ttlSeconds,
        priority,
        requester: str(v, "requester") ?? defaultRequester(),
        jobName: (str(v, "job") ?? `standby run: ${command}`).slice(0, 1024),
        sshPublicKeys: [key.publicKey, ...userKeys],
        timeoutMs: timeoutSeconds * 1000,
        signal: ctx.signal,
        onProgress: (p) => {
          const line = progressLine(p).replace(/^standby: /, "");
          if (line === lastLine) return;
          lastLine = line;
          report({ event: p.event, claimId: p.claimId, queuePosition: p.queuePosition, message: p.message }, line);
        },
        onLost: (e) =>
          report(
            { event: "lease-lost", message: e.message },
            `the lease was lost (${e.message}); the node may be deleted under the command`,
          ),
      });
    } catch (err) {
      const code = claimEndExit(ctx, err, timeoutSeconds, "a node");
      if (code === undefined) throw err;
      return code;
    }

    const node = lease.nodes[0];
    const release = async (outcome: OutcomeName, hold: { seconds: number; reason: string } | undefined): Promise<void> => {
      try {
        const claim = await lease.release(outcome, hold);
        const held = claim ? heldSummary(claim) : "";
        const holdNote = hold ? `; hold for ${formatSeconds(hold.seconds)} asked${held ? `, ${held}` : ""}` : "";
        report(
          { event: "released", outcome, holdSeconds: hold?.seconds ?? 0, claim: claim ? claimJson(claim) : null },
          `released node ${node?.id ?? "?"} (outcome ${outcome})${holdNote}`,
        );
      } catch (err) {
        // The lease runs out by itself; the node is deleted then.
        ctx.err(`standby: releasing node ${node?.id ?? "?"} failed: ${StandbyClientError.from(err).message}\n`);
      }
    };
    if (!node) {
      await release("aborted", undefined);
      throw new Error(`claim ${lease.claimId} was fulfilled without a node`);
    }
    report(
      { event: "node", claimId: lease.claimId, node: nodeJson(node) },
      `node ${node.id} (label ${node.label}, provider ${node.provider}) at ${node.username}@${node.addresses[0] ?? "?"}:${node.sshPort}`,
    );

    let result: ExecResult;
    try {
      const ssh = await connectToNode(node, { privateKey: key.privateKey });
      try {
        const forwardStdin = !bool(v, "no-stdin") && !ctx.stdio.stdin.isTTY;
        result = await execStreaming(ssh, command, {
          ...(forwardStdin ? { stdin: ctx.stdio.stdin } : {}),
          stdout: ctx.stdio.stdout,
          stderr: ctx.stdio.stderr,
          signal: ctx.signal,
        });
      } finally {
        ssh.end();
        // A stdin that is still open (a pipe nobody closes) must not keep us alive.
        if (!ctx.stdio.stdin.isTTY) ctx.stdio.stdin.pause();
      }
    } catch (err) {
      ctx.err(`standby: ${err instanceof NodeSshError ? err.message : `ssh to node ${node.id}: ${(err as Error).message}`}\n`);
      await release("aborted", undefined);
      return ctx.signal.aborted ? 130 : EXIT_SSH_FAILED;
    }

    if (ctx.signal.aborted) {
      report({ event: "exit", code: null, signal: "TERM", interrupted: true }, "interrupted; the command got SIGTERM");
      await release("aborted", undefined);
      return 130;
    }
    const code = exitCodeOf(result);
    const how =
      result.code !== null ? `exited ${result.code}` : result.signal ? `died of SIG${result.signal}` : "ended without an exit status";
    report({ event: "exit", code: result.code, signal: result.signal ?? null }, `the command ${how}`);
    const failed = code !== 0;
    const hold =
      failed && holdSeconds > 0
        ? { seconds: holdSeconds, reason: holdReasonOption ?? `standby run: "${command.slice(0, 200)}" ${how}` }
        : undefined;
    await release(failed ? "failure" : "success", hold);
    return code;
  },
};
