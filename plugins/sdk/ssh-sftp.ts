import { constants as fsConstants, promises as fs, type Stats } from "node:fs";
import path from "node:path";
import ssh2, { type Attributes, type FileEntry, type SFTPWrapper } from "ssh2";

/**
 * An SFTP (version 3) server over the real filesystem, on ssh2's server-side
 * SFTP helpers. It serves what OpenSSH's sftp and scp (which speaks SFTP since
 * OpenSSH 9.0) and Jenkins' SSH launcher use: open/read/write/close, stat,
 * setstat, directories, rename, remove, symlinks, realpath. No extensions are
 * advertised (ssh2 sends none), so clients fall back to the plain v3 requests:
 * rename does not replace an existing file (as in the v3 draft), and "~" paths
 * of scp need the expand-path extension and do not work (use relative paths,
 * which start in the home directory).
 */
export interface SftpOptions {
  /** Relative paths and "." resolve here. */
  home: string;
  /**
   * SFTP paths are confined below this directory, which the client sees as
   * "/". Default "/": the real filesystem, like a real machine's sshd.
   * Symlinks inside it are followed by the kernel and can lead outside.
   */
  root?: string;
  /** Files are created with this umask applied to the mode the client asks for. Default 0o022. */
  umask?: number;
}

const { STATUS_CODE, OPEN_MODE } = ssh2.utils.sftp;

/** Longest READ answered at once; OpenSSH asks for 32 KiB (up to 255 KiB with limits@openssh.com). */
const MAX_READ = 256 * 1024;
/** Directory entries per READDIR answer. */
const READDIR_BATCH = 128;

type Handle = { kind: "file"; fd: fs.FileHandle; path: string } | { kind: "dir"; path: string; entries: string[] | undefined };

