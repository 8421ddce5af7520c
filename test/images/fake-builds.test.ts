import assert from "node:assert/strict";
import { status } from "@grpc/grpc-js";
import {
  ImageBuildState,
  Outcome,
  type BuildImageResponse,
  type DeleteImageBuildResponse,
  type ListImagesResponse,
  type SnapshotNodeResponse,
} from "../../gen/ts/standby/v1/standby.js";
import { readFakeCloud, updateFakeCloud } from "../../plugins/fake/state.js";
import { parseConfig } from "../../server/config/load.js";
import { BUILD_TAG, OWNER_TAG, type ImageBuildRecord } from "../../server/core/index.js";
import { suite } from "../lib/harness.js";
import { call, eventually, startCluster, type Cluster } from "../lib/cluster.js";
import { create } from "../e2e/helpers.js";

const t = suite("image builds on the fake cloud: caches, retention, replacement, leaks, post-build snapshots", { timeoutMs: 120_000 });

const grpcCode = (err: unknown) => (err as { code?: number }).code;

async function builds(c: Cluster, family: string): Promise<ImageBuildRecord[]> {
  return c.store.images.listBuilds({ family });
}

async function promotedBuild(c: Cluster, family: string, except: string[] = []): Promise<ImageBuildRecord> {
  return eventually(
    `a promoted build of ${family}`,
    async () => (await builds(c, family)).find((b) => b.state === "promoted" && !except.includes(b.id)),
    30_000,
  );
}

async function cloudImages(c: Cluster, provider: string): Promise<string[]> {
  return (await readFakeCloud(c.stateFile(provider))).images.map((i) => i.id);
}

function reload(c: Cluster, doc: Record<string, unknown>): void {
  c.scheduler.reload(parseConfig({ ...doc, server: { listen: "127.0.0.1:0", db: "sqlite::memory:", stateDir: c.dir } }));
}

const release = (c: Cluster, leaseToken: string) =>
  call((cb) => c.client.releaseLease({ leaseToken, outcome: Outcome.OUTCOME_SUCCESS, holdSeconds: 0, holdReason: "" }, cb));

t(
  "a template cache is built on the first launch, used until its TTL runs out, rebuilt then, and rebuilt when the template changes",
  async () => {
    const doc = (setupScript: string) => ({
      providers: [{ name: "east", plugin: "fake", settings: { snapshotLatencyMs: 50 } }],
      labels: [{ name: "jammy", minReady: 0 }],
      templates: [
        { label: "jammy", provider: "east", image: "ubuntu-jammy", flavor: "small", setupScript, readyCheck: false, cache: { ttl: "3s" } },
      ],
    });
    const c = await startCluster({ config: doc("echo v1") });
    try {
      const first = await create(c);
      assert.equal(first.claim?.nodes[0]?.image, "ubuntu-jammy", "a miss boots from the template's image meanwhile");
      const c1 = await promotedBuild(c, "template:jammy");
      assert.equal(c1.source, "template-cache");
      assert.equal(c1.baseImage, "ubuntu-jammy");

      const hit = await create(c);
      assert.equal(hit.claim?.nodes[0]?.image, c1.imageId, "a later launch boots from the cache");
      const stored = await c.store.getNode(hit.claim?.nodes[0]?.id ?? "");
      assert.equal(stored?.image, c1.imageId);
      const instance = (await readFakeCloud(c.stateFile("east"))).instances.find((i) => i.tags["standby-node"] === stored?.id);
      assert.equal(instance?.setupScript, "", "a node from the cache does not run the setup again");
      await release(c, first.leaseToken);
      await release(c, hit.leaseToken);

      // The TTL runs out: the next launch misses and rebuilds it, for the same content.
      await new Promise((r) => setTimeout(r, Math.max(0, c1.createdAt + 3_100 - Date.now())));
      const expired = await create(c);
      assert.equal(expired.claim?.nodes[0]?.image, "ubuntu-jammy");
      const c2 = await promotedBuild(c, "template:jammy", [c1.id]);
      assert.equal(c2.cacheKey, c1.cacheKey, "same template, same key");
      await eventually(
        "the expired cache retired after the new one was promoted",
        async () => (await c.store.images.getBuild(c1.id))?.state === "retired",
      );
      assert.ok(!(await cloudImages(c, "east")).includes(c1.imageId), "its image is deleted");
      const again = await create(c);
      assert.equal(again.claim?.nodes[0]?.image, c2.imageId);
      await release(c, expired.leaseToken);
      await release(c, again.leaseToken);

      // Any change to the template's content misses the cache at once.
      reload(c, doc("echo v2"));
      const changed = await create(c);
      assert.equal(changed.claim?.nodes[0]?.image, "ubuntu-jammy");
      const c3 = await promotedBuild(c, "template:jammy", [c1.id, c2.id]);
      assert.notEqual(c3.cacheKey, c2.cacheKey);
      const fresh = await create(c);
      assert.equal(fresh.claim?.nodes[0]?.image, c3.imageId);
      await eventually("the old content's cache retired", async () => (await c.store.images.getBuild(c2.id))?.state === "retired");
      await release(c, changed.leaseToken);
      await release(c, fresh.leaseToken);
    } finally {
      await c.close();
    }
  },
);

