import { createHash, randomBytes } from "node:crypto";
import { promises as fs, readFileSync } from "node:fs";
import path from "node:path";
import type { Isolation, Placement } from "./placement.js";

/**
 * A local node on disk. Everything the plugin knows about a node lives in
 * its directory, so a restarted plugin adopts running nodes by reading them:
 *
 *   <stateDir>/nodes/<key>/node.json      NodeRecord (written by the plugin)
 *   <stateDir>/nodes/<key>/daemon.json    DaemonStatus (written by the node's daemon)
 *   <stateDir>/nodes/<key>/host_key       the node's SSH host key (private, 0600), never in an image
 *   <stateDir>/nodes/<key>/host_key_ecdsa its ECDSA host key, with the ecdsaHostKey setting
 *   <stateDir>/nodes/<key>/initial_keys   the boot's ssh_public_keys, installed by the daemon
 *   <stateDir>/nodes/<key>/daemon.log     the daemon's log (and setup.log, the setup script's output)
 *   <stateDir>/nodes/<key>/root/          the workspace: HOME and working directory of every command
 *   <stateDir>/nodes/<key>/upper/, work/  the overlay's layers (placement overlay)
 */
export const NODE_FORMAT = "standby-local-node/1";

export interface NodeRecord {
  format: string;
  instanceId: string;
  nodeId: string;
  ownerId: string;
  label: string;
  tags: Record<string, string>;
  imageId: string;
  flavor: string;
  address: string;
  /** The configured port; 0 means the daemon reports the one it got. */
  port: number;
  username: string;
  hostPublicKey: string;
  /** Host keys of other types beside hostPublicKey (the ECDSA key); absent in records from before the setting. */
  extraHostPublicKeys?: string[];
  createdAt: number;
  /** SSH answers no earlier than createdAt + bootDelayMs. */
  bootDelayMs: number;
  placement: Placement;
  isolation: Isolation;
  /** The image's files (lower layer, or the source of the copy). */
  imageRoot: string;
  /** What this boot's dice said: a normal node, one that fails, or one whose SSH never answers. */
  outcome: "boot" | "fail" | "no-network";
  error: string;
  setupScript: string;
  /** "creating" until the daemon is spawned and its pid is recorded. */
  phase: "creating" | "started";
  /** The process group leader we spawned (unshare, or the daemon itself), and its start time in clock ticks since boot. */
  pid: number;
  pidStart: number;
}

export interface DaemonStatus {
  state: "starting" | "listening" | "error";
  error: string;
  /** The port it listens on (0 until listening). */
  port: number;
  /** Time to put the image in place (the overlay mount, or the copy). */
  placementMs: number;
  listeningAt: number;
}

export const NODES_DIR = "nodes";
const TRASH_PREFIX = ".trash-";

/** A directory name for a node: readable, and unique per owner and node id. */
export function nodeKey(ownerId: string, nodeId: string): string {
  const readable = nodeId.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 40);
  const hash = createHash("sha256").update(`${ownerId}\u0000${nodeId}`).digest("hex").slice(0, 10);
  return `${readable}-${hash}`;
}

/** The logs of failed nodes outlive their directories; this many are kept, the newest. */
const KEPT_LOGS = 50;

export class NodeDirs {
  readonly root: string;
  /** Where a failed node's daemon log is kept after its directory is removed. */
  readonly failedLogs: string;

  constructor(stateDir: string) {
    this.root = path.join(stateDir, NODES_DIR);
    this.failedLogs = path.join(stateDir, "failed-logs");
  }

  dir(key: string): string {
    return path.join(this.root, key);
  }

  /** The path a failed node's daemon log is kept at (see keepLog). */
  keptLog(key: string): string {
    return path.join(this.failedLogs, `${key}.log`);
  }

