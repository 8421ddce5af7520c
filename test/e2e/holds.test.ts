import assert from "node:assert/strict";
import { status, type ServiceError } from "@grpc/grpc-js";
import {
  ClaimState,
  NodeState,
  Outcome,
  SnapshotState,
  SnapshotVisibility,
  type CreateClaimResponse,
  type CreateHoldRuleResponse,
  type GetHoldResponse,
  type GetNodeResponse,
  type HoldNodeResponse,
  type ListHoldRulesResponse,
  type ListHoldsResponse,
  type ReleaseLeaseResponse,
  type SnapshotHoldResponse,
} from "../../gen/ts/standby/v1/standby.js";
import { readFakeCloud } from "../../plugins/fake/state.js";
import { ManualClock } from "../../common/clock.js";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { call, eventually, REPO_ROOT, startCluster, type Cluster } from "../lib/cluster.js";
import { suite } from "../lib/harness.js";
import { create, labels, liveInstances, readyCount } from "./helpers.js";

const HOUR = 3_600_000;
const runFile = promisify(execFile);

const config = (over: { holds?: Record<string, unknown>; minReady?: number; maxNodes?: number } = {}) => ({
  providers: [{ name: "east", plugin: "fake" }],
  labels: [{ name: "jammy", tags: ["ubuntu", "py312"], minReady: over.minReady ?? 2, maxNodes: over.maxNodes ?? 0 }],
  templates: [{ label: "jammy", provider: "east", image: "ubuntu-jammy", flavor: "small" }],
  holds: { defaultDuration: "1h", maxDuration: "2h", ...over.holds },
});

const grpcCode = (err: unknown) => (err as ServiceError).code;
const details = (err: unknown) => (err as ServiceError).details;

const release = (c: Cluster, leaseToken: string, outcome: Outcome, holdSeconds = 0, holdReason = "") =>
  call<ReleaseLeaseResponse>((cb) => c.client.releaseLease({ leaseToken, outcome, holdSeconds, holdReason }, cb));
const listHolds = (c: Cluster) => call<ListHoldsResponse>((cb) => c.client.listHolds({}, cb));
const getNode = (c: Cluster, id: string) => call<GetNodeResponse>((cb) => c.client.getNode({ id }, cb));

/** Moves virtual time on in steps, giving the scheduler's ticks real time to run, until check passes. */
async function tickUntil<T>(
  clock: ManualClock,
  what: string,
  check: () => Promise<T>,
  stepMs = 1000,
  timeoutMs = 20_000,
): Promise<NonNullable<T>> {
  return eventually(
    what,
    async () => {
      await clock.advance(stepMs);
      return check();
    },
    timeoutMs,
  );
}

/** Claims one ready node for a job and returns the claim. */
async function claimFor(c: Cluster, requester: string, jobName: string): Promise<CreateClaimResponse> {
  const res = await create(c, { requester, jobName });
  assert.equal(res.claim?.state, ClaimState.CLAIM_STATE_FULFILLED, `claim for ${jobName}`);
  return res;
}

const t = suite("holds: failed machines kept for diagnosis", { timeoutMs: 120_000 });

