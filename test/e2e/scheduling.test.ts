import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ClaimState,
  NodeState,
  Outcome,
  ProviderMode,
  type ListProvidersResponse,
  type SetProviderModeResponse,
} from "../../gen/ts/standby/v1/standby.js";
import { fakeInstance, readFakeCloud, updateFakeCloud } from "../../plugins/fake/state.js";
import { silentLogger } from "../../common/log.js";
import { NODE_TAG, OWNER_TAG } from "../../common/provider.js";
import { serve } from "../../server/main.js";
import { suite } from "../lib/harness.js";
import { call, eventually, startCluster } from "../lib/cluster.js";
import { create, labels, liveInstances, readyCount } from "./helpers.js";

const t = suite("scheduling against misbehaving clouds", { timeoutMs: 120_000 });

const jammyOn = (...providers: string[]) => providers.map((p) => ({ label: "jammy", provider: p, image: "ubuntu-jammy", flavor: "small" }));
const providersOf = (c: { client: import("../../gen/ts/standby/v1/standby.js").StandbyServiceClient }) =>
  call<ListProvidersResponse>((cb) => c.client.listProviders({}, cb));

t("with one of two providers failing every boot, 100 claims are all fulfilled and the failures are visible per reason", async () => {
  const c = await startCluster({
    config: {
      providers: [
        { name: "good", plugin: "fake", settings: { bootLatencyMs: 50 } },
        { name: "bad", plugin: "fake", settings: { bootLatencyMs: 50, failureRate: 1 }, priority: 10, launchRetries: 1 },
      ],
      labels: [{ name: "jammy", minReady: 4 }],
      templates: jammyOn("good", "bad"),
    },
  });
  try {
    const waits: number[] = [];
    const leases: string[] = [];
    await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const started = Date.now();
        const res = await create(c, { jobName: `job-${i}`, waitTimeoutSeconds: 60 });
        assert.equal(res.claim?.state, ClaimState.CLAIM_STATE_FULFILLED, `claim ${i} was fulfilled`);
        assert.equal(res.claim?.nodes[0]?.provider, "good");
        waits.push(Date.now() - started);
        leases.push(res.leaseToken);
      }),
    );
    assert.equal(leases.length, 100);
    const providers = await providersOf(c);
    const bad = providers.providers.find((p) => p.name === "bad");
    assert.ok((bad?.recentFailures.length ?? 0) >= 2, "the failing provider's failures are listed");
    assert.ok(
      bad?.recentFailures.every((f) => f.reason === "instance-error" && f.label === "jammy"),
      JSON.stringify(bad?.recentFailures),
    );
    assert.equal(providers.providers.find((p) => p.name === "good")?.recentFailures.length, 0);
    await Promise.all(
      leases.map((leaseToken) =>
        call((cb) => c.client.releaseLease({ leaseToken, outcome: Outcome.OUTCOME_SUCCESS, holdSeconds: 0, holdReason: "" }, cb)),
      ),
    );
  } finally {
    await c.close();
  }
});

t("a provider at its node cap launches nothing more; claims queue, then flow again after releases", async () => {
  const c = await startCluster({
    config: {
      providers: [{ name: "small", plugin: "fake", settings: { bootLatencyMs: 20 }, maxNodes: 3 }],
      labels: [{ name: "jammy", minReady: 0 }],
      templates: jammyOn("small"),
    },
  });
  try {
    const claims = await Promise.all(Array.from({ length: 5 }, () => create(c, { wait: false })));
    await eventually("three claims fulfilled", async () => (await c.store.listClaims({ states: ["fulfilled"] })).length === 3);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await c.store.listClaims({ states: ["fulfilled"] })).length, 3, "no more than the cap");
    assert.ok((await liveInstances(c, "small")).length <= 3, "the cloud never holds more than the cap");
    const fulfilled = await c.store.listClaims({ states: ["fulfilled"] });
    for (const claim of fulfilled) {
      const token = claims.find((x) => x.claim?.id === claim.id);
      const got = await call<{ leaseToken: string }>((cb) => c.client.getClaim({ claimToken: token?.claimToken ?? "" }, cb));
      await call((cb) =>
        c.client.releaseLease({ leaseToken: got.leaseToken, outcome: Outcome.OUTCOME_SUCCESS, holdSeconds: 0, holdReason: "" }, cb),
      );
    }
    await eventually(
      "the two queued claims to be fulfilled",
      async () => (await c.store.listClaims({ states: ["fulfilled"] })).length === 2,
    );
  } finally {
    await c.close();
  }
});

