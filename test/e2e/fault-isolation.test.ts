import assert from "node:assert/strict";
import {
  ClaimState,
  Outcome,
  ProviderHealth,
  type CreateClaimResponse,
  type ListProvidersResponse,
} from "../../gen/ts/standby/v1/standby.js";
import { fakeInstance, readFakeCloud, updateFakeCloud } from "../../plugins/fake/state.js";
import { NODE_TAG, OWNER_TAG } from "../../common/provider.js";
import type { NodeRecord } from "../../server/core/store.js";
import { memoryLogger } from "../plugin-host/helpers.js";
import { suite } from "../lib/harness.js";
import { call, eventually, startCluster, type ClusterOptions } from "../lib/cluster.js";
import { create } from "./helpers.js";

/**
 * One misbehaving cloud cannot stall the others: real scheduler, real plugin
 * processes, the fake plugin's fault modes.
 */
const t = suite("fault isolation end to end", { timeoutMs: 120_000 });

/** Quick health checks and restarts so hangs are found in about a second. */
const HOST: NonNullable<ClusterOptions["host"]> = {
  timeouts: {
    healthIntervalMs: 200,
    healthTimeoutMs: 200,
    healthFailures: 3,
    stopGraceMs: 300,
    termGraceMs: 300,
    killWaitMs: 3_000,
    handshakeMs: 5_000,
  },
  restart: { initialDelayMs: 200, maxDelayMs: 3_000, jitter: 0 },
  policies: {
    deadlines: { fastMs: 1_000, acceptMs: 2_000 },
    circuitBreaker: { failures: 5, halfOpenAfterMs: 500, maxHalfOpenAfterMs: 3_000 },
    // This test is about isolation, not crash loops (plugin-host/faults.test covers those).
    crashLoop: { maxCrashes: 1_000 },
  },
};

const providersOf = (c: { client: { listProviders: (r: object, cb: (e: Error | null, r: ListProvidersResponse) => void) => unknown } }) =>
  call<ListProvidersResponse>((cb) => c.client.listProviders({}, cb));

t(
  "A hangs, B crashes every 5 calls, C is healthy: every claim for x and y is fulfilled, nothing is lost, and providers show each state",
  async () => {
    const { logger, entries } = memoryLogger();
    const c = await startCluster({
      config: {
        providers: [
          // Launches on A never finish and those on B rarely do: short boot timeouts end them, since until
          // then the pool counts them as supply for x (the scheduler does not look at provider health there).
          { name: "a", plugin: "fake", settings: { fault: { mode: "hang" } }, bootTimeout: "3s", readyTimeout: "1s" },
          { name: "b", plugin: "fake", settings: { fault: { mode: "crash-every", every: 5 } }, bootTimeout: "4s", readyTimeout: "1s" },
          { name: "c", plugin: "fake", settings: { bootLatencyMs: 100 } },
        ],
        labels: [
          { name: "x", minReady: 2 },
          { name: "y", minReady: 2 },
        ],
        templates: [
          { label: "x", provider: "a", image: "ubuntu-jammy", flavor: "small" },
          { label: "x", provider: "b", image: "ubuntu-jammy", flavor: "small" },
          { label: "x", provider: "c", image: "ubuntu-jammy", flavor: "small" },
          { label: "y", provider: "c", image: "ubuntu-noble", flavor: "small" },
        ],
      },
      host: HOST,
      logger,
      tickMs: 200,
      reconcileMs: 3_000,
    });
    try {
      const served: { label: string; claimId: string; nodeId: string; provider: string }[] = [];
      const claimOne = async (label: string, i: number): Promise<void> => {
        const res: CreateClaimResponse = await create(c, { labelExpressions: [label], requestId: `${label}-${i}`, waitTimeoutSeconds: 60 });
        assert.equal(res.claim?.state, ClaimState.CLAIM_STATE_FULFILLED, `claim ${label}-${i}: ${res.claim?.failureReason ?? ""}`);
        const node = res.claim?.nodes[0];
        assert.ok(node && res.claim);
        served.push({ label, claimId: res.claim.id, nodeId: node.id, provider: node.provider });
        await call((cb) =>
          c.client.releaseLease({ leaseToken: res.leaseToken, outcome: Outcome.OUTCOME_SUCCESS, holdSeconds: 0, holdReason: "" }, cb),
        );
      };
      // Waves of concurrent claims for both labels while A hangs (and is killed and restarted) and B crashes.
      for (let wave = 0; wave < 4; wave++) {
        await Promise.all([
          ...Array.from({ length: 5 }, (_, i) => claimOne("x", wave * 5 + i)),
          ...Array.from({ length: 5 }, (_, i) => claimOne("y", wave * 5 + i)),
        ]);
      }

      assert.equal(served.length, 40, "every claim was fulfilled");
      assert.equal(new Set(served.map((s) => s.nodeId)).size, 40, "no node was handed out twice");
      assert.ok(
        served.filter((s) => s.label === "x").every((s) => s.provider !== "a"),
        "the hung provider served nothing",
      );
      assert.ok(served.filter((s) => s.label === "y").every((s) => s.provider === "c"));

      // Nothing lost: every claim is released; every claimed node is deleted (C) or on its way (B deletes
      // between crashes, retried); no cloud holds two instances for a node, or one for a node that is gone.
      const claims = await c.store.listClaims({});
      assert.equal(claims.length, 40);
      assert.ok(
        claims.every((claim) => claim.state === "released"),
        claims.map((x) => x.state).join(","),
      );
      await eventually(
        "the claimed nodes on C to be deleted, and on B to be deleting or deleted",
        async () => {
          const nodes = await Promise.all(served.map((s) => c.store.getNode(s.nodeId)));
          return nodes.every((n) => n?.state === "gone" || (n?.provider === "b" && n.state === "deleting"));
        },
        30_000,
      );
      for (const provider of ["b", "c"]) {
        const ids = (await readFakeCloud(c.stateFile(provider))).instances.map((i) => i.tags[NODE_TAG] ?? "");
        assert.equal(new Set(ids).size, ids.length, `${provider} holds one instance per node id`);
        for (const id of ids)
          assert.notEqual((await c.store.getNode(id))?.state ?? "unknown", "gone", `${provider} has an instance for gone node ${id}`);
      }

      // A was killed for hanging and restarted with growing delays; B crashed and was restarted; C never stopped.
      const status = await eventually(
        "A restarted twice and B once",
        async () => {
          const res = await providersOf(c);
          const by = (name: string) => res.providers.find((p) => p.name === name);
          const [a, b, cc] = [by("a"), by("b"), by("c")];
          return a && b && cc && a.restarts >= 2 && b.restarts >= 1 && a.health !== ProviderHealth.PROVIDER_HEALTH_SERVING
            ? { a, b, c: cc }
            : undefined;
        },
        30_000,
      );
      assert.match(status.a.lastError, /stopped answering|circuit (open|half-open)/);
      assert.equal(status.c.health, ProviderHealth.PROVIDER_HEALTH_SERVING);
      assert.equal(status.c.restarts, 0);
      assert.equal(status.c.lastError, "");
      const aLog = entries.filter((e) => e.provider === "a");
      assert.ok(
        aLog.some((e) => String(e.msg).startsWith("plugin stopped answering")),
        "A was found hung by its health checks",
      );
      const delays = aLog.filter((e) => e.msg === "restarting plugin after a delay").map((e) => Number(e.delayMs));
      assert.deepEqual(delays.slice(0, 2), [200, 400], "A's restarts back off");
      assert.ok(
        entries.some((e) => e.provider === "b" && /exited with code 3/.test(String(e.msg))),
        "B crashed",
      );
    } finally {
      await c.close();
    }
  },
);

