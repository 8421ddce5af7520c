import assert from "node:assert/strict";
import path from "node:path";
import { Outcome, type ReleaseLeaseRequest } from "../../gen/ts/standby/v1/standby.js";
import { eventually, REPO_ROOT, startCluster, type Cluster } from "../lib/cluster.js";
import { startRecordingProxy } from "../lib/recording-proxy.js";
import { suite } from "../lib/harness.js";
import { labels, liveInstances, readyCount } from "../e2e/helpers.js";
import { describeRun, generatePythonStubs, jsonLines, PYTHON, requirePythonModules, run } from "./tools.js";

/**
 * The Python client (clients/python) against a live scheduler with fake
 * providers, run by Debian's python3 with Debian's grpcio and protobuf.
 */

const EXAMPLE = path.join(REPO_ROOT, "clients/python/examples/claim_node.py");

const config = (minReady: number, bootLatencyMs = 0) => ({
  providers: [{ name: "east", plugin: "fake", settings: { bootLatencyMs } }],
  labels: [
    { name: "jammy", tags: ["ubuntu", "py312"], minReady },
    { name: "noble", tags: ["ubuntu", "py313"], minReady: 0 },
  ],
  templates: [
    { label: "jammy", provider: "east", image: "ubuntu-jammy", flavor: "small" },
    { label: "noble", provider: "east", image: "ubuntu-noble", flavor: "small" },
  ],
});

function example(c: Cluster, args: string[], timeoutMs = 60_000) {
  return run(PYTHON, [EXAMPLE, "--addr", c.api.address, "--json", ...args], { timeoutMs });
}

type Event = Record<string, unknown> & { event: string };

function events(stdout: string): Event[] {
  return jsonLines(stdout).filter((e): e is Event => typeof e.event === "string");
}

function one(list: Event[], event: string): Event {
  const found = list.filter((e) => e.event === event);
  assert.equal(found.length, 1, `one "${event}" event in ${JSON.stringify(list)}`);
  return found[0]!;
}

const t = suite("python client", { timeoutMs: 120_000 });

t.before(async () => {
  await requirePythonModules();
  await generatePythonStubs();
});

t("the example claims a node, reads its details and releases it; the node is then deleted", async () => {
  const c = await startCluster({ config: config(1) });
  try {
    await eventually("a ready jammy node", async () => readyCount(await labels(c), "jammy") >= 1);
    const r = await example(c, ["--label", "jammy && py312", "--ttl", "60", "--outcome", "success"]);
    assert.equal(r.code, 0, describeRun(r));
    const list = events(r.stdout);
    const claimed = one(list, "claimed");
    const nodeIds = claimed.node_ids as string[];
    assert.equal(nodeIds.length, 1);
    const node = one(list, "node").node as Record<string, unknown>;
    assert.equal(node.id, nodeIds[0]);
    assert.equal(node.label, "jammy");
    assert.equal(node.provider, "east");
    assert.equal(node.state, "claimed", "read from the server while the lease is live");
    assert.deepEqual(node.addresses, ["127.0.0.1"]);
    assert.equal(node.ssh_port, 22);
    assert.equal(node.username, "standby");
    assert.ok(
      (node.host_keys as string[]).length > 0 && (node.host_keys as string[]).every((k) => k.startsWith("ssh-")),
      "pinned host keys",
    );
    assert.ok((node.tags as string[]).includes("py312"));
    assert.equal(node.claim_id, claimed.claim_id);
    assert.deepEqual(
      node.known_hosts,
      (node.host_keys as string[]).map((k) => `127.0.0.1 ${k}`),
    );
    assert.ok(one(list, "renewed").expires_at);
    assert.equal(one(list, "released").claim_state, "released");

    const id = nodeIds[0]!;
    const claim = await c.store.getClaim(claimed.claim_id as string);
    assert.equal(claim?.state, "released");
    await eventually("the released node to be gone", async () => (await c.store.getNode(id))?.state === "gone");
    assert.ok(!(await liveInstances(c, "east")).includes(id), "its instance is deleted from the cloud");
  } finally {
    await c.close();
  }
});

t("a lease kept past its TTL stays alive: the client renews it in the background", async () => {
  const c = await startCluster({ config: config(1) });
  try {
    await eventually("a ready jammy node", async () => readyCount(await labels(c), "jammy") >= 1);
    // TTL 2 s, kept 5 s: without renewals the scheduler would expire it.
    const r = await example(c, ["--label", "jammy", "--ttl", "2", "--keep", "5", "--outcome", "failure"]);
    assert.equal(r.code, 0, describeRun(r));
    const list = events(r.stdout);
    const renewed = one(list, "renewed");
    assert.ok((renewed.renewals as number) >= 3, `background renewals happened: ${JSON.stringify(renewed)}`);
    assert.equal(one(list, "released").claim_state, "released", "released by the client, not expired");
    const claim = await c.store.getClaim(one(list, "claimed").claim_id as string);
    assert.equal(claim?.state, "released");
  } finally {
    await c.close();
  }
});

t("a cold claim waits, reports progress, and is served by a launch", async () => {
  const c = await startCluster({ config: config(0, 3000) });
  try {
    const r = await example(c, ["--label", "jammy", "--ttl", "60"]);
    assert.equal(r.code, 0, describeRun(r));
    const list = events(r.stdout);
    const progress = list.filter((e) => e.event === "progress");
    assert.ok(progress.length > 0, `progress reported while waiting: ${r.stdout}`);
    assert.equal(progress[0]!.what, "queued");
    assert.ok(one(list, "claimed"));
    assert.equal(one(list, "released").claim_state, "released");
  } finally {
    await c.close();
  }
});

