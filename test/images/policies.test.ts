import assert from "node:assert/strict";
import { parseConfig } from "../../server/config/load.js";
import { BUILD_TAG, OWNER_TAG, type ImageBuildRecord, type ImageInfo, type NodeCount } from "../../server/core/index.js";
import { Catalog } from "../../server/scheduler/catalog.js";
import {
  beyondKeep,
  dueBuilds,
  leakedImages,
  nextDue,
  nodesToReplace,
  orphanBuildNodes,
  wantsCacheBuild,
} from "../../server/scheduler/images/index.js";
import { suite } from "../lib/harness.js";
import { makeNode } from "../store/fixtures.js";
import { makeBuild } from "../store/images-contract.js";

const t = suite("image policies: retention, leaks, replacement, schedule, cache");

const image = (id: string, tags: Record<string, string>): ImageInfo => ({
  id,
  name: id,
  createdAt: 0,
  tags,
  visibility: "private",
  sizeBytes: 1,
});

t("retention keeps the newest N promoted builds and never the newest one less", () => {
  const promoted = [makeBuild({ id: "b3" }), makeBuild({ id: "b2" }), makeBuild({ id: "b1" })];
  assert.deepEqual(
    beyondKeep(promoted, 2).map((b) => b.id),
    ["b1"],
  );
  assert.deepEqual(beyondKeep(promoted, 5), []);
  // Even a keep of 0 (not allowed by the config) never takes the current build.
  assert.deepEqual(
    beyondKeep(promoted, 0).map((b) => b.id),
    ["b2", "b1"],
  );
});

t("an image is leaked when its build is unknown, ended or holds another image; foreign and base images never are", () => {
  const builds = new Map<string, ImageBuildRecord>([
    ["b-live", makeBuild({ id: "b-live", state: "promoted", imageId: "img-live" })],
    ["b-snap", makeBuild({ id: "b-snap", state: "snapshotting", imageId: "" })],
    ["b-twice", makeBuild({ id: "b-twice", state: "verifying", imageId: "img-second" })],
    ["b-failed", makeBuild({ id: "b-failed", state: "failed", imageId: "img-failed" })],
    ["b-retired", makeBuild({ id: "b-retired", state: "retired", imageId: "img-retired" })],
  ]);
  const ours = (id: string, build: string) => image(id, { [OWNER_TAG]: "me", [BUILD_TAG]: build });
  const images = [
    ours("img-live", "b-live"),
    ours("img-in-flight", "b-snap"),
    ours("img-first", "b-twice"),
    ours("img-second", "b-twice"),
    ours("img-failed", "b-failed"),
    ours("img-retired", "b-retired"),
    ours("img-unknown", "b-nobody"),
    image("img-other-owner", { [OWNER_TAG]: "someone-else", [BUILD_TAG]: "b-nobody" }),
    image("ubuntu-jammy", {}),
    image("img-mine-untagged", { [OWNER_TAG]: "me" }),
  ];
  assert.deepEqual(
    leakedImages(images, "me", (id) => builds.get(id)).map((i) => i.id),
    ["img-first", "img-failed", "img-retired", "img-unknown"],
  );
});

t("build nodes no active build drives are orphans; pool nodes never are", () => {
  const builder = makeNode({ id: "n-builder", purpose: "image-build", state: "checking" });
  const verifier = makeNode({ id: "n-verifier", purpose: "image-verify", state: "launching" });
  const stray = makeNode({ id: "n-stray", purpose: "image-build", state: "booted" });
  const gone = makeNode({ id: "n-gone", purpose: "image-build", state: "gone" });
  const pool = makeNode({ id: "n-pool", state: "ready" });
  const builds = [
    makeBuild({ state: "setup", builderNodeId: "n-builder" }),
    makeBuild({ state: "verifying", verifierNodeId: "n-verifier" }),
    makeBuild({ state: "failed", builderNodeId: "n-stray" }),
  ];
  assert.deepEqual(
    orphanBuildNodes([builder, verifier, stray, gone, pool], builds).map((n) => n.id),
    ["n-stray"],
  );
});