t(
  "retention keeps N promoted builds, deletes older ones only after a newer one is promoted, and refuses to delete the last good build",
  async () => {
    const c = await startCluster({
      config: {
        providers: [{ name: "east", plugin: "fake" }],
        labels: [{ name: "jammy", minReady: 0 }],
        templates: [{ label: "jammy", provider: "east", family: "jc", flavor: "small", readyCheck: false }],
        images: [{ name: "jc", keep: 2, providers: [{ provider: "east", base: "ubuntu-jammy", flavor: "small", readyCheck: false }] }],
      },
    });
    try {
      const made: ImageBuildRecord[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await call<BuildImageResponse>((cb) => c.client.buildImage({ family: "jc", provider: "" }, cb));
        assert.equal(res.builds.length, 1);
        made.push(
          await promotedBuild(
            c,
            "jc",
            made.map((b) => b.id),
          ),
        );
        if (i === 0) {
          await assert.rejects(
            call((cb) => c.client.deleteImageBuild({ id: made[0]?.id ?? "" }, cb)),
            (err) => grpcCode(err) === status.FAILED_PRECONDITION,
            "the only good build cannot be deleted",
          );
        }
      }
      const [b1, b2, b3] = made as [ImageBuildRecord, ImageBuildRecord, ImageBuildRecord];
      await eventually("the oldest build retired", async () => (await c.store.images.getBuild(b1.id))?.state === "retired");
      const images = await cloudImages(c, "east");
      assert.ok(!images.includes(b1.imageId), "the retired build's image is deleted");
      assert.ok(images.includes(b2.imageId) && images.includes(b3.imageId), "the two kept builds' images remain");

      const listed = await call<ListImagesResponse>((cb) => c.client.listImages({ family: "jc", provider: "", all: false }, cb));
      const family = listed.families[0];
      assert.equal(family?.providers[0]?.currentBuildId, b3.id);
      assert.deepEqual(
        family?.builds.map((b) => b.id),
        [b3.id, b2.id],
        "newest first, retired builds hidden",
      );
      assert.equal(family?.builds[0]?.current, true);

      // Deleting the current build falls back to the previous one...
      const deleted = await call<DeleteImageBuildResponse>((cb) => c.client.deleteImageBuild({ id: b3.id }, cb));
      assert.equal(deleted.build?.state, ImageBuildState.IMAGE_BUILD_STATE_RETIRED);
      const res = await create(c);
      assert.equal(res.claim?.nodes[0]?.image, b2.imageId, "launches use the previous build");
      await release(c, res.leaseToken);
      // ...which, being the last good one, stays.
      await assert.rejects(
        call((cb) => c.client.deleteImageBuild({ id: b2.id }, cb)),
        (err: unknown) => grpcCode(err) === status.FAILED_PRECONDITION && /last good build/.test(String((err as Error).message)),
      );
      assert.equal((await c.store.images.getBuild(b2.id))?.state, "promoted");
      assert.ok((await cloudImages(c, "east")).includes(b2.imageId));
      await assert.rejects(
        call((cb) => c.client.deleteImageBuild({ id: "b-nope" }, cb)),
        (err) => grpcCode(err) === status.NOT_FOUND,
      );
    } finally {
      await c.close();
    }
  },
);

