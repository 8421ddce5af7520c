import { promises as fs } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { StandbyError } from "../../common/errors.js";
import { silentLogger, type Logger } from "../../common/log.js";
import {
  NODE_TAG,
  OWNER_TAG,
  type BootSpec,
  type Flavor,
  type ImageInfo,
  type Instance,
  type InstanceState,
  type Operation,
  type Quota,
  type SnapshotSpec,
} from "../../common/provider.js";
import { cryptoRandom, seededRandom, type Random } from "../../common/random.js";
import { KeyedLock } from "../sdk/keyed-lock.js";
import { ENV_STATE_DIR, type PluginConfig, type PluginDescription, type PluginImplementation } from "../sdk/index.js";
import { probeSsh } from "../../common/ssh-client.js";
import { generateEcdsaKey, generateEd25519Key } from "../../common/ssh-keys.js";
import { builtinImageFiles, ImageStore, Packer, type ImageMeta } from "./images.js";
import { isRunning, nodeKey, NodeDirs, NODE_FORMAT, replaceFile, stopGroup, type NodeRecord } from "./nodes.js";
import { detectCapabilities, type Capabilities } from "./placement.js";
import { numberToAddress, parseLocalSettings, parseRange, addressToNumber, type LocalSettings } from "./settings.js";
import { Spares, spawnDaemon } from "./spares.js";

export interface LocalCloudOptions {
  version?: string;
  logger?: Logger;
  /** Ids; also the failure dice unless settings.seed is set. */
  random?: Random;
  /** Defaults to process.env (for STANDBY_PLUGIN_STATE_DIR). */
  env?: NodeJS.ProcessEnv;
}

interface Configured {
  settings: LocalSettings;
  ownerId: string;
  stateDir: string;
  nodes: NodeDirs;
  images: ImageStore;
  packer: Packer;
  spares: Spares;
  capabilities: Capabilities;
  dice: Random;
  username: string;
  /** Next address to try, so a released address is not reused at once. */
  cursor: number;
}

interface OperationRecord {
  id: string;
  nodeId: string;
  imageId: string;
  imageName: string;
  state: "running" | "done" | "failed";
  error: string;
  createdAt: number;
  doneAt: number;
  /** The plugin run that works on it; another run finding it "running" knows it was interrupted. */
  runId: string;
}

/** Files of a node's workspace that never go into an image. */
const SNAPSHOT_EXCLUDES = new Set([".ssh/authorized_keys", ".ssh/authorized_keys2"]);

/**
 * The local provider: each node is a sandbox on this host with its own
 * loopback address, workspace and SSH server (a detached daemon process per
 * node, see node-daemon.ts). Everything is on disk under the state directory,
 * so the plugin can be restarted or killed at any time and adopts its nodes
 * again; nothing about a node lives only in this process.
 */
export class LocalCloud implements PluginImplementation {
  private readonly version: string;
  private readonly log: Logger;
  private readonly random: Random;
  private readonly env: NodeJS.ProcessEnv;
  private readonly runId: string;
  private current: Configured | undefined;
  /** Per node key: the call that holds it. */
  private readonly locks = new KeyedLock();
  private allocation: Promise<unknown> = Promise.resolve();
  /** Instances whose SSH has answered once (the daemon still running is checked every time). */
  private readonly answered = new Set<string>();
  private readonly snapshots = new Set<Promise<void>>();

  constructor(options: LocalCloudOptions = {}) {
    this.version = options.version ?? "0.0.0";
    this.log = options.logger ?? silentLogger;
    this.random = options.random ?? cryptoRandom;
    this.env = options.env ?? process.env;
    this.runId = this.random.id("run");
  }

  describe(): PluginDescription {
    // Snapshots leave out authorized_keys; the host key lives outside the workspace (SNAPSHOT_EXCLUDES).
    return { name: "local", version: this.version, capabilities: ["snapshot", "quota", "scrubbed-snapshots"] };
  }

  /** What Configure found out about this host (undefined before it). */
  capabilities(): Capabilities | undefined {
    return this.current?.capabilities;
  }

