import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import { StandbyError } from "../../common/errors.js";
import type { Visibility } from "../../common/provider.js";
import type { PackedFile, PackTask } from "./pack-worker.js";

/**
 * Images of the local provider: directories under the images directory.
 *
 *   <imagesDir>/<id>/image.json      what listImages shows (ImageMeta)
 *   <imagesDir>/<id>/manifest.json   every file, directory and symlink, with sizes and sha256
 *   <imagesDir>/<id>/root/           the files
 *   <imagesDir>/<id>/DELETED         deleted, kept until no node uses it
 *
 * An image is written under a temporary name and renamed into place when
 * complete, so a half-written image is never listed or booted. Images are
 * never modified afterwards: nodes get them copy-on-write (placement.ts).
 */
export const IMAGE_FORMAT = "standby-local-image/1";

export interface ImageMeta {
  format: string;
  id: string;
  name: string;
  createdAt: number;
  tags: Record<string, string>;
  visibility: Visibility;
  sizeBytes: number;
  fileCount: number;
  /** "builtin:base", "dir:/path", "snapshot:<nodeId>". */
  source: string;
}

export interface ManifestEntry {
  path: string;
  type: "file" | "dir" | "symlink";
  mode: number;
  size?: number;
  sha256?: string;
  target?: string;
}

export interface Manifest {
  format: string;
  id: string;
  entries: ManifestEntry[];
}

export interface ImageDifference {
  path: string;
  problem: "missing" | "extra" | "changed";
}

/** Files of one worker task: at most this many, or this many bytes. */
const BATCH_FILES = 256;
const BATCH_BYTES = 64 * 1024 * 1024;

const TMP_PREFIX = ".tmp-";
const DELETED_MARKER = "DELETED";

/** Copies and checksums trees on worker threads (piscina), off the event loop. */
export class Packer {
  private readonly pool: Piscina<PackTask, PackedFile[]>;
  private readonly keepOwner = process.getuid?.() === 0;

  constructor(threads = Math.max(1, Math.floor(os.cpus().length / 2))) {
    this.pool = new Piscina<PackTask, PackedFile[]>({
      filename: fileURLToPath(new URL("./pack-worker.js", import.meta.url)),
      minThreads: 0,
      maxThreads: threads,
      idleTimeout: 10_000,
    });
  }

