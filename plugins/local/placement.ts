import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { StandbyError } from "../../common/errors.js";

const run = promisify(execFile);

/**
 * How a node's workspace is made from its image:
 * - overlay: an overlayfs mount (the image is the read-only lower layer, the
 *   node's writes go to its own upper layer) inside the node's private mount
 *   namespace. Constant time whatever the image's size; needs namespaces.
 * - reflink: `cp --reflink=always`: a copy whose data blocks are shared until
 *   written (btrfs, xfs, bcachefs…). Time grows with the number of files only.
 * - copy: a full copy. Time grows with the image's size.
 * Hard links are never used: a write to a hard-linked file would change the image.
 */
export type Placement = "overlay" | "reflink" | "copy";

/**
 * How far a node is kept apart:
 * - namespaces: its own mount, PID, UTS and IPC namespaces (util-linux unshare).
 * - none: a plain process of the plugin's user.
 */
export type Isolation = "namespaces" | "none";

export interface Capabilities {
  isolation: Isolation;
  placement: Placement;
  /** Why a mode was not available, for the log. */
  notes: string[];
}

/**
 * The unshare(1) arguments that put a node in its own namespaces. --fork makes
 * the node's first process PID 1 of the new PID namespace: when it dies the
 * kernel kills everything the node started (also what escaped its process
 * group); --kill-child ties it to the unshare process we spawn and signal.
 */
export function unshareArgs(): string[] {
  const args = ["--mount", "--propagation", "private", "--pid", "--fork", "--kill-child", "--mount-proc", "--uts", "--ipc"];
  // Without root, a user namespace in which we are root still allows the mounts (Linux 5.11+ for overlay).
  if (process.getuid?.() !== 0) args.unshift("--user", "--map-root-user");
  return args;
}

/** overlayfs mount options cannot carry these characters unescaped. */
export function overlaySafePath(p: string): boolean {
  return !/[,:\\\s]/.test(p);
}

/**
 * Finds out what this host allows, trying each mode on scratch directories.
 * `want` comes from the settings; "auto" takes the best that works, an explicit
 * mode that does not work is failed-precondition naming the setting.
 */
export async function detectCapabilities(
  want: { placement: Placement | "auto"; isolation: Isolation | "auto" },
  dirs: { scratch: string; images: string; nodes: string },
): Promise<Capabilities> {
  const notes: string[] = [];
  let isolation: Isolation = "none";
  if (want.isolation !== "none") {
    const problem = await probeNamespaces();
    if (problem === undefined) isolation = "namespaces";
    else if (want.isolation === "namespaces") {
      throw new StandbyError("failed-precondition", `settings.isolation: namespaces do not work here: ${problem}`, {
        field: "settings.isolation",
      });
    } else notes.push(`namespaces unavailable: ${problem}`);
  }

  const candidates: Placement[] = want.placement === "auto" ? ["overlay", "reflink", "copy"] : [want.placement];
  for (const candidate of candidates) {
    const problem = await probePlacement(candidate, isolation, dirs);
    if (problem === undefined) return { isolation, placement: candidate, notes };
    if (want.placement !== "auto") {
      throw new StandbyError("failed-precondition", `settings.placement: ${candidate} does not work here: ${problem}`, {
        field: "settings.placement",
      });
    }
    notes.push(`${candidate} unavailable: ${problem}`);
  }
  return { isolation, placement: "copy", notes };
}

async function probeNamespaces(): Promise<string | undefined> {
  try {
    await run("unshare", [...unshareArgs(), "--", "/bin/sh", "-c", "hostname standby-probe && exit 0"], { timeout: 5_000 });
    return undefined;
  } catch (err) {
    return firstLine(err);
  }
}

async function probePlacement(
  placement: Placement,
  isolation: Isolation,
  dirs: { scratch: string; images: string; nodes: string },
): Promise<string | undefined> {
  if (placement === "copy") return undefined;
  const probe = path.join(dirs.scratch, `probe-${randomBytes(4).toString("hex")}`);
  try {
    if (placement === "overlay") {
      if (isolation !== "namespaces") return "needs isolation: namespaces (the mount lives in the node's mount namespace)";
      for (const dir of [dirs.images, dirs.nodes]) {
        if (!overlaySafePath(dir)) return `the path ${dir} has a character overlayfs options cannot carry (, : \\ or space)`;
      }
      const [lower, upper, work, merged] = ["lower", "upper", "work", "merged"].map((d) => path.join(probe, d)) as [
        string,
        string,
        string,
        string,
      ];
      for (const d of [lower, upper, work, merged]) await fs.mkdir(d, { recursive: true });
      await fs.writeFile(path.join(lower, "file"), "image\n");
      const script =
        `mount -t overlay overlay -o "lowerdir=${lower},upperdir=${upper},workdir=${work}" "${merged}" && ` +
        `echo node >> "${merged}/file" && grep -q image "${merged}/file"`;
      await run("unshare", [...unshareArgs(), "--", "/bin/sh", "-c", script], { timeout: 5_000 });
      if ((await fs.readFile(path.join(lower, "file"), "utf8")) !== "image\n") return "a write through the mount changed the lower layer";
      return undefined;
    }
    // reflink: from the images' filesystem to the nodes' one.
    const source = path.join(dirs.images, `.tmp-probe-${randomBytes(4).toString("hex")}`);
    await fs.mkdir(probe, { recursive: true });
    try {
      await fs.writeFile(source, randomBytes(64 * 1024));
      await run("cp", ["--reflink=always", source, path.join(dirs.nodes, `.probe-${randomBytes(4).toString("hex")}`)], { timeout: 5_000 });
      return undefined;
    } finally {
      await fs.rm(source, { force: true });
      for (const name of await fs.readdir(dirs.nodes))
        if (name.startsWith(".probe-")) await fs.rm(path.join(dirs.nodes, name), { force: true });
    }
  } catch (err) {
    return firstLine(err);
  } finally {
    await fs.rm(probe, { recursive: true, force: true });
  }
}

function firstLine(err: unknown): string {
  const e = err as { stderr?: string; message?: string };
  const text = (e.stderr?.trim() || e.message || String(err)).split("\n")[0] ?? "";
  return text.slice(0, 300);
}