  async configure(config: PluginConfig): Promise<void> {
    const settings = parseLocalSettings(config.settings);
    if (!config.ownerId) throw StandbyError.invalidArgument("owner_id", "required");
    const stateDirSetting = settings.stateDir ?? this.env[ENV_STATE_DIR];
    if (!stateDirSetting) {
      throw new StandbyError("failed-precondition", `settings.stateDir: not set, and ${ENV_STATE_DIR} is not in the environment`, {
        field: "settings.stateDir",
      });
    }
    const stateDir = path.resolve(stateDirSetting);
    const imagesDir = path.resolve(stateDir, settings.imagesDir ?? "images");
    const nodes = new NodeDirs(stateDir);
    try {
      await fs.mkdir(stateDir, { recursive: true, mode: 0o700 });
      await nodes.init();
      await fs.mkdir(path.join(stateDir, "operations"), { recursive: true });
      await fs.mkdir(path.join(stateDir, "tmp"), { recursive: true });
      await fs.access(stateDir, fs.constants.W_OK);
    } catch (err) {
      throw new StandbyError("failed-precondition", `settings.stateDir: cannot use ${stateDir}: ${(err as Error).message}`, {
        cause: err,
        field: "settings.stateDir",
      });
    }
    const packer = new Packer(settings.snapshotThreads);
    const images = new ImageStore(imagesDir, packer);
    await images.init();
    const capabilities = await detectCapabilities(
      { placement: settings.placement, isolation: settings.isolation },
      { scratch: path.join(stateDir, "tmp"), images: imagesDir, nodes: nodes.root },
    );
    for (const base of settings.baseImages) {
      const name = typeof base === "string" ? base : base.name;
      if (await images.get(name)) continue;
      try {
        await images.create(
          { id: name, name, tags: {}, visibility: "public", source: typeof base === "string" ? `builtin:${base}` : `dir:${base.fromDir}` },
          typeof base === "string"
            ? { kind: "files", files: builtinImageFiles(base) }
            : { kind: "copy", fromDir: path.resolve(base.fromDir) },
        );
        this.log.info({ image: name }, "base image created");
      } catch (err) {
        if (StandbyError.from(err).code === "already-exists") continue;
        throw new StandbyError("failed-precondition", `settings.baseImages: cannot create image "${name}": ${(err as Error).message}`, {
          cause: err,
          field: "settings.baseImages",
        });
      }
    }
    const previous = this.current;
    // Spares in another state directory would never be used or adopted: stop them.
    if (previous && previous.stateDir !== stateDir) await previous.spares.close();
    else previous?.spares.detach();
    const spares = new Spares(
      path.join(stateDir, "spares"),
      { count: settings.warmSpares, isolation: capabilities.isolation },
      this.env,
      this.log,
    );
    this.current = {
      settings,
      ownerId: config.ownerId,
      stateDir,
      nodes,
      images,
      packer,
      spares,
      capabilities,
      dice: settings.seed === undefined ? this.random : seededRandom(settings.seed),
      username: os.userInfo().username,
      cursor: previous?.stateDir === stateDir ? previous.cursor : 0,
    };
    // The old pool finishes the snapshots it works on first.
    if (previous) void Promise.allSettled([...this.snapshots]).then(() => previous.packer.close());
    await nodes.emptyTrash();
    await this.cleanUpInterrupted();
    await this.collectImages();
    await spares.init();
    const adopted = (await nodes.all()).size;
    this.log.info(
      {
        provider: config.providerName,
        stateDir,
        placement: capabilities.placement,
        isolation: capabilities.isolation,
        notes: capabilities.notes,
        adopted,
      },
      "local provider configured",
    );
  }