t("ready nodes on an outdated build are replaced one at a time, never all at once", async () => {
  const c = await startCluster({
    config: {
      providers: [{ name: "east", plugin: "fake", settings: { bootLatencyMs: 250 } }],
      labels: [{ name: "jammy", minReady: 4, replaceAtOnce: 1 }],
      templates: [{ label: "jammy", provider: "east", family: "jc", flavor: "small", readyCheck: false }],
      images: [{ name: "jc", providers: [{ provider: "east", base: "ubuntu-jammy", flavor: "small", readyCheck: false }] }],
    },
  });
  try {
    // No build yet: the pool is served from the family's base meanwhile.
    await eventually(
      "four ready nodes on the base",
      async () => (await c.store.listNodes({ states: ["ready"] })).filter((n) => n.image === "ubuntu-jammy").length === 4,
    );
    await call((cb) => c.client.buildImage({ family: "jc", provider: "" }, cb));
    const build = await promotedBuild(c, "jc");
    let minReady = Number.POSITIVE_INFINITY;
    let maxReplacing = 0;
    await eventually(
      "every ready node on the new build",
      async () => {
        const nodes = (await c.store.listNodes()).filter((n) => n.label === "jammy");
        const ready = nodes.filter((n) => n.state === "ready");
        minReady = Math.min(minReady, ready.length);
        maxReplacing = Math.max(maxReplacing, nodes.filter((n) => ["launching", "booted", "checking"].includes(n.state)).length);
        return ready.length === 4 && ready.every((n) => n.image === build.imageId);
      },
      60_000,
      10,
    );
    assert.ok(minReady >= 3, `at most one ready node was taken out at a time (lowest ready count ${minReady})`);
    assert.ok(maxReplacing <= 1, `one replacement at a time (${maxReplacing} launching at once)`);
  } finally {
    await c.close();
  }
});

t("a leaked image (our owner tag, a build nobody knows) is deleted on the second sighting; others' and base images never", async () => {
  const c = await startCluster({
    config: {
      providers: [{ name: "east", plugin: "fake" }],
      labels: [{ name: "jammy", minReady: 0 }],
      templates: [{ label: "jammy", provider: "east", family: "jc", flavor: "small", readyCheck: false }],
      images: [{ name: "jc", providers: [{ provider: "east", base: "ubuntu-jammy", flavor: "small", readyCheck: false }] }],
    },
    reconcileMs: 3_600_000,
  });
  try {
    await call((cb) => c.client.buildImage({ family: "jc", provider: "" }, cb));
    const good = await promotedBuild(c, "jc");
    const fake = (id: string, tags: Record<string, string>) => ({
      id,
      name: id,
      tags,
      visibility: "private" as const,
      sizeBytes: 1,
      sourceInstanceId: "",
      createdAt: 1,
      readyAt: 1,
    });
    await updateFakeCloud(c.stateFile("east"), (state) => {
      state.images.push(fake("img-leaked", { [OWNER_TAG]: c.ownerId, [BUILD_TAG]: "b-crashed-before-recording" }));
      state.images.push(fake("img-foreign", { [OWNER_TAG]: "another-scheduler", [BUILD_TAG]: "b-theirs" }));
      state.images.push(fake("img-handmade", {}));
    });
    await c.scheduler.images.reconcile("east");
    let images = await cloudImages(c, "east");
    assert.ok(images.includes("img-leaked"), "one sighting deletes nothing");
    await c.scheduler.images.reconcile("east");
    images = await cloudImages(c, "east");
    assert.ok(!images.includes("img-leaked"), "the second sighting deletes it");
    assert.ok(images.includes("img-foreign") && images.includes("img-handmade") && images.includes(good.imageId));
  } finally {
    await c.close();
  }
});