t("outdated ready nodes are replaced within the label's budget, longest idle first, and not while the label is launching", () => {
  const catalog = new Catalog(
    parseConfig({
      providers: [{ name: "a", plugin: "fake", settings: { stateFile: "a.json" } }],
      labels: [
        { name: "jammy", minReady: 4, replaceAtOnce: 2 },
        { name: "noble", minReady: 1 },
        { name: "frozen", minReady: 1, replaceAtOnce: 0 },
      ],
      templates: [
        { label: "jammy", provider: "a", family: "jc", flavor: "small" },
        { label: "noble", provider: "a", family: "jc", flavor: "small" },
        { label: "frozen", provider: "a", family: "jc", flavor: "small" },
      ],
      images: [{ name: "jc", providers: [{ provider: "a", base: "ubuntu-jammy", flavor: "small" }] }],
    }),
  );
  const ready = [
    makeNode({ id: "j-new", label: "jammy", provider: "a", image: "new", readyAt: 1 }),
    makeNode({ id: "j-old3", label: "jammy", provider: "a", image: "old", readyAt: 30 }),
    makeNode({ id: "j-old1", label: "jammy", provider: "a", image: "old", readyAt: 10 }),
    makeNode({ id: "j-old2", label: "jammy", provider: "a", image: "old", readyAt: 20 }),
    makeNode({ id: "n-old", label: "noble", provider: "a", image: "old", readyAt: 5 }),
    makeNode({ id: "f-old", label: "frozen", provider: "a", image: "old", readyAt: 5 }),
  ];
  const outdated = (n: { image: string }) => n.image === "old";
  const none: NodeCount[] = [
    { label: "jammy", provider: "a", state: "ready", count: 4 },
    { label: "noble", provider: "a", state: "ready", count: 1 },
    { label: "frozen", provider: "a", state: "ready", count: 1 },
  ];
  assert.deepEqual(
    nodesToReplace(catalog, ready, none, outdated).map((n) => n.id),
    ["j-old1", "j-old2", "n-old"],
  );
  const busy: NodeCount[] = [
    ...none,
    { label: "jammy", provider: "a", state: "launching", count: 1 },
    { label: "noble", provider: "a", state: "checking", count: 1 },
  ];
  assert.deepEqual(
    nodesToReplace(catalog, ready, busy, outdated).map((n) => n.id),
    ["j-old1"],
  );
  // One taken out and not yet relaunched (3 ready of 4, nothing launching): the pool is short, that counts.
  const short: NodeCount[] = [{ label: "jammy", provider: "a", state: "ready", count: 3 }];
  assert.deepEqual(
    nodesToReplace(catalog, ready, short, outdated)
      .map((n) => n.id)
      .filter((id) => id.startsWith("j")),
    ["j-old1"],
  );
  const shorter: NodeCount[] = [{ label: "jammy", provider: "a", state: "ready", count: 2 }];
  assert.deepEqual(
    nodesToReplace(catalog, ready, shorter, outdated)
      .map((n) => n.id)
      .filter((id) => id.startsWith("j")),
    [],
  );
});

t(
  "the schedule builds a family at once where it has no build, then at each cron slot after the last build, catching up a missed slot once",
  () => {
    const config = parseConfig({
      providers: [
        { name: "a", plugin: "fake", settings: { stateFile: "a.json" } },
        { name: "b", plugin: "fake", settings: { stateFile: "b.json" } },
      ],
      labels: [{ name: "jammy" }],
      images: [
        {
          name: "nightly",
          schedule: "0 3 * * *",
          providers: [
            { provider: "a", base: "x", flavor: "small" },
            { provider: "b", base: "x", flavor: "small" },
          ],
        },
        { name: "manual", providers: [{ provider: "a", base: "x", flavor: "small" }] },
        { name: "hourly", schedule: "1h", providers: [{ provider: "a", base: "x", flavor: "small" }] },
      ],
    });
    const at = (iso: string) => Date.parse(iso);
    let builds: ImageBuildRecord[] = [];
    const of = (f: string, p: string) => builds.filter((b) => b.family === f && b.provider === p);
    const due = (now: string, paused: string[] = [], launchable = (_p: string) => true) =>
      dueBuilds(config.images, new Set(paused), of, launchable, at(now)).map((d) => `${d.family}@${d.provider} ${d.slot}`);

    assert.deepEqual(due("2026-01-01T02:50:00Z"), ["nightly@a first", "nightly@b first", "hourly@a first"]);
    assert.deepEqual(
      due("2026-01-01T02:50:00Z", ["nightly"], (p) => p !== "b"),
      ["hourly@a first"],
    );
    builds = [
      makeBuild({ family: "nightly", provider: "a", state: "promoted", createdAt: at("2026-01-01T02:50:00Z") }),
      makeBuild({ family: "nightly", provider: "b", state: "setup", createdAt: at("2026-01-01T02:50:00Z") }),
      makeBuild({ family: "hourly", provider: "a", state: "failed", createdAt: at("2026-01-01T02:50:00Z") }),
    ];
    assert.deepEqual(due("2026-01-01T02:59:00Z"), []);
    // b's build is still under way: nothing more starts there.
    assert.deepEqual(due("2026-01-01T03:00:00Z"), ["nightly@a 2026-01-01T03:00:00.000Z"]);
    assert.deepEqual(due("2026-01-01T03:50:00Z"), ["nightly@a 2026-01-01T03:00:00.000Z", "hourly@a 2026-01-01T03:50:00.000Z"]);
    // Down for three nights: one build, for the first missed slot.
    assert.deepEqual(
      due("2026-01-04T10:00:00Z").filter((d) => d.startsWith("nightly")),
      ["nightly@a 2026-01-01T03:00:00.000Z"],
    );
  },
);