t("while a provider hangs, its ready nodes stay as they are: a failed list is 'unknown', never 'no instances'", async () => {
  const { logger, entries } = memoryLogger();
  const c = await startCluster({
    config: {
      providers: [
        { name: "a", plugin: "fake", settings: { fault: { mode: "hang" } } },
        { name: "c", plugin: "fake" },
      ],
      labels: [{ name: "x", minReady: 0 }],
      templates: [
        { label: "x", provider: "a", image: "ubuntu-jammy", flavor: "small" },
        { label: "x", provider: "c", image: "ubuntu-jammy", flavor: "small" },
      ],
    },
    host: HOST,
    logger,
    reconcileMs: 300,
  });
  try {
    const now = Date.now();
    const node = (id: string, provider: string): NodeRecord => ({
      id,
      label: "x",
      provider,
      state: "ready",
      instanceId: `i-${id}`,
      addresses: ["127.0.0.1"],
      sshPort: 22,
      username: "standby",
      hostKeys: [],
      tags: ["x"],
      image: "ubuntu-jammy",
      flavor: "small",
      claimId: "",
      createdAt: now,
      stateChangedAt: now,
      readyAt: now,
      failureReason: "",
    });
    // Three ready nodes on the hung provider, with their instances in its cloud.
    const onA = ["n-a1", "n-a2", "n-a3"];
    await updateFakeCloud(c.stateFile("a"), (state) => {
      for (const id of onA) state.instances.push(fakeInstance({ instanceId: `i-${id}`, tags: { [OWNER_TAG]: c.ownerId, [NODE_TAG]: id } }));
    });
    // And, as the control, a ready node on the healthy provider whose instance really is gone.
    await c.store.insertNodes([...onA.map((id) => node(id, "a")), node("n-c-vanished", "c")]);

    await eventually(
      "the control node to be found vanished",
      async () => (await c.store.getNode("n-c-vanished"))?.state !== "ready",
      15_000,
    );
    await eventually("A to hang, be killed and restarted twice", () => c.host.status("a").restarts >= 2, 30_000);
    const postponed = entries.filter((e) => e.provider === "a" && e.msg === "cannot list instances; reconcile postponed");
    assert.ok(postponed.length >= 2, `A's list failed ${postponed.length} times`);

    for (const id of onA) assert.equal((await c.store.getNode(id))?.state, "ready", `${id} is still ready`);
    const cloud = await readFakeCloud(c.stateFile("a"));
    assert.deepEqual(cloud.instances.map((i) => i.tags[NODE_TAG]).sort(), onA, "and its instances are untouched");
  } finally {
    await c.close();
  }
});

t.run();
