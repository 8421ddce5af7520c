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

/** Claims over the gRPC API with plugin processes, on SQLite and MariaDB; their scheduling logic is tested in virtual time (test/sim). */
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