  async boot(spec: BootSpec): Promise<Instance> {
    const c = this.configured();
    const key = nodeKey(c.ownerId, spec.nodeId);
    return this.locks.run(key, async () => {
      const existing = await c.nodes.read(key);
      if (existing && existing.phase === "started") return this.toInstance(key, existing);
      if (existing) await this.discard(key, existing); // a boot interrupted by a crash: start over

      const flavor = spec.flavor ? c.settings.flavors.find((f) => f.name === spec.flavor) : c.settings.flavors[0];
      if (!flavor) throw new StandbyError("not-found", `flavor "${spec.flavor}" not found`, { field: "template.flavor" });
      const image = await c.images.resolve(spec.image);
      if (!image) throw new StandbyError("not-found", `image "${spec.image}" not found`, { field: "template.image" });

      const record = await this.allocate(key, spec, image, flavor);
      const dir = c.nodes.dir(key);
      if (record.outcome === "fail") {
        await c.nodes.write(key, { ...record, phase: "started" });
        return this.toInstance(key, { ...record, phase: "started" });
      }
      const hostKey = generateEd25519Key(`standby-local ${spec.nodeId}`);
      await replaceFile(path.join(dir, "host_key"), hostKey.privateKey, 0o600);
      const ecdsa = c.settings.ecdsaHostKey ? generateEcdsaKey(`standby-local ${spec.nodeId}`) : undefined;
      if (ecdsa) await replaceFile(path.join(dir, "host_key_ecdsa"), ecdsa.privateKey, 0o600);
      await fs.writeFile(path.join(dir, "initial_keys"), spec.sshPublicKeys.map((k) => `${k.trim()}\n`).join(""), { mode: 0o600 });
      await fs.mkdir(path.join(dir, "root"), { mode: 0o755 });
      if (record.placement === "overlay") {
        await fs.mkdir(path.join(dir, "upper"), { mode: 0o755 });
        await fs.mkdir(path.join(dir, "work"), { mode: 0o700 });
      }
      const withKey: NodeRecord = { ...record, hostPublicKey: hostKey.publicKey, extraHostPublicKeys: ecdsa ? [ecdsa.publicKey] : [] };
      await c.nodes.write(key, withKey);
      const { pid, pidStart } = await this.startDaemon(dir, withKey.isolation);
      const started: NodeRecord = { ...withKey, phase: "started", pid, pidStart };
      await c.nodes.write(key, started);
      this.log.info({ node: spec.nodeId, address: record.address, image: image.id, placement: record.placement, pid }, "node booted");
      return this.toInstance(key, started);
    });
  }

  async getInstance(nodeId: string): Promise<Instance> {
    const c = this.configured();
    const key = nodeKey(c.ownerId, nodeId);
    const record = await c.nodes.read(key);
    if (!record) throw new StandbyError("not-found", `no instance for node ${nodeId}`);
    return this.toInstance(key, record);
  }

  async deleteInstance(nodeId: string): Promise<void> {
    const c = this.configured();
    const key = nodeKey(c.ownerId, nodeId);
    await this.locks.run(key, async () => {
      const record = await c.nodes.read(key);
      if (!record) {
        await c.nodes.remove(key); // a directory without a record: a boot that died early
        return;
      }
      await this.discard(key, record);
      this.log.info({ node: nodeId }, "node deleted");
    });
    await this.collectImages();
  }

  async listInstances(): Promise<Instance[]> {
    const c = this.configured();
    const all = await c.nodes.all();
    return Promise.all([...all].map(([key, record]) => this.toInstance(key, record)));
  }

  listFlavors(): Flavor[] {
    return this.configured().settings.flavors.map((f) => ({ ...f }));
  }

  async listImages(): Promise<ImageInfo[]> {
    const c = this.configured();
    return (await c.images.list()).map((image) => ({
      id: image.id,
      name: image.name,
      createdAt: image.createdAt,
      tags: { ...image.tags },
      visibility: image.visibility,
      sizeBytes: image.sizeBytes,
    }));
  }