t(
  "a failure released with a hold keeps the node with reason, requester and capped expiry; it is never claimed, counts against the cap, and expires in virtual time",
  async () => {
    const clock = new ManualClock(Date.now());
    const c = await startCluster({ config: config({ minReady: 2, maxNodes: 2 }), clock, tickMs: 1000 });
    try {
      await eventually("two ready nodes", async () => readyCount(await labels(c), "jammy") >= 2);
      const res = await claimFor(c, "alice", "integration-42");
      const node = res.claim?.nodes[0];
      assert.ok(node);
      const heldAt = clock.now();
      // Three hours asked, two allowed (holds.maxDuration).
      const released = await release(c, res.leaseToken, Outcome.OUTCOME_FAILURE, 3 * 3600, "segfault in the linker");
      assert.equal(released.claim?.state, ClaimState.CLAIM_STATE_RELEASED);
      const shown = released.claim?.nodes[0];
      assert.equal(shown?.id, node.id);
      assert.equal(shown?.state, NodeState.NODE_STATE_HELD);
      assert.equal(shown?.holdReason, "segfault in the linker");
      assert.equal(shown?.holdRequester, "alice");
      assert.equal(shown?.holdExpiresAt?.getTime(), heldAt + 2 * HOUR);

      const stored = (await getNode(c, node.id)).node;
      assert.equal(stored?.state, NodeState.NODE_STATE_HELD);
      assert.equal(stored?.holdExpiresAt?.getTime(), heldAt + 2 * HOUR);
      const list = await listHolds(c);
      assert.equal(list.count, 1);
      assert.equal(list.nextExpiry?.getTime(), heldAt + 2 * HOUR);
      assert.equal(list.holds[0]?.source, "release");
      assert.equal(list.holds[0]?.jobName, "integration-42");
      assert.equal(list.holds[0]?.claimId, res.claim?.id);

      // The held node counts against the label's cap of 2: one more ready node, never a third.
      await eventually("the pool refilled to the cap", async () => readyCount(await labels(c), "jammy") >= 1);
      const other = await claimFor(c, "bob", "unit");
      assert.notEqual(other.claim?.nodes[0]?.id, node.id);
      const waiting = await create(c, { requester: "carol", jobName: "unit", wait: false });
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(
        (await c.store.getClaim(waiting.claim?.id ?? ""))?.state,
        "queued",
        "no ready node and no room: the held node is not handed out",
      );
      const live = (await c.store.listNodes()).filter((n) => n.state !== "deleting");
      assert.equal(live.length, 2, `held + claimed only: ${live.map((n) => `${n.id}:${n.state}`).join(", ")}`);
      await call((cb) => c.client.cancelClaim({ claimToken: waiting.claimToken }, cb));
      await release(c, other.leaseToken, Outcome.OUTCOME_SUCCESS);

      await clock.advance(2 * HOUR - 60_000);
      assert.equal((await c.store.getNode(node.id))?.state, "held", "a minute before its expiry it is still held");
      assert.ok((await liveInstances(c, "east")).includes(node.id));
      await tickUntil(clock, "the expired hold's node to be gone", async () => (await c.store.getNode(node.id))?.state === "gone");
      assert.ok(!(await liveInstances(c, "east")).includes(node.id), "its instance is gone from the cloud");
      assert.equal((await listHolds(c)).count, 0);
      const ended = await call<GetHoldResponse>((cb) => c.client.getHold({ nodeId: node.id }, cb));
      assert.equal(ended.hold?.endReason, "expired");
      assert.ok(ended.hold?.endedAt);
    } finally {
      await c.close();
    }
  },
);