  /** Keeps the node's daemon and setup logs, one file, before its directory goes; drops the oldest beyond KEPT_LOGS. */
  async keepLog(key: string): Promise<void> {
    const parts = await Promise.all(
      ["daemon.log", "setup.log"].map((name) =>
        fs.readFile(path.join(this.dir(key), name), "utf8").then(
          (t) => `== ${name}\n${t}`,
          () => "",
        ),
      ),
    );
    if (!parts.some((p) => p !== "")) return;
    await fs.mkdir(this.failedLogs, { recursive: true, mode: 0o700 });
    await fs.writeFile(this.keptLog(key), parts.join(""));
    const kept = await Promise.all(
      (await fs.readdir(this.failedLogs)).map(async (name) => {
        const file = path.join(this.failedLogs, name);
        return { file, at: (await fs.stat(file).catch(() => undefined))?.mtimeMs ?? 0 };
      }),
    );
    kept.sort((a, b) => b.at - a.at);
    for (const old of kept.slice(KEPT_LOGS)) await fs.rm(old.file, { force: true });
  }

  async init(): Promise<void> {
    await fs.mkdir(this.root, { recursive: true });
  }

  async read(key: string): Promise<NodeRecord | undefined> {
    try {
      const record = JSON.parse(await fs.readFile(path.join(this.dir(key), "node.json"), "utf8")) as NodeRecord;
      return record.format === NODE_FORMAT ? record : undefined;
    } catch {
      return undefined;
    }
  }

  async write(key: string, record: NodeRecord): Promise<void> {
    await replaceFile(path.join(this.dir(key), "node.json"), JSON.stringify(record, null, 2));
  }

  async daemonStatus(key: string): Promise<DaemonStatus | undefined> {
    try {
      return JSON.parse(await fs.readFile(path.join(this.dir(key), "daemon.json"), "utf8")) as DaemonStatus;
    } catch {
      return undefined;
    }
  }

  /** Every node directory with a record, by key. */
  async all(): Promise<Map<string, NodeRecord>> {
    const result = new Map<string, NodeRecord>();
    let names: string[];
    try {
      names = await fs.readdir(this.root);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return result;
      throw err;
    }
    for (const name of names) {
      if (name.startsWith(".")) continue;
      const record = await this.read(name);
      if (record) result.set(name, record);
    }
    return result;
  }

  /** Moves the node's directory out of sight at once, then removes it in the background. */
  async remove(key: string): Promise<void> {
    const trash = path.join(this.root, `${TRASH_PREFIX}${key}-${randomBytes(4).toString("hex")}`);
    try {
      await fs.rename(this.dir(key), trash);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
      throw err;
    }
    void fs.rm(trash, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
  }

  /** Removes what earlier removals left behind. */
  async emptyTrash(): Promise<void> {
    for (const name of await fs.readdir(this.root).catch(() => [] as string[])) {
      if (name.startsWith(TRASH_PREFIX)) await fs.rm(path.join(this.root, name), { recursive: true, force: true, maxRetries: 3 });
    }
  }
}

export async function replaceFile(file: string, text: string, mode = 0o644): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(3).toString("hex")}.tmp`;
  await fs.writeFile(tmp, text, { mode });
  await fs.rename(tmp, file);
}

/** The start time of a process (clock ticks since boot), or undefined if it is gone or a zombie. */
export function processStart(pid: number): number | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] === "Z" || fields[0] === "X") return undefined;
    const start = Number(fields[19]);
    return Number.isFinite(start) ? start : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the process we recorded still runs (not a zombie, not a reused pid). */
export function isRunning(pid: number, start: number): boolean {
  const actual = processStart(pid);
  return actual !== undefined && actual === start;
}

/**
 * Stops a node's process group: SIGTERM (the daemon closes its sessions), then
 * SIGKILL after graceMs. Resolves once the leader is gone.
 */
export async function stopGroup(pid: number, start: number, graceMs = 1000): Promise<void> {
  if (!isRunning(pid, start)) return;
  signalGroup(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (isRunning(pid, start) && Date.now() < deadline) await sleep(10);
  if (!isRunning(pid, start)) {
    // The leader went; anything left in its group goes too.
    signalGroup(pid, "SIGKILL");
    return;
  }
  signalGroup(pid, "SIGKILL");
  const killDeadline = Date.now() + 5000;
  while (isRunning(pid, start) && Date.now() < killDeadline) await sleep(10);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Gone already.
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