  async createSnapshot(spec: SnapshotSpec): Promise<Operation> {
    const c = this.configured();
    if (spec.visibility === "shared") {
      // Without the capability shared-images: refused, never a private image instead (docs/plugin-protocol.md §13).
      throw new StandbyError("failed-precondition", "this provider cannot share images; ask for a private or public one", {
        field: "visibility",
      });
    }
    const key = nodeKey(c.ownerId, spec.nodeId);
    return this.locks.run(key, async () => {
      const record = await c.nodes.read(key);
      if (!record || record.phase !== "started") throw new StandbyError("not-found", `no instance for node ${spec.nodeId}`);
      if (record.outcome === "fail") throw new StandbyError("failed-precondition", `node ${spec.nodeId} is in error and has no workspace`);
      const source = this.workspaceView(key, record);
      if (!source) throw new StandbyError("failed-precondition", `node ${spec.nodeId} is not running: its workspace cannot be read`);
      const status = await c.nodes.daemonStatus(key);
      if (status?.state !== "listening") {
        throw new StandbyError("failed-precondition", `node ${spec.nodeId} has not finished booting (${status?.state ?? "starting"})`);
      }
      const operation: OperationRecord = {
        id: this.random.id("op"),
        nodeId: spec.nodeId,
        imageId: this.random.id("img"),
        imageName: spec.imageName,
        state: "running",
        error: "",
        createdAt: Date.now(),
        doneAt: 0,
        runId: this.runId,
      };
      await this.writeOperation(operation);
      const job = this.runSnapshot(c, operation, source, spec, record).finally(() => this.snapshots.delete(job));
      this.snapshots.add(job);
      return toOperation(operation);
    });
  }

  async getOperation(id: string): Promise<Operation> {
    const operation = await this.readOperation(id);
    if (!operation) throw new StandbyError("not-found", `no operation ${id}`);
    return toOperation(operation);
  }

  async deleteImage(imageId: string): Promise<void> {
    const c = this.configured();
    if (!(await c.images.get(imageId))) return;
    await c.images.markDeleted(imageId);
    await this.collectImages();
    this.log.info({ image: imageId }, "image deleted");
  }

  async getQuota(): Promise<Quota> {
    const c = this.configured();
    const all = [...(await c.nodes.all()).values()];
    const flavorOf = (name: string): Flavor | undefined => c.settings.flavors.find((f) => f.name === name);
    return {
      maxInstances: c.settings.maxNodes,
      maxCores: 0,
      maxRamMb: 0,
      usedInstances: all.length,
      usedCores: all.reduce((sum, r) => sum + (flavorOf(r.flavor)?.cores ?? 0), 0),
      usedRamMb: all.reduce((sum, r) => sum + (flavorOf(r.flavor)?.ramMb ?? 0), 0),
    };
  }

  /** Nodes keep running: they are not ours to stop when the plugin goes. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.snapshots]);
    await this.current?.spares.close();
    await this.current?.packer.close();
  }

  /** Waits for snapshots this process started (tests, benchmarks). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.snapshots]);
  }

  private configured(): Configured {
    if (!this.current) throw new StandbyError("failed-precondition", "local provider not configured");
    return this.current;
  }

  /** Address, quota and the node's directory, under one lock so concurrent boots never share an address. */
  private allocate(key: string, spec: BootSpec, image: ImageMeta, flavor: Flavor): Promise<NodeRecord> {
    const c = this.configured();
    const work = async (): Promise<NodeRecord> => {
      const all = await c.nodes.all();
      if (c.settings.maxNodes > 0 && all.size >= c.settings.maxNodes) {
        throw new StandbyError("resource-exhausted", `quota exceeded: ${all.size}/${c.settings.maxNodes} nodes`);
      }
      const range = parseRange(c.settings.addressRange)!;
      const used = new Set([...all.values()].map((r) => addressToNumber(r.address)));
      const size = range.last - range.first + 1;
      let address: number | undefined;
      for (let i = 0; i < size; i++) {
        const candidate = range.first + ((c.cursor + i) % size);
        // Someone else (another provider on the same range, a stray server) may hold it.
        if (!used.has(candidate) && (await canListen(numberToAddress(candidate), c.settings.sshPort))) {
          address = candidate;
          c.cursor = (candidate - range.first + 1) % size;
          break;
        }
      }
      if (address === undefined) {
        throw new StandbyError("resource-exhausted", `no free address left in settings.addressRange ${c.settings.addressRange}`);
      }
      const dice = c.settings.failureRate > 0 || c.settings.noNetworkRate > 0 ? c.dice.float() : 1;
      const outcome: NodeRecord["outcome"] =
        dice < c.settings.failureRate ? "fail" : dice < c.settings.failureRate + c.settings.noNetworkRate ? "no-network" : "boot";
      const record: NodeRecord = {
        format: NODE_FORMAT,
        instanceId: this.random.id("local"),
        nodeId: spec.nodeId,
        ownerId: c.ownerId,
        label: spec.label,
        tags: { ...spec.tags, [OWNER_TAG]: c.ownerId, [NODE_TAG]: spec.nodeId },
        imageId: image.id,
        flavor: flavor.name,
        address: numberToAddress(address),
        port: c.settings.sshPort,
        username: c.username,
        hostPublicKey: "",
        createdAt: Date.now(),
        bootDelayMs: c.settings.bootDelayMs,
        placement: c.capabilities.placement,
        isolation: c.capabilities.isolation,
        imageRoot: c.images.rootOf(image.id),
        outcome,
        error: outcome === "fail" ? "node failed to boot (simulated, failureRate)" : "",
        setupScript: spec.setupScript,
        phase: "creating",
        pid: 0,
        pidStart: 0,
      };
      await fs.mkdir(c.nodes.dir(key), { mode: 0o700 });
      await c.nodes.write(key, record);
      return record;
    };
    const result = this.allocation.then(work, work);
    this.allocation = result.catch(() => undefined);
    return result;
  }

