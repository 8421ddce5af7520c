import assert from "node:assert/strict";
import { status, type ServiceError } from "@grpc/grpc-js";
import {
  ClaimState,
  Outcome,
  type CreateClaimRequest,
  type GetClaimResponse,
  type ListProvidersResponse,
  type ReleaseLeaseResponse,
  type WatchClaimResponse,
} from "../../gen/ts/standby/v1/standby.js";
import { ManualClock } from "../../common/clock.js";
import { suite } from "../lib/harness.js";
import { call, eventually, startCluster } from "../lib/cluster.js";
import { create, labels, liveInstances, readyCount } from "./helpers.js";

const twoProviders = (minReady = 2) => ({
  providers: [
    { name: "east", plugin: "fake" },
    { name: "west", plugin: "fake" },
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

function grpcCode(err: unknown): number | undefined {
  return (err as ServiceError).code;
}

const t = suite("claims end to end", { timeoutMs: 90_000 });

for (const db of ["sqlite", "mariadb"] as const) {
  t(`claim, lease and release on ${db}: the instance is gone from its cloud and the pool is back at min-ready`, async () => {
    const c = await startCluster({ config: twoProviders(2), db });
    try {
      await eventually("two ready jammy nodes", async () => readyCount(await labels(c), "jammy") >= 2);
      const res = await create(c);
      assert.equal(res.claim?.state, ClaimState.CLAIM_STATE_FULFILLED);
      assert.ok(res.leaseToken, "a fulfilled claim carries a lease token");
      assert.ok(res.claimToken);
      const node = res.claim?.nodes[0];
      assert.ok(node);
      assert.equal(node.label, "jammy");
      assert.ok(["east", "west"].includes(node.provider));
      assert.ok(node.addresses.length > 0 && node.sshPort > 0 && node.username && node.hostKeys.length > 0, "the node says how to connect");
      assert.ok(node.tags.includes("py312"));
      assert.ok((await liveInstances(c, node.provider)).includes(node.id), "the claimed node has an instance");

      const released = await call<ReleaseLeaseResponse>((cb) =>
        c.client.releaseLease({ leaseToken: res.leaseToken, outcome: Outcome.OUTCOME_SUCCESS, holdSeconds: 0, holdReason: "" }, cb),
      );
      assert.equal(released.claim?.state, ClaimState.CLAIM_STATE_RELEASED);
      await eventually("the released node's instance to be gone", async () => !(await liveInstances(c, node.provider)).includes(node.id));
      await eventually("the pool back at min-ready", async () => readyCount(await labels(c), "jammy") >= 2);
      const stored = await c.store.getNode(node.id);
      assert.equal(stored?.state, "gone");

      // Releasing again is a no-op, not an error.
      const again = await call<ReleaseLeaseResponse>((cb) =>
        c.client.releaseLease({ leaseToken: res.leaseToken, outcome: Outcome.OUTCOME_SUCCESS, holdSeconds: 0, holdReason: "" }, cb),
      );
      assert.equal(again.claim?.state, ClaimState.CLAIM_STATE_RELEASED);
    } finally {
      await c.close();
    }
  });
}

t("a retried create with the same request id returns the same claim and tokens", async () => {
  const c = await startCluster({ config: twoProviders(1) });
  try {
    await eventually("a ready node", async () => readyCount(await labels(c), "jammy") >= 1);
    const first = await create(c, { requestId: "build-42" });
    const second = await create(c, { requestId: "build-42" });
    assert.equal(second.claim?.id, first.claim?.id);
    assert.equal(second.claimToken, first.claimToken);
    assert.equal(second.leaseToken, first.leaseToken);
    assert.deepEqual(
      second.claim?.nodes.map((n) => n.id),
      first.claim?.nodes.map((n) => n.id),
    );
    const claims = await c.store.listClaims({});
    assert.equal(claims.filter((x) => x.requestId === "build-42").length, 1);
    await assert.rejects(create(c, { requestId: "build-42", jobName: "another job" }), (err) => grpcCode(err) === status.ALREADY_EXISTS);
  } finally {
    await c.close();
  }
});

t("an expired lease's node is deleted, driven by the injected clock", async () => {
  const clock = new ManualClock(Date.now());
  const c = await startCluster({ config: twoProviders(1), clock, tickMs: 1000 });
  try {
    await eventually("a ready node", async () => readyCount(await labels(c), "jammy") >= 1);
    const res = await create(c, { leaseTtlSeconds: 30 });
    const node = res.claim?.nodes[0];
    assert.ok(node && res.leaseToken);
    await clock.advance(20_000);
    assert.equal((await c.store.getNode(node.id))?.state, "claimed", "not yet expired after 20 s of a 30 s lease");
    await clock.advance(15_000);
    await eventually("the claim to expire", async () => (await c.store.getClaim(res.claim?.id ?? ""))?.state === "expired");
    await eventually("the expired node's instance to be gone", async () => !(await liveInstances(c, node.provider)).includes(node.id));
    await eventually("the node to be gone in the store", async () => (await c.store.getNode(node.id))?.state === "gone");
    await assert.rejects(
      call((cb) => c.client.renewLease({ leaseToken: res.leaseToken, ttlSeconds: 0 }, cb)),
      (err) => grpcCode(err) === status.FAILED_PRECONDITION,
    );
  } finally {
    await c.close();
  }
});

t("renewal keeps a lease alive past its original expiry", async () => {
  const clock = new ManualClock(Date.now());
  const c = await startCluster({ config: twoProviders(1), clock, tickMs: 1000 });
  try {
    await eventually("a ready node", async () => readyCount(await labels(c), "jammy") >= 1);
    const res = await create(c, { leaseTtlSeconds: 30 });
    await clock.advance(25_000);
    await call((cb) => c.client.renewLease({ leaseToken: res.leaseToken, ttlSeconds: 0 }, cb));
    await clock.advance(25_000);
    assert.equal((await c.store.getClaim(res.claim?.id ?? ""))?.state, "fulfilled");
    await assert.rejects(
      call((cb) => c.client.renewLease({ leaseToken: res.leaseToken + "x", ttlSeconds: 0 }, cb)),
      (err) => grpcCode(err) === status.UNAUTHENTICATED,
    );
  } finally {
    await c.close();
  }
});

t("a queued claim whose client went away is cancelled after the abandon time", async () => {
  const clock = new ManualClock(Date.now());
  const config = { ...twoProviders(0), claims: { abandonAfter: "60s" } };
  // A cloud that takes an hour to boot: the claim stays queued.
  config.providers = config.providers.map((p) => ({ ...p, settings: { bootLatencyMs: 3_600_000 } })) as typeof config.providers;
  const c = await startCluster({ config, clock, tickMs: 1000 });
  try {
    const res = await create(c, { wait: false });
    assert.equal(res.claim?.state, ClaimState.CLAIM_STATE_QUEUED);
    assert.equal(res.claim?.queuePosition, 1);
    await clock.advance(30_000);
    const seen = await call<GetClaimResponse>((cb) => c.client.getClaim({ claimToken: res.claimToken }, cb));
    assert.equal(seen.claim?.state, ClaimState.CLAIM_STATE_QUEUED, "a get is a keepalive");
    await clock.advance(45_000);
    assert.equal(
      (await c.store.getClaim(res.claim?.id ?? ""))?.state,
      "queued",
      "75 s after creation but only 45 s after the last keepalive",
    );
    await clock.advance(20_000);
    await eventually("the claim to be cancelled", async () => (await c.store.getClaim(res.claim?.id ?? ""))?.state === "cancelled");
    const after = await call<GetClaimResponse>((cb) => c.client.getClaim({ claimToken: res.claimToken }, cb));
    assert.match(after.claim?.failureReason ?? "", /abandoned/);
  } finally {
    await c.close();
  }
});

t("a watch replays the current state, reports fulfilment, and a re-opened watch replays it again", async () => {
  const config = twoProviders(0);
  config.providers = config.providers.map((p) => ({ ...p, settings: { bootLatencyMs: 300 } })) as typeof config.providers;
  const c = await startCluster({ config });
  try {
    const res = await create(c, { wait: false });
    const events: WatchClaimResponse[] = [];
    await new Promise<void>((resolve, reject) => {
      const stream = c.client.watchClaim({ claimToken: res.claimToken });
      stream.on("data", (e: WatchClaimResponse) => {
        events.push(e);
        if (e.event === "fulfilled") {
          stream.cancel();
          resolve();
        }
      });
      stream.on("error", (err: ServiceError) => (err.code === status.CANCELLED ? resolve() : reject(err)));
    });
    assert.equal(events[0]?.event, "queued", "the first message replays the current state");
    assert.ok(
      events.some((e) => e.event === "launching"),
      "the watcher hears that a node is launching",
    );
    const fulfilled = events.find((e) => e.event === "fulfilled");
    assert.ok(fulfilled?.leaseToken, "fulfilment carries the lease token");
    const replay = await new Promise<WatchClaimResponse>((resolve, reject) => {
      const stream = c.client.watchClaim({ claimToken: res.claimToken });
      stream.once("data", (e: WatchClaimResponse) => {
        stream.cancel();
        resolve(e);
      });
      stream.on("error", (err: ServiceError) => (err.code === status.CANCELLED ? undefined : reject(err)));
    });
    assert.equal(replay.event, "fulfilled");
    assert.equal(replay.claim?.nodes.length, 1);
    await assert.rejects(
      new Promise((resolve, reject) => {
        const stream = c.client.watchClaim({ claimToken: "bogus" });
        stream.on("data", resolve);
        stream.on("error", reject);
      }),
      (err) => grpcCode(err) === status.UNAUTHENTICATED,
    );
  } finally {
    await c.close();
  }
});

t("bad input is refused with the field named, and nothing accepted is lost", async () => {
  const c = await startCluster({ config: twoProviders(1) });
  try {
    await eventually("a ready node", async () => readyCount(await labels(c), "jammy") >= 1);
    const held = await create(c);
    // The field at fault also travels as trailing metadata, under the key the plugin protocol uses too.
    const expectError = async (over: Partial<CreateClaimRequest>, code: number, text: string, field?: string) =>
      assert.rejects(create(c, over), (err) => {
        assert.equal(grpcCode(err), code, (err as Error).message);
        assert.match((err as ServiceError).details, new RegExp(text));
        if (field !== undefined) assert.deepEqual((err as ServiceError).metadata.get("x-standby-error-field"), [field]);
        return true;
      });
    await expectError(
      { labelExpressions: ["jammy &&"] },
      status.INVALID_ARGUMENT,
      "label_expressions\\[0\\].*position 9",
      "label_expressions[0]",
    );
    await expectError({ labelExpressions: [] }, status.INVALID_ARGUMENT, "label_expressions", "label_expressions");
    await expectError({ labelExpressions: ["jammy", "windows"] }, status.FAILED_PRECONDITION, "label_expressions\\[1\\].*windows");
    await expectError({ sshPublicKeys: ["not a key"] }, status.INVALID_ARGUMENT, "ssh_public_keys\\[0\\]", "ssh_public_keys[0]");
    await expectError({ leaseTtlSeconds: 10 * 86_400 }, status.INVALID_ARGUMENT, "lease_ttl_seconds", "lease_ttl_seconds");
    await assert.rejects(
      call((cb) =>
        c.client.releaseLease({ leaseToken: held.leaseToken, outcome: Outcome.OUTCOME_UNSPECIFIED, holdSeconds: 0, holdReason: "" }, cb),
      ),
      (err) => grpcCode(err) === status.INVALID_ARGUMENT && /outcome/.test((err as ServiceError).details),
    );
    const still = await call<GetClaimResponse>((cb) => c.client.getClaim({ claimToken: held.claimToken }, cb));
    assert.equal(still.claim?.state, ClaimState.CLAIM_STATE_FULFILLED, "the earlier claim is untouched");
  } finally {
    await c.close();
  }
});

t("a nodeset comes from one provider, and expressions select labels by tag", async () => {
  const c = await startCluster({
    config: {
      ...twoProviders(0),
      labels: [
        { name: "jammy", tags: ["ubuntu", "py312"], minReady: 1 },
        { name: "noble", tags: ["ubuntu", "py313"], minReady: 1 },
      ],
    },
  });
  try {
    const res = await create(c, { labelExpressions: ["ubuntu && py313", "jammy || windows"] });
    assert.equal(res.claim?.state, ClaimState.CLAIM_STATE_FULFILLED);
    const [a, b] = res.claim?.nodes ?? [];
    assert.equal(a?.label, "noble");
    assert.equal(b?.label, "jammy");
    assert.equal(a?.provider, "west", "noble is only made by west");
    assert.equal(b?.provider, "west", "so the whole set comes from west");
  } finally {
    await c.close();
  }
});

t("providers and labels are listed with health and counts", async () => {
  const c = await startCluster({ config: twoProviders(2) });
  try {
    await eventually("two ready nodes", async () => readyCount(await labels(c), "jammy") >= 2);
    const providers = await call<ListProvidersResponse>((cb) => c.client.listProviders({}, cb));
    assert.deepEqual(providers.providers.map((p) => p.name).sort(), ["east", "west"]);
    for (const p of providers.providers) {
      assert.equal(p.plugin, "fake");
      assert.ok(p.pid > 0);
    }
    const l = await labels(c);
    const jammy = l.labels.find((x) => x.name === "jammy");
    assert.deepEqual(jammy?.providers.sort(), ["east", "west"]);
    assert.equal(jammy?.minReady, 2);
  } finally {
    await c.close();
  }
});

t.run();