t(
  "an autohold rule with count 2 holds exactly the first two matching failures; an expired lease's nodes are held when configured",
  async () => {
    const clock = new ManualClock(Date.now());
    const rules = [
      {
        name: "flaky",
        labels: "jammy && py312",
        requester: "ci",
        jobName: "^integration-",
        count: 2,
        duration: "30m",
        reason: "flaky integration",
      },
    ];
    const c = await startCluster({ config: config({ minReady: 3, holds: { rules, expiredLeases: "45m" } }), clock, tickMs: 1000 });
    try {
      const outcomes: [string, string, Outcome, boolean][] = [
        ["ci", "unit-1", Outcome.OUTCOME_FAILURE, false], // job name does not match
        ["ci", "integration-1", Outcome.OUTCOME_SUCCESS, false], // not a failure
        ["someone", "integration-2", Outcome.OUTCOME_FAILURE, false], // another requester
        ["ci", "integration-3", Outcome.OUTCOME_FAILURE, true],
        ["ci", "integration-4", Outcome.OUTCOME_ABORTED, false],
        ["ci", "integration-5", Outcome.OUTCOME_FAILURE, true],
        ["ci", "integration-6", Outcome.OUTCOME_FAILURE, false], // the rule is used up
      ];
      const held: string[] = [];
      const deleted: string[] = [];
      for (const [requester, job, outcome, expectHeld] of outcomes) {
        await eventually("a ready node", async () => readyCount(await labels(c), "jammy") >= 1);
        const res = await claimFor(c, requester, job);
        const out = await release(c, res.leaseToken, outcome);
        const id = res.claim?.nodes[0]?.id ?? "";
        (expectHeld ? held : deleted).push(id);
        assert.equal(
          out.claim?.nodes.some((n) => n.id === id && n.state === NodeState.NODE_STATE_HELD),
          expectHeld,
          `${job} ${expectHeld ? "held" : "not held"}`,
        );
      }
      for (const id of deleted)
        await eventually(`${id} deleted`, async () => ["deleting", "gone"].includes((await c.store.getNode(id))?.state ?? ""));
      const list = await listHolds(c);
      assert.deepEqual(list.holds.map((h) => h.node?.id).sort(), [...held].sort());
      for (const h of list.holds) {
        assert.equal(h.source, "rule");
        assert.equal(h.ruleId, "config/flaky");
        assert.equal(h.reason, "flaky integration");
        assert.equal((h.expiresAt?.getTime() ?? 0) - (h.heldAt?.getTime() ?? 0), 30 * 60_000);
      }
      const { rules: listed } = await call<ListHoldRulesResponse>((cb) => c.client.listHoldRules({}, cb));
      assert.deepEqual(
        listed.map((r) => [r.id, r.fired, r.count, r.source]),
        [["config/flaky", 2, 2, "config"]],
      );

      // A lease that runs out: its node is held for holds.expiredLeases.
      await eventually("a ready node", async () => readyCount(await labels(c), "jammy") >= 1);
      const lost = await create(c, { requester: "dave", jobName: "nightly", leaseTtlSeconds: 30 });
      const lostId = lost.claim?.nodes[0]?.id ?? "";
      await clock.advance(31_000);
      await tickUntil(clock, "the expired lease's node to be held", async () => (await c.store.getNode(lostId))?.state === "held");
      const hold = (await call<GetHoldResponse>((cb) => c.client.getHold({ nodeId: lostId }, cb))).hold;
      assert.equal(hold?.source, "lease-expired");
      assert.equal(hold?.requester, "dave");
      assert.equal((hold?.expiresAt?.getTime() ?? 0) - (hold?.heldAt?.getTime() ?? 0), 45 * 60_000);
      assert.equal((await c.store.getClaim(lost.claim?.id ?? ""))?.state, "expired");
    } finally {
      await c.close();
    }
  },
);

for (const db of ["sqlite", "mariadb"] as const) {
  t(`a restart of the scheduler on ${db} keeps holds, their expiries and rule counts`, async () => {
    const clock = new ManualClock(Date.now());
    const rules = [{ name: "flaky", jobName: "^integration-", count: 2, duration: "3h" }];
    const cfg = config({ minReady: 2, holds: { rules, maxDuration: "4h" } });
    const first = await startCluster({ config: cfg, clock, tickMs: 1000, db });
    let second: Cluster | undefined;
    try {
      await eventually("two ready nodes", async () => readyCount(await labels(first), "jammy") >= 2);
      const byRule = await claimFor(first, "ci", "integration-1");
      await release(first, byRule.leaseToken, Outcome.OUTCOME_FAILURE);
      const byRelease = await claimFor(first, "erin", "build");
      await release(first, byRelease.leaseToken, Outcome.OUTCOME_FAILURE, 3600, "look at the core dump");
      const before = await listHolds(first);
      assert.equal(before.count, 2);
      await first.stop();

      const later = new ManualClock(clock.now() + 60_000);
      second = await startCluster({ config: cfg, clock: later, tickMs: 1000, restartOf: first });
      const after = await listHolds(second);
      const summary = (l: ListHoldsResponse) => l.holds.map((h) => [h.node?.id, h.reason, h.requester, h.source, h.expiresAt?.getTime()]);
      assert.deepEqual(summary(after), summary(before));
      assert.equal(after.nextExpiry?.getTime(), before.nextExpiry?.getTime());
      const { rules: listed } = await call<ListHoldRulesResponse>((cb) => second!.client.listHoldRules({}, cb));
      assert.equal(listed[0]?.fired, 1, "the rule's count survived");

      // One firing left, whatever the restart.
      const c2 = second;
      await eventually("a ready node", async () => readyCount(await labels(c2), "jammy") >= 1);
      const third = await claimFor(c2, "ci", "integration-2");
      await release(c2, third.leaseToken, Outcome.OUTCOME_FAILURE);
      await eventually("a ready node", async () => readyCount(await labels(c2), "jammy") >= 1);
      const fourth = await claimFor(c2, "ci", "integration-3");
      await release(c2, fourth.leaseToken, Outcome.OUTCOME_FAILURE);
      assert.deepEqual(
        (await listHolds(c2)).holds.map((h) => h.node?.id).sort(),
        [byRule.claim?.nodes[0]?.id, byRelease.claim?.nodes[0]?.id, third.claim?.nodes[0]?.id].sort(),
      );

      // The one-hour hold expires after the restart, the three-hour ones stay.
      const releasedId = byRelease.claim?.nodes[0]?.id ?? "";
      await later.advance(HOUR);
      await tickUntil(later, "the one-hour hold to expire", async () => (await c2.store.getNode(releasedId))?.state === "gone");
      assert.ok(!(await liveInstances(c2, "east")).includes(releasedId));
      assert.deepEqual(
        (await listHolds(c2)).holds.map((h) => h.node?.id).sort(),
        [byRule.claim?.nodes[0]?.id, third.claim?.nodes[0]?.id].sort(),
      );
    } finally {
      if (second) await second.close();
      else await first.close();
    }
  });
}