  /** A warm spare becomes the node's daemon, or, without one, a daemon is started now. */
  private async startDaemon(dir: string, isolation: NodeRecord["isolation"]): Promise<{ pid: number; pidStart: number }> {
    const c = this.configured();
    const spare = await c.spares.take();
    if (spare) {
      try {
        await c.spares.assign(spare, dir);
        return { pid: spare.pid, pidStart: spare.pidStart };
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, "cannot hand a node to a warm spare; starting a daemon");
        await c.spares.release(spare);
      }
    }
    return spawnDaemon([dir], { cwd: dir, logFile: path.join(dir, "daemon.log"), isolation, env: this.env });
  }

  /** Stops the node's processes and removes its directory. */
  private async discard(key: string, record: NodeRecord): Promise<void> {
    const c = this.configured();
    // A node whose daemon died (or never came up) keeps its log where stateOf's message says.
    const failed = record.pid > 0 && record.phase !== "creating" && !isRunning(record.pid, record.pidStart);
    if (failed || (await c.nodes.daemonStatus(key))?.state === "error") await c.nodes.keepLog(key).catch(() => undefined);
    if (record.pid > 0) await stopGroup(record.pid, record.pidStart);
    this.answered.delete(record.instanceId);
    await c.nodes.remove(key);
  }

  private async toInstance(key: string, record: NodeRecord): Promise<Instance> {
    const c = this.configured();
    const { state, error, port } = await this.stateOf(key, record);
    return {
      nodeId: record.ownerId === c.ownerId ? record.nodeId : "",
      instanceId: record.instanceId,
      state,
      addresses: [record.address],
      sshPort: port,
      username: record.username,
      // ed25519 first: the scheduler pins and checks with the first key.
      hostKeys: record.hostPublicKey ? [record.hostPublicKey, ...(record.extraHostPublicKeys ?? [])] : [],
      tags: { ...record.tags },
      image: record.imageId,
      flavor: record.flavor,
      createdAt: record.createdAt,
      error,
    };
  }

  private async stateOf(key: string, record: NodeRecord): Promise<{ state: InstanceState; error: string; port: number }> {
    const c = this.configured();
    if (record.outcome === "fail") return { state: "error", error: record.error, port: record.port };
    if (record.phase === "creating") return { state: "booting", error: "", port: record.port };
    const status = await c.nodes.daemonStatus(key);
    const port = record.port || status?.port || 0;
    if (status?.state === "error") return { state: "error", error: status.error, port };
    if (!isRunning(record.pid, record.pidStart)) {
      return { state: "error", error: `the node's daemon is not running (its log is kept at ${c.nodes.keptLog(key)})`, port };
    }
    if (record.outcome === "no-network" || status?.state !== "listening") return { state: "booting", error: "", port };
    if (!this.answered.has(record.instanceId)) {
      if (!(await probeSsh(record.address, port, 1000))) return { state: "booting", error: "", port };
      this.answered.add(record.instanceId);
    }
    return { state: "running", error: "", port };
  }

  /**
   * Where the plugin can read the node's workspace as the node sees it. With
   * overlay, the mount lives in the node's mount namespace only: reach it
   * through the daemon's /proc/<pid>/root.
   */
  private workspaceView(key: string, record: NodeRecord): string | undefined {
    const workspace = path.join(this.configured().nodes.dir(key), "root");
    if (record.placement !== "overlay") return workspace;
    if (!isRunning(record.pid, record.pidStart)) return undefined;
    return path.join(`/proc/${record.pid}/root`, workspace);
  }

  private async runSnapshot(
    c: Configured,
    operation: OperationRecord,
    source: string,
    spec: SnapshotSpec,
    record: NodeRecord,
  ): Promise<void> {
    const started = Date.now();
    try {
      const image = await c.images.create(
        {
          id: operation.imageId,
          name: spec.imageName,
          tags: { ...spec.tags, [OWNER_TAG]: c.ownerId },
          visibility: spec.visibility,
          source: `snapshot:${record.nodeId}`,
        },
        { kind: "copy", fromDir: source, exclude: (rel) => SNAPSHOT_EXCLUDES.has(rel) },
      );
      await this.writeOperation({ ...operation, state: "done", doneAt: Date.now() });
      this.log.info(
        {
          node: record.nodeId,
          image: image.id,
          name: image.name,
          bytes: image.sizeBytes,
          files: image.fileCount,
          ms: Date.now() - started,
        },
        "snapshot done",
      );
    } catch (err) {
      this.log.error({ err, node: record.nodeId, operation: operation.id }, "snapshot failed");
      await this.writeOperation({
        ...operation,
        state: "failed",
        error: `snapshot failed: ${(err as Error).message}`,
        doneAt: Date.now(),
      }).catch(() => undefined);
    }
  }

  private operationFile(id: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(id)) throw new StandbyError("not-found", `no operation ${id}`);
    return path.join(this.configured().stateDir, "operations", `${id}.json`);
  }

  private async writeOperation(operation: OperationRecord): Promise<void> {
    await replaceFile(this.operationFile(operation.id), JSON.stringify(operation));
  }

  private async readOperation(id: string): Promise<OperationRecord | undefined> {
    let operation: OperationRecord;
    try {
      operation = JSON.parse(await fs.readFile(this.operationFile(id), "utf8")) as OperationRecord;
    } catch (err) {
      if (err instanceof StandbyError) throw err;
      return undefined;
    }
    if (operation.state === "running" && operation.runId !== this.runId) {
      // Its plugin process is gone; nobody finishes it.
      return { ...operation, state: "failed", error: "the plugin restarted during the snapshot; take it again" };
    }
    return operation;
  }

  /** After a crash: boots that never got their daemon, operations nobody will finish. */
  private async cleanUpInterrupted(): Promise<void> {
    const c = this.configured();
    for (const [key, record] of await c.nodes.all()) {
      if (record.phase === "creating" && record.outcome !== "fail") {
        this.log.warn({ node: record.nodeId }, "removing a node whose boot was interrupted");
        await this.locks.run(key, () => this.discard(key, record));
      }
    }
    const dir = path.join(c.stateDir, "operations");
    for (const name of await fs.readdir(dir)) {
      const operation = await this.readOperation(name.replace(/\.json$/, "")).catch(() => undefined);
      if (!operation) continue;
      if (operation.state === "failed" && operation.doneAt === 0) await this.writeOperation({ ...operation, doneAt: Date.now() });
      if (operation.doneAt > 0 && Date.now() - operation.doneAt > 24 * 3_600_000) await fs.rm(path.join(dir, name), { force: true });
    }
  }

  private async collectImages(): Promise<void> {
    const c = this.configured();
    const inUse = new Set([...(await c.nodes.all()).values()].map((r) => r.imageId));
    await c.images.collect(inUse);
  }
}

/** Whether address:port is free to listen on (port 0 always is). */
function canListen(address: string, port: number): Promise<boolean> {
  if (port === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, address, () => server.close(() => resolve(true)));
  });
}

function toOperation(operation: OperationRecord): Operation {
  return {
    id: operation.id,
    done: operation.state !== "running",
    error: operation.error,
    imageId: operation.state === "done" ? operation.imageId : "",
  };
}
