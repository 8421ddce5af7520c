import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { StandbyError } from "../../common/errors.js";
import { silentLogger, type Logger } from "../../common/log.js";
import { NODE_TAG, OWNER_TAG, type BootSpec, type Flavor, type ImageInfo, type Instance, type Quota } from "../../common/provider.js";
import { cryptoRandom, type Random } from "../../common/random.js";
import { KeyedLock } from "../sdk/keyed-lock.js";
import { ENV_STATE_DIR, type PluginConfig, type PluginDescription, type PluginImplementation } from "../sdk/index.js";
import { sshExec, SshClientError, type SshTarget } from "../../common/ssh-client.js";
import { parseSshKey, publicKeyLine } from "../../common/ssh-keys.js";
import { hostName, parseStaticSettings, type StaticHost, type StaticSettings } from "./settings.js";

export const STATIC_STATE_FORMAT = "standby-static/1";
export const STATE_FILE = "static-hosts.json";

/** Where the host is, as it was when the job was assigned (the settings may change meanwhile). */
export interface HostAddress {
  host: string;
  address: string;
  port: number;
  username: string;
  hostKey: string;
}

export interface Assignment extends HostAddress {
  instanceId: string;
  nodeId: string;
  ownerId: string;
  label: string;
  tags: Record<string, string>;
  image: string;
  flavor: string;
  createdAt: number;
  /** claiming: keys being installed; assigned: the job's; releasing: the cleanup runs. */
  state: "claiming" | "assigned" | "releasing";
}

/** A job whose cleanup did not run yet (its host was down); the host is not handed out until it has. */
export interface PendingCleanup extends HostAddress {
  nodeId: string;
  instanceId: string;
}

export interface HostState {
  failed: boolean;
  reason: string;
  failedAt: number;
  nextRetryAt: number;
  pending: PendingCleanup[];
}

export interface StaticState {
  format: string;
  assignments: Assignment[];
  hosts: Record<string, HostState>;
}

export interface StaticHostsOptions {
  version?: string;
  logger?: Logger;
  random?: Random;
  env?: NodeJS.ProcessEnv;
}

interface Configured {
  settings: StaticSettings;
  ownerId: string;
  file: string;
  privateKey: string;
  /** The plugin's own key as an authorized_keys line. */
  ownKey: string;
  hosts: Map<string, StaticHost>;
}

/**
 * Machines that already exist, listed in the settings, handed out one job at a
 * time (up to maxJobs each). Boot assigns a free host and installs the boot's
 * keys on it over SSH with the plugin's key; delete runs the cleanup script
 * there, removes the job's keys and returns the host to the pool. A host that
 * does not answer is marked failed, not handed out, and tried again every
 * retryFailedMs. Assignments live in a state file, so a restarted plugin
 * knows which node is on which host.
 */
export class StaticHosts implements PluginImplementation {
  private readonly version: string;
  private readonly log: Logger;
  private readonly random: Random;
  private readonly env: NodeJS.ProcessEnv;
  private current: Configured | undefined;
  private state: StaticState = emptyState();
  private readonly locks = new KeyedLock();
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly retrying = new Set<string>();
  private writing: Promise<void> = Promise.resolve();

  constructor(options: StaticHostsOptions = {}) {
    this.version = options.version ?? "0.0.0";
    this.log = options.logger ?? silentLogger;
    this.random = options.random ?? cryptoRandom;
    this.env = options.env ?? process.env;
  }

  describe(): PluginDescription {
    return { name: "static", version: this.version, capabilities: ["quota"] };
  }