/** Serves one SFTP session until the client closes it; every handle is closed then. */
export function serveSftp(sftp: SFTPWrapper, options: SftpOptions): void {
  const root = path.resolve(options.root ?? "/");
  const umask = options.umask ?? 0o022;
  const virtualHome = toVirtual(root, path.resolve(options.home));
  const handles = new Map<number, Handle>();
  let nextHandle = 1;

  /** Client path → real path. */
  const real = (p: string): string => {
    const virtual = path.posix.resolve(virtualHome, p || ".");
    return root === "/" ? virtual : path.join(root, virtual);
  };
  const newHandle = (h: Handle): Buffer => {
    const id = nextHandle++;
    handles.set(id, h);
    const buf = Buffer.alloc(4);
    buf.writeUInt32BE(id);
    return buf;
  };
  const handleOf = (buf: Buffer): Handle | undefined => (buf.length === 4 ? handles.get(buf.readUInt32BE()) : undefined);

  const fail = (reqId: number, err: unknown): void => {
    const code = (err as NodeJS.ErrnoException).code;
    const status =
      code === "ENOENT" || code === "ENOTDIR"
        ? STATUS_CODE.NO_SUCH_FILE
        : code === "EACCES" || code === "EPERM" || code === "EROFS"
          ? STATUS_CODE.PERMISSION_DENIED
          : STATUS_CODE.FAILURE;
    sftp.status(reqId, status, err instanceof Error ? err.message : String(err));
  };
  /*
   * Requests run one at a time, in the order they arrived, like OpenSSH's
   * sftp-server: clients rely on it. OpenSSH's upload truncates the file at
   * the last write acknowledged in order, and other clients send CLOSE right
   * behind their last WRITEs.
   */
  let queue: Promise<void> = Promise.resolve();
  const answer = (reqId: number, fn: () => Promise<void>): void => {
    queue = queue.then(fn).catch((err: unknown) => fail(reqId, err));
  };
  /** Runs fn in turn and answers OK, or the error's status. */
  const ok = (reqId: number, fn: () => Promise<unknown>): void => {
    answer(reqId, async () => {
      await fn();
      sftp.status(reqId, STATUS_CODE.OK);
    });
  };

  sftp.on("OPEN", (reqId: number, filename: string, flags: number, attrs: Partial<Attributes>) => {
    answer(reqId, async () => {
      const mode = flagsToOpenMode(flags);
      if (mode === undefined) {
        sftp.status(reqId, STATUS_CODE.OP_UNSUPPORTED, `unsupported open flags ${flags}`);
        return;
      }
      const file = real(filename);
      const createMode = (typeof attrs.mode === "number" ? attrs.mode & 0o7777 : 0o666) & ~umask;
      const fd = await fs.open(file, mode, createMode);
      sftp.handle(reqId, newHandle({ kind: "file", fd, path: file }));
    });
  });

  sftp.on("READ", (reqId: number, handle: Buffer, offset: number, length: number) => {
    const h = handleOf(handle);
    answer(reqId, async () => {
      if (h?.kind !== "file") return void sftp.status(reqId, STATUS_CODE.FAILURE, "invalid handle");
      const buf = Buffer.allocUnsafe(Math.min(length, MAX_READ));
      const { bytesRead } = await h.fd.read(buf, 0, buf.length, offset);
      if (bytesRead === 0) sftp.status(reqId, STATUS_CODE.EOF);
      else sftp.data(reqId, bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
    });
  });

  sftp.on("WRITE", (reqId: number, handle: Buffer, offset: number, chunk: Buffer) => {
    const h = handleOf(handle);
    // It waits in the queue; do not rely on ssh2 leaving the packet's memory alone meanwhile.
    const data = Buffer.from(chunk);
    ok(reqId, async () => {
      if (h?.kind !== "file") throw new Error("invalid handle");
      let written = 0;
      while (written < data.length) {
        const { bytesWritten } = await h.fd.write(data, written, data.length - written, offset + written);
        written += bytesWritten;
      }
    });
  });

  sftp.on("FSTAT", (reqId: number, handle: Buffer) => {
    const h = handleOf(handle);
    answer(reqId, async () => {
      if (!h) return void sftp.status(reqId, STATUS_CODE.FAILURE, "invalid handle");
      const stats = h.kind === "file" ? await h.fd.stat() : await fs.stat(h.path);
      sftp.attrs(reqId, toAttrs(stats));
    });
  });

  sftp.on("FSETSTAT", (reqId: number, handle: Buffer, attrs: Partial<Attributes>) => {
    const h = handleOf(handle);
    ok(reqId, async () => {
      if (!h) throw new Error("invalid handle");
      await (h.kind === "file" ? setAttrsFd(h.fd, attrs) : setAttrs(h.path, attrs));
    });
  });

  sftp.on("SETSTAT", (reqId: number, p: string, attrs: Partial<Attributes>) => ok(reqId, () => setAttrs(real(p), attrs)));

  sftp.on("CLOSE", (reqId: number, handle: Buffer) => {
    const h = handleOf(handle);
    const id = handle.length === 4 ? handle.readUInt32BE() : 0;
    ok(reqId, async () => {
      if (!h) throw new Error("invalid handle");
      handles.delete(id);
      if (h.kind === "file") await h.fd.close();
    });
  });

  sftp.on("OPENDIR", (reqId: number, p: string) => {
    answer(reqId, async () => {
      const dir = real(p);
      const stats = await fs.stat(dir);
      if (!stats.isDirectory()) return void sftp.status(reqId, STATUS_CODE.FAILURE, `${p} is not a directory`);
      await fs.access(dir, fsConstants.R_OK);
      sftp.handle(reqId, newHandle({ kind: "dir", path: dir, entries: undefined }));
    });
  });

  sftp.on("READDIR", (reqId: number, handle: Buffer) => {
    const h = handleOf(handle);
    answer(reqId, async () => {
      if (h?.kind !== "dir") return void sftp.status(reqId, STATUS_CODE.FAILURE, "invalid handle");
      h.entries ??= [".", "..", ...(await fs.readdir(h.path)).sort()];
      if (h.entries.length === 0) return void sftp.status(reqId, STATUS_CODE.EOF);
      const batch = h.entries.splice(0, READDIR_BATCH);
      const names: FileEntry[] = [];
      for (const name of batch) {
        try {
          const stats = await fs.lstat(path.join(h.path, name));
          names.push({ filename: name, longname: longname(name, stats), attrs: toAttrs(stats) });
        } catch {
          // Vanished since readdir.
        }
      }
      if (names.length === 0 && h.entries.length === 0) sftp.status(reqId, STATUS_CODE.EOF);
      else sftp.name(reqId, names);
    });
  });

  sftp.on("LSTAT", (reqId: number, p: string) => answer(reqId, async () => sftp.attrs(reqId, toAttrs(await fs.lstat(real(p))))));
  sftp.on("STAT", (reqId: number, p: string) => answer(reqId, async () => sftp.attrs(reqId, toAttrs(await fs.stat(real(p))))));
  sftp.on("REMOVE", (reqId: number, p: string) => ok(reqId, () => fs.unlink(real(p))));
  sftp.on("RMDIR", (reqId: number, p: string) => ok(reqId, () => fs.rmdir(real(p))));
  sftp.on("MKDIR", (reqId: number, p: string, attrs: Partial<Attributes>) =>
    ok(reqId, () => fs.mkdir(real(p), (typeof attrs.mode === "number" ? attrs.mode & 0o7777 : 0o777) & ~umask)),
  );

  sftp.on("RENAME", (reqId: number, from: string, to: string) => {
    ok(reqId, async () => {
      const target = real(to);
      const exists = await fs.lstat(target).then(
        () => true,
        () => false,
      );
      if (exists) throw Object.assign(new Error(`${to} exists`), { code: "EEXIST" });
      await fs.rename(real(from), target);
    });
  });

  sftp.on("REALPATH", (reqId: number, p: string) => {
    answer(reqId, async () => {
      const resolved = real(p);
      // Like OpenSSH's server: resolve symlinks where the path exists, else normalize.
      const canonical = await fs.realpath(resolved).catch(() => resolved);
      const virtual = toVirtual(root, canonical);
      sftp.name(reqId, [{ filename: virtual, longname: virtual, attrs: {} as Attributes }]);
    });
  });

  sftp.on("READLINK", (reqId: number, p: string) => {
    answer(reqId, async () => {
      const target = await fs.readlink(real(p));
      sftp.name(reqId, [{ filename: target, longname: target, attrs: {} as Attributes }]);
    });
  });

  // ssh2 already swaps OpenSSH's reversed SYMLINK arguments: (link path, target).
  sftp.on("SYMLINK", (reqId: number, linkPath: string, target: string) => ok(reqId, () => fs.symlink(target, real(linkPath))));

  const closeAll = (): void => {
    for (const h of handles.values()) if (h.kind === "file") void h.fd.close().catch(() => undefined);
    handles.clear();
  };
  sftp.on("close", closeAll);
  sftp.on("error", closeAll);
  // The client's EOF: it expects nothing more. Close our side, or it waits forever.
  sftp.on("end", () => {
    closeAll();
    sendExitStatus(sftp, 0);
    sftp.end();
  });
}

/**
 * OpenSSH's scp fails a transfer whose channel closes without an exit status,
 * and ssh2's SFTPWrapper has no public way to send one: use its channel's
 * protocol object (ssh2 1.x internals, checked at runtime).
 */
function sendExitStatus(sftp: SFTPWrapper, status: number): void {
  const internal = sftp as unknown as {
    _protocol?: { exitStatus?: (channel: number, status: number) => void };
    outgoing?: { id?: number; state?: string };
  };
  const id = internal.outgoing?.id;
  const state = internal.outgoing?.state;
  if (typeof id !== "number" || (state !== "open" && state !== "eof")) return;
  try {
    internal._protocol?.exitStatus?.(id, status);
  } catch {
    // The channel went away meanwhile.
  }
}

/** Real path → the path the client sees (relative to root). */
function toVirtual(root: string, real: string): string {
  if (root === "/") return real;
  const rel = path.relative(root, real);
  if (rel.startsWith("..") || path.isAbsolute(rel)) return "/";
  return `/${rel.split(path.sep).join("/")}`;
}

function flagsToOpenMode(flags: number): number | undefined {
  const read = (flags & OPEN_MODE.READ) !== 0;
  const write = (flags & OPEN_MODE.WRITE) !== 0;
  const append = (flags & OPEN_MODE.APPEND) !== 0;
  const create = (flags & OPEN_MODE.CREAT) !== 0;
  const truncate = (flags & OPEN_MODE.TRUNC) !== 0;
  const exclusive = (flags & OPEN_MODE.EXCL) !== 0;
  if (!read && !write) return undefined;
  // Node's string flags cannot say "write and create without truncating": use numbers.
  let mode = read && write ? fsConstants.O_RDWR : write ? fsConstants.O_WRONLY : fsConstants.O_RDONLY;
  if (append) mode |= fsConstants.O_APPEND;
  if (create) mode |= fsConstants.O_CREAT;
  if (truncate) mode |= fsConstants.O_TRUNC;
  if (exclusive) mode |= fsConstants.O_EXCL;
  return mode;
}

function toAttrs(stats: Stats): Attributes {
  return {
    mode: stats.mode,
    uid: stats.uid,
    gid: stats.gid,
    size: stats.size,
    atime: Math.floor(stats.atimeMs / 1000),
    mtime: Math.floor(stats.mtimeMs / 1000),
  };
}

async function setAttrs(file: string, attrs: Partial<Attributes>): Promise<void> {
  if (typeof attrs.size === "number") await fs.truncate(file, attrs.size);
  if (typeof attrs.uid === "number" && typeof attrs.gid === "number") await fs.chown(file, attrs.uid, attrs.gid);
  if (typeof attrs.mode === "number") await fs.chmod(file, attrs.mode & 0o7777);
  if (typeof attrs.atime === "number" && typeof attrs.mtime === "number") await fs.utimes(file, attrs.atime, attrs.mtime);
}

async function setAttrsFd(fd: fs.FileHandle, attrs: Partial<Attributes>): Promise<void> {
  if (typeof attrs.size === "number") await fd.truncate(attrs.size);
  if (typeof attrs.uid === "number" && typeof attrs.gid === "number") await fd.chown(attrs.uid, attrs.gid);
  if (typeof attrs.mode === "number") await fd.chmod(attrs.mode & 0o7777);
  if (typeof attrs.atime === "number" && typeof attrs.mtime === "number") await fd.utimes(attrs.atime, attrs.mtime);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** An `ls -l` line, which OpenSSH's sftp shows for `ls -l`. */
function longname(name: string, stats: Stats): string {
  const type = stats.isDirectory() ? "d" : stats.isSymbolicLink() ? "l" : stats.isFIFO() ? "p" : stats.isSocket() ? "s" : "-";
  const bits = "rwxrwxrwx"
    .split("")
    .map((c, i) => ((stats.mode >> (8 - i)) & 1 ? c : "-"))
    .join("");
  const date = new Date(stats.mtimeMs);
  const recent = Math.abs(Date.now() - stats.mtimeMs) < 180 * 86_400_000;
  const when = `${MONTHS[date.getMonth()]} ${String(date.getDate()).padStart(2)} ${
    recent ? `${String(date.getHours()).padStart(2, "0")}:${String(date.getMinutes()).padStart(2, "0")}` : ` ${date.getFullYear()}`
  }`;
  return `${type}${bits} ${String(stats.nlink).padStart(3)} ${String(stats.uid).padEnd(8)} ${String(stats.gid).padEnd(8)} ${String(stats.size).padStart(8)} ${when} ${name}`;
}
