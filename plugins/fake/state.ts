import { promises as fs } from "node:fs";
import path from "node:path";
import { StandbyError } from "../../common/errors.js";
import type { InstanceState, Visibility } from "../../common/provider.js";
import type { FakeEndpoint } from "./endpoints.js";

/**
 * The fake cloud's state file: what a real cloud keeps on its side. It
 * outlives plugin restarts, and tests plant or inspect instances in it
 * directly with readFakeCloud / writeFakeCloud / updateFakeCloud.
 *
 * Writers take `<file>.lock` (created exclusively, holding the writer's pid;
 * a lock whose pid is dead is broken) and replace the file atomically
 * (write a temporary file, then rename), so readers never see half a file
 * and concurrent processes on one file do not lose each other's writes.
 */
export const FAKE_CLOUD_FORMAT = 1;

export interface FakeInstance {
  instanceId: string;
  /** Includes standby-owner and standby-node for instances the scheduler booted. */
  tags: Record<string, string>;
  label: string;
  image: string;
  flavor: string;
  cores: number;
  ramMb: number;
  networks: string[];
  sshPublicKeys: string[];
  setupScript: string;
  addresses: string[];
  sshPort: number;
  username: string;
  hostKeys: string[];
  /** Epoch ms. */
  createdAt: number;
  /** Booting until this time (epoch ms), then `outcome`. 0 = never booting. */
  readyAt: number;
  /** What the instance becomes once it stops booting. */
  outcome: "running" | "error";
  /** Why it is in error. */
  error: string;
  /** Set by a delete: deleting until this time (epoch ms), then gone. 0 = not deleting. */
  deleteAt: number;
  /** A real SSH endpoint on loopback (settings.endpoints); absent for instances without one. */
  endpoint?: FakeEndpoint;
}

export interface FakeImage {
  id: string;
  name: string;
  tags: Record<string, string>;
  visibility: Visibility;
  sizeBytes: number;
  /** The instance it was snapshotted from. */
  sourceInstanceId: string;
  createdAt: number;
  /** Listed and bootable from this time (epoch ms). */
  readyAt: number;
}

export interface FakeOperation {
  id: string;
  imageId: string;
  createdAt: number;
  /** Done from this time (epoch ms). */
  doneAt: number;
  /** Set when it failed. */
  error: string;
}

export interface FakeCloudState {
  format: typeof FAKE_CLOUD_FORMAT;
  instances: FakeInstance[];
  images: FakeImage[];
  operations: FakeOperation[];
}

export function emptyFakeCloud(): FakeCloudState {
  return { format: FAKE_CLOUD_FORMAT, instances: [], images: [], operations: [] };
}

/** A complete instance record from a partial one, for planting instances in tests. */
export function fakeInstance(fields: Partial<FakeInstance> & { instanceId: string }): FakeInstance {
  return {
    tags: {},
    label: "",
    image: "ubuntu-jammy",
    flavor: "small",
    cores: 1,
    ramMb: 1024,
    networks: [],
    sshPublicKeys: [],
    setupScript: "",
    addresses: ["127.0.0.1"],
    sshPort: 22,
    username: "standby",
    hostKeys: [],
    createdAt: 0,
    readyAt: 0,
    outcome: "running",
    error: "",
    deleteAt: 0,
    ...fields,
  };
}

/** The cloud's view of an instance at `now`; "gone" once a delete has finished. */
export function fakeInstanceState(instance: FakeInstance, now: number): InstanceState | "gone" {
  if (instance.deleteAt > 0) return now >= instance.deleteAt ? "gone" : "deleting";
  if (now < instance.readyAt) return "booting";
  return instance.outcome;
}

/** Parses a state file's text; partial instance records get defaults. */
export function parseFakeCloud(text: string, file = "state file"): FakeCloudState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new StandbyError("failed-precondition", `${file} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  const obj = raw as Partial<FakeCloudState> | null;
  if (typeof obj !== "object" || obj === null || obj.format !== FAKE_CLOUD_FORMAT) {
    throw new StandbyError("failed-precondition", `${file} is not a fake cloud state file (want "format": ${FAKE_CLOUD_FORMAT})`);
  }
  const list = <T>(value: T[] | undefined, name: string): T[] => {
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw new StandbyError("failed-precondition", `${file}: ${name} must be a list`);
    return value;
  };
  return {
    format: FAKE_CLOUD_FORMAT,
    instances: list(obj.instances, "instances").map((i) => fakeInstance(i)),
    images: list(obj.images, "images"),
    operations: list(obj.operations, "operations"),
  };
}

/** The cloud's state; a missing file is an empty cloud. */
export async function readFakeCloud(file: string): Promise<FakeCloudState> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return emptyFakeCloud();
    throw err;
  }
  return parseFakeCloud(text, file);
}

/** Replaces the cloud's state (under the lock, atomically). */
export async function writeFakeCloud(file: string, state: FakeCloudState): Promise<void> {
  await withFakeCloudLock(file, () => replaceFile(file, JSON.stringify(state)));
}

/** Read-modify-write under the lock; fn may change the state in place or return a new one. */
export async function updateFakeCloud(file: string, fn: (state: FakeCloudState) => FakeCloudState | void): Promise<FakeCloudState> {
  return withFakeCloudLock(file, async () => {
    const state = await readFakeCloud(file);
    const next = fn(state) ?? state;
    await replaceFile(file, JSON.stringify(next));
    return next;
  });
}

/** Writes text to file atomically: a temporary file beside it, then rename. Call under the lock. */
export async function replaceFile(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, text);
  await fs.rename(tmp, file);
}

const LOCK_WAIT_MS = 10_000;
/** A lock older than this is broken even if its pid lives (the pid may be reused). */
const LOCK_MAX_AGE_MS = 60_000;

/** Runs fn holding `<file>.lock`. Throws unavailable if the lock stays taken. */
export async function withFakeCloudLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const lockPath = `${file}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await fs.open(lockPath, "wx");
      try {
        await handle.writeFile(`${process.pid}\n`);
      } finally {
        await handle.close();
      }
      break;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT") {
        throw new StandbyError("failed-precondition", `cannot create ${lockPath}: directory ${path.dirname(file)} does not exist`);
      }
      if (code !== "EEXIST") throw err;
      if (await lockIsStale(lockPath)) {
        await fs.rm(lockPath, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new StandbyError("unavailable", `fake cloud state ${file} stays locked by another process (${lockPath})`);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(1 + attempt, 20)));
    }
  }
  try {
    return await fn();
  } finally {
    await fs.rm(lockPath, { force: true });
  }
}

async function lockIsStale(lockPath: string): Promise<boolean> {
  try {
    const [text, stat] = await Promise.all([fs.readFile(lockPath, "utf8"), fs.stat(lockPath)]);
    const age = Date.now() - stat.mtimeMs;
    if (age > LOCK_MAX_AGE_MS) return true;
    const pid = Number.parseInt(text, 10);
    // Empty: its creator is between open and write.
    if (!Number.isInteger(pid) || pid <= 0) return age > 5_000;
    if (pid === process.pid) return false;
    try {
      process.kill(pid, 0);
      return false;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === "ESRCH";
    }
  } catch (err) {
    // Vanished meanwhile: not stale, just retry.
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw err;
  }
}