  async configure(config: PluginConfig): Promise<void> {
    const settings = parseStaticSettings(config.settings);
    if (!config.ownerId) throw StandbyError.invalidArgument("owner_id", "required");
    const privateKey = config.secrets.sshPrivateKey;
    if (!privateKey) throw StandbyError.invalidArgument("secrets.sshPrivateKey", "required (the plugin's SSH private key)");
    let ownKey: string;
    try {
      const parsed = parseSshKey(privateKey, "secrets.sshPrivateKey");
      if (!parsed.isPrivateKey()) throw new Error("not a private key");
      ownKey = publicKeyLine(parsed);
    } catch {
      // Never echo the secret, not even in part.
      throw StandbyError.invalidArgument("secrets.sshPrivateKey", "not an unencrypted SSH private key");
    }
    const stateDir = settings.stateDir ?? this.env[ENV_STATE_DIR];
    if (!stateDir) {
      throw new StandbyError("failed-precondition", `settings.stateDir: not set, and ${ENV_STATE_DIR} is not in the environment`, {
        field: "settings.stateDir",
      });
    }
    const file = path.resolve(stateDir, STATE_FILE);
    try {
      await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      this.state = await readState(file);
    } catch (err) {
      throw new StandbyError("failed-precondition", `settings.stateDir: cannot use ${file}: ${(err as Error).message}`, {
        cause: err,
        field: "settings.stateDir",
      });
    }
    this.current = {
      settings,
      ownerId: config.ownerId,
      file,
      privateKey,
      ownKey,
      hosts: new Map(settings.hosts.map((h) => [hostName(h), h])),
    };
    // Work a previous run left half done: cleanups are finished by the retry loop.
    for (const a of [...this.state.assignments]) {
      if (a.state === "releasing") this.deferCleanup(a, "the cleanup was interrupted by a plugin restart", 0);
    }
    await this.save();
    this.retryTimer ??= setInterval(() => void this.retryFailedHosts(), Math.min(1000, settings.retryFailedMs));
    this.retryTimer.unref();
    this.log.info(
      { provider: config.providerName, hosts: settings.hosts.length, assignments: this.state.assignments.length, stateFile: file },
      "static hosts configured",
    );
  }

  async boot(spec: BootSpec): Promise<Instance> {
    const c = this.configured();
    return this.locks.run(`node:${spec.nodeId}`, async () => {
      const existing = this.find(c.ownerId, spec.nodeId);
      if (existing && existing.state === "assigned") return this.toInstance(existing);
      if (existing && existing.state === "claiming") {
        // A boot interrupted by a restart: install the keys again on the same host.
        return this.finishClaim(existing, spec);
      }
      if (existing) throw new StandbyError("unavailable", `node ${spec.nodeId} is being deleted`);

      const matching = [...c.hosts.values()].filter((h) => h.labels.length === 0 || h.labels.includes(spec.label));
      const byImage = matching.filter((h) => !spec.image || h.image === spec.image);
      if (byImage.length === 0) {
        throw new StandbyError("not-found", `image "${spec.image}" not found: no host for label "${spec.label}" has it`, {
          field: "template.image",
        });
      }
      const candidates = byImage.filter((h) => !spec.flavor || h.flavor === spec.flavor);
      if (candidates.length === 0)
        throw new StandbyError("not-found", `flavor "${spec.flavor}" not found on any host with image "${spec.image}"`, {
          field: "template.flavor",
        });

      const tried = new Set<string>();
      for (;;) {
        const host = this.pickFree(candidates.filter((h) => !tried.has(hostName(h))));
        if (!host) {
          const failed = candidates.filter((h) => this.hostState(hostName(h)).failed).length;
          throw new StandbyError(
            "resource-exhausted",
            `all ${candidates.length} matching static hosts are busy${failed > 0 ? ` (${failed} failed, retried every ${c.settings.retryFailedMs} ms)` : ""}`,
          );
        }
        tried.add(hostName(host));
        const assignment: Assignment = {
          ...addressOf(host),
          instanceId: this.random.id("static"),
          nodeId: spec.nodeId,
          ownerId: c.ownerId,
          label: spec.label,
          tags: { ...host.tags, ...spec.tags, [OWNER_TAG]: c.ownerId, [NODE_TAG]: spec.nodeId },
          image: host.image,
          flavor: host.flavor,
          createdAt: Date.now(),
          state: "claiming",
        };
        this.state.assignments.push(assignment);
        await this.save();
        try {
          return await this.finishClaim(assignment, spec);
        } catch (err) {
          if (!(err instanceof StandbyError && err.code === "unavailable")) throw err;
          // That host is down: it was marked failed; try the next one.
        }
      }
    });
  }

  async getInstance(nodeId: string): Promise<Instance> {
    const c = this.configured();
    const assignment = this.find(c.ownerId, nodeId);
    if (!assignment) throw new StandbyError("not-found", `no instance for node ${nodeId}`);
    return this.toInstance(assignment);
  }

