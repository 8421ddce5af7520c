import { createHash } from "node:crypto";
import { closeSync, fchmodSync, fchownSync, fstatSync, futimesSync, openSync, readSync, writeSync, constants } from "node:fs";
import path from "node:path";

/**
 * A piscina worker (a thread of the plugin): checksums files, optionally
 * copying them at the same time, so the plugin's event loop keeps answering
 * health checks and calls while a large image is packed or verified.
 * Synchronous I/O is fine here: this thread does nothing else.
 */
export interface PackTask {
  /** Files are read from <srcRoot>/<rel>. */
  srcRoot: string;
  /** When set, each file is also written to <destRoot>/<rel> (its directory must exist). */
  destRoot?: string;
  /** Keep the source's owner on the copies (only when running as root). */
  keepOwner?: boolean;
  files: string[];
}

export interface PackedFile {
  rel: string;
  size: number;
  sha256: string;
  mode: number;
}

const CHUNK = 1024 * 1024;

export default function pack(task: PackTask): PackedFile[] {
  const buf = Buffer.allocUnsafe(CHUNK);
  const result: PackedFile[] = [];
  for (const rel of task.files) {
    const src = openSync(path.join(task.srcRoot, rel), constants.O_RDONLY | constants.O_NOFOLLOW);
    let dest: number | undefined;
    try {
      const stat = fstatSync(src);
      if (task.destRoot) {
        dest = openSync(path.join(task.destRoot, rel), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, stat.mode & 0o7777);
      }
      const hash = createHash("sha256");
      let size = 0;
      for (;;) {
        const n = readSync(src, buf, 0, CHUNK, null);
        if (n === 0) break;
        const chunk = buf.subarray(0, n);
        hash.update(chunk);
        if (dest !== undefined) {
          let off = 0;
          while (off < n) off += writeSync(dest, chunk, off, n - off);
        }
        size += n;
      }
      if (dest !== undefined) {
        // The umask may have cut bits of the mode at open.
        fchmodSync(dest, stat.mode & 0o7777);
        if (task.keepOwner) fchownSync(dest, stat.uid, stat.gid);
        futimesSync(dest, stat.atime, stat.mtime);
      }
      result.push({ rel, size, sha256: hash.digest("hex"), mode: stat.mode & 0o7777 });
    } finally {
      closeSync(src);
      if (dest !== undefined) closeSync(dest);
    }
  }
  return result;
}