  /**
   * Walks srcRoot and returns its manifest entries; with destRoot (an existing
   * empty directory) also copies the tree there. Only regular files,
   * directories and symlinks are packed; anything else (sockets, fifos,
   * devices) is skipped and returned in `skipped`. Hard links become separate files.
   */
  async pack(
    srcRoot: string,
    destRoot: string | undefined,
    exclude: (rel: string) => boolean = () => false,
  ): Promise<{ entries: ManifestEntry[]; skipped: string[] }> {
    const entries: ManifestEntry[] = [];
    const skipped: string[] = [];
    const files: { rel: string; size: number }[] = [];
    const dirs: { rel: string; mode: number; atime: Date; mtime: Date; uid: number; gid: number }[] = [];

    const walk = async (rel: string): Promise<void> => {
      const names = (await fs.readdir(path.join(srcRoot, rel))).sort();
      for (const name of names) {
        const childRel = rel ? `${rel}/${name}` : name;
        if (exclude(childRel)) continue;
        const full = path.join(srcRoot, childRel);
        const stat = await fs.lstat(full);
        if (stat.isDirectory()) {
          entries.push({ path: childRel, type: "dir", mode: stat.mode & 0o7777 });
          dirs.push({ rel: childRel, mode: stat.mode & 0o7777, atime: stat.atime, mtime: stat.mtime, uid: stat.uid, gid: stat.gid });
          if (destRoot) await fs.mkdir(path.join(destRoot, childRel), { mode: 0o700 });
          await walk(childRel);
        } else if (stat.isSymbolicLink()) {
          const target = await fs.readlink(full);
          entries.push({ path: childRel, type: "symlink", mode: stat.mode & 0o7777, target });
          if (destRoot) {
            await fs.symlink(target, path.join(destRoot, childRel));
            if (this.keepOwner) await fs.lchown(path.join(destRoot, childRel), stat.uid, stat.gid);
          }
        } else if (stat.isFile()) {
          files.push({ rel: childRel, size: stat.size });
        } else {
          skipped.push(childRel);
        }
      }
    };
    await walk("");

    const tasks: PackTask[] = [];
    let batch: string[] = [];
    let bytes = 0;
    const flush = (): void => {
      if (batch.length === 0) return;
      tasks.push({ srcRoot, ...(destRoot ? { destRoot } : {}), keepOwner: this.keepOwner, files: batch });
      batch = [];
      bytes = 0;
    };
    for (const file of files) {
      batch.push(file.rel);
      bytes += file.size;
      if (batch.length >= BATCH_FILES || bytes >= BATCH_BYTES) flush();
    }
    flush();
    const results = await Promise.all(tasks.map((task) => this.pool.run(task)));
    for (const packed of results.flat()) {
      entries.push({ path: packed.rel, type: "file", mode: packed.mode, size: packed.size, sha256: packed.sha256 });
    }

    if (destRoot) {
      // Modes and times of directories last: creating their files changed the times.
      for (const dir of dirs.reverse()) {
        const target = path.join(destRoot, dir.rel);
        await fs.chmod(target, dir.mode);
        if (this.keepOwner) await fs.chown(target, dir.uid, dir.gid);
        await fs.utimes(target, dir.atime, dir.mtime);
      }
    }
    entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { entries, skipped };
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

export interface NewImage {
  id: string;
  name: string;
  tags: Record<string, string>;
  visibility: Visibility;
  source: string;
}

/** How a new image gets its files. */
export type ImageContent =
  | { kind: "files"; files: Record<string, { content: string; mode?: number }> }
  | { kind: "copy"; fromDir: string; exclude?: (rel: string) => boolean };

export class ImageStore {
  constructor(
    readonly dir: string,
    private readonly packer: Packer,
  ) {}

  /** Creates the directory and removes images left half-written by a crash. */
  async init(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    for (const name of await fs.readdir(this.dir)) {
      if (name.startsWith(TMP_PREFIX)) await fs.rm(path.join(this.dir, name), { recursive: true, force: true });
    }
  }

  imageDir(id: string): string {
    return path.join(this.dir, id);
  }

  rootOf(id: string): string {
    return path.join(this.dir, id, "root");
  }

  /** Every image that is not deleted. */
  async list(): Promise<ImageMeta[]> {
    const names = await fs.readdir(this.dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") return [] as string[];
      throw err;
    });
    const images: ImageMeta[] = [];
    for (const name of names) {
      if (name.startsWith(".")) continue;
      const meta = await this.get(name);
      if (meta) images.push(meta);
    }
    return images.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  }

  /** The image with this id, unless it is missing, incomplete or deleted. */
  async get(id: string): Promise<ImageMeta | undefined> {
    if (!isSafeId(id)) return undefined;
    try {
      const [text, deleted] = await Promise.all([
        fs.readFile(path.join(this.dir, id, "image.json"), "utf8"),
        exists(path.join(this.dir, id, DELETED_MARKER)),
      ]);
      if (deleted) return undefined;
      const meta = JSON.parse(text) as ImageMeta;
      return meta.format === IMAGE_FORMAT ? meta : undefined;
    } catch {
      return undefined;
    }
  }

  /** By id, else the newest image with that name. */
  async resolve(ref: string): Promise<ImageMeta | undefined> {
    const byId = await this.get(ref);
    if (byId) return byId;
    let newest: ImageMeta | undefined;
    for (const image of await this.list()) {
      if (image.name === ref && (!newest || image.createdAt >= newest.createdAt)) newest = image;
    }
    return newest;
  }

  async manifest(id: string): Promise<Manifest> {
    return JSON.parse(await fs.readFile(path.join(this.dir, id, "manifest.json"), "utf8")) as Manifest;
  }

  /** Writes a complete image, or nothing. Throws already-exists if the id is taken. */
  async create(image: NewImage, content: ImageContent): Promise<ImageMeta> {
    if (!isSafeId(image.id)) throw StandbyError.invalidArgument("image id", `"${image.id}" is not a valid image id`);
    const final = path.join(this.dir, image.id);
    if (await exists(final)) throw new StandbyError("already-exists", `image ${image.id} exists`);
    const tmp = path.join(this.dir, `${TMP_PREFIX}${image.id}-${randomBytes(4).toString("hex")}`);
    const root = path.join(tmp, "root");
    try {
      await fs.mkdir(root, { recursive: true, mode: 0o755 });
      let entries: ManifestEntry[];
      if (content.kind === "copy") {
        ({ entries } = await this.packer.pack(content.fromDir, root, content.exclude));
      } else {
        for (const [rel, file] of Object.entries(content.files)) {
          const target = path.join(root, rel);
          await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o755 });
          await fs.writeFile(target, file.content, { mode: file.mode ?? 0o644 });
          await fs.chmod(target, file.mode ?? 0o644);
        }
        ({ entries } = await this.packer.pack(root, undefined));
      }
      const files = entries.filter((e) => e.type === "file");
      const meta: ImageMeta = {
        format: IMAGE_FORMAT,
        ...image,
        createdAt: Date.now(),
        sizeBytes: files.reduce((sum, e) => sum + (e.size ?? 0), 0),
        fileCount: files.length,
      };
      const manifest: Manifest = { format: IMAGE_FORMAT, id: image.id, entries };
      await fs.writeFile(path.join(tmp, "manifest.json"), JSON.stringify(manifest));
      await fs.writeFile(path.join(tmp, "image.json"), JSON.stringify(meta, null, 2));
      await fs.rename(tmp, final);
      return meta;
    } catch (err) {
      await fs.rm(tmp, { recursive: true, force: true });
      throw err;
    }
  }

  /** Recomputes every checksum and compares with the manifest. An empty list means intact. */
  async verify(id: string): Promise<ImageDifference[]> {
    const manifest = await this.manifest(id);
    const { entries } = await this.packer.pack(this.rootOf(id), undefined);
    const actual = new Map(entries.map((e) => [e.path, e]));
    const differences: ImageDifference[] = [];
    for (const want of manifest.entries) {
      const got = actual.get(want.path);
      actual.delete(want.path);
      if (!got) differences.push({ path: want.path, problem: "missing" });
      else if (got.type !== want.type || got.sha256 !== want.sha256 || got.size !== want.size || got.target !== want.target) {
        differences.push({ path: want.path, problem: "changed" });
      }
    }
    for (const extra of actual.keys()) differences.push({ path: extra, problem: "extra" });
    return differences;
  }

  /** Hides the image at once; its files go when no node uses it (collect). */
  async markDeleted(id: string): Promise<void> {
    if (!isSafeId(id) || !(await exists(path.join(this.dir, id)))) return;
    await fs.writeFile(path.join(this.dir, id, DELETED_MARKER), `${new Date().toISOString()}\n`);
  }

  /** Removes deleted images that no node uses. */
  async collect(inUse: Set<string>): Promise<void> {
    for (const name of await fs.readdir(this.dir).catch(() => [] as string[])) {
      if (name.startsWith(".") || inUse.has(name)) continue;
      if (await exists(path.join(this.dir, name, DELETED_MARKER))) {
        const trash = path.join(this.dir, `${TMP_PREFIX}deleted-${name}-${randomBytes(4).toString("hex")}`);
        await fs.rename(path.join(this.dir, name), trash);
        await fs.rm(trash, { recursive: true, force: true });
      }
    }
  }
}

function isSafeId(id: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id) && id.length <= 128;
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch {
    return false;
  }
}

/** The files of the built-in base images. */
export function builtinImageFiles(name: "empty" | "base"): Record<string, { content: string; mode?: number }> {
  if (name === "empty") return {};
  return {
    "README.md": {
      content:
        "This is a node of standby's local provider: a workspace directory on the host, served by its own SSH server.\n" +
        "It is HOME for every command; files here came from the node's image, copy-on-write.\n",
    },
    ".profile": { content: "export PATH=\"$HOME/bin:$PATH\"\nPS1='$(hostname):$(pwd)$ '\n" },
    "bin/hello": { content: '#!/bin/sh\necho "hello from $(hostname) in $HOME"\n', mode: 0o755 },
    "etc/standby-image": { content: "base\n" },
  };
}
