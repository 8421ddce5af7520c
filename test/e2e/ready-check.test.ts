import assert from "node:assert/strict";
import { ClaimState, Outcome, type ListProvidersResponse } from "../../gen/ts/standby/v1/standby.js";
import { readFakeCloud } from "../../plugins/fake/state.js";
import { NODE_TAG } from "../../common/provider.js";
import { suite } from "../lib/harness.js";
import { call, eventually, startCluster, type Cluster } from "../lib/cluster.js";
import { create } from "./helpers.js";

/**
 * Ready checks over real SSH against the fake cloud's endpoints: every node
 * answers on its own loopback port with its own host key; some have no
 * network, either silently (nothing answers) or visibly (the ready script
 * finds the network down).
 */
const t = suite("ready checks over real SSH with fake clouds", { timeoutMs: 120_000 });

const NETWORK_UP = 'test "$STANDBY_FAKE_NETWORK" = up';

async function networkOf(c: Cluster, provider: string, nodeId: string): Promise<string | undefined> {
  const cloud = await readFakeCloud(c.stateFile(provider));
  return cloud.instances.find((i) => i.tags[NODE_TAG] === nodeId)?.endpoint?.network;
}

t(
  "at 30% no-network, min-ready still fills, only nodes with network reach claims, and the failures are counted as ready-check",
  async () => {
    const c = await startCluster({
      access: true,
      config: {
        providers: [
          {
            name: "quiet",
            plugin: "fake",
            settings: { seed: 3, endpoints: { noNetworkRate: 0.3, noNetwork: "silent" } },
            bootTimeout: "2s",
            readyTimeout: "3s",
          },
          {
            name: "down",
            plugin: "fake",
            settings: { seed: 5, endpoints: { noNetworkRate: 0.3, noNetwork: "down" } },
            bootTimeout: "2s",
            readyTimeout: "3s",
          },
        ],
        labels: [{ name: "jammy", minReady: 6 }],
        templates: ["quiet", "down"].map((provider) => ({
          label: "jammy",
          provider,
          image: "ubuntu-jammy",
          flavor: "small",
          readyScript: NETWORK_UP,
        })),
      },
    });
    try {
      await eventually("six ready nodes", async () => (await c.store.listNodes({ states: ["ready"] })).length >= 6, 60_000);
      const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => create(c, { jobName: `job-${i}`, waitTimeoutSeconds: 60 })));
      for (const res of claims) {
        assert.equal(res.claim?.state, ClaimState.CLAIM_STATE_FULFILLED);
        const node = res.claim?.nodes[0];
        assert.ok(node);
        assert.equal(await networkOf(c, node.provider, node.id), "up", `claimed node ${node.id} has network`);
        // The pinned host key is the instance's own.
        const cloud = await readFakeCloud(c.stateFile(node.provider));
        const instance = cloud.instances.find((i) => i.tags[NODE_TAG] === node.id);
        assert.deepEqual(node.hostKeys, instance?.hostKeys);
      }
      const failed = (await c.store.listNodes({ states: ["failed", "deleting", "gone"] })).filter((n) =>
        n.failureReason.startsWith("ready-check"),
      );
      assert.ok(failed.length >= 2, `no-network nodes failed their ready check (${failed.length})`);
      const reasons = new Set(failed.map((n) => n.provider));
      assert.ok(reasons.has("quiet") && reasons.has("down"), "both kinds of no-network were caught");
      const providers = await call<ListProvidersResponse>((cb) => c.client.listProviders({}, cb));
      for (const p of providers.providers)
        assert.ok(
          p.recentFailures.some((f) => f.reason === "ready-check"),
          `${p.name} lists ready-check failures`,
        );
      await Promise.all(
        claims.map((res) =>
          call((cb) =>
            c.client.releaseLease({ leaseToken: res.leaseToken, outcome: Outcome.OUTCOME_SUCCESS, holdSeconds: 0, holdReason: "" }, cb),
          ),
        ),
      );
    } finally {
      await c.close();
    }
  },
);

t.run();