t("post-build snapshots: a matrix job on two providers updates each provider's build; the lease authorises it", async () => {
  const c = await startCluster({
    config: {
      providers: [
        { name: "east", plugin: "fake" },
        { name: "west", plugin: "fake" },
      ],
      labels: [{ name: "jammy", minReady: 0 }],
      templates: ["east", "west"].map((provider) => ({ label: "jammy", provider, family: "jc", flavor: "small", readyCheck: false })),
      images: [
        {
          name: "jc",
          providers: ["east", "west"].map((provider) => ({ provider, base: "ubuntu-jammy", flavor: "small", readyCheck: false })),
        },
      ],
    },
  });
  try {
    const leases = await Promise.all([create(c), create(c), create(c), create(c)]);
    const byProvider = new Map<string, (typeof leases)[number]>();
    for (const l of leases) byProvider.set(l.claim?.nodes[0]?.provider ?? "", l);
    // Claims spread over both providers; claim on each until both are held.
    for (let i = 0; byProvider.size < 2 && i < 10; i++) {
      const more = await create(c);
      byProvider.set(more.claim?.nodes[0]?.provider ?? "", more);
      leases.push(more);
    }
    assert.deepEqual([...byProvider.keys()].sort(), ["east", "west"]);
    const east = byProvider.get("east")!;
    const west = byProvider.get("west")!;
    const eastNode = east.claim?.nodes[0]?.id ?? "";

    await assert.rejects(
      call((cb) =>
        c.client.snapshotNode(
          { leaseToken: `${east.leaseToken}x`, nodeId: eastNode, family: "jc", wait: false, waitTimeoutSeconds: 0 },
          cb,
        ),
      ),
      (err) => grpcCode(err) === status.UNAUTHENTICATED,
    );
    await assert.rejects(
      call((cb) =>
        c.client.snapshotNode({ leaseToken: west.leaseToken, nodeId: eastNode, family: "jc", wait: false, waitTimeoutSeconds: 0 }, cb),
      ),
      (err) => grpcCode(err) === status.PERMISSION_DENIED,
    );
    await assert.rejects(
      call((cb) =>
        c.client.snapshotNode({ leaseToken: east.leaseToken, nodeId: eastNode, family: "nope", wait: false, waitTimeoutSeconds: 0 }, cb),
      ),
      (err) => grpcCode(err) === status.NOT_FOUND,
    );

    const results = await Promise.all(
      [east, west].map((l) =>
        call<SnapshotNodeResponse>((cb) =>
          c.client.snapshotNode(
            { leaseToken: l.leaseToken, nodeId: l.claim?.nodes[0]?.id ?? "", family: "jc", wait: true, waitTimeoutSeconds: 60 },
            cb,
          ),
        ),
      ),
    );
    for (const r of results) {
      assert.equal(r.build?.state, ImageBuildState.IMAGE_BUILD_STATE_PROMOTED, r.build?.failureReason);
      assert.equal(r.build?.source, "post-build");
      assert.equal(r.build?.current, true);
    }
    assert.deepEqual(results.map((r) => r.build?.provider).sort(), ["east", "west"]);
    for (const l of leases) await release(c, l.leaseToken);
    const listed = await call<ListImagesResponse>((cb) => c.client.listImages({ family: "jc", provider: "", all: false }, cb));
    const current = Object.fromEntries((listed.families[0]?.providers ?? []).map((p) => [p.provider, p.currentBuildId]));
    assert.deepEqual(current, Object.fromEntries(results.map((r) => [r.build?.provider, r.build?.id])));
    // After its lease ended the node cannot be snapshotted.
    await assert.rejects(
      call((cb) =>
        c.client.snapshotNode({ leaseToken: east.leaseToken, nodeId: eastNode, family: "jc", wait: false, waitTimeoutSeconds: 0 }, cb),
      ),
      (err) => grpcCode(err) === status.FAILED_PRECONDITION,
    );
  } finally {
    await c.close();
  }
});

t("a paused family builds nothing on its schedule until resumed", async () => {
  const c = await startCluster({
    config: {
      providers: [{ name: "east", plugin: "fake" }],
      labels: [{ name: "jammy", minReady: 0 }],
      images: [{ name: "jc", schedule: "1m", providers: [{ provider: "east", base: "ubuntu-jammy", flavor: "small", readyCheck: false }] }],
    },
  });
  try {
    const first = await promotedBuild(c, "jc");
    assert.equal(first.source, "scheduled");
    assert.equal(first.slot, "first");
    await call((cb) => c.client.setImageFamilyPaused({ family: "jc", paused: true }, cb));
    assert.deepEqual(await c.store.images.familyStates(), [
      { name: "jc", paused: true, changedAt: (await c.store.images.familyStates())[0]?.changedAt ?? 0 },
    ]);
    const listed = await call<ListImagesResponse>((cb) => c.client.listImages({ family: "", provider: "", all: false }, cb));
    assert.equal(listed.families[0]?.paused, true);
    assert.equal(listed.families[0]?.providers[0]?.nextBuildAt, undefined, "no next build while paused");
    await assert.rejects(
      call((cb) => c.client.setImageFamilyPaused({ family: "nope", paused: true }, cb)),
      (err) => grpcCode(err) === status.NOT_FOUND,
    );
    await call((cb) => c.client.setImageFamilyPaused({ family: "jc", paused: false }, cb));
    const resumed = await call<ListImagesResponse>((cb) => c.client.listImages({ family: "jc", provider: "", all: false }, cb));
    assert.equal(resumed.families[0]?.providers[0]?.nextBuildAt?.getTime(), first.createdAt + 60_000);
  } finally {
    await c.close();
  }
});

t.run();
