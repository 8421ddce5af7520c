import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { ClaimState, Outcome, type ReleaseLeaseResponse } from "../../gen/ts/standby/v1/standby.js";
import { call, REPO_ROOT, startCluster, type Cluster } from "../lib/cluster.js";
import { suite } from "../lib/harness.js";
import { create } from "./helpers.js";

/**
 * "Why did this claim wait?" answered by `standby claim show`, from the
 * store: east's cloud refuses the boot (quota), the claim is served by west.
 */
const QUOTA = "Quota exceeded for instances: Requested 1, but already used 10 of 10 instances";
const config = {
  providers: [
    {
      name: "east",
      plugin: "fake",
      priority: 10,
      settings: { bootErrorRate: 1, bootErrorCode: "resource-exhausted", bootErrorMessage: QUOTA },
    },
    { name: "west", plugin: "fake", settings: { bootLatencyMs: 200 } },
  ],
  labels: [{ name: "jammy", tags: ["ubuntu"], minReady: 0 }],
  templates: [
    { label: "jammy", provider: "east", image: "ubuntu-jammy", flavor: "small", readyCheck: false },
    { label: "jammy", provider: "west", image: "ubuntu-jammy", flavor: "small", readyCheck: false },
  ],
};

function standby(c: Cluster, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, "dist/clients/cli/main.js"), ...args, "--addr", c.api.address], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const t = suite("claim timeline", { timeoutMs: 90_000 });

let c: Cluster;
t.before(async () => {
  c = await startCluster({ config });
});
t.after(async () => {
  await c?.close();
});

t("standby claim show explains a claim that waited because its first provider failed", async () => {
  const res = await create(c, { labelExpressions: ["jammy"], requester: "jenkins", waitTimeoutSeconds: 30 });
  const claim = res.claim;
  assert.equal(claim?.state, ClaimState.CLAIM_STATE_FULFILLED);
  const node = claim.nodes[0];
  assert.equal(node?.provider, "west");
  await call<ReleaseLeaseResponse>((cb) =>
    c.client.releaseLease({ leaseToken: res.leaseToken, outcome: Outcome.OUTCOME_SUCCESS, holdSeconds: 0, holdReason: "" }, cb),
  );

  // By id (an operator asking about a job), as a person reads it.
  const shown = await standby(c, ["claim", "show", claim.id]);
  assert.equal(shown.code, 0, shown.stderr);
  const out = shown.stdout;
  if (process.env.SHOW_OUT) console.error(out);
  assert.match(out, new RegExp(`^id: +${claim.id}$`, "m"));
  assert.match(out, /^state: +released$/m);
  assert.doesNotMatch(out, /lease token/, "no secrets by id");
  assert.match(out, /^timeline \(from \d{4}-\d\d-\d\dT/m);
  const steps = out
    .slice(out.indexOf("timeline"))
    .split("\n")
    .slice(1)
    .filter((l) => l.trim() !== "");
  const expected: [string, RegExp][] = [
    ["queued", /queued for "jammy" by jenkins/],
    ["launching", /launching jammy on east \(node n-\w+\)/],
    [
      "launch-failed",
      /launch of jammy on east failed \(node n-\w+\): resource-exhausted: Quota exceeded for instances: Requested 1, but already used 10 of 10 instances \(HTTP 403, simulated: bootErrorRate\)/,
    ],
    ["launching", /launching jammy on west \(node n-\w+\)/],
    ["node-ready", new RegExp(`node ${node.id} \\(jammy on west\\) is ready`)],
    ["fulfilled", new RegExp(`fulfilled by ${node.id} \\(jammy on west\\) after \\d`)],
    ["released", /released \(outcome success\)/],
  ];
  assert.equal(steps.length, expected.length, `timeline:\n${steps.join("\n")}`);
  steps.forEach((line, i) => {
    const [kind, text] = expected[i] as [string, RegExp];
    assert.match(line, new RegExp(`^ +\\+[\\d.]+m?s +${kind} +`), line);
    assert.match(line, text, line);
  });

  // By claim token (the claimer): the lease token too, and the same timeline as JSON.
  const json = await standby(c, ["claim", "show", res.claimToken, "--json"]);
  assert.equal(json.code, 0, json.stderr);
  const doc = JSON.parse(json.stdout) as {
    claim: { id: string; traceId: string };
    events: { kind: string; provider: string; nodeId: string; at: string }[];
  };
  assert.equal(doc.claim.id, claim.id);
  assert.equal(doc.claim.traceId, "", "no trace id while tracing is off");
  assert.deepEqual(
    doc.events.map((e) => e.kind),
    expected.map(([k]) => k),
  );
  assert.deepEqual(
    doc.events.map((e) => e.provider),
    ["", "east", "east", "west", "west", "west", ""],
  );
  assert.equal(doc.events[4]?.nodeId, node.id);
  const times = doc.events.map((e) => Date.parse(e.at));
  assert.deepEqual(
    [...times].sort((a, b) => a - b),
    times,
    "oldest first",
  );
});

t("a claim served at once from the pool has a short timeline, and an unknown one is NOT_FOUND", async () => {
  c.scheduler.reload({ ...c.config, labels: [{ ...c.config.labels[0]!, minReady: 1 }] });
  const res = await create(c, { labelExpressions: ["jammy"], waitTimeoutSeconds: 30 });
  assert.equal(res.claim?.state, ClaimState.CLAIM_STATE_FULFILLED);
  const warm = await create(c, { labelExpressions: ["jammy"], waitTimeoutSeconds: 30 });
  const shown = await standby(c, ["claim", "show", warm.claim?.id ?? "", "--json"]);
  assert.equal(shown.code, 0, shown.stderr);
  const kinds = (JSON.parse(shown.stdout) as { events: { kind: string }[] }).events.map((e) => e.kind);
  assert.equal(kinds[0], "queued");
  assert.equal(kinds.at(-1), "fulfilled");
  const missing = await standby(c, ["claim", "show", "c-0000000000000000"]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /NOT_FOUND: claim c-0000000000000000 not found/);
});

t("a claim behind paused providers shows why it waits in standby claim show", async () => {
  await c.scheduler.setProviderMode("east", "paused");
  await c.scheduler.setProviderMode("west", "paused");
  try {
    // The pool's ready nodes (the test before kept one) go first; the next claim waits.
    c.scheduler.reload({ ...c.config, labels: [{ ...c.config.labels[0]!, minReady: 0 }] });
    let res = await create(c, { labelExpressions: ["jammy"], waitTimeoutSeconds: 1 });
    for (let i = 0; i < 3 && res.claim?.state === ClaimState.CLAIM_STATE_FULFILLED; i++) {
      res = await create(c, { labelExpressions: ["jammy"], waitTimeoutSeconds: 1 });
    }
    assert.equal(res.claim?.state, ClaimState.CLAIM_STATE_QUEUED);
    const why = /^ +\+[\d.]+m?s +waiting +no provider can launch jammy now \(east: paused by an operator; west: paused by an operator\)$/m;
    let shown = { code: 0 as number | null, stdout: "", stderr: "" };
    for (let i = 0; i < 50 && !why.test(shown.stdout); i++) {
      shown = await standby(c, ["claim", "show", res.claimToken]);
      if (!why.test(shown.stdout)) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, why);
    await standby(c, ["claim", "cancel", res.claimToken]);
  } finally {
    await c.scheduler.setProviderMode("east", "active");
    await c.scheduler.setProviderMode("west", "active");
  }
});

t.run();
