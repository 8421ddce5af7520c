import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { lstat, mkdir, mkdtemp, readFile, readlink, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { suite } from "../lib/harness.js";
import { ImageStore, Packer, parseLocalSettings, parseRange } from "../../plugins/local/index.js";
import { numberToAddress } from "../../plugins/local/settings.js";

/** The local provider's images (manifests, checksums on worker threads) and settings. */
const t = suite("local provider images and settings", { timeoutMs: 60_000 });

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), "sb-images-"));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const sha256 = (data: Buffer | string): string => createHash("sha256").update(data).digest("hex");

t("packing copies files, directories and symlinks with their modes, checksums them and skips the rest", async () => {
  await withDir(async (dir) => {
    const src = path.join(dir, "src");
    const dest = path.join(dir, "dest");
    await mkdir(path.join(src, "sub", "deeper"), { recursive: true });
    await mkdir(dest);
    const blob = randomBytes(3 * 1024 * 1024 + 5);
    await writeFile(path.join(src, "sub", "deeper", "blob"), blob);
    await writeFile(path.join(src, "tool"), "#!/bin/sh\n", { mode: 0o750 });
    await writeFile(path.join(src, "skip-me"), "excluded");
    await symlink("sub/deeper/blob", path.join(src, "link"));
    execFileSync("mkfifo", [path.join(src, "fifo")]);
    const packer = new Packer(2);
    try {
      const { entries, skipped } = await packer.pack(src, dest, (rel) => rel === "skip-me");
      assert.deepEqual(skipped, ["fifo"]);
      assert.deepEqual(
        entries.map((e) => [e.path, e.type]),
        [
          ["link", "symlink"],
          ["sub", "dir"],
          ["sub/deeper", "dir"],
          ["sub/deeper/blob", "file"],
          ["tool", "file"],
        ],
      );
      const byPath = new Map(entries.map((e) => [e.path, e]));
      assert.equal(byPath.get("sub/deeper/blob")?.sha256, sha256(blob));
      assert.equal(byPath.get("sub/deeper/blob")?.size, blob.length);
      assert.equal(byPath.get("tool")?.mode, 0o750);
      assert.deepEqual(await readFile(path.join(dest, "sub", "deeper", "blob")), blob);
      assert.equal((await stat(path.join(dest, "tool"))).mode & 0o777, 0o750);
      assert.equal(await readlink(path.join(dest, "link")), "sub/deeper/blob");
      await assert.rejects(lstat(path.join(dest, "skip-me")));
      await assert.rejects(lstat(path.join(dest, "fifo")));
    } finally {
      await packer.close();
    }
  });
});

t("checksumming a large file leaves the event loop free", async () => {
  await withDir(async (dir) => {
    // One file: an implementation hashing on the event loop would stall for all of it at once.
    const chunk = randomBytes(16 * 1024 * 1024);
    await writeFile(path.join(dir, "big"), Buffer.concat(Array.from({ length: 10 }, () => chunk)));
    const packer = new Packer(1);
    try {
      await packer.pack(dir, undefined); // warm the worker up
      let last = performance.now();
      let worst = 0;
      const timer = setInterval(() => {
        const now = performance.now();
        worst = Math.max(worst, now - last);
        last = now;
      }, 2);
      const started = performance.now();
      await packer.pack(dir, undefined);
      const took = performance.now() - started;
      // Let the timer see a stall that ended just now.
      await new Promise((resolve) => setTimeout(resolve, 20));
      clearInterval(timer);
      // Hashing 160 MiB takes a few hundred ms; on the event loop that would be one long stall.
      assert.ok(worst < Math.max(80, took / 3), `the event loop stalled for ${worst.toFixed(0)} ms of ${took.toFixed(0)} ms`);
    } finally {
      await packer.close();
    }
  });
});

t("images are complete or absent, resolve by id or newest name, verify, and go only when unused", async () => {
  await withDir(async (dir) => {
    const packer = new Packer(1);
    const store = new ImageStore(path.join(dir, "images"), packer);
    try {
      await mkdir(path.join(dir, "images", ".tmp-crashed"), { recursive: true });
      await store.init();
      await assert.rejects(lstat(path.join(dir, "images", ".tmp-crashed")));

      const first = await store.create(
        { id: "img-1", name: "jammy", tags: {}, visibility: "private", source: "test" },
        { kind: "files", files: { "a.txt": { content: "a" }, "bin/run": { content: "#!/bin/sh\n", mode: 0o755 } } },
      );
      assert.equal(first.sizeBytes, 11);
      assert.equal(first.fileCount, 2);
      await new Promise((resolve) => setTimeout(resolve, 5));
      await store.create({ id: "img-2", name: "jammy", tags: {}, visibility: "private", source: "test" }, { kind: "files", files: {} });
      assert.equal((await store.resolve("jammy"))?.id, "img-2");
      assert.equal((await store.resolve("img-1"))?.id, "img-1");
      assert.equal(await store.resolve("nope"), undefined);
      await assert.rejects(
        store.create({ id: "img-1", name: "x", tags: {}, visibility: "private", source: "t" }, { kind: "files", files: {} }),
        {
          code: "already-exists",
        },
      );

      assert.deepEqual(await store.verify("img-1"), []);
      await writeFile(path.join(store.rootOf("img-1"), "a.txt"), "tampered");
      await writeFile(path.join(store.rootOf("img-1"), "new.txt"), "x");
      assert.deepEqual(await store.verify("img-1"), [
        { path: "a.txt", problem: "changed" },
        { path: "new.txt", problem: "extra" },
      ]);

      await store.markDeleted("img-1");
      assert.deepEqual(
        (await store.list()).map((i) => i.id),
        ["img-2"],
      );
      assert.equal((await store.resolve("img-1"))?.id, undefined);
      await store.collect(new Set(["img-1"]));
      assert.ok((await stat(store.imageDir("img-1"))).isDirectory(), "an image in use was removed");
      await store.collect(new Set());
      await assert.rejects(lstat(store.imageDir("img-1")));
    } finally {
      await packer.close();
    }
  });
});

t("settings errors name the field; address ranges stay inside loopback and away from 127.0.0.1", () => {
  const fieldOf = (settings: unknown): string | undefined => {
    try {
      parseLocalSettings(settings);
      return undefined;
    } catch (err) {
      return (err as { field?: string }).field;
    }
  };
  assert.equal(fieldOf({ addressRange: "10.0.0.0/8" }), "settings.addressRange");
  assert.equal(fieldOf({ addressRange: "127.0.0.0/24" }), "settings.addressRange");
  assert.equal(fieldOf({ failureRate: 2 }), "settings.failureRate");
  assert.equal(fieldOf({ placement: "hardlink" }), "settings.placement");
  assert.equal(fieldOf({ baseImages: [{ name: "../x", fromDir: "/tmp" }] }), "settings.baseImages[0].name");
  assert.equal(fieldOf({ nope: 1 }), "settings.nope");
  const defaults = parseLocalSettings({});
  assert.equal(defaults.addressRange, "127.10.0.0/16");
  assert.deepEqual(defaults.baseImages, ["empty", "base"]);
  const range = parseRange("127.10.0.0/16")!;
  assert.equal(numberToAddress(range.first), "127.10.0.1");
  assert.equal(numberToAddress(range.last), "127.10.255.254");
  assert.equal(range.last - range.first + 1, 65534);
});

t.run();