t("paused and draining providers launch nothing, draining recycles ready nodes, and resume restores launches", async () => {
  const c = await startCluster({
    config: {
      providers: [
        { name: "east", plugin: "fake" },
        { name: "west", plugin: "fake" },
      ],
      labels: [{ name: "jammy", minReady: 4 }],
      templates: jammyOn("east", "west"),
    },
  });
  try {
    await eventually("four ready", async () => readyCount(await labels(c), "jammy") >= 4);
    const drained = await call<SetProviderModeResponse>((cb) =>
      c.client.setProviderMode({ name: "east", mode: ProviderMode.PROVIDER_MODE_DRAINING }, cb),
    );
    assert.equal(drained.provider?.mode, ProviderMode.PROVIDER_MODE_DRAINING);
    await eventually("east to hold no ready nodes and west to fill the pool", async () => {
      const nodes = await c.store.listNodes({ states: ["ready"] });
      return nodes.filter((n) => n.provider === "east").length === 0 && nodes.filter((n) => n.provider === "west").length >= 4;
    });
    await call((cb) => c.client.setProviderMode({ name: "west", mode: ProviderMode.PROVIDER_MODE_PAUSED }, cb));
    const res = await create(c);
    assert.equal(res.claim?.nodes[0]?.provider, "west", "a paused provider's ready nodes still serve claims");
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(
      (await c.store.listNodes({ states: ["launching", "booted", "checking"] })).length,
      0,
      "nothing launches while both are paused or draining",
    );
    await call((cb) => c.client.setProviderMode({ name: "east", mode: ProviderMode.PROVIDER_MODE_ACTIVE }, cb));
    await eventually("east to launch again", async () => (await c.store.listNodes({ provider: "east", states: ["ready"] })).length >= 1);
    await assert.rejects(
      call((cb) => c.client.setProviderMode({ name: "nowhere", mode: ProviderMode.PROVIDER_MODE_PAUSED }, cb)),
      (err: { code?: number }) => err.code === 5,
    );
  } finally {
    await c.close();
  }
});

t(
  "an instance deleted behind the scheduler's back is noticed and replaced; a planted leak of ours goes on the second pass, a foreign one never",
  async () => {
    const c = await startCluster({
      config: { providers: [{ name: "east", plugin: "fake" }], labels: [{ name: "jammy", minReady: 2 }], templates: jammyOn("east") },
      reconcileMs: 400,
    });
    try {
      await eventually("two ready", async () => readyCount(await labels(c), "jammy") >= 2);
      const [victim] = await c.store.listNodes({ states: ["ready"] });
      assert.ok(victim);
      await updateFakeCloud(c.stateFile("east"), (s) => {
        s.instances = s.instances.filter((i) => i.tags[NODE_TAG] !== victim.id);
        s.instances.push(
          fakeInstance({ instanceId: "leak-1", tags: { [OWNER_TAG]: c.ownerId, [NODE_TAG]: "n-planted" }, createdAt: Date.now() }),
          fakeInstance({ instanceId: "foreign-1", tags: { [OWNER_TAG]: "someone-else", [NODE_TAG]: "n-theirs" }, createdAt: Date.now() }),
          fakeInstance({ instanceId: "untagged-1", tags: {}, createdAt: Date.now() }),
        );
      });
      await eventually("the vanished node to be marked failed and gone", async () =>
        ["gone", "failed", "deleting"].includes((await c.store.getNode(victim.id))?.state ?? ""),
      );
      assert.match((await c.store.getNode(victim.id))?.failureReason ?? "", /instance-vanished/);
      await eventually("the pool back at two", async () => readyCount(await labels(c), "jammy") >= 2);
      await eventually("the planted leak to be deleted", async () => !(await liveInstances(c, "east")).includes("n-planted"));
      const cloud = await readFakeCloud(c.stateFile("east"));
      assert.ok(
        cloud.instances.some((i) => i.instanceId === "foreign-1" && i.deleteAt === 0),
        "another owner's instance is never touched",
      );
      assert.ok(
        cloud.instances.some((i) => i.instanceId === "untagged-1" && i.deleteAt === 0),
        "an untagged instance is never touched",
      );
    } finally {
      await c.close();
    }
  },
);