  async deleteInstance(nodeId: string): Promise<void> {
    const c = this.configured();
    await this.locks.run(`node:${nodeId}`, async () => {
      const assignment = this.find(c.ownerId, nodeId);
      if (!assignment) return;
      assignment.state = "releasing";
      await this.save();
      const lastJob = !this.state.assignments.some((a) => a !== assignment && a.host === assignment.host);
      try {
        await this.locks.run(`host:${assignment.host}`, () => this.cleanup(assignment, lastJob));
        this.removeAssignment(assignment);
        await this.save();
        this.log.info({ node: nodeId, host: assignment.host }, "host cleaned and returned to the pool");
      } catch (err) {
        // The node is gone for the scheduler either way; the host waits for its cleanup.
        this.deferCleanup(assignment, (err as Error).message, Date.now() + c.settings.retryFailedMs);
        await this.save();
        this.log.warn({ node: nodeId, host: assignment.host, err: (err as Error).message }, "cleanup failed; host marked failed");
      }
    });
  }

  listInstances(): Instance[] {
    this.configured();
    return this.state.assignments.map((a) => this.toInstance(a));
  }

  listFlavors(): Flavor[] {
    return this.configured().settings.flavors.map((f) => ({ ...f }));
  }

  listImages(): ImageInfo[] {
    const names = new Set(this.configured().settings.hosts.map((h) => h.image));
    return [...names].map((name) => ({ id: name, name, createdAt: 0, tags: {}, visibility: "public", sizeBytes: 0 }));
  }

  getQuota(): Quota {
    const c = this.configured();
    const usable = [...c.hosts.values()].filter((h) => !this.hostState(hostName(h)).failed);
    const flavorOf = (name: string): Flavor | undefined => c.settings.flavors.find((f) => f.name === name);
    const used = this.state.assignments;
    return {
      maxInstances: usable.reduce((sum, h) => sum + h.maxJobs, 0),
      maxCores: 0,
      maxRamMb: 0,
      usedInstances: used.length,
      usedCores: used.reduce((sum, a) => sum + (flavorOf(a.flavor)?.cores ?? 0), 0),
      usedRamMb: used.reduce((sum, a) => sum + (flavorOf(a.flavor)?.ramMb ?? 0), 0),
    };
  }

  async close(): Promise<void> {
    if (this.retryTimer) clearInterval(this.retryTimer);
    this.retryTimer = undefined;
    await this.writing;
  }

  /** The state as the plugin sees it (tests, operators). */
  snapshotState(): StaticState {
    return JSON.parse(JSON.stringify(this.state)) as StaticState;
  }

  private configured(): Configured {
    if (!this.current) throw new StandbyError("failed-precondition", "static hosts not configured");
    return this.current;
  }

  private find(ownerId: string, nodeId: string): Assignment | undefined {
    return this.state.assignments.find((a) => a.ownerId === ownerId && a.nodeId === nodeId);
  }

  private hostState(name: string): HostState {
    return (this.state.hosts[name] ??= { failed: false, reason: "", failedAt: 0, nextRetryAt: 0, pending: [] });
  }

  /** The least busy host with a free slot that is not failed and owes no cleanup. */
  private pickFree(candidates: StaticHost[]): StaticHost | undefined {
    let best: { host: StaticHost; used: number } | undefined;
    for (const host of candidates) {
      const name = hostName(host);
      const state = this.hostState(name);
      if (state.failed || state.pending.length > 0) continue;
      const used = this.state.assignments.filter((a) => a.host === name).length;
      if (used >= host.maxJobs) continue;
      if (!best || used / host.maxJobs < best.used / best.host.maxJobs) best = { host, used };
    }
    return best?.host;
  }

