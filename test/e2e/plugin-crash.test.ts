import assert from "node:assert/strict";
import { ClaimState, Outcome } from "../../gen/ts/standby/v1/standby.js";
import { readFakeCloud } from "../../plugins/fake/state.js";
import { NODE_TAG } from "../../common/provider.js";
import { suite } from "../lib/harness.js";
import { call, eventually, startCluster } from "../lib/cluster.js";
import { create, labels, readyCount } from "./helpers.js";

const t = suite("a plugin killed mid-launch", { timeoutMs: 120_000 });

t("is restarted, reconciled, keeps serving claims, and its cloud never holds two instances for one node", async () => {
  const c = await startCluster({
    config: {
      providers: [
        { name: "east", plugin: "fake", settings: { bootLatencyMs: 1500 } },
        { name: "west", plugin: "fake", settings: { bootLatencyMs: 1500 } },
      ],
      labels: [{ name: "jammy", minReady: 6 }],
      templates: [
        { label: "jammy", provider: "east", image: "ubuntu-jammy", flavor: "small" },
        { label: "jammy", provider: "west", image: "ubuntu-jammy", flavor: "small" },
      ],
    },
  });
  try {
    // Kill east while its first launches are still booting.
    await eventually("east to have booting instances", async () => (await readFakeCloud(c.stateFile("east"))).instances.length > 0);
    const before = c.host.status("east");
    assert.ok(before.pid > 0);
    process.kill(before.pid, "SIGKILL");
    await eventually(
      "east to be restarted",
      () => c.host.status("east").restarts >= 1 && c.host.status("east").health === "serving" && c.host.status("east").pid !== before.pid,
    );

    await eventually("the pool to fill again", async () => readyCount(await labels(c), "jammy") >= 6, 30_000);
    for (let i = 0; i < 8; i++) {
      const res = await create(c);
      assert.equal(res.claim?.state, ClaimState.CLAIM_STATE_FULFILLED);
      await call((cb) =>
        c.client.releaseLease({ leaseToken: res.leaseToken, outcome: Outcome.OUTCOME_SUCCESS, holdSeconds: 0, holdReason: "" }, cb),
      );
    }
    await eventually("the pool to fill after the claims", async () => readyCount(await labels(c), "jammy") >= 6, 30_000);

    for (const provider of ["east", "west"]) {
      const cloud = await readFakeCloud(c.stateFile(provider));
      const ids = cloud.instances.map((i) => i.tags[NODE_TAG]);
      assert.equal(new Set(ids).size, ids.length, `${provider} holds one instance per node id: ${ids.join(", ")}`);
    }
    const nodes = await c.store.listNodes({ provider: "east" });
    assert.ok(
      nodes.some((n) => n.state === "ready"),
      "east serves again after its restart",
    );
  } finally {
    await c.close();
  }
});

t.run();
