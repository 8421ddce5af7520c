import assert from "node:assert/strict";
import { ClaimState, Outcome, type ReleaseLeaseResponse } from "../../gen/ts/standby/v1/standby.js";
import { call, eventually, startCluster, type Cluster } from "../lib/cluster.js";
import { suite } from "../lib/harness.js";
import { labels, liveInstances, readyCount } from "../e2e/helpers.js";
import { buildJava, JAVA, javaClasspath, LineProcess, requireFile } from "./tools.js";

/**
 * The Java launcher (clients/java, dev.standby.launcher.StandbyLauncher)
 * against a live scheduler with fake providers, driven through
 * LauncherDriver (clients/java/test) line by line.
 */

const config = (minReady: number, bootLatencyMs = 0) => ({
  providers: [
    { name: "east", plugin: "fake", settings: { bootLatencyMs } },
    { name: "west", plugin: "fake", settings: { bootLatencyMs } },
  ],
  labels: [
    { name: "jammy", tags: ["ubuntu", "py312"], minReady },
    { name: "noble", tags: ["ubuntu", "py313"], minReady: 0 },
  ],
  templates: [
    { label: "jammy", provider: "east", image: "ubuntu-jammy", flavor: "small" },
    { label: "jammy", provider: "west", image: "ubuntu-jammy", flavor: "small" },
    { label: "noble", provider: "west", image: "ubuntu-noble", flavor: "small" },
  ],
});

type Event = Record<string, unknown> & { event: string };
type DriverNode = {
  id: string;
  label: string;
  provider: string;
  address: string;
  sshPort: number;
  username: string;
  hostKeys: string[];
  tags: string[];
  claimId: string;
  leaseToken: string;
  knownHosts: string[];
  toString: string;
};

let classpath = "";

async function driver(c: Cluster, args: string[] = []): Promise<Driver> {
  const d = new Driver(
    new LineProcess(JAVA, ["-cp", classpath, "dev.standby.launcher.LauncherDriver", "--target", c.api.address, ...args]),
  );
  await d.next("ready");
  return d;
}

class Driver {
  private seen = 0;
  constructor(readonly proc: LineProcess) {}

  events(): Event[] {
    return this.proc.stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Event);
  }

  /** The next event of a kind after those already taken with next(). */
  async next(event: string, timeoutMs = 60_000): Promise<Event> {
    let index = -1;
    await this.proc.waitFor(
      event,
      () => {
        const all = this.events();
        index = all.findIndex((e, i) => i >= this.seen && e.event === event);
        return index >= 0;
      },
      timeoutMs,
    );
    // waitFor tests each new line; re-read to be sure the list is complete.
    const all = this.events();
    index = all.findIndex((e, i) => i >= this.seen && e.event === event);
    const found = all[index]!;
    this.seen = index + 1;
    return found;
  }

  /** n events of a kind (e.g. one per provisioned node), in the order printed. */
  async collect(event: string, n: number, timeoutMs = 60_000): Promise<Event[]> {
    await this.proc.waitFor(`${n} "${event}" events`, () => this.events().filter((e) => e.event === event).length >= n, timeoutMs);
    return this.events()
      .filter((e) => e.event === event)
      .slice(0, n);
  }

  send(line: string): void {
    this.proc.send(line);
  }

  async stop(): Promise<void> {
    this.proc.child.stdin.end();
    try {
      await this.proc.exit(20_000);
    } finally {
      this.proc.kill();
    }
  }
}

const getClaimState = async (c: Cluster, id: string) => (await c.store.getClaim(id))?.state;

const t = suite("java launcher", { timeoutMs: 180_000 });

t.before(async () => {
  requireFile(JAVA, "default-jdk-headless");
  await buildJava();
  classpath = await javaClasspath();
});