t(
  "an operator holds a ready node and a claimed one (kept when its lease ends), extends and releases holds, snapshots one; bad requests are refused",
  async () => {
    const c = await startCluster({ config: config({ minReady: 2 }) });
    try {
      await eventually("two ready nodes", async () => readyCount(await labels(c), "jammy") >= 2);
      const ready = (await c.store.listNodes({ states: ["ready"] }))[0];
      assert.ok(ready);
      const manual = await call<HoldNodeResponse>((cb) =>
        c.client.holdNode({ nodeId: ready.id, durationSeconds: 600, reason: "disk full?", requester: "ops" }, cb),
      );
      assert.equal(manual.hold?.node?.state, NodeState.NODE_STATE_HELD);
      assert.equal(manual.hold?.source, "manual");
      assert.equal(manual.hold?.requester, "ops");
      const extended = await call<HoldNodeResponse>((cb) =>
        c.client.holdNode({ nodeId: ready.id, durationSeconds: 5400, reason: "", requester: "ops" }, cb),
      );
      assert.ok((extended.hold?.expiresAt?.getTime() ?? 0) > (manual.hold?.expiresAt?.getTime() ?? 0) + 4000_000, "a new expiry");
      assert.equal(extended.hold?.reason, "disk full?");

      // A claimed node held by hand stays held when its lease ends, even with success.
      await eventually("a ready node", async () => readyCount(await labels(c), "jammy") >= 1);
      const res = await claimFor(c, "frank", "build-7");
      const claimed = res.claim?.nodes[0]?.id ?? "";
      const during = await call<HoldNodeResponse>((cb) =>
        c.client.holdNode({ nodeId: claimed, durationSeconds: 0, reason: "watch it", requester: "ops" }, cb),
      );
      assert.equal(during.hold?.jobName, "build-7");
      assert.equal((during.hold?.expiresAt?.getTime() ?? 0) - (during.hold?.heldAt?.getTime() ?? 0), HOUR, "the default duration");
      await release(c, res.leaseToken, Outcome.OUTCOME_SUCCESS);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal((await c.store.getNode(claimed))?.state, "held", "not deleted with its lease");
      assert.ok((await liveInstances(c, "east")).includes(claimed));

      // A snapshot on the fake cloud: shared by default, since it can share images.
      const snap = await call<SnapshotHoldResponse>((cb) =>
        c.client.snapshotHold(
          {
            nodeId: claimed,
            visibility: SnapshotVisibility.SNAPSHOT_VISIBILITY_UNSPECIFIED,
            imageName: "",
            requester: "frank",
            wait: true,
            waitTimeoutSeconds: 30,
          },
          cb,
        ),
      );
      assert.equal(snap.snapshot?.state, SnapshotState.SNAPSHOT_STATE_DONE, snap.snapshot?.error);
      assert.equal(snap.snapshot?.visibility, SnapshotVisibility.SNAPSHOT_VISIBILITY_SHARED);
      const cloud = await readFakeCloud(c.stateFile("east"));
      const image = cloud.images.find((i) => i.id === snap.snapshot?.imageId);
      assert.equal(image?.visibility, "shared");
      assert.equal(image?.tags["standby-hold-node"], claimed);
      const shown = await call<GetHoldResponse>((cb) => c.client.getHold({ nodeId: claimed }, cb));
      assert.deepEqual(
        shown.hold?.snapshots.map((s) => s.imageId),
        [snap.snapshot?.imageId],
      );

      const expectCode = async (p: Promise<unknown>, code: status, text: RegExp) =>
        assert.rejects(p, (err) => {
          assert.equal(grpcCode(err), code, details(err));
          assert.match(details(err), text);
          return true;
        });
      await expectCode(
        call((cb) => c.client.holdNode({ nodeId: "n-nope", durationSeconds: 0, reason: "", requester: "" }, cb)),
        status.NOT_FOUND,
        /n-nope/,
      );
      const readyNow = (await c.store.listNodes({ states: ["ready"] }))[0]?.id ?? "";
      await expectCode(
        call((cb) => c.client.releaseHold({ nodeId: readyNow, requester: "" }, cb)),
        status.FAILED_PRECONDITION,
        /not held/,
      );
      await expectCode(
        call((cb) => c.client.addHoldKey({ nodeId: claimed, publicKey: "not a key", requester: "" }, cb)),
        status.INVALID_ARGUMENT,
        /public_key/,
      );
      await expectCode(
        call((cb) =>
          c.client.addHoldKey(
            {
              nodeId: claimed,
              publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl dev",
              requester: "",
            },
            cb,
          ),
        ),
        status.FAILED_PRECONDITION,
        /no SSH access/,
      );
      await expectCode(
        call((cb) =>
          c.client.createHoldRule(
            { name: "", labelExpression: "", requester: "", jobNamePattern: "([", count: 1, durationSeconds: 0, reason: "", createdBy: "" },
            cb,
          ),
        ),
        status.INVALID_ARGUMENT,
        /job_name_pattern/,
      );
      await expectCode(
        call((cb) =>
          c.client.createHoldRule(
            {
              name: "",
              labelExpression: "jammy &&",
              requester: "",
              jobNamePattern: "",
              count: 1,
              durationSeconds: 0,
              reason: "",
              createdBy: "",
            },
            cb,
          ),
        ),
        status.INVALID_ARGUMENT,
        /label_expression/,
      );
      await expectCode(
        call((cb) =>
          c.client.createHoldRule(
            { name: "x", labelExpression: "", requester: "", jobNamePattern: "", count: 0, durationSeconds: 0, reason: "", createdBy: "" },
            cb,
          ),
        ),
        status.INVALID_ARGUMENT,
        /count/,
      );
      await expectCode(
        call((cb) =>
          c.client.createHoldRule(
            {
              name: "x",
              labelExpression: "",
              requester: "",
              jobNamePattern: "",
              count: 1,
              durationSeconds: 3 * 3600,
              reason: "",
              createdBy: "",
            },
            cb,
          ),
        ),
        status.INVALID_ARGUMENT,
        /duration_seconds/,
      );
      const rule = await call<CreateHoldRuleResponse>((cb) =>
        c.client.createHoldRule(
          {
            name: "once",
            labelExpression: "py312",
            requester: "",
            jobNamePattern: "",
            count: 1,
            durationSeconds: 0,
            reason: "",
            createdBy: "ops",
          },
          cb,
        ),
      );
      assert.equal(rule.rule?.source, "api");
      await expectCode(
        call((cb) =>
          c.client.createHoldRule(
            {
              name: "once",
              labelExpression: "",
              requester: "",
              jobNamePattern: "",
              count: 1,
              durationSeconds: 0,
              reason: "",
              createdBy: "",
            },
            cb,
          ),
        ),
        status.ALREADY_EXISTS,
        /once/,
      );
      await call((cb) => c.client.deleteHoldRule({ id: "once" }, cb));
      await expectCode(
        call((cb) => c.client.deleteHoldRule({ id: "once" }, cb)),
        status.NOT_FOUND,
        /once/,
      );

      // Releasing a hold deletes the node; releasing it again is a no-op.
      await call((cb) => c.client.releaseHold({ nodeId: ready.id, requester: "ops" }, cb));
      await eventually("the released hold's node to be gone", async () => (await c.store.getNode(ready.id))?.state === "gone");
      await call((cb) => c.client.releaseHold({ nodeId: ready.id, requester: "ops" }, cb));
      const after = await call<GetHoldResponse>((cb) => c.client.getHold({ nodeId: ready.id }, cb));
      assert.equal(after.hold?.endReason, "released by ops");
      assert.deepEqual(
        (await listHolds(c)).holds.map((h) => h.node?.id),
        [claimed],
      );
    } finally {
      await c.close();
    }
  },
);