  /** Installs the boot's keys on the host; a host that does not answer is marked failed (unavailable). */
  private async finishClaim(assignment: Assignment, spec: BootSpec): Promise<Instance> {
    const c = this.configured();
    const lines = spec.sshPublicKeys
      .map((k) => k.trim())
      .filter(Boolean)
      .map((k) => `${k} ${marker(assignment.nodeId)}`);
    const script = [
      "set -e",
      "umask 077",
      `f=${keysFileExpr(c.settings.authorizedKeysFile)}`,
      'mkdir -p "$(dirname "$f")"',
      'touch "$f"',
      // Keep a missing final newline from gluing our first key to the last line.
      'if [ -s "$f" ] && [ -n "$(tail -c 1 "$f")" ]; then echo >> "$f"; fi',
      ...lines.map((line) => `printf '%s\\n' ${shQuote(line)} >> "$f"`),
      "echo standby-claimed",
    ].join("\n");
    try {
      const result = await this.runOnHost(assignment, script);
      if (result.code !== 0 || !result.stdout.includes("standby-claimed")) {
        throw new SshClientError("protocol", `key installation exited with ${result.code}: ${result.stderr.trim().slice(0, 300)}`);
      }
    } catch (err) {
      this.removeAssignment(assignment);
      // The keys may be half written: clean up before the host is used again.
      this.deferCleanup(assignment, `claim failed: ${(err as Error).message}`, Date.now() + c.settings.retryFailedMs);
      await this.save();
      this.log.warn(
        { node: assignment.nodeId, host: assignment.host, err: (err as Error).message },
        "host did not take the claim; marked failed",
      );
      throw new StandbyError("unavailable", `static host ${assignment.host} does not answer: ${(err as Error).message}`, { cause: err });
    }
    assignment.state = "assigned";
    await this.save();
    this.log.info({ node: assignment.nodeId, host: assignment.host }, "host assigned");
    return this.toInstance(assignment);
  }

  /** Runs the operator's cleanup script, then removes the job's keys (all but ours and keepKeys when the host is idle). */
  private async cleanup(job: HostAddress & { nodeId: string }, hostIdle: boolean): Promise<void> {
    const c = this.configured();
    const env = `STANDBY_NODE_ID=${shQuote(job.nodeId)} STANDBY_HOST=${shQuote(job.host)} STANDBY_HOST_IDLE=${hostIdle ? "1" : "0"}`;
    const keep = [c.ownKey, ...c.settings.keepKeys.map((k) => k.trim())];
    const lines = [
      "umask 077",
      `f=${keysFileExpr(c.settings.authorizedKeysFile)}`,
      c.settings.cleanupScript.trim() ? `${env} /bin/sh -c ${shQuote(c.settings.cleanupScript)} || exit $?` : ":",
      hostIdle && c.settings.resetAuthorizedKeys
        ? [
            'mkdir -p "$(dirname "$f")"',
            `printf '%s\\n' ${keep.map(shQuote).join(" ")} > "$f.standby-tmp"`,
            'mv -f "$f.standby-tmp" "$f"',
          ].join("\n")
        : [
            'if [ -f "$f" ]; then',
            `  grep -v -E ${shQuote(`(^|[[:space:]])${escapeRegex(marker(job.nodeId))}([[:space:]]|$)`)} "$f" > "$f.standby-tmp" || true`,
            '  mv -f "$f.standby-tmp" "$f"',
            "fi",
          ].join("\n"),
      "echo standby-cleaned",
    ];
    const result = await this.runOnHost(job, lines.join("\n"));
    if (result.code !== 0 || !result.stdout.includes("standby-cleaned")) {
      throw new Error(`cleanup on ${job.host} exited with ${result.code ?? result.signal}: ${result.stderr.trim().slice(0, 300)}`);
    }
  }

  private runOnHost(host: HostAddress, script: string): ReturnType<typeof sshExec> {
    const c = this.configured();
    const target: SshTarget = {
      host: host.address,
      port: host.port,
      username: host.username,
      privateKey: c.privateKey,
      hostKey: host.hostKey,
    };
    // The script goes on stdin so no login shell (bash, zsh, fish) has to parse it.
    return sshExec(target, "/bin/sh -s", {
      stdin: script,
      connectTimeoutMs: c.settings.connectTimeoutMs,
      timeoutMs: c.settings.cleanupTimeoutMs,
    });
  }

  private removeAssignment(assignment: Assignment): void {
    this.state.assignments = this.state.assignments.filter((a) => a !== assignment);
  }

