import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, openSync, promises as fs } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { StandbyError } from "../../common/errors.js";
import type { Logger } from "../../common/log.js";
import { isRunning, processStart, replaceFile, stopGroup } from "./nodes.js";
import { unshareArgs, type Isolation } from "./placement.js";

/**
 * Warm spares: node daemons started ahead of time, waiting to be told which
 * node to become. Loading Node and ssh2 takes a few hundred milliseconds of
 * CPU, far more than the rest of a boot (the overlay mount, keys, listen);
 * with a spare ready, a boot costs only the rest. Spares live in their own
 * namespaces already (made at spawn), one spare per node, never reused.
 *
 *   <stateDir>/spares/<id>/spare.json   SpareRecord (the plugin's)
 *   <stateDir>/spares/<id>/daemon.log   moves to the node's directory on assignment
 *   <stateDir>/spares/<id>/ready        written by the daemon once loaded
 *   <stateDir>/spares/<id>/assign       the node directory, written by the plugin
 *
 * Like nodes, spares outlive a killed plugin and are adopted by the next one.
 * Unlike nodes, nobody else knows about them: a plugin that never comes back
 * (removed from the configuration, a crashed test) would leave them forever.
 * So the plugin touches <stateDir>/spares/heartbeat every minute, and a spare
 * that sees it older than SPARE_ORPHAN_MS exits.
 */
export interface SpareRecord {
  id: string;
  pid: number;
  pidStart: number;
  isolation: Isolation;
  createdAt: number;
}

export const DAEMON_SCRIPT = fileURLToPath(new URL("./node-daemon.js", import.meta.url));

export const HEARTBEAT_FILE = "heartbeat";
const HEARTBEAT_MS = 60_000;

/** Spawns a node daemon detached in its own session (and namespaces); returns the group leader. */
export async function spawnDaemon(
  daemonArgs: string[],
  options: { cwd: string; logFile: string; isolation: Isolation; env: NodeJS.ProcessEnv },
): Promise<{ pid: number; pidStart: number }> {
  const daemon = [process.execPath, DAEMON_SCRIPT, ...daemonArgs];
  // In namespaces, a shell as PID 1 reaps the orphans jobs leave (node would not).
  const argv =
    options.isolation === "namespaces" ? ["unshare", ...unshareArgs(), "--", "/bin/sh", "-c", '"$@" & wait $!', "sh", ...daemon] : daemon;
  const logFd = openSync(options.logFile, "a");
  try {
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: options.cwd,
      detached: true,
      stdio: ["ignore", logFd, logFd],
      // Never the plugin's environment: it holds the plugin's secret.
      env: {
        PATH: options.env.PATH ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        LANG: options.env.LANG ?? "C.UTF-8",
        ...(options.env.STANDBY_LOG_LEVEL ? { STANDBY_LOG_LEVEL: options.env.STANDBY_LOG_LEVEL } : {}),
      },
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once("error", reject);
      child.once("spawn", () => resolve(child.pid!));
    });
    child.unref();
    const pidStart = processStart(pid);
    if (pidStart === undefined) throw new StandbyError("unavailable", `a node daemon exited at once (see ${options.logFile})`);
    return { pid, pidStart };
  } finally {
    closeSync(logFd);
  }
}