t("the CLI holds a node, lists and shows holds, adds and deletes rules, and releases the hold", async () => {
  const c = await startCluster({
    config: config({ minReady: 1, holds: { rules: [{ name: "from-file", count: 3, jobName: "^nightly" }] } }),
  });
  const cli = async (...args: string[]) => {
    const { stdout } = await runFile(process.execPath, [join(REPO_ROOT, "dist/clients/cli/main.js"), ...args, "--addr", c.api.address]);
    return stdout;
  };
  try {
    await eventually("a ready node", async () => readyCount(await labels(c), "jammy") >= 1);
    const node = (await c.store.listNodes({ states: ["ready"] }))[0];
    assert.ok(node);
    assert.match(
      await cli("hold", node.id, "--for", "90m", "--reason", "odd dmesg", "--requester", "ops-olga"),
      new RegExp(`node ${node.id} held until 20`),
    );
    const shown = JSON.parse(await cli("hold", "show", node.id, "--json")) as {
      hold: { reason: string; requester: string; source: string; heldAt: string; expiresAt: string };
    };
    assert.equal(shown.hold.reason, "odd dmesg");
    assert.equal(shown.hold.requester, "ops-olga");
    assert.equal(shown.hold.source, "manual");
    assert.equal(Date.parse(shown.hold.expiresAt) - Date.parse(shown.hold.heldAt), 90 * 60_000, "90m asked, within holds.maxDuration");
    const table = await cli("holds");
    assert.match(table, /^NODE\s+LABEL\s+PROVIDER\s+REASON\s+REQUESTER\s+EXPIRES\s+ADDRESS/);
    assert.match(table, new RegExp(`${node.id}\\s+jammy\\s+east\\s+odd dmesg\\s+ops-olga`));
    assert.match(await cli("node", "show", node.id), /hold reason:\s+odd dmesg/);

    await cli(
      "hold-rule",
      "add",
      "--count",
      "2",
      "--label",
      "py312",
      "--job",
      "^integration-",
      "--for",
      "30m",
      "--name",
      "flaky",
      "--by",
      "ops-olga",
    );
    const rules = JSON.parse(await cli("hold-rules", "--json")) as {
      rules: { id: string; count: number; fired: number; durationSeconds: number; source: string; createdBy: string }[];
    };
    assert.deepEqual(rules.rules.map((r) => [r.id, r.count, r.fired, r.durationSeconds, r.source, r.createdBy]).sort(), [
      ["config/from-file", 3, 0, 0, "config", "configuration"],
      ["flaky", 2, 0, 1800, "api", "ops-olga"],
    ]);
    assert.match(await cli("hold-rules"), /flaky\s+py312\s+-\s+\^integration-\s+0\/2\s+1800s\s+api/);
    await cli("hold-rule", "delete", "flaky");
    assert.deepEqual(
      (JSON.parse(await cli("hold-rules", "--json")) as { rules: { id: string }[] }).rules.map((r) => r.id),
      ["config/from-file"],
    );

    assert.match(
      await cli("hold", "release", node.id, "--requester", "ops-olga"),
      new RegExp(`hold on ${node.id} released; the node is deleting`),
    );
    await eventually("the node to be gone", async () => (await c.store.getNode(node.id))?.state === "gone");
    assert.match(await cli("holds"), /^NODE.*\n0 held\n$/);
  } finally {
    await c.close();
  }
});

t.run();