t(
  "provision 3 nodes for a label expression: connectable nodes, leases renewed at a third of the TTL, terminate with the outcome deletes them",
  async () => {
    // Two ready, so one of the three is launched while the launcher waits.
    const c = await startCluster({ config: config(2, 500) });
    const d = await driver(c, ["--ttl", "3"]);
    try {
      await eventually("two ready jammy nodes", async () => readyCount(await labels(c), "jammy") >= 2);
      d.send("provision 3 jammy && py312");
      const provisioned = await d.collect("provisioned", 3);
      assert.deepEqual(
        d.events().filter((e) => e.event === "provision-failed"),
        [],
      );
      const nodes = provisioned.map((e) => e.node as DriverNode);
      assert.equal(new Set(nodes.map((n) => n.id)).size, 3, "three different nodes");
      assert.equal(new Set(nodes.map((n) => n.claimId)).size, 3, "one claim per node: each agent lives on its own");
      for (const n of nodes) {
        assert.equal(n.label, "jammy");
        assert.ok(["east", "west"].includes(n.provider));
        assert.equal(n.address, "127.0.0.1");
        assert.equal(n.sshPort, 22);
        assert.equal(n.username, "standby");
        assert.ok(n.hostKeys.length > 0 && n.hostKeys.every((k) => k.startsWith("ssh-")), "pinned host keys");
        assert.deepEqual(
          n.knownHosts,
          n.hostKeys.map((k) => `127.0.0.1 ${k}`),
        );
        assert.ok(n.tags.includes("py312"));
        assert.ok(!n.toString.includes(n.leaseToken), "toString hides the lease token");
        assert.equal(await getClaimState(c, n.claimId), "fulfilled");
        assert.equal((await c.store.getNode(n.id))?.state, "claimed");
      }

      // TTL 3 s: renewals every second. After 5 s every lease must still be live.
      await new Promise((r) => setTimeout(r, 5_000));
      d.send("status");
      const status = (await d.next("status")).leases as { id: string; held: boolean; renewals: number; expiresAt: string }[];
      assert.equal(status.length, 3);
      for (const s of status) {
        assert.ok(s.held);
        assert.ok(s.renewals >= 3, `lease of ${s.id} renewed about every second: ${JSON.stringify(s)}`);
        assert.ok(Date.parse(s.expiresAt) > Date.now(), "the lease runs out in the future");
      }
      for (const n of nodes) assert.equal(await getClaimState(c, n.claimId), "fulfilled", "not expired: renewed in time");

      const [failed, ...passed] = nodes as [DriverNode, ...DriverNode[]];
      d.send(`terminate ${failed.id} failure 3600`);
      const term = await d.next("terminated");
      assert.equal(term.id, failed.id);
      assert.equal(term.outcome, "FAILURE");
      assert.equal(term.claimState, "released");
      assert.equal(term.holdRequested, "PT1H");
      // "held" says what the scheduler's answer showed: a scheduler with holds keeps the node HELD, one without deletes it.
      const failedState = (await c.store.getNode(failed.id))?.state;
      assert.equal(term.held, failedState === "held", `held ${String(term.held)}, node ${String(failedState)}`);
      if (!term.held) assert.match(term.note as string, /does not show the node held/);
      for (const n of passed) {
        d.send(`terminate ${n.id} success`);
        assert.equal((await d.next("terminated")).claimState, "released");
      }
      for (const n of term.held ? passed : nodes) {
        assert.equal(await getClaimState(c, n.claimId), "released");
        await eventually(`node ${n.id} gone`, async () => (await c.store.getNode(n.id))?.state === "gone");
        assert.ok(!(await liveInstances(c, n.provider)).includes(n.id), "its instance is deleted");
      }
      d.send("status");
      assert.deepEqual(
        ((await d.next("status")).leases as { held: boolean }[]).map((l) => l.held),
        [false, false, false],
        "no longer renewed",
      );
      assert.deepEqual(
        d.events().filter((e) => e.event === "lost"),
        [],
        "no lease was lost",
      );
    } finally {
      await d.stop();
      await c.close();
    }
  },
);

t("a lease ended elsewhere is reported lost and no longer renewed", async () => {
  const c = await startCluster({ config: config(1) });
  const d = await driver(c, ["--ttl", "3"]);
  try {
    await eventually("a ready jammy node", async () => readyCount(await labels(c), "jammy") >= 1);
    d.send("provision 1 jammy");
    const node = (await d.next("provisioned")).node as DriverNode;
    // Someone else (an operator's script holding the token) releases it.
    const res = await call<ReleaseLeaseResponse>((cb) =>
      c.client.releaseLease({ leaseToken: node.leaseToken, outcome: Outcome.OUTCOME_ABORTED, holdSeconds: 0, holdReason: "" }, cb),
    );
    assert.equal(res.claim?.state, ClaimState.CLAIM_STATE_RELEASED);
    const lost = await d.next("lost", 10_000);
    assert.equal(lost.id, node.id);
    assert.equal(lost.kind, "FailedPrecondition");
    d.send("status");
    assert.equal(((await d.next("status")).leases as { held: boolean }[])[0]?.held, false);
  } finally {
    await d.stop();
    await c.close();
  }
});

t("refusals fail the futures with typed errors: a malformed expression, a label nobody makes", async () => {
  const c = await startCluster({ config: config(0) });
  const d = await driver(c);
  try {
    d.send("provision 1 jammy &&");
    const bad = await d.next("provision-failed");
    assert.equal(bad.kind, "InvalidArgument");
    assert.equal(bad.code, "INVALID_ARGUMENT");
    d.send("provision 2 windows");
    const never = await d.collect("provision-failed", 3);
    assert.deepEqual(
      never.slice(1).map((e) => e.kind),
      ["FailedPrecondition", "FailedPrecondition"],
    );
  } finally {
    await d.stop();
    await c.close();
  }
});

t("a claim that waits longer than the wait timeout fails with ClaimTimeout and is withdrawn; progress is reported meanwhile", async () => {
  // Boots take 60 s: nothing can serve the claim within the 3 s wait.
  const c = await startCluster({ config: config(0, 60_000) });
  const d = await driver(c, ["--wait", "3"]);
  try {
    d.send("provision 1 jammy");
    const progress = await d.next("progress");
    assert.equal(progress.what, "queued");
    const claimId = progress.claimId as string;
    const failed = await d.next("provision-failed", 20_000);
    assert.equal(failed.kind, "ClaimTimeout");
    assert.match(failed.message as string, /no node for 'jammy' within PT3S/);
    await eventually("the claim withdrawn", async () => (await getClaimState(c, claimId)) === "cancelled");
  } finally {
    await d.stop();
    await c.close();
  }
});

t("cancelling a provision future withdraws its claim", async () => {
  const c = await startCluster({ config: config(0, 60_000) });
  const d = await driver(c);
  try {
    d.send("provision 1 jammy");
    const claimId = (await d.next("progress")).claimId as string;
    assert.equal(await getClaimState(c, claimId), "queued");
    d.send("cancel");
    const failed = await d.next("provision-failed");
    assert.equal(failed.kind, "CancellationException");
    await eventually("the claim withdrawn", async () => (await getClaimState(c, claimId)) === "cancelled");
  } finally {
    await d.stop();
    await c.close();
  }
});

t.run();