t("refusals arrive as typed errors: a malformed expression and a label nobody makes", async () => {
  const c = await startCluster({ config: config(0) });
  try {
    const bad = await example(c, ["--label", "jammy &&"]);
    assert.equal(bad.code, 1, describeRun(bad));
    const badErr = one(events(bad.stdout), "error");
    assert.equal(badErr.kind, "InvalidArgumentError");
    assert.equal(badErr.code, "INVALID_ARGUMENT");

    const never = await example(c, ["--label", "windows"]);
    assert.equal(never.code, 1, describeRun(never));
    const neverErr = one(events(never.stdout), "error");
    assert.equal(neverErr.kind, "FailedPreconditionError");
    assert.equal(neverErr.code, "FAILED_PRECONDITION");
  } finally {
    await c.close();
  }
});

t(
  "the client module: get_node of an unknown id is NotFoundError, release twice is a no-op, renew after release is FailedPreconditionError",
  async () => {
    const c = await startCluster({ config: config(1) });
    try {
      await eventually("a ready jammy node", async () => readyCount(await labels(c), "jammy") >= 1);
      const script = `
import json, sys
sys.path.insert(0, ${JSON.stringify(path.join(REPO_ROOT, "clients/python"))})
import standby_client as sc
out = {}
with sc.StandbyClient(${JSON.stringify(c.api.address)}) as client:
    try:
        client.get_node("no-such-node")
    except sc.NotFoundError as err:
        out["get_node"] = type(err).__name__
    lease = client.claim("jammy", ttl_seconds=30, keep_alive=False)
    out["ready_before"] = [n.id for n in client.list_nodes(label="jammy", state="claimed")]
    out["node"] = lease.nodes[0].id
    out["first"] = lease.release("aborted")
    out["second"] = lease.release("aborted")
    try:
        lease.renew()
    except sc.StandbyError as err:
        out["renew"] = type(err).__name__
print(json.dumps(out))
`;
      const r = await run(PYTHON, ["-c", script], { timeoutMs: 60_000 });
      assert.equal(r.code, 0, describeRun(r));
      const out = jsonLines(r.stdout)[0] as Record<string, unknown>;
      assert.equal(out.get_node, "NotFoundError");
      assert.deepEqual(out.ready_before, [out.node]);
      assert.equal(out.first, "released");
      assert.equal(out.second, "released");
      assert.equal(out.renew, "FailedPreconditionError");
      await eventually("the aborted node to be gone", async () => (await c.store.getNode(out.node as string))?.state === "gone");
    } finally {
      await c.close();
    }
  },
);

t("release with a hold sends hold_seconds and hold_reason with the failure", async () => {
  const c = await startCluster({ config: config(1) });
  const proxy = await startRecordingProxy(c.api.address);
  try {
    await eventually("a ready jammy node", async () => readyCount(await labels(c), "jammy") >= 1);
    const script = `
import json, sys
sys.path.insert(0, ${JSON.stringify(path.join(REPO_ROOT, "clients/python"))})
import standby_client as sc
with sc.StandbyClient(${JSON.stringify(proxy.address)}) as client:
    lease = client.claim("jammy", ttl_seconds=30, keep_alive=False)
    print(json.dumps({"node": lease.nodes[0].id, "state": lease.release("failure", hold_seconds=5400, hold_reason="flaky, look at it")}))
`;
    const r = await run(PYTHON, ["-c", script], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, describeRun(r));
    const out = jsonLines(r.stdout)[0] as { node: string; state: string };
    assert.equal(out.state, "released");
    const sent = proxy.of<ReleaseLeaseRequest>("ReleaseLease");
    assert.equal(sent.length, 1);
    assert.deepEqual([sent[0]?.outcome, sent[0]?.holdSeconds, sent[0]?.holdReason], [Outcome.OUTCOME_FAILURE, 5400, "flaky, look at it"]);
  } finally {
    await proxy.close();
    await c.close();
  }
});

t("a claim not served within wait_timeout raises ClaimTimeoutError and is cancelled on the scheduler", async () => {
  const c = await startCluster({ config: config(0, 60_000) });
  try {
    const script = `
import json, sys
sys.path.insert(0, ${JSON.stringify(path.join(REPO_ROOT, "clients/python"))})
import standby_client as sc
with sc.StandbyClient(${JSON.stringify(c.api.address)}) as client:
    seen = []
    try:
        client.claim("jammy", wait_timeout=2, on_progress=lambda p: seen.append(p.event))
    except sc.ClaimTimeoutError as err:
        print(json.dumps({"kind": type(err).__name__, "claim_id": err.claim_id, "progress": seen}))
`;
    const r = await run(PYTHON, ["-c", script], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, describeRun(r));
    const out = jsonLines(r.stdout)[0] as { kind: string; claim_id: string; progress: string[] };
    assert.equal(out.kind, "ClaimTimeoutError");
    assert.equal(out.progress[0], "queued");
    await eventually("the claim cancelled", async () => (await c.store.getClaim(out.claim_id))?.state === "cancelled");
  } finally {
    await c.close();
  }
});

t.run();
