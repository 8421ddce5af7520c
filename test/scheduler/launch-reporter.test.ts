import assert from "node:assert/strict";
import { ManualClock } from "../../common/clock.js";
import { NOOP_OBSERVER, type SchedulerObserver } from "../../server/core/observer.js";
import type { ClaimRecord, NodeRecord } from "../../server/core/store.js";
import { buildTimeline } from "../../server/scheduler/claim-timeline.js";
import { LaunchReporter } from "../../server/scheduler/launch-reporter.js";
import { suite } from "../lib/harness.js";

function node(over: Partial<NodeRecord> = {}): NodeRecord {
  return {
    id: "n-1",
    label: "jammy",
    provider: "east",
    state: "launching",
    instanceId: "",
    addresses: [],
    sshPort: 0,
    username: "",
    hostKeys: [],
    tags: [],
    image: "ubuntu-jammy",
    flavor: "small",
    claimId: "",
    createdAt: 0,
    stateChangedAt: 0,
    readyAt: 0,
    failureReason: "",
    ...over,
  };
}

function claim(over: Partial<ClaimRecord> = {}): ClaimRecord {
  return {
    id: "c-1",
    requestId: "",
    requestHash: "",
    state: "queued",
    labelExpressions: ["jammy"],
    requester: "ci",
    jobName: "",
    priority: 0,
    leaseTtlSeconds: 600,
    sshPublicKeys: [],
    tokenHash: "",
    createdAt: 1_000,
    lastSeenAt: 1_000,
    fulfilledAt: 0,
    leaseHash: "",
    leaseExpiresAt: 0,
    nodeIds: [],
    outcome: "",
    endedAt: 0,
    failureReason: "",
    ...over,
  };
}

const t = suite("launch reporter and claim timelines");

t("a pass's launches become one event per waiting claim, label and provider, and the observer hears of each launch", () => {
  const heard: string[] = [];
  const observer: SchedulerObserver = { ...NOOP_OBSERVER, launchStarted: (n, waiting) => heard.push(`${n.id}:${waiting.join(",")}`) };
  const queue = new Map([["jammy", ["c-1", "c-2"]]]);
  const reporter = new LaunchReporter(observer, { waitingOn: (l) => queue.get(l) ?? [], isQueued: () => true }, new ManualClock(5_000));
  const events = reporter.started([
    node({ id: "n-1" }),
    node({ id: "n-2" }),
    node({ id: "n-3", provider: "west" }),
    node({ id: "n-4", label: "noble" }),
  ]);
  assert.deepEqual(heard, ["n-1:c-1,c-2", "n-2:c-1,c-2", "n-3:c-1,c-2", "n-4:"]);
  assert.deepEqual(
    events.map((e) => `${e.claimId} ${e.at} ${e.kind} ${e.provider} ${e.nodeId || "-"} ${e.message}`),
    [
      "c-1 5000 launching east - launching 2 jammy nodes on east (n-1, n-2)",
      "c-2 5000 launching east - launching 2 jammy nodes on east (n-1, n-2)",
      "c-1 5000 launching west n-3 launching jammy on west (node n-3)",
      "c-2 5000 launching west n-3 launching jammy on west (node n-3)",
    ],
  );
});

t("failures of launches are written for the waiting claims; failures of nodes that already served are not", () => {
  const reporter = new LaunchReporter(NOOP_OBSERVER, { waitingOn: () => ["c-1"], isQueued: () => true }, new ManualClock(0));
  assert.equal(
    reporter.failed(node({ state: "booted" }), "boot-timeout", "boot timed out")[0]?.message,
    "launch of jammy on east failed (node n-1): boot-timeout: boot timed out",
  );
  assert.deepEqual(reporter.failed(node({ state: "ready" }), "instance-vanished", "gone"), []);
  assert.deepEqual(reporter.failed(node({ state: "claimed" }), "handover", "no ssh"), []);
});

t("only the first boot retries of a node are written, and a claim's timeline stops growing at its cap", () => {
  const reporter = new LaunchReporter(NOOP_OBSERVER, { waitingOn: () => ["c-1"], isQueued: () => true }, new ManualClock(0));
  const retries = Array.from({ length: 6 }, () => reporter.retrying(node(), "unavailable", "try later")).flat();
  assert.deepEqual(
    retries.map((e) => e.message.match(/attempt \d/)?.[0]),
    ["attempt 1", "attempt 2", "attempt 3"],
  );
  let written = retries.length;
  for (let i = 0; i < 100; i++) written += reporter.ready(node({ id: `n-${i}` })).length;
  assert.equal(written, 40, "at most 40 events per claim");
});

t("a timeline puts the claim row's steps and the events in time order", () => {
  const c = claim({ state: "released", fulfilledAt: 13_500, nodeIds: ["n-2"], endedAt: 20_000, outcome: "success", priority: 5 });
  const events = [
    {
      claimId: "c-1",
      at: 1_000,
      kind: "launching",
      label: "jammy",
      provider: "east",
      nodeId: "n-1",
      message: "launching jammy on east (node n-1)",
    },
    {
      claimId: "c-1",
      at: 4_000,
      kind: "launch-failed",
      label: "jammy",
      provider: "east",
      nodeId: "n-1",
      message: "launch of jammy on east failed",
    },
    {
      claimId: "c-1",
      at: 13_500,
      kind: "node-ready",
      label: "jammy",
      provider: "west",
      nodeId: "n-2",
      message: "node n-2 (jammy on west) is ready",
    },
  ];
  const entries = buildTimeline(c, events, [node({ id: "n-2", provider: "west", state: "gone" })]);
  assert.deepEqual(
    entries.map((e) => `${e.at} ${e.kind}: ${e.message}`),
    [
      '1000 queued: queued for "jammy" at priority 5 by ci',
      "1000 launching: launching jammy on east (node n-1)",
      "4000 launch-failed: launch of jammy on east failed",
      "13500 node-ready: node n-2 (jammy on west) is ready",
      "13500 fulfilled: fulfilled by n-2 (jammy on west) after 12.5 s",
      "20000 released: released (outcome success)",
    ],
  );
  assert.deepEqual(
    buildTimeline(claim({ state: "cancelled", endedAt: 61_000, failureReason: "abandoned: no watch" }), [], []).map((e) => e.message),
    ['queued for "jammy" by ci', "cancelled: abandoned: no watch"],
  );
});

t.run();
