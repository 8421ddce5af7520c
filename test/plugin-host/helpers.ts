import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { createLogger, type Logger } from "../../common/log.js";
import { PluginHost, resolvePluginCommand, type PluginHostOptions, type PluginProviderSpec } from "../../server/plugin-host/index.js";

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const FAKE_COMMAND = resolvePluginCommand({ plugin: "fake" }, REPO_ROOT);
export const TEST_PLUGIN_COMMAND = [process.execPath, fileURLToPath(new URL("../plugins/test-plugin.js", import.meta.url))];

/** A pino logger that keeps its entries in memory. */
export function memoryLogger(): { logger: Logger; entries: Record<string, unknown>[] } {
  const entries: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString("utf8").split("\n")) if (line) entries.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { logger: createLogger({ level: "debug", destination: stream }), entries };
}

export async function tempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), "sb-test-"));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Fast timeouts and restarts, for tests. */
export const FAST: Pick<PluginHostOptions, "timeouts" | "restart"> = {
  timeouts: { handshakeMs: 5_000, stopGraceMs: 2_000, termGraceMs: 1_000, killWaitMs: 2_000, healthIntervalMs: 200 },
  restart: { initialDelayMs: 50, maxDelayMs: 500, jitter: 0 },
};

export interface TestHost {
  host: PluginHost;
  dir: string;
  entries: Record<string, unknown>[];
  ready: string[];
  stateFile(name?: string): string;
  close(): Promise<void>;
}

/** A plugin host in a fresh directory; providers get stateFile <dir>/<name>.json unless they set one. */
export async function startHost(
  providers: (Partial<PluginProviderSpec> & { name: string })[],
  options: Partial<PluginHostOptions> = {},
): Promise<TestHost> {
  const { dir, remove } = await tempDir();
  const { logger, entries } = memoryLogger();
  const stateFile = (name = "p1"): string => path.join(dir, `${name}.json`);
  const host = new PluginHost({
    providers: providers.map((p) => ({
      command: FAKE_COMMAND,
      secrets: {},
      ...p,
      settings: { stateFile: stateFile(p.name), ...(p.settings ?? {}) },
    })),
    ownerId: "owner-test",
    logger,
    stateDir: dir,
    ...FAST,
    ...options,
  });
  const ready: string[] = [];
  host.onReady((name) => ready.push(name));
  await host.start();
  return {
    host,
    dir,
    entries,
    ready,
    stateFile,
    async close() {
      await host.stop();
      await remove();
    },
  };
}

/** Polls until fn returns a truthy value. */
type Truthy<T> = Exclude<T, false | 0 | "" | null | undefined>;

export async function waitFor<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 15_000, everyMs = 20): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value as Truthy<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw err;
  }
}

/** A killed process that its parent has not reaped yet. */
export function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return false;
  }
}

export function bootSpec(nodeId: string, overrides: Partial<import("../../common/provider.js").BootSpec> = {}) {
  return {
    nodeId,
    label: "jammy",
    image: "ubuntu-jammy",
    flavor: "small",
    setupScript: "",
    networks: [],
    sshPublicKeys: [],
    tags: {},
    ...overrides,
  };
}

/** The StandbyError code of a rejected promise. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as { code?: string }).code ?? "no code";
  }
  throw new Error("expected a failure");
}