  /** The job leaves the assignments; its host owes a cleanup and is failed until it ran. */
  private deferCleanup(assignment: Assignment, reason: string, retryAt: number): void {
    this.removeAssignment(assignment);
    const state = this.hostState(assignment.host);
    const { host, address, port, username, hostKey, nodeId, instanceId } = assignment;
    if (!state.pending.some((p) => p.instanceId === instanceId))
      state.pending.push({ host, address, port, username, hostKey, nodeId, instanceId });
    if (!state.failed) state.failedAt = Date.now();
    state.failed = true;
    state.reason = reason;
    state.nextRetryAt = retryAt;
  }

  /** Failed hosts whose time has come: finish their cleanups, or see whether they answer again. */
  private async retryFailedHosts(): Promise<void> {
    const c = this.current;
    if (!c) return;
    const now = Date.now();
    for (const [name, state] of Object.entries(this.state.hosts)) {
      if (!state.failed || state.nextRetryAt > now || this.retrying.has(name)) continue;
      this.retrying.add(name);
      void this.locks.run(`host:${name}`, async () => {
        try {
          const configured = c.hosts.get(name);
          for (const job of [...state.pending]) {
            const idle = !this.state.assignments.some((a) => a.host === name) && state.pending.length === 1;
            await this.cleanup(configured ? { ...job, ...addressOf(configured) } : job, idle);
            state.pending = state.pending.filter((p) => p !== job);
            await this.save();
          }
          if (!configured) {
            delete this.state.hosts[name];
          } else {
            const probe = await this.runOnHost(addressOf(configured), "echo standby-alive");
            if (!probe.stdout.includes("standby-alive")) throw new Error(`probe exited with ${probe.code}`);
            state.failed = false;
            state.reason = "";
            this.log.info({ host: name }, "failed host answers again; back in the pool");
          }
        } catch (err) {
          state.reason = (err as Error).message;
          state.nextRetryAt = Date.now() + c.settings.retryFailedMs;
        } finally {
          this.retrying.delete(name);
          await this.save().catch((err: unknown) => this.log.error({ err }, "cannot write the state file"));
        }
      });
    }
  }

  private toInstance(a: Assignment): Instance {
    const c = this.configured();
    const host = this.state.hosts[a.host];
    const state = a.state === "releasing" ? "deleting" : a.state === "claiming" ? "booting" : host?.failed ? "error" : "running";
    return {
      nodeId: a.ownerId === c.ownerId ? a.nodeId : "",
      instanceId: a.instanceId,
      state,
      addresses: [a.address],
      sshPort: a.port,
      username: a.username,
      hostKeys: [publicKeyLine(a.hostKey)],
      tags: { ...a.tags },
      image: a.image,
      flavor: a.flavor,
      createdAt: a.createdAt,
      error: state === "error" ? `host ${a.host} failed: ${host?.reason ?? ""}` : "",
    };
  }

  /** Writes the state file atomically; writes are serialized. */
  private save(): Promise<void> {
    const c = this.configured();
    const text = JSON.stringify(this.state, null, 2);
    this.writing = this.writing.then(async () => {
      const tmp = `${c.file}.${randomBytes(4).toString("hex")}.tmp`;
      await fs.writeFile(tmp, text, { mode: 0o600 });
      await fs.rename(tmp, c.file);
    });
    return this.writing;
  }
}

function emptyState(): StaticState {
  return { format: STATIC_STATE_FORMAT, assignments: [], hosts: {} };
}

async function readState(file: string): Promise<StaticState> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return emptyState();
    throw err;
  }
  const state = JSON.parse(text) as StaticState;
  if (state.format !== STATIC_STATE_FORMAT) throw new Error(`not a static hosts state file (want format ${STATIC_STATE_FORMAT})`);
  return { format: STATIC_STATE_FORMAT, assignments: state.assignments ?? [], hosts: state.hosts ?? {} };
}

function addressOf(host: StaticHost): HostAddress {
  return { host: hostName(host), address: host.address, port: host.port, username: host.username, hostKey: host.hostKey };
}

/** What marks a key line as installed for one node. */
export function marker(nodeId: string): string {
  return `standby-node=${nodeId}`;
}

export function shQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** A shell expression for the authorized_keys path: absolute, or under $HOME. */
function keysFileExpr(file: string): string {
  return file.startsWith("/") ? shQuote(file) : `"$HOME"/${shQuote(file)}`;
}
