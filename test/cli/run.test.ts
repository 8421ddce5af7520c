import assert from "node:assert/strict";
import os from "node:os";
import path from "node:path";
import { Outcome, type CreateClaimRequest, type ReleaseLeaseRequest } from "../../gen/ts/standby/v1/standby.js";
import { eventually, REPO_ROOT, startCluster, type Cluster } from "../lib/cluster.js";
import { suite } from "../lib/harness.js";
import { startRecordingProxy, type RecordingProxy } from "../lib/recording-proxy.js";
import { LineProcess, run as runProgram, describeRun, type Run } from "../clients/tools.js";

/**
 * `standby run` against a live scheduler whose nodes come from the local
 * provider: real SSH servers on loopback addresses, ready-checked and handed
 * over with the scheduler's key, host keys pinned. The CLI runs as a child
 * process, as a user would run it.
 */

const CLI = path.join(REPO_ROOT, "dist/clients/cli/main.js");
const t = suite("standby run on local nodes", { timeoutMs: 120_000 });

let c: Cluster;
let proxy: RecordingProxy;

const range = () => `127.${60 + Math.floor(Math.random() * 60)}.${Math.floor(Math.random() * 250)}.0/24`;

t.before(async () => {
  c = await startCluster({
    access: true,
    config: {
      providers: [
        { name: "box", plugin: "local", settings: { addressRange: range() }, readyTimeout: "20s", bootTimeout: "20s" },
        // Nodes that take a while: claims for "cold" wait for a launch.
        {
          name: "slowbox",
          plugin: "local",
          settings: { addressRange: range(), bootDelayMs: 1_500 },
          readyTimeout: "20s",
          bootTimeout: "20s",
        },
      ],
      labels: [
        { name: "local", tags: ["linux"], minReady: 1 },
        { name: "cold", tags: ["linux"], minReady: 0 },
      ],
      templates: [
        { label: "local", provider: "box", image: "base", flavor: "local" },
        { label: "cold", provider: "slowbox", image: "base", flavor: "local" },
      ],
    },
  });
  proxy = await startRecordingProxy(c.api.address);
});

t.after(async () => {
  await proxy.close();
  await c.close();
});

function standby(args: string[], input?: string): Promise<Run> {
  // --addr goes before the "--" that starts the command.
  const [first = "", ...rest] = args;
  return runProgram(process.execPath, [CLI, first, ...(args.includes("--addr") ? [] : ["--addr", c.api.address]), ...rest], {
    timeoutMs: 90_000,
    env: { STANDBY_ADDR: "" },
    ...(input !== undefined ? { input } : {}),
  });
}