t("a reload with an invalid file changes nothing and says why; a valid one adds a label", async () => {
  const dir = await mkdtemp(join(tmpdir(), "standby-reload-"));
  const file = join(dir, "standby.yaml");
  const base = (extra: string) => `server: {listen: "127.0.0.1:0", db: "sqlite:s.db", stateDir: "."}
providers:
  - {name: east, plugin: fake, settings: {stateFile: east.json}}
labels:
  - {name: jammy, minReady: 1}
${extra}
templates:
  - {label: jammy, provider: east, image: ubuntu-jammy, flavor: small, readyCheck: false}
`;
  await writeFile(file, base(""));
  const running = await serve({ config: file, logger: silentLogger });
  try {
    await writeFile(file, base("  - {name: noble, minReady: -3}"));
    await assert.rejects(running.reload(), /labels\[1\]\.minReady/);
    await writeFile(file, base("  - {name: noble, tags: [ubuntu]}"));
    await running.reload();
    const { createClient } = await import("../../clients/typescript/client.js");
    const client = createClient(running.address);
    try {
      const res = await client.listLabels();
      assert.deepEqual(res.labels.map((l) => l.name).sort(), ["jammy", "noble"]);
      await writeFile(file, "providers: [");
      await assert.rejects(client.reloadConfig(), /not valid YAML/);
      assert.deepEqual((await client.listLabels()).labels.map((l) => l.name).sort(), ["jammy", "noble"], "still the last good config");
    } finally {
      client.close();
    }
  } finally {
    await running.close();
    await rm(dir, { recursive: true, force: true });
  }
});

t("a low-priority claim under a steady stream of high-priority claims is served within the ageing bound", async () => {
  const c = await startCluster({
    config: {
      providers: [{ name: "one", plugin: "fake", settings: { bootLatencyMs: 30 }, maxNodes: 1 }],
      labels: [{ name: "jammy", minReady: 0 }],
      templates: jammyOn("one"),
      claims: { agingStep: "300ms" },
    },
  });
  try {
    // One node at a time: every claim waits its turn. High-priority claims keep arriving.
    let streaming = true;
    const served: string[] = [];
    const stream = (async () => {
      const workers = Array.from({ length: 3 }, async (_, w) => {
        for (let i = 0; streaming; i++) {
          const res = await create(c, { priority: 10, jobName: `high-${w}-${i}`, waitTimeoutSeconds: 30 });
          served.push(res.claim?.jobName ?? "");
          await call((cb) =>
            c.client.releaseLease({ leaseToken: res.leaseToken, outcome: Outcome.OUTCOME_SUCCESS, holdSeconds: 0, holdReason: "" }, cb),
          );
        }
      });
      await Promise.all(workers);
    })();
    await new Promise((r) => setTimeout(r, 500));
    const started = Date.now();
    const low = await create(c, { priority: 0, jobName: "low", waitTimeoutSeconds: 30 });
    const waited = Date.now() - started;
    const overtakenBy = served.length;
    streaming = false;
    assert.equal(low.claim?.state, ClaimState.CLAIM_STATE_FULFILLED);
    // Hand the only node back so the stream's last claims can finish.
    await call((cb) =>
      c.client.releaseLease({ leaseToken: low.leaseToken, outcome: Outcome.OUTCOME_SUCCESS, holdSeconds: 0, holdReason: "" }, cb),
    );
    await stream;
    // Ten steps of 300 ms bring priority 0 level with 10; a few more turns of the single node at most.
    assert.ok(waited < 3_000 + 2_000, `the low-priority claim waited ${waited} ms`);
    assert.ok(overtakenBy > 0, "high-priority claims were served meanwhile (the stream was real)");
  } finally {
    await c.close();
  }
});