t("a family's cron schedule in its time zone: the nightly slot follows the wall clock across daylight saving time", () => {
  const config = parseConfig({
    providers: [{ name: "a", plugin: "fake", settings: { stateFile: "a.json" } }],
    labels: [{ name: "jammy" }],
    images: [
      { name: "berlin", schedule: "0 3 * * *", timezone: "Europe/Berlin", providers: [{ provider: "a", base: "x", flavor: "small" }] },
    ],
  });
  const at = (iso: string) => Date.parse(iso);
  const family = config.images[0];
  assert.ok(family);
  let builds: ImageBuildRecord[] = [];
  const due = (now: string) =>
    dueBuilds(
      config.images,
      new Set(),
      () => builds,
      () => true,
      at(now),
    ).map((d) => d.slot);
  // 03:00 in Berlin is 02:00 UTC in winter (CET) and 01:00 UTC in summer (CEST); DST began on 2026-03-29.
  builds = [makeBuild({ family: "berlin", provider: "a", state: "promoted", createdAt: at("2026-03-27T02:00:00Z") })];
  assert.equal(nextDue(family, at("2026-03-27T02:00:00Z"), at("2026-03-27T02:00:00Z")), at("2026-03-28T02:00:00Z"));
  builds = [makeBuild({ family: "berlin", provider: "a", state: "promoted", createdAt: at("2026-03-28T02:00:00Z") })];
  assert.deepEqual(due("2026-03-29T00:59:00Z"), []);
  assert.deepEqual(due("2026-03-29T01:00:00Z"), ["2026-03-29T01:00:00.000Z"]);
  // And back in October.
  assert.equal(nextDue(family, at("2026-10-24T01:00:00Z"), at("2026-10-24T01:00:00Z")), at("2026-10-25T02:00:00Z"));
});

t("a cache miss asks for one build per template and provider, and not again soon after one for the same content failed", () => {
  const template = { label: "jammy", provider: "a" } as Parameters<typeof wantsCacheBuild>[0]["template"];
  const miss = { template, key: "k1", base: { image: "x", setupScript: "" } };
  let builds: ImageBuildRecord[] = [];
  const of = () => builds;
  const now = 10_000_000;
  assert.equal(wantsCacheBuild(miss, of, now), true);
  builds = [makeBuild({ family: "template:jammy", state: "booting", cacheKey: "k0" })];
  assert.equal(wantsCacheBuild(miss, of, now), false);
  builds = [makeBuild({ family: "template:jammy", state: "failed", cacheKey: "k1", createdAt: now - 60_000 })];
  assert.equal(wantsCacheBuild(miss, of, now), false);
  assert.equal(wantsCacheBuild({ ...miss, key: "k2" }, of, now), true);
  builds = [makeBuild({ family: "template:jammy", state: "failed", cacheKey: "k1", createdAt: now - 16 * 60_000 })];
  assert.equal(wantsCacheBuild(miss, of, now), true);
});

t.run();