/** The node a run used, from its "node" line on stderr. */
function nodeOf(stderr: string): string {
  const m = /^standby: node (\S+) \(label /m.exec(stderr);
  assert.ok(m?.[1], `no node line in:\n${stderr}`);
  return m[1];
}

async function expectGone(nodeId: string): Promise<void> {
  await eventually(`node ${nodeId} deleted`, async () => (await c.store.getNode(nodeId))?.state === "gone", 30_000);
}

t("run -- 'uname -a; exit 3' prints the remote output, exits 3, releases with failure and the node is deleted", async () => {
  const r = await standby(["run", "--label", "local", "--", "uname -a; exit 3"]);
  assert.equal(r.code, 3, describeRun(r));
  assert.match(r.stdout, new RegExp(`^Linux \\S+ ${os.release().replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} .*\\n$`));
  const nodeId = nodeOf(r.stderr);
  assert.match(
    r.stderr,
    new RegExp(`^standby: node ${nodeId} \\(label local, provider box\\) at \\S+@127\\.\\d+\\.\\d+\\.\\d+:\\d+$`, "m"),
  );
  assert.match(r.stderr, /^standby: the command exited 3$/m);
  assert.match(r.stderr, new RegExp(`^standby: released node ${nodeId} \\(outcome failure\\)$`, "m"));
  const node = await c.store.getNode(nodeId);
  const claim = await c.store.getClaim(node?.claimId ?? "");
  assert.equal(claim?.outcome, "failure");
  assert.match(claim?.jobName ?? "", /^standby run: uname -a; exit 3$/);
  await expectGone(nodeId);
});

t("the command's stdout and stderr stay apart; exit 0 releases with success; --quiet leaves only the command's output", async () => {
  const r = await standby(["run", "-q", "--label", "local && linux", "--", "echo", "to-out;", "echo to-err >&2"]);
  assert.equal(r.code, 0, describeRun(r));
  assert.equal(r.stdout, "to-out\n");
  assert.equal(r.stderr, "to-err\n");
  const claim = (await c.store.listClaims({})).find((x) => x.jobName === "standby run: echo to-out; echo to-err >&2");
  assert.equal(claim?.outcome, "success");
  await expectGone(claim?.nodeIds[0] ?? "");
});

t("output arrives as the command writes it, not at its end", async () => {
  const p = new LineProcess(process.execPath, [
    CLI,
    "run",
    "--label",
    "local",
    "--addr",
    c.api.address,
    "--",
    "echo first; sleep 4; echo second",
  ]);
  try {
    await p.waitFor("the first line", (line) => line === "first", 60_000);
    assert.equal(p.child.exitCode, null, "still running when the first line came");
    assert.doesNotMatch(p.stdout, /second/);
    assert.equal(await p.exit(30_000), 0, p.stderr);
    assert.equal(p.stdout, "first\nsecond\n");
  } finally {
    p.kill();
  }
});

t("a cold claim shows its queue position and the provider launching; a failure with --hold-on-failure asks for the hold", async () => {
  const r = await standby([
    "run",
    "--label",
    "cold",
    "--json",
    "--hold-on-failure",
    "2h",
    "--addr",
    proxy.address,
    "--",
    "echo failing; exit 1",
  ]);
  assert.equal(r.code, 1, describeRun(r));
  assert.equal(r.stdout, "failing\n");
  const events = r.stderr
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown> & { event: string });
  const queued = events.find((e) => e.event === "queued");
  assert.equal(queued?.queuePosition, 1, r.stderr);
  const launching = events.find((e) => e.event === "launching");
  assert.match(String(launching?.message), /^launching cold on slowbox$/, r.stderr);
  const node = events.find((e) => e.event === "node")?.node as { id: string; provider: string; hostKeys: string[] };
  assert.equal(node.provider, "slowbox");
  assert.deepEqual(
    events.find((e) => e.event === "exit"),
    { event: "exit", code: 1, signal: null },
  );
  const released = events.find((e) => e.event === "released");
  assert.equal(released?.outcome, "failure");
  assert.equal(released?.holdSeconds, 7200);
  // On the wire: a throwaway key with the claim, the hold with the release.
  const create = proxy.of<CreateClaimRequest>("CreateClaim").at(-1);
  assert.deepEqual(create?.labelExpressions, ["cold"]);
  assert.match(create?.sshPublicKeys[0] ?? "", /^ssh-ed25519 AAAA\S+ standby-run$/);
  const release = proxy.of<ReleaseLeaseRequest>("ReleaseLease").at(-1);
  assert.equal(release?.outcome, Outcome.OUTCOME_FAILURE);
  assert.equal(release?.holdSeconds, 7200);
  assert.equal(release?.holdReason, 'standby run: "echo failing; exit 1" exited 1');
  // The node is kept for diagnosis, with the hold the run asked for.
  const held = await eventually("the node held", async () => {
    const n = await c.store.getNode(node.id);
    return n?.state === "held" ? n : undefined;
  });
  assert.equal(held.id, node.id);
});

t("a command killed by a signal exits 128+N, like a shell", async () => {
  const r = await standby(["run", "-q", "--label", "local", "--", "kill -TERM $$"]);
  assert.equal(r.code, 128 + os.constants.signals.SIGTERM, describeRun(r));
});

t("stdin goes to the command unless -n", async () => {
  const piped = await standby(["run", "-q", "--label", "local", "--", "tr a-z A-Z"], "hello from stdin\n");
  assert.equal(piped.code, 0, describeRun(piped));
  assert.equal(piped.stdout, "HELLO FROM STDIN\n");
  const closed = await standby(["run", "-q", "-n", "--label", "local", "--", "wc -c"], "ignored\n");
  assert.equal(closed.code, 0, describeRun(closed));
  assert.equal(closed.stdout.trim(), "0");
});

t("Ctrl-C stops the command, releases the node as aborted and exits 130", async () => {
  const p = new LineProcess(process.execPath, [
    CLI,
    "run",
    "--label",
    "local",
    "--addr",
    c.api.address,
    "--",
    "echo started; sleep 60; echo never",
  ]);
  try {
    await p.waitFor("the command to start", (line) => line === "started", 60_000);
    p.child.kill("SIGINT");
    assert.equal(await p.exit(30_000), 130, p.stderr);
    assert.doesNotMatch(p.stdout, /never/);
    const nodeId = nodeOf(p.stderr);
    assert.match(p.stderr, new RegExp(`released node ${nodeId} \\(outcome aborted\\)`));
    const claim = await c.store.getClaim((await c.store.getNode(nodeId))?.claimId ?? "");
    assert.equal(claim?.outcome, "aborted");
    await expectGone(nodeId);
  } finally {
    p.kill();
  }
});

t.run();
