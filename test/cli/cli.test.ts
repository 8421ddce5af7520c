import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall } from "@grpc/grpc-js";
import { COMMANDS, topHelp } from "../../clients/cli/commands.js";
import {
  claimedNodesTable,
  claimJson,
  hostKeyFingerprint,
  labelsTable,
  nodeJson,
  nodesTable,
  parseNodeState,
  providersTable,
  table,
} from "../../clients/cli/format.js";
import {
  Claim,
  ClaimState,
  LabelStatus,
  Node,
  NodeState,
  Outcome,
  ProviderHealth,
  ProviderMode,
  ProviderStatus,
  StandbyServiceService,
  type CancelClaimRequest,
  type CreateClaimRequest,
  type CreateClaimResponse,
  type GetNodeRequest,
  type ListNodesRequest,
  type ListNodesResponse,
  type ReleaseLeaseRequest,
  type WatchClaimRequest,
  type WatchClaimResponse,
} from "../../gen/ts/standby/v1/standby.js";
import type { ServerWritableStream } from "@grpc/grpc-js";
import { suite } from "../lib/harness.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, "../../clients/cli/main.js");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a real child process; never spawnSync, the stub server lives in this process. */
function standby(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, STANDBY_ADDR: "", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const T0 = new Date("2026-01-02T03:04:05.000Z");
const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";

function readyNode(over: Partial<Node> = {}): Node {
  return Node.fromPartial({
    id: "n-1",
    label: "jammy",
    provider: "fake-a",
    state: NodeState.NODE_STATE_CLAIMED,
    addresses: ["10.1.2.3", "fd00::3"],
    sshPort: 22,
    username: "ci",
    hostKeys: [HOST_KEY],
    tags: ["jammy", "x86_64"],
    image: "jammy-cached-7",
    instanceId: "i-123",
    claimId: "c-1",
    createdAt: T0,
    stateChangedAt: T0,
    flavor: "small",
    ...over,
  });
}

function claimOf(state: ClaimState, over: Partial<Claim> = {}): Claim {
  return Claim.fromPartial({
    id: "c-1",
    state,
    labelExpressions: ["x"],
    requester: "tester",
    leaseTtlSeconds: 600,
    createdAt: T0,
    nodes: state === ClaimState.CLAIM_STATE_FULFILLED ? [readyNode()] : [],
    leaseExpiresAt: state === ClaimState.CLAIM_STATE_FULFILLED ? new Date(T0.getTime() + 600_000) : undefined,
    ...over,
  });
}

// ---- A tiny StandbyService stub: a test double for the CLI's wire behaviour only.

type Unary<Q, R> = (call: ServerUnaryCall<Q, R>, cb: sendUnaryData<R>) => void;

interface Stub {
  address: string;
  createClaims: CreateClaimRequest[];
  cancels: CancelClaimRequest[];
  listNodes: ListNodesRequest[];
  releases: ReleaseLeaseRequest[];
  onCreate: (req: CreateClaimRequest) => CreateClaimResponse;
  onWatch: (call: ServerWritableStream<WatchClaimRequest, WatchClaimResponse>) => void;
  onGetNode: Unary<GetNodeRequest, { node?: Node }>;
  close(): Promise<void>;
}

async function startStub(): Promise<Stub> {
  const server = new Server();
  const stub: Stub = {
    address: "",
    createClaims: [],
    cancels: [],
    listNodes: [],
    releases: [],
    onCreate: () => ({ claim: claimOf(ClaimState.CLAIM_STATE_FULFILLED), claimToken: "ct-1", leaseToken: "lt-1" }),
    onWatch: (call) => call.end(),
    onGetNode: (_call, cb) => cb({ code: status.NOT_FOUND, details: "node n-404 not found" }),
    close: async () => server.forceShutdown(),
  };
  server.addService(StandbyServiceService, {
    createClaim: ((call, cb) => {
      stub.createClaims.push(call.request);
      cb(null, stub.onCreate(call.request));
    }) as Unary<CreateClaimRequest, CreateClaimResponse>,
    watchClaim: (call: ServerWritableStream<WatchClaimRequest, WatchClaimResponse>) => stub.onWatch(call),
    cancelClaim: ((call, cb) => {
      stub.cancels.push(call.request);
      cb(null, { claim: claimOf(ClaimState.CLAIM_STATE_CANCELLED) });
    }) as Unary<CancelClaimRequest, { claim: Claim }>,
    releaseLease: ((call, cb) => {
      stub.releases.push(call.request);
      cb(null, { claim: claimOf(ClaimState.CLAIM_STATE_RELEASED) });
    }) as Unary<ReleaseLeaseRequest, { claim: Claim }>,
    listNodes: ((call, cb) => {
      stub.listNodes.push(call.request);
      if (call.request.label === "bad label") {
        cb({ code: status.INVALID_ARGUMENT, details: "label: not a label name" });
        return;
      }
      cb(null, { nodes: [readyNode({ state: NodeState.NODE_STATE_READY, claimId: "" })] });
    }) as Unary<ListNodesRequest, ListNodesResponse>,
    getNode: (call: ServerUnaryCall<GetNodeRequest, { node?: Node }>, cb: sendUnaryData<{ node?: Node }>) => stub.onGetNode(call, cb),
    listLabels: ((_call, cb) => {
      cb(null, {
        labels: [
          LabelStatus.fromPartial({
            name: "jammy",
            tags: ["ubuntu"],
            minReady: 2,
            providers: ["fake-a"],
            counts: [
              { state: NodeState.NODE_STATE_READY, count: 3 },
              { state: NodeState.NODE_STATE_LAUNCHING, count: 1 },
            ],
          }),
        ],
      });
    }) as Unary<unknown, { labels: LabelStatus[] }>,
    listProviders: ((_call, cb) => {
      cb(null, {
        providers: [
          ProviderStatus.fromPartial({
            name: "a",
            health: ProviderHealth.PROVIDER_HEALTH_SERVING,
            plugin: "fake",
            mode: ProviderMode.PROVIDER_MODE_PAUSED,
            recentFailures: [{ label: "jammy", reason: "instance-error", message: "no capacity", nodeId: "n-1", at: T0 }],
          }),
        ],
      });
    }) as Unary<unknown, { providers: ProviderStatus[] }>,
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  stub.address = `127.0.0.1:${port}`;
  return stub;
}

// ---- Arguments and help

const args = suite("standby CLI arguments");

args("an unknown command exits 2 with one line and a pointer to --help, not the whole help", async () => {
  const r = await standby(["frobnicate"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown command "frobnicate"/);
  assert.match(r.stderr, /usage: standby COMMAND/);
  assert.match(r.stderr, /"standby --help" lists the commands/);
  assert.equal(r.stderr.trim().split("\n").length, 2, r.stderr);
  assert.equal(r.stdout, "");
});

args("global options go before or after the command", async () => {
  const before = await standby(["--addr", "127.0.0.1:1", "--json", "labels"]);
  const after = await standby(["labels", "--addr", "127.0.0.1:1", "--json"]);
  const mixed = await standby(["--json", "labels", "--addr=127.0.0.1:1"]);
  for (const r of [before, after, mixed]) {
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /UNAVAILABLE.*is the scheduler running at 127\.0\.0\.1:1\?/);
  }
  assert.equal(before.stderr, after.stderr);
  const unknown = await standby(["--colour", "labels"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown option "--colour" before the command/);
  const noValue = await standby(["--addr"]);
  assert.equal(noValue.code, 2);
  assert.match(noValue.stderr, /"--addr" needs a value/);
  const help = await standby(["--addr", "127.0.0.1:1", "--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^usage: standby COMMAND/);
});

args("numbers are whole numbers written as digits, within the scheduler's ranges", async () => {
  const cases: [string[], RegExp][] = [
    [["--ttl", "-1"], /--ttl must be a whole number 1\.\.86400, not "-1"/],
    [["--ttl", "1e3"], /--ttl must be a whole number 1\.\.86400, not "1e3"/],
    [["--priority", "2000000"], /--priority must be a whole number -1000000\.\.1000000, not "2000000"/],
    [["--priority", "0x10"], /--priority must be a whole number/],
    [["--timeout", "1e9"], /--timeout must be a whole number 1\.\.2147483, not "1e9"/],
    [["--timeout", "99999999"], /--timeout must be a whole number 1\.\.2147483, not "99999999"/],
  ];
  for (const [extra, message] of cases) {
    const r = await standby(["claim", "--label", "x", ...extra, "--addr", "127.0.0.1:1"]);
    assert.equal(r.code, 2, `${extra.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /TimeoutOverflowWarning|ambiguous/);
  }
  const help = await standby(["claim", "--help"]);
  assert.match(help.stdout, /--priority N +higher is served first, -1000000\.\.1000000/);
  assert.match(help.stdout, /--ttl S +lease TTL in seconds, 1\.\.86400/);
});

args("claim watch and claim cancel given a claim id say that they take the claim token", async () => {
  for (const verb of ["watch", "cancel"]) {
    const r = await standby(["claim", verb, "c-0123abcd", "--addr", "127.0.0.1:1"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`"c-0123abcd" is a claim id; "claim ${verb}" takes the claim's token, which "standby claim" prints`));
  }
});

args("no arguments at all exits 2 with the usage", async () => {
  const r = await standby([]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /usage: standby COMMAND/);
});

args("an unknown option exits 2 with the command's usage", async () => {
  const r = await standby(["nodes", "--colour"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--colour/);
  assert.match(r.stderr, /usage: standby nodes/);
});

args("claim without --label, release without --outcome and a bad --state are usage errors", async () => {
  const claim = await standby(["claim"]);
  assert.equal(claim.code, 2);
  assert.match(claim.stderr, /at least one --label/);
  const release = await standby(["release", "lt-1"]);
  assert.equal(release.code, 2);
  assert.match(release.stderr, /--outcome is required/);
  const outcome = await standby(["release", "lt-1", "--outcome", "meh"]);
  assert.equal(outcome.code, 2);
  assert.match(outcome.stderr, /success, failure, aborted/);
  const state = await standby(["nodes", "--state", "sleepy"]);
  assert.equal(state.code, 2);
  assert.match(state.stderr, /--state must be one of .*ready/);
  const ttl = await standby(["claim", "--label", "x", "--ttl", "ten"]);
  assert.equal(ttl.code, 2);
  assert.match(ttl.stderr, /--ttl must be a whole number 1\.\.86400, not "ten"/);
  // A negative number is an option's value, not an unknown option: the claim is sent.
  const dash = await standby(["claim", "--label", "x", "--priority", "-5", "--addr", "127.0.0.1:1", "--timeout", "1"]);
  assert.equal(dash.code, 1, dash.stderr);
  assert.doesNotMatch(dash.stderr, /--priority=-XYZ|usage:/);
});

args("a missing or extra positional argument is a usage error", async () => {
  const missing = await standby(["node", "show"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /missing ID/);
  const extra = await standby(["labels", "jammy"]);
  assert.equal(extra.code, 2);
  assert.match(extra.stderr, /unexpected argument "jammy"/);
  const noVerb = await standby(["node"]);
  assert.equal(noVerb.code, 2);
  assert.match(noVerb.stderr, /usage: standby node show ID\nusage: standby node delete ID/);
});

args("a private key passed as --ssh-key is refused before anything is sent", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "standby-cli-"));
  try {
    const key = path.join(dir, "id_ed25519");
    writeFileSync(key, "-----BEGIN OPENSSH PRIVATE KEY-----\nxxx\n-----END OPENSSH PRIVATE KEY-----\n");
    const r = await standby(["claim", "--label", "x", "--ssh-key", key, "--addr", "127.0.0.1:1"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /is a private key; pass its \.pub file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

args("--help lists every command, and every command has its own --help naming every option it takes", async () => {
  const r = await standby(["--help"]);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, topHelp());
  const expected = [
    "serve",
    "clean",
    "claim",
    "claim show",
    "claim watch",
    "claim cancel",
    "lease renew",
    "lease release",
    "run",
    "holds",
    "hold",
    "hold show",
    "hold release",
    "hold add-key",
    "hold snapshot",
    "hold-rules",
    "hold-rule add",
    "hold-rule delete",
    "nodes",
    "node show",
    "node delete",
    "labels",
    "label show",
    "providers",
    "provider show",
    "provider pause",
    "provider resume",
    "provider drain",
    "images",
    "image build",
    "image show",
    "image log",
    "image pause",
    "image resume",
    "image delete",
    "snapshot",
    "config reload",
  ];
  assert.deepEqual(
    COMMANDS.map((c) => c.name),
    expected,
  );
  for (const name of expected) assert.match(r.stdout, new RegExp(`^ {2}${name} +\\S`, "m"), name);
  // A few at a time: forty CLI processes at once on a loaded two-core machine outlast the per-process limit.
  const each: Run[] = [];
  for (let i = 0; i < expected.length; i += 4) {
    each.push(...(await Promise.all(expected.slice(i, i + 4).map((name) => standby([...name.split(" "), "--help"])))));
  }
  each.forEach((h, i) => {
    const c = COMMANDS[i]!;
    assert.equal(h.code, 0, expected[i]);
    assert.ok(h.stdout.startsWith(`usage: standby ${expected[i]}`), h.stdout);
    assert.match(h.stdout, /--addr HOST:PORT/);
    for (const [option, spec] of Object.entries(c.options)) {
      assert.match(
        h.stdout,
        new RegExp(`^ {2}${spec.short ? `-${spec.short}, ` : ""}--${option}\\b`, "m"),
        `${c.name} --help documents --${option}`,
      );
    }
  });
  const viaHelp = await standby(["help", "node", "delete"]);
  assert.ok(viaHelp.stdout.startsWith("usage: standby node delete ID"));
});

args("the short forms renew and release are the lease commands", async () => {
  const release = await standby(["release", "--help"]);
  assert.equal(release.code, 0);
  assert.ok(release.stdout.startsWith("usage: standby lease release LEASE_TOKEN"), release.stdout);
  assert.match(release.stdout, /^Also: standby release\.$/m);
  const top = await standby(["--help"]);
  assert.match(top.stdout, /^ {2}lease renew +extend a lease \(also: renew\)$/m);
  const noVerb = await standby(["lease"]);
  assert.equal(noVerb.code, 2);
  assert.match(noVerb.stderr, /"lease" needs a verb: renew or release/);
  const nodeNoVerb = await standby(["node", "frob"]);
  assert.match(nodeNoVerb.stderr, /"node" needs a verb: show or delete \("nodes" lists them\)/);
});

args("run needs one --label and a command; its durations and keys are checked before anything is sent", async () => {
  const noLabel = await standby(["run", "--", "true"]);
  assert.equal(noLabel.code, 2);
  assert.match(noLabel.stderr, /exactly one --label EXPR is required/);
  const noCommand = await standby(["run", "--label", "x"]);
  assert.equal(noCommand.code, 2);
  assert.match(noCommand.stderr, /missing COMMAND/);
  assert.match(noCommand.stderr, /usage: standby run --label EXPR \[options\] -- COMMAND/);
  const badHold = await standby(["run", "--label", "x", "--hold-on-failure", "soon", "--", "true"]);
  assert.equal(badHold.code, 2);
  assert.match(badHold.stderr, /--hold-on-failure must be a duration such as 90s, 30m, 2h or 1d, not "soon"/);
  const reasonOnly = await standby(["lease", "release", "lt", "--outcome", "failure", "--reason", "x"]);
  assert.equal(reasonOnly.code, 2);
  assert.match(reasonOnly.stderr, /--reason goes with --hold DURATION/);
  const unquoted = await standby(["run", "--label", "x", "ls", "-l"]);
  assert.equal(unquoted.code, 2, "options of the command belong after --");
  assert.match(unquoted.stderr, /Unknown option '-l'/);
});

args.run();

// ---- Formatting

const fmt = suite("standby CLI formatting");

fmt("tables align columns, mark empty cells and keep no trailing blanks", () => {
  const out = table(
    ["A", "LONGER", "C"],
    [
      ["x", "", "last"],
      ["wide cell", "y", ""],
    ],
  );
  assert.equal(out, "A          LONGER  C\nx          -       last\nwide cell  y       -\n");
});

fmt("a nodes table shows readable states, the first address and the age", () => {
  const now = new Date(T0.getTime() + 5 * 60_000);
  const out = nodesTable([readyNode({ state: NodeState.NODE_STATE_READY, claimId: "" })], now);
  const [head, row] = out.split("\n");
  assert.match(head ?? "", /^ID +LABEL +PROVIDER +STATE +AGE +ADDRESS +IMAGE +CLAIM$/);
  assert.match(row ?? "", /^n-1 +jammy +fake-a +ready +5m +10\.1\.2\.3 \(\+1\) +jammy-cached-7 +-$/);
  assert.doesNotMatch(out, /NODE_STATE/);
});

fmt("a claimed-nodes table has what a claimer needs to log in", () => {
  const out = claimedNodesTable([readyNode()]);
  assert.match(out, /^ID +LABEL +PROVIDER +ADDRESS +PORT +USER +HOST KEY\n/);
  assert.match(out, /n-1 +jammy +fake-a +10\.1\.2\.3 \(\+1\) +22 +ci +ssh-ed25519 SHA256:\S+\n$/);
  assert.match(hostKeyFingerprint(HOST_KEY), /^ssh-ed25519 SHA256:[A-Za-z0-9+/]{43}$/);
});

fmt("JSON has every field, lower-case enum names and ISO timestamps", () => {
  const c = claimOf(ClaimState.CLAIM_STATE_FULFILLED);
  const json = claimJson(c);
  assert.equal(json.state, "fulfilled");
  assert.equal(json.createdAt, "2026-01-02T03:04:05.000Z");
  assert.equal(json.fulfilledAt, null);
  assert.equal(json.failureReason, "");
  const node = (json.nodes as Record<string, unknown>[] | undefined)?.[0];
  assert.deepEqual(node, nodeJson(readyNode()));
  assert.equal(node?.state, "claimed");
  assert.deepEqual(Object.keys(nodeJson(Node.fromPartial({}))), [
    "id",
    "label",
    "provider",
    "state",
    "addresses",
    "sshPort",
    "username",
    "hostKeys",
    "tags",
    "image",
    "instanceId",
    "claimId",
    "createdAt",
    "stateChangedAt",
    "flavor",
    "purpose",
    "holdReason",
    "holdRequester",
    "holdExpiresAt",
  ]);
  assert.equal(nodeJson(Node.fromPartial({})).state, "unspecified");
});

fmt("labels and providers tables sum node counts per state", () => {
  const counts = [
    { state: NodeState.NODE_STATE_READY, count: 3 },
    { state: NodeState.NODE_STATE_LAUNCHING, count: 1 },
    { state: NodeState.NODE_STATE_CHECKING, count: 2 },
    { state: NodeState.NODE_STATE_CLAIMED, count: 4 },
  ];
  const labels = labelsTable([
    LabelStatus.fromPartial({
      name: "jammy",
      tags: ["jammy", "py312"],
      minReady: 2,
      maxNodes: 10,
      counts,
      providers: ["a", "b"],
      queuedClaims: 1,
    }),
  ]);
  assert.match(labels.split("\n")[1] ?? "", /^jammy +3 +3 +4 +0 +0 +2 +10 +1 +a,b +jammy py312$/);
  // Nodes in state failed and recent launch failures are different things, with different names.
  assert.match(labels.split("\n")[0] ?? "", / FAILED NODES /);
  assert.doesNotMatch(labels.split("\n")[0] ?? "", / FAILED (?!NODES)/);
  const providers = providersTable([
    ProviderStatus.fromPartial({
      name: "a",
      health: ProviderHealth.PROVIDER_HEALTH_NOT_SERVING,
      plugin: "fake",
      pluginVersion: "0.1.0",
      pid: 42,
      counts,
      lastError: "boom",
      mode: ProviderMode.PROVIDER_MODE_PAUSED,
      pausedReason: "paused by an operator",
      recentFailures: [{ label: "jammy", reason: "instance-error", message: "no capacity", nodeId: "n-1" }],
    }),
  ]);
  assert.match(
    providers.split("\n")[1] ?? "",
    /^a +not_serving +paused \(paused by an operator\) +fake +0\.1\.0 +42 +0 +3 +3 +4 +1 +jammy: instance-error \(no capacity\) +boom$/,
  );
  assert.match(providers.split("\n")[0] ?? "", / LAUNCH FAILURES /);
  assert.doesNotMatch(providers.split("\n")[0] ?? "", / FAILED /);
});

fmt("state names parse back to enum values", () => {
  assert.equal(parseNodeState("ready"), NodeState.NODE_STATE_READY);
  assert.equal(parseNodeState("HELD"), NodeState.NODE_STATE_HELD);
  assert.equal(parseNodeState("unspecified"), undefined);
});

fmt.run();

// ---- On the wire, against a stub StandbyService

let stub: Stub;
const wire = suite("standby CLI on the wire");

wire.before(async () => {
  stub = await startStub();
});

wire.after(async () => {
  await stub.close();
});

wire.beforeEach(() => {
  stub.createClaims.length = 0;
  stub.cancels.length = 0;
  stub.listNodes.length = 0;
  stub.onCreate = () => ({ claim: claimOf(ClaimState.CLAIM_STATE_FULFILLED), claimToken: "ct-1", leaseToken: "lt-1" });
  stub.onWatch = (call) => call.end();
});

wire("claim --label x --json sends a waiting CreateClaimRequest and prints the lease and the node", async () => {
  const r = await standby(["claim", "--label", "x", "--json", "--ttl", "900", "--job", "build-42"], {
    STANDBY_ADDR: stub.address,
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(stub.createClaims.length, 1);
  const req = stub.createClaims[0];
  assert.deepEqual(req?.labelExpressions, ["x"]);
  assert.equal(req?.wait, true);
  assert.ok((req?.waitTimeoutSeconds ?? 0) > 0);
  assert.equal(req?.leaseTtlSeconds, 900);
  assert.equal(req?.jobName, "build-42");
  assert.match(req?.requestId ?? "", /^[0-9a-f-]{36}$/, "a random request id makes retries idempotent");
  assert.notEqual(req?.requester, "");
  const out = JSON.parse(r.stdout) as { leaseToken: string; claimToken: string; claim: { nodes: { addresses: string[] }[] } };
  assert.equal(out.leaseToken, "lt-1");
  assert.equal(out.claimToken, "ct-1");
  assert.equal(out.claim.nodes[0]?.addresses[0], "10.1.2.3");
  assert.equal(r.stderr, "", "--json prints no progress");
});

wire("claim without --json prints the tokens and a table of nodes", async () => {
  const r = await standby(["claim", "--label", "jammy && py312", "--label", "x", "--addr", stub.address]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(stub.createClaims[0]?.labelExpressions, ["jammy && py312", "x"]);
  assert.match(r.stdout, /^lease token: +lt-1$/m);
  assert.match(r.stdout, /^claim token: +ct-1$/m);
  assert.match(r.stdout, /^n-1 +jammy +fake-a +10\.1\.2\.3 \(\+1\) +22 +ci +ssh-ed25519 SHA256:/m);
});

wire("a queued claim is watched, its progress goes to stderr and the fulfilled nodes to stdout", async () => {
  stub.onCreate = () => ({ claim: claimOf(ClaimState.CLAIM_STATE_QUEUED, { queuePosition: 2 }), claimToken: "ct-q", leaseToken: "" });
  stub.onWatch = (call) => {
    assert.equal(call.request.claimToken, "ct-q");
    call.write({
      claim: claimOf(ClaimState.CLAIM_STATE_QUEUED, { queuePosition: 1 }),
      event: "launching",
      message: "launching jammy on fake-a",
      leaseToken: "",
    });
    setTimeout(() => {
      call.write({ claim: claimOf(ClaimState.CLAIM_STATE_FULFILLED), event: "fulfilled", message: "", leaseToken: "lt-q" });
      call.end();
    }, 50);
  };
  const r = await standby(["claim", "--label", "x", "--addr", stub.address]);
  assert.equal(r.code, 0, r.stderr);
  // The token comes first, while the claim still waits, so another terminal can watch or cancel it.
  assert.match(r.stderr, /^claim token: ct-q \("standby claim watch\|cancel TOKEN" from elsewhere\)\nclaim c-1 queued \(position 2\)/);
  assert.equal(r.stderr.match(/claim token:/g)?.length, 1, r.stderr);
  assert.match(r.stderr, /claim c-1 queued \(position 2\)/);
  assert.match(r.stderr, /claim c-1 queued \(position 1\): launching jammy on fake-a/);
  assert.match(r.stdout, /^lease token: +lt-q$/m);
  assert.equal(stub.cancels.length, 0);
});

wire("a claim that times out is cancelled and exits 1", async () => {
  stub.onCreate = () => ({ claim: claimOf(ClaimState.CLAIM_STATE_QUEUED, { queuePosition: 7 }), claimToken: "ct-t", leaseToken: "" });
  stub.onWatch = (call) => {
    call.write({ claim: claimOf(ClaimState.CLAIM_STATE_QUEUED, { queuePosition: 7 }), event: "queued", message: "", leaseToken: "" });
    // ...and nothing more, until the client gives up.
  };
  const r = await standby(["claim", "--label", "x", "--timeout", "1", "--addr", stub.address]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /timed out after 1s waiting for nodes \(queue position 7\); claim c-1 cancelled/);
  assert.deepEqual(
    stub.cancels.map((c) => c.claimToken),
    ["ct-t"],
  );
});

wire("a failed claim exits 1 with its reason", async () => {
  stub.onCreate = () => ({
    claim: claimOf(ClaimState.CLAIM_STATE_FAILED, { failureReason: "no provider can launch jammy" }),
    claimToken: "ct-f",
    leaseToken: "",
  });
  const r = await standby(["claim", "--label", "x", "--addr", stub.address]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /claim c-1 failed: no provider can launch jammy/);
});

wire("release sends the lease token and the outcome", async () => {
  const r = await standby(["release", "lt-9", "--outcome", "failure", "--addr", stub.address]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(stub.releases.at(-1), { leaseToken: "lt-9", outcome: Outcome.OUTCOME_FAILURE, holdSeconds: 0, holdReason: "" });
  assert.equal(r.stdout, "released claim c-1 (outcome failure)\n");
  const held = await standby([
    "release",
    "lt-9",
    "--outcome",
    "failure",
    "--hold",
    "1h30m",
    "--reason",
    "look at it",
    "--addr",
    stub.address,
  ]);
  assert.equal(held.code, 0, held.stderr);
  assert.deepEqual(stub.releases.at(-1), {
    leaseToken: "lt-9",
    outcome: Outcome.OUTCOME_FAILURE,
    holdSeconds: 5400,
    holdReason: "look at it",
  });
});

wire("lease release --hold sends the hold in seconds with its reason", async () => {
  const r = await standby([
    "lease",
    "release",
    "lt-9",
    "--outcome",
    "failure",
    "--hold",
    "1h30m",
    "--reason",
    "flaky test",
    "--addr",
    stub.address,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(stub.releases.at(-1), {
    leaseToken: "lt-9",
    outcome: Outcome.OUTCOME_FAILURE,
    holdSeconds: 5400,
    holdReason: "flaky test",
  });
  assert.equal(r.stdout, "released claim c-1 (outcome failure); hold for 1h30m asked\n");
  const byDefault = await standby(["release", "lt-9", "--outcome", "failure", "--hold", "2h", "--json", "--addr", stub.address]);
  assert.equal(stub.releases.at(-1)?.holdSeconds, 7200);
  assert.match(stub.releases.at(-1)?.holdReason ?? "", /^held by \S+@\S+$/);
  const json = JSON.parse(byDefault.stdout) as { holdSeconds: number; claim: { state: string } };
  assert.equal(json.holdSeconds, 7200);
  assert.equal(json.claim.state, "released");
});

wire("claim watch prints each event until the stream ends", async () => {
  stub.onWatch = (call) => {
    call.write({
      claim: claimOf(ClaimState.CLAIM_STATE_QUEUED, { queuePosition: 3 }),
      event: "queued",
      message: "position 3",
      leaseToken: "",
    });
    call.write({
      claim: claimOf(ClaimState.CLAIM_STATE_QUEUED, { queuePosition: 1 }),
      event: "launching",
      message: "launching jammy on fake-a",
      leaseToken: "",
    });
    call.write({ claim: claimOf(ClaimState.CLAIM_STATE_FULFILLED), event: "fulfilled", message: "", leaseToken: "lt-w" });
    call.write({ claim: claimOf(ClaimState.CLAIM_STATE_RELEASED), event: "released", message: "", leaseToken: "" });
    call.end();
  };
  const r = await standby(["claim", "watch", "ct-w", "--addr", stub.address]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.equal(lines.length, 4, r.stdout);
  assert.match(lines[0] ?? "", /^\S+Z {2}queued {2}claim c-1 queued \(position 3\) — position 3$/);
  assert.match(lines[1] ?? "", /launching {2}claim c-1 queued \(position 1\) — launching jammy on fake-a$/);
  assert.match(lines[2] ?? "", /fulfilled {2}claim c-1 fulfilled: n-1 \(fake-a\)$/);
  assert.match(lines[3] ?? "", /released {2}claim c-1 released$/);
  const j = await standby(["claim", "watch", "ct-w", "--json", "--addr", stub.address]);
  const events = j.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { event: string; leaseToken: string; claim: { queuePosition: number } });
  assert.deepEqual(
    events.map((e) => e.event),
    ["queued", "launching", "fulfilled", "released"],
  );
  assert.equal(events[2]?.leaseToken, "lt-w");
  assert.equal(events[0]?.claim.queuePosition, 3);
});

wire("label show and provider show pick one from the list, and say when there is none", async () => {
  const label = await standby(["label", "show", "jammy", "--addr", stub.address]);
  assert.equal(label.code, 0, label.stderr);
  assert.match(label.stdout, /^name: +jammy$/m);
  assert.match(label.stdout, /^nodes: +ready 3, launching 1$/m);
  const missing = await standby(["label", "show", "windows", "--addr", stub.address]);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, "standby: NOT_FOUND: label windows not found\n");
  const provider = await standby(["provider", "show", "a", "--addr", stub.address]);
  assert.equal(provider.code, 0, provider.stderr);
  assert.match(provider.stdout, /^mode: +paused$/m);
  assert.match(
    provider.stdout,
    /^Recent launch failures:\nAT +LABEL +REASON +NODE +MESSAGE\n\S+ +jammy +instance-error +n-1 +no capacity$/m,
  );
  const json = JSON.parse((await standby(["provider", "show", "a", "--json", "--addr", stub.address])).stdout) as {
    provider: { name: string; mode: string };
  };
  assert.deepEqual([json.provider.name, json.provider.mode], ["a", "paused"]);
});

wire("nodes sends its filters and prints a table or JSON", async () => {
  const r = await standby(["nodes", "--label", "jammy", "--state", "ready", "--addr", stub.address]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(stub.listNodes[0], { label: "jammy", provider: "", state: NodeState.NODE_STATE_READY });
  assert.match(r.stdout, /^n-1 +jammy +fake-a +ready /m);
  const j = await standby(["nodes", "--json", "--addr", stub.address]);
  const parsed = JSON.parse(j.stdout) as { nodes: { state: string; createdAt: string }[] };
  assert.equal(parsed.nodes[0]?.state, "ready");
  assert.equal(parsed.nodes[0]?.createdAt, "2026-01-02T03:04:05.000Z");
});

wire("a server error prints its status name and message and exits 1; INVALID_ARGUMENT exits 2", async () => {
  const notFound = await standby(["node", "show", "n-404", "--addr", stub.address]);
  assert.equal(notFound.code, 1);
  assert.equal(notFound.stderr, "standby: NOT_FOUND: node n-404 not found\n");
  const invalid = await standby(["nodes", "--label", "bad label", "--addr", stub.address]);
  assert.equal(invalid.code, 2);
  assert.match(invalid.stderr, /^standby: INVALID_ARGUMENT: label: not a label name/);
  const unimplemented = await standby(["config", "reload", "--addr", stub.address]);
  assert.equal(unimplemented.code, 1);
  assert.match(unimplemented.stderr, /^standby: UNIMPLEMENTED: /);
});

wire("no scheduler at the address is UNAVAILABLE, exit 1", async () => {
  const r = await standby(["providers"], { STANDBY_ADDR: "127.0.0.1:1" });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^standby: UNAVAILABLE: .*is the scheduler running at 127\.0\.0\.1:1\?/);
});

wire.run();