export class Spares {
  /** Taken by a boot and not yet handed its node. */
  private readonly claimed = new Set<string>();
  /**
   * Handed a node: never taken again, even while the daemon, now a node's,
   * is still removing its spare directory (all() could otherwise see the
   * record without the assign file and offer it to a second boot, whose
   * failed hand-over would then stop the first node's daemon).
   */
  private readonly assigned = new Set<string>();
  private taking: Promise<unknown> = Promise.resolve();
  private replenishing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly dir: string,
    private readonly want: { count: number; isolation: Isolation },
    private readonly env: NodeJS.ProcessEnv,
    private readonly log: Logger,
  ) {}

  /** Adopts the live spares a previous run left, drops dead or unsuitable ones, and starts the missing ones. */
  async init(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    await this.beat();
    this.heartbeat = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
    for (const spare of await this.all()) {
      const usable = spare.isolation === this.want.isolation && this.want.count > 0;
      if (!usable) await this.discard(spare);
    }
    this.replenishSoon(0);
  }

  /** A live, unassigned spare for a boot, or undefined (the boot then starts a daemon itself). */
  take(): Promise<SpareRecord | undefined> {
    if (this.want.count === 0 || this.closed) return Promise.resolve(undefined);
    // One at a time, so two boots never get the same spare.
    const result = this.taking.then(async () => {
      const spares = (await this.all()).filter((s) => !this.claimed.has(s.id) && s.isolation === this.want.isolation);
      const spare = spares.sort((a, b) => a.createdAt - b.createdAt)[0];
      if (spare) this.claimed.add(spare.id);
      this.replenishSoon(300);
      return spare;
    });
    this.taking = result.catch(() => undefined);
    return result;
  }

  /** Hands the spare its node: from now on it is that node's daemon. */
  async assign(spare: SpareRecord, nodeDir: string): Promise<void> {
    await replaceFile(path.join(this.dir, spare.id, "assign"), `${nodeDir}\n`);
    this.assigned.add(spare.id);
    this.claimed.delete(spare.id);
  }

  /** Stops starting spares (a new configuration takes over); the running ones stay for it to adopt. */
  detach(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.heartbeat) clearInterval(this.heartbeat);
  }

  /**
   * A spare that could not be handed its node. Stopped only while it is
   * still an unassigned spare: when its directory is gone it died or became
   * a node, and either way its process is not ours to stop.
   */
  async release(spare: SpareRecord): Promise<void> {
    this.claimed.delete(spare.id);
    const dir = path.join(this.dir, spare.id);
    if (this.assigned.has(spare.id) || !existsSync(path.join(dir, "spare.json")) || existsSync(path.join(dir, "assign"))) return;
    await this.discard(spare);
  }

  /** Stops every unassigned spare (the plugin shuts down). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.replenishing;
    for (const spare of await this.all()) if (!this.claimed.has(spare.id)) await this.discard(spare);
  }

  /** Unassigned spares on disk whose daemon runs; dead ones are removed. */
  private async all(): Promise<SpareRecord[]> {
    const result: SpareRecord[] = [];
    const ids = await fs.readdir(this.dir).catch(() => [] as string[]);
    for (const id of this.assigned) if (!ids.includes(id)) this.assigned.delete(id);
    for (const id of ids) {
      // What a daemon that became a node was removing when it died.
      if (id.startsWith(".gone-")) await fs.rm(path.join(this.dir, id), { recursive: true, force: true });
      if (!id.startsWith("spare-") || this.assigned.has(id)) continue;
      const dir = path.join(this.dir, id);
      let spare: SpareRecord;
      try {
        spare = JSON.parse(await fs.readFile(path.join(dir, "spare.json"), "utf8")) as SpareRecord;
      } catch {
        // Being created (no record yet), or garbage older than a minute.
        const stat = await fs.stat(dir).catch(() => undefined);
        if (stat && Date.now() - stat.mtimeMs > 60_000) await fs.rm(dir, { recursive: true, force: true });
        continue;
      }
      if (existsSync(path.join(dir, "assign"))) continue; // becoming a node
      if (!isRunning(spare.pid, spare.pidStart)) {
        // A spare that died is worth a look: its log is kept beside the failed nodes' logs.
        const kept = path.join(path.dirname(this.dir), "failed-logs", `${id}.log`);
        const saved = await fs
          .mkdir(path.dirname(kept), { recursive: true, mode: 0o700 })
          .then(() => fs.rename(path.join(dir, "daemon.log"), kept))
          .then(
            () => true,
            () => false,
          );
        this.log.warn({ spare: id, ...(saved ? { log: kept } : {}) }, "a warm spare's daemon died; removed");
        await fs.rm(dir, { recursive: true, force: true });
        continue;
      }
      result.push(spare);
    }
    return result;
  }

  private async beat(): Promise<void> {
    await fs.writeFile(path.join(this.dir, HEARTBEAT_FILE), `${Date.now()}\n`).catch(() => undefined);
  }

  private async discard(spare: SpareRecord): Promise<void> {
    await stopGroup(spare.pid, spare.pidStart, 200);
    await fs.rm(path.join(this.dir, spare.id), { recursive: true, force: true });
  }

  private replenishSoon(delayMs: number): void {
    if (this.closed || this.want.count === 0 || this.timer) return;
    // Later rather than now: a spare loading takes CPU from the node that was just assigned.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.replenishing ??= this.replenish().finally(() => (this.replenishing = undefined));
    }, delayMs);
    this.timer.unref();
  }

  private async replenish(): Promise<void> {
    try {
      let live = (await this.all()).filter((s) => !this.claimed.has(s.id)).length;
      while (!this.closed && live < this.want.count) {
        await this.start();
        live++;
      }
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, "cannot start a warm spare; boots start their daemons themselves");
    }
  }

  private async start(): Promise<void> {
    const id = `spare-${randomBytes(6).toString("hex")}`;
    const dir = path.join(this.dir, id);
    await fs.mkdir(dir, { mode: 0o700 });
    const { pid, pidStart } = await spawnDaemon(["--spare", dir], {
      // Not the spare's own directory: it goes away once the spare is a node.
      cwd: this.dir,
      logFile: path.join(dir, "daemon.log"),
      isolation: this.want.isolation,
      env: this.env,
    });
    const spare: SpareRecord = { id, pid, pidStart, isolation: this.want.isolation, createdAt: Date.now() };
    await replaceFile(path.join(dir, "spare.json"), JSON.stringify(spare));
  }
}