t(
  "a provider's extra tags are part of its nodes' tags: an expression on them picks that provider's nodes, and launches there",
  async () => {
    const c = await startCluster({
      config: {
        providers: [
          { name: "east", plugin: "fake", settings: {}, extraTags: ["rax"] },
          { name: "west", plugin: "fake", settings: {}, priority: 5 },
        ],
        labels: [{ name: "jammy", tags: ["py312"], minReady: 0 }, { name: "noble" }],
        templates: [...jammyOn("east", "west"), { label: "noble", provider: "west", image: "ubuntu-noble", flavor: "small" }],
      },
    });
    try {
      const rax = await create(c, { labelExpressions: ["jammy && rax"] });
      assert.equal(rax.claim?.nodes[0]?.provider, "east", "only east's nodes carry rax");
      assert.ok(rax.claim?.nodes[0]?.tags.includes("rax"));
      const notRax = await create(c, { labelExpressions: ["py312 && !rax"] });
      assert.equal(notRax.claim?.nodes[0]?.provider, "west");
      assert.equal(notRax.claim?.nodes[0]?.label, "jammy");
      // A nodeset whose first node must carry rax comes wholly from east, which can make both.
      const set = await create(c, { labelExpressions: ["rax", "jammy"] });
      assert.deepEqual(
        set.claim?.nodes.map((n) => n.provider),
        ["east", "east"],
      );
      // noble is made by west only, so "noble && rax" can never be served: refused at once.
      await assert.rejects(
        create(c, { labelExpressions: ["noble && rax"] }),
        (err: Error & { code?: number }) => err.code === 9 && /no configured label/.test(err.message),
      );
      await assert.rejects(
        create(c, { labelExpressions: ["rax", "noble"] }),
        (err: Error & { code?: number }) => err.code === 9 && /no single provider/.test(err.message),
      );
    } finally {
      await c.close();
    }
  },
);

t(
  "isolation policies from the configuration file reach the plugin host: a provider slower than its configured deadline fails its calls",
  async () => {
    const dir = await mkdtemp(join(tmpdir(), "standby-policies-"));
    const file = join(dir, "standby.yaml");
    await writeFile(
      file,
      `server: {listen: "127.0.0.1:0", db: "sqlite::memory:", stateDir: ${JSON.stringify(dir)}}
providers:
  - name: slow
    plugin: fake
    settings: {stateFile: slow.json, fault: {mode: slow, delayMs: 1500}}
    policies: {deadlines: {fast: 300ms, accept: 300ms}}
  - name: quick
    plugin: fake
    settings: {stateFile: quick.json}
    policies: {deadlines: {fast: 5s, accept: 5s}}
labels:
  - {name: jammy, minReady: 2}
templates:
  - {label: jammy, provider: slow, image: ubuntu-jammy, flavor: small, readyCheck: false}
  - {label: jammy, provider: quick, image: ubuntu-jammy, flavor: small, readyCheck: false}
`,
    );
    const running = await serve({ config: file, logger: silentLogger });
    const { createClient } = await import("../../clients/typescript/client.js");
    const client = createClient(running.address);
    try {
      const slow = await eventually(
        "the slow provider's calls to run into the 300 ms deadline",
        async () => {
          const res = await client.listProviders();
          const p = res.providers.find((x) => x.name === "slow");
          return p && /deadline|timed out/i.test(`${p.lastError} ${p.recentFailures.map((f) => f.message).join(" ")}`) ? p : undefined;
        },
        30_000,
      );
      assert.ok(slow);
      await eventually(
        "jammy served by the quick provider meanwhile",
        async () => {
          const nodes = await client.listNodes({ label: "jammy", provider: "quick", state: NodeState.NODE_STATE_UNSPECIFIED });
          return nodes.nodes.filter((n) => n.state === NodeState.NODE_STATE_READY).length >= 2;
        },
        30_000,
      );
    } finally {
      client.close();
      await running.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
);

t.run();
