import assert from "node:assert/strict";
import net from "node:net";
import { InterceptingCall, type Interceptor } from "@grpc/grpc-js";
import { ClaimState, NodeState, type CreateClaimRequest, type ReleaseLeaseRequest } from "../../gen/ts/standby/v1/standby.js";
import {
  ClaimFailedError,
  ClaimTimeoutError,
  createClient,
  DeadlineExceededError,
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
  StandbyClientError,
  UnauthenticatedError,
  UnavailableError,
  type ClaimProgress,
  type StandbyClient,
} from "../../clients/typescript/index.js";
import { eventually, startCluster, type Cluster } from "../lib/cluster.js";
import { suite } from "../lib/harness.js";
import { startTcpProxy } from "../lib/tcp-proxy.js";
import { labels, readyCount } from "../e2e/helpers.js";

/**
 * The TypeScript client (clients/typescript) against a live scheduler: claim()
 * with progress, background renewal, release with a hold, typed errors,
 * retries of idempotent calls across a dropped connection.
 */

/** Every request the client puts on the wire (each retry is a call of its own), by method name. */
function recorder(): { interceptor: Interceptor; calls: { method: string; message: unknown }[]; count(method: string): number } {
  const calls: { method: string; message: unknown }[] = [];
  const interceptor: Interceptor = (options, nextCall) =>
    new InterceptingCall(nextCall(options), {
      sendMessage: (message: unknown, next: (m: unknown) => void) => {
        calls.push({ method: options.method_definition.path.replace(/^.*\//, ""), message });
        next(message);
      },
    });
  return { interceptor, calls, count: (method) => calls.filter((c) => c.method === method).length };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const config = {
  providers: [
    { name: "east", plugin: "fake" },
    // Boots take a while: claims for "slow" wait in the queue.
    { name: "lazy", plugin: "fake", settings: { bootLatencyMs: 2_500 } },
  ],
  labels: [
    { name: "jammy", tags: ["ubuntu", "py312"], minReady: 2 },
    { name: "slow", tags: ["ubuntu"], minReady: 0 },
  ],
  templates: [
    { label: "jammy", provider: "east", image: "ubuntu-jammy", flavor: "small" },
    { label: "slow", provider: "lazy", image: "ubuntu-jammy", flavor: "small" },
  ],
};

const t = suite("typescript client against a live scheduler", { timeoutMs: 90_000 });
let c: Cluster;

t.before(async () => {
  c = await startCluster({ config });
  await eventually("two ready jammy nodes", async () => readyCount(await labels(c), "jammy") >= 2);
});

t.after(async () => {
  await c.close();
});

async function withClient<T>(
  fn: (client: StandbyClient, rec: ReturnType<typeof recorder>) => Promise<T>,
  address = c.api.address,
): Promise<T> {
  const rec = recorder();
  const client = createClient(address, { interceptors: [rec.interceptor] });
  try {
    return await fn(client, rec);
  } finally {
    client.close();
  }
}

t("claim() of a ready node returns a lease with its node; release(success) ends it and the node is deleted", async () => {
  await withClient(async (client) => {
    const lease = await client.claim({ labels: "jammy && py312", ttlSeconds: 60, jobName: "ts-1" });
    assert.equal(lease.claim.state, ClaimState.CLAIM_STATE_FULFILLED);
    assert.equal(lease.nodes.length, 1);
    const node = lease.nodes[0]!;
    assert.equal(node.label, "jammy");
    assert.ok(lease.leaseToken && lease.claimToken);
    assert.ok(lease.expiresAt && lease.expiresAt.getTime() > Date.now() + 50_000);
    assert.equal(lease.renewing, true);
    const after = await lease.release("success");
    assert.equal(after?.state, ClaimState.CLAIM_STATE_RELEASED);
    assert.equal(lease.released, true);
    assert.equal(lease.renewing, false);
    await eventually("the released node gone", async () => (await c.store.getNode(node.id))?.state === "gone");
    // Releasing twice is a no-op.
    assert.equal((await lease.release("success"))?.state, ClaimState.CLAIM_STATE_RELEASED);
  });
});

t("a cold claim reports its queue position and which provider is launching, then is fulfilled", async () => {
  await withClient(async (client) => {
    const progress: ClaimProgress[] = [];
    const lease = await client.claim({ labels: "slow", ttlSeconds: 60, keepAlive: false, onProgress: (p) => progress.push(p) });
    try {
      assert.equal(lease.nodes[0]?.provider, "lazy");
      assert.ok(progress.length >= 1, "progress was reported");
      assert.equal(progress[0]?.event, "queued");
      assert.equal(progress[0]?.queuePosition, 1);
      assert.equal(progress[0]?.claimId, lease.claimId);
      const launching = progress.find((p) => p.event === "launching");
      assert.ok(launching, JSON.stringify(progress.map((p) => [p.event, p.message])));
      assert.match(launching.message, /launching slow on lazy/);
    } finally {
      await lease.release("success");
    }
  });
});

t("background renewal keeps a 2-second lease alive well past its TTL; without it the same lease expires", async () => {
  await withClient(async (client, rec) => {
    const kept = await client.claim({ labels: "jammy", ttlSeconds: 2 });
    const unkept = await client.claim({ labels: "jammy", ttlSeconds: 2, keepAlive: false });
    const lost: StandbyClientError[] = [];
    const watched = await client.claim({ labels: "jammy", ttlSeconds: 2, onLost: (e) => lost.push(e) });
    watched.stopRenewing();
    try {
      await sleep(6_000);
      const keptNow = await client.getClaim({ claimToken: kept.claimToken });
      assert.equal(keptNow.claim?.state, ClaimState.CLAIM_STATE_FULFILLED, "three TTLs later the renewed lease still holds");
      assert.ok(kept.renewals >= 5, `renewed ${kept.renewals} times`);
      assert.ok(kept.expiresAt && kept.expiresAt.getTime() > Date.now(), "its expiry moved on");
      assert.equal(kept.nodes[0] && (await c.store.getNode(kept.nodes[0].id))?.state, "claimed");
      const unkeptNow = await client.getClaim({ claimToken: unkept.claimToken });
      assert.equal(unkeptNow.claim?.state, ClaimState.CLAIM_STATE_EXPIRED, "the lease nobody renewed ran out");
      assert.equal(unkept.renewals, 0);
      assert.equal(
        rec.calls.filter((x) => x.method === "RenewLease" && (x.message as { leaseToken: string }).leaseToken === unkept.leaseToken).length,
        0,
      );
      // Renewing an expired lease says why; the lease object does not pretend otherwise.
      await assert.rejects(unkept.renew(), (e) => e instanceof FailedPreconditionError);
      assert.deepEqual(lost, [], "a lease that stopped renewing by request is not 'lost'");
    } finally {
      await kept.release("success");
      await unkept.release("aborted").catch(() => undefined);
      await watched.release("aborted").catch(() => undefined);
    }
  });
});

t("a lease whose renewal finds it gone stops renewing and reports it lost", async () => {
  await withClient(async (client) => {
    const lost: StandbyClientError[] = [];
    const lease = await client.claim({ labels: "jammy", ttlSeconds: 3, onLost: (e) => lost.push(e) });
    // Someone else releases it (the CLI with the lease token, an operator).
    await client.releaseLease({ leaseToken: lease.leaseToken, outcome: 1 });
    await eventually("the renewal to find the lease gone", () => lost.length === 1, 10_000);
    assert.ok(lost[0] instanceof FailedPreconditionError, String(lost[0]));
    assert.equal(lease.lost, lost[0]);
    assert.equal(lease.renewing, false);
  });
});

t("renewal stops after release: no RenewLease goes out any more", async () => {
  await withClient(async (client, rec) => {
    const lease = await client.claim({ labels: "jammy", ttlSeconds: 1 });
    const mine = () =>
      rec.calls.filter((x) => x.method === "RenewLease" && (x.message as { leaseToken: string }).leaseToken === lease.leaseToken).length;
    await eventually("a few renewals", () => mine() >= 3, 10_000);
    await lease.release("success");
    const atRelease = mine();
    assert.equal(lease.renewals, atRelease, "every renewal sent had answered before the release");
    await sleep(2_000); // six renewal intervals of a 1 s lease
    assert.equal(mine(), atRelease, "no renewal after the release");
    const releases = rec.calls.filter((x) => x.method === "ReleaseLease");
    assert.equal(releases.length, 1);
  });
});

t("release(failure, hold) sends the hold's seconds and reason with the outcome", async () => {
  await withClient(async (client, rec) => {
    const lease = await client.claim({ labels: "jammy", ttlSeconds: 60 });
    const claim = await lease.release("failure", { seconds: 7200, reason: "tests failed: keep for diagnosis" });
    assert.equal(claim?.state, ClaimState.CLAIM_STATE_RELEASED);
    const sent = rec.calls.find((x) => x.method === "ReleaseLease")?.message as ReleaseLeaseRequest;
    assert.equal(sent.outcome, 2);
    assert.equal(sent.holdSeconds, 7200);
    assert.equal(sent.holdReason, "tests failed: keep for diagnosis");
    const node = await c.store.getNode(lease.nodes[0]!.id);
    assert.equal(node?.state, "held", "the scheduler keeps the node for diagnosis");
    await assert.rejects(lease.release("failure", { seconds: -1 }), TypeError);
  });
});

t("a create retried after a dropped connection returns the same claim, not a second one", async () => {
  const proxy = await startTcpProxy(c.api.address);
  try {
    await withClient(async (client, rec) => {
      const before = new Set((await c.store.listClaims({})).map((x) => x.id));
      const pending = client.claim({ labels: "slow", ttlSeconds: 60, keepAlive: false });
      // The claim exists on the scheduler, its CreateClaim still waits for a node...
      const created = await eventually("the claim stored", async () => (await c.store.listClaims({})).find((x) => !before.has(x.id)));
      assert.equal(created.state, "queued");
      // ...when the network drops the connection under it.
      assert.ok(proxy.dropAll() >= 1, "a connection was open");
      const lease = await pending;
      try {
        assert.equal(lease.claimId, created.id, "the retry got the claim the first attempt made");
        const creates = rec.calls.filter((x) => x.method === "CreateClaim").map((x) => x.message as CreateClaimRequest);
        assert.ok(creates.length >= 2, `CreateClaim sent ${creates.length} times`);
        assert.equal(new Set(creates.map((r) => r.requestId)).size, 1, "every attempt carried the same request id");
        assert.match(creates[0]!.requestId, /^[0-9a-f-]{36}$/);
        const mine = (await c.store.listClaims({})).filter((x) => !before.has(x.id));
        assert.deepEqual(
          mine.map((x) => x.id),
          [created.id],
          "exactly one claim was created",
        );
        assert.ok(proxy.accepted() >= 2, "the client reconnected");
      } finally {
        await lease.release("success");
      }
    }, proxy.address);
  } finally {
    await proxy.close();
  }
});

t("refused calls reject with typed errors that keep the server's message", async () => {
  await withClient(async (client) => {
    await assert.rejects(client.claim({ labels: "jammy &&", timeoutMs: 5_000 }), (e) => {
      assert.ok(e instanceof InvalidArgumentError, String(e));
      assert.match(e.details, /label_expressions\[0\]/);
      assert.equal(e.codeName, "INVALID_ARGUMENT");
      assert.equal(e.field, "label_expressions[0]", "the field at fault, from x-standby-error-field");
      return true;
    });
    await assert.rejects(
      client.claim({ labels: "windows", timeoutMs: 5_000 }),
      (e) => e instanceof FailedPreconditionError && /windows/.test(e.details),
    );
    await assert.rejects(client.getNode({ id: "n-nope" }), (e) => e instanceof NotFoundError);
    await assert.rejects(
      client.renewLease({ leaseToken: "c-1:forged" }),
      (e) => e instanceof UnauthenticatedError || e instanceof NotFoundError,
    );
  });
});

t("claim() that gets no node in time cancels its claim and says where it stood", async () => {
  await withClient(async (client) => {
    // The lazy provider needs 2.5 s per boot; give up after 1 s.
    const err = await client.claim({ labels: "slow", timeoutMs: 1_000 }).then(
      () => assert.fail("claimed"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ClaimTimeoutError, String(err));
    assert.ok(err instanceof DeadlineExceededError);
    assert.equal(err.cancelled, true);
    assert.equal(err.queuePosition, 1);
    assert.equal((await c.store.getClaim(err.claimId))?.state, "cancelled");
  });
});

t("a claim that ends without nodes rejects with ClaimFailedError and its state", async () => {
  await withClient(async (client) => {
    const pending = client.claim({ labels: "slow", requester: "t", requestId: "to-be-cancelled", timeoutMs: 30_000 });
    const claim = await eventually("the claim queued", async () =>
      (await c.store.listClaims({ states: ["queued"] })).find((x) => x.requestId === "to-be-cancelled"),
    );
    // Someone else holding its token cancels it (the same request id gives the same claim and token).
    const res = await client.createClaim({ labelExpressions: ["slow"], requester: "t", requestId: "to-be-cancelled" });
    assert.equal(res.claim?.id, claim.id);
    await client.cancelClaim({ claimToken: res.claimToken });
    const err = await pending.then(
      () => assert.fail("claimed"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ClaimFailedError, String(err));
    assert.equal(err.state, "cancelled");
    assert.equal(err.claimId, claim.id);
  });
});

t("a call to a server that never answers fails at its deadline with DeadlineExceededError", async () => {
  const sockets = new Set<net.Socket>();
  const silent = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  const client = createClient(`127.0.0.1:${(silent.address() as net.AddressInfo).port}`, { deadlineMs: 500 });
  try {
    const started = Date.now();
    await assert.rejects(client.listLabels(), (e) => e instanceof DeadlineExceededError);
    const took = Date.now() - started;
    assert.ok(took >= 450, `failed after ${took} ms, before its deadline`);
    await assert.rejects(client.getNode({ id: "x" }, { deadlineMs: 200 }), (e) => e instanceof DeadlineExceededError);
  } finally {
    client.close();
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => silent.close(resolve));
  }
});

t("idempotent calls are retried on UNAVAILABLE with backoff, then fail with UnavailableError", async () => {
  const rec = recorder();
  const client = createClient("127.0.0.1:1", { interceptors: [rec.interceptor], retry: { maxAttempts: 3, initialDelayMs: 50 } });
  try {
    await assert.rejects(client.listNodes(), (e) => e instanceof UnavailableError);
    assert.equal(rec.count("ListNodes"), 3);
    await assert.rejects(client.reloadConfig(), (e) => e instanceof UnavailableError);
    assert.equal(rec.count("ReloadConfig"), 1, "a call that is not idempotent is tried once");
  } finally {
    client.close();
  }
  const none = createClient("127.0.0.1:1", { interceptors: [rec.interceptor], retry: false });
  try {
    await assert.rejects(none.getNode({ id: "x" }), (e) => e instanceof UnavailableError);
    assert.equal(rec.count("GetNode"), 1);
  } finally {
    none.close();
  }
});

t("nodes listed through the client carry the state enum", async () => {
  await withClient(async (client) => {
    const res = await client.listNodes({ label: "jammy", state: NodeState.NODE_STATE_READY });
    assert.ok(res.nodes.length >= 1);
    assert.ok(res.nodes.every((n) => n.state === NodeState.NODE_STATE_READY));
  });
});

t.run();
