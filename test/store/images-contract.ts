import assert from "node:assert/strict";
import { isCode, type ImageBuildRecord } from "../../server/core/index.js";
import type { SqlStore } from "../../server/store/index.js";
import type { Suite } from "../lib/harness.js";
import { makeNode, type StoreFixture } from "./fixtures.js";

let sequence = 0;

export function makeBuild(overrides: Partial<ImageBuildRecord> = {}): ImageBuildRecord {
  const n = ++sequence;
  return {
    id: `b-${n.toString().padStart(6, "0")}`,
    family: "jammy-cached",
    provider: "alpha",
    source: "scheduled",
    state: "pending",
    slot: "",
    requestedBy: "schedule",
    baseImage: "",
    imageId: "",
    imageName: "",
    operationId: "",
    builderNodeId: "",
    verifierNodeId: "",
    builderHostKey: "",
    cacheKey: "",
    sizeBytes: 0,
    createdAt: 1_000 + n,
    stateChangedAt: 1_000 + n,
    finishedAt: 0,
    promotedAt: 0,
    verifiedAt: 0,
    failureReason: "",
    timings: {},
    log: "",
    ...overrides,
  };
}

/** The image half of the store contract: the same on SQLite and MariaDB. */
export function defineImageStoreContract(t: Suite, fresh: () => Promise<StoreFixture>): void {
  const withStore = async (fn: (store: SqlStore) => Promise<void>) => {
    const fixture = await fresh();
    const store = await fixture.open();
    try {
      await fn(store);
    } finally {
      await store.close();
      await fixture.dispose();
    }
  };

  t("an image build round-trips every field exactly", () =>
    withStore(async (store) => {
      const rich = makeBuild({
        family: "template:jammy",
        provider: "rax-dfw",
        source: "template-cache",
        state: "promoted",
        slot: "2026-01-02T03:00:00.000Z",
        requestedBy: "launch of jammy",
        baseImage: "ubuntu-jammy",
        imageId: "img-0f9c2e1a",
        imageName: "template-jammy-20260102",
        operationId: "op-1",
        builderNodeId: "n-b",
        verifierNodeId: "n-v",
        builderHostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB",
        cacheKey: "a".repeat(64),
        sizeBytes: 5_368_709_120,
        createdAt: 1_767_225_600_123,
        stateChangedAt: 1_767_225_700_456,
        finishedAt: 1_767_225_700_456,
        promotedAt: 1_767_225_700_456,
        verifiedAt: 1_767_225_690_000,
        failureReason: "",
        timings: { boot: 1200, setup: 60_000, snapshot: 3000 },
        log: "apt-get install ✓\nünïcødé\n",
      });
      await store.images.insertBuild(rich);
      assert.deepEqual(await store.images.getBuild(rich.id), rich);
      assert.equal(await store.images.getBuild("b-missing"), undefined);
    }),
  );

  t("a build's schedule slot is unique per family and provider; builds without one are not", () =>
    withStore(async (store) => {
      await store.images.insertBuild(makeBuild({ slot: "2026-01-02T03:00:00.000Z" }));
      await assert.rejects(store.images.insertBuild(makeBuild({ slot: "2026-01-02T03:00:00.000Z" })), (err) =>
        isCode(err, "already-exists"),
      );
      await store.images.insertBuild(makeBuild({ slot: "2026-01-02T03:00:00.000Z", provider: "beta" }));
      await store.images.insertBuild(makeBuild({ slot: "" }));
      await store.images.insertBuild(makeBuild({ slot: "" }));
      const first = makeBuild();
      await store.images.insertBuild(first);
      await assert.rejects(store.images.insertBuild({ ...first }), (err) => isCode(err, "already-exists"));
      assert.equal((await store.images.listBuilds({ family: "jammy-cached" })).length, 5);
    }),
  );

  t("builds list in creation order and filter by family, provider and state", () =>
    withStore(async (store) => {
      const a = makeBuild({ createdAt: 30, state: "promoted" });
      const b = makeBuild({ createdAt: 10, provider: "beta", state: "failed" });
      const c = makeBuild({ createdAt: 20, family: "noble" });
      for (const build of [a, b, c]) await store.images.insertBuild(build);
      assert.deepEqual(
        (await store.images.listBuilds()).map((x) => x.id),
        [b.id, c.id, a.id],
      );
      assert.deepEqual(
        (await store.images.listBuilds({ family: "jammy-cached" })).map((x) => x.id),
        [b.id, a.id],
      );
      assert.deepEqual(
        (await store.images.listBuilds({ provider: "beta" })).map((x) => x.id),
        [b.id],
      );
      assert.deepEqual(
        (await store.images.listBuilds({ states: ["promoted", "pending"] })).map((x) => x.id),
        [c.id, a.id],
      );
      assert.deepEqual(await store.images.listBuilds({ states: [] }), []);
    }),
  );

  t("a build update is compare-and-set on the state, stamps the state change and caps the log at its end", () =>
    withStore(async (store) => {
      const build = makeBuild();
      await store.images.insertBuild(build);
      assert.equal(await store.images.updateBuild({ id: build.id, from: ["booting"], to: "setup", at: 5_000 }), false);
      assert.equal(
        await store.images.updateBuild({
          id: build.id,
          from: ["pending"],
          to: "booting",
          at: 5_000,
          patch: { builderNodeId: "n-1", timings: { boot: 7 } },
        }),
        true,
      );
      const long = `${"x".repeat(300 * 1024)}THE END`;
      assert.equal(await store.images.updateBuild({ id: build.id, from: ["booting"], at: 6_000, patch: { log: long, slot: "s" } }), true);
      const stored = await store.images.getBuild(build.id);
      assert.equal(stored?.state, "booting");
      assert.equal(stored?.stateChangedAt, 5_000, "a patch without a state change keeps the state's time");
      assert.equal(stored?.builderNodeId, "n-1");
      assert.deepEqual(stored?.timings, { boot: 7 });
      assert.equal(stored?.slot, "s");
      assert.ok((stored?.log.length ?? 0) < long.length && stored?.log.endsWith("THE END"), "the log keeps its end");
      assert.equal(await store.images.updateBuild({ id: "b-missing", from: ["pending"], to: "failing", at: 1 }), false);
    }),
  );

  t("families remember being paused and resumed", () =>
    withStore(async (store) => {
      assert.deepEqual(await store.images.familyStates(), []);
      await store.images.setFamilyPaused("jammy-cached", true, 10);
      await store.images.setFamilyPaused("noble", false, 11);
      await store.images.setFamilyPaused("jammy-cached", false, 12);
      assert.deepEqual(await store.images.familyStates(), [
        { name: "jammy-cached", paused: false, changedAt: 12 },
        { name: "noble", paused: false, changedAt: 11 },
      ]);
    }),
  );

  t("a node's purpose is stored; pool nodes read back without one", () =>
    withStore(async (store) => {
      const builder = makeNode({ purpose: "image-build", label: "image:jammy-cached", state: "launching" });
      const pool = makeNode();
      await store.insertNodes([builder, pool]);
      assert.deepEqual(await store.getNode(builder.id), builder);
      assert.deepEqual(await store.getNode(pool.id), pool);
      await store.transitionNodes([{ id: builder.id, from: ["launching"], to: "booted", at: 2_000 }]);
      assert.equal((await store.getNode(builder.id))?.purpose, "image-build");
    }),
  );
}
