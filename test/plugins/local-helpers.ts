import { execFile } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Instance } from "../../common/provider.js";
import { PluginHost, resolvePluginCommand, type PluginHostOptions } from "../../server/plugin-host/index.js";
import { knownHostsLine } from "../../common/ssh-keys.js";
import { FAST, memoryLogger } from "../plugin-host/helpers.js";

/**
 * Helpers for the local and static provider tests: plugin hosts running the
 * real plugin processes, and OpenSSH's clients (ssh, scp, sftp) run without
 * blocking the event loop (some tests serve SSH from this very process).
 */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const localCommand = (): string[] => resolvePluginCommand({ plugin: "local" }, REPO_ROOT);
export const staticCommand = (): string[] => resolvePluginCommand({ plugin: "static" }, REPO_ROOT);
export const OWNER = "owner-test";

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program; never throws for a non-zero exit. */
export function run(file: string, args: string[], options: { input?: string; timeoutMs?: number; cwd?: string } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      file,
      args,
      { timeout: options.timeoutMs ?? 20_000, cwd: options.cwd, maxBuffer: 16 * 1024 * 1024, killSignal: "SIGKILL" },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : 255) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    // The program may exit without reading its input (a refused login): EPIPE is no error here.
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(options.input ?? "");
  });
}

export interface KeyFiles {
  privateFile: string;
  publicKey: string;
}

export async function sshKeygen(dir: string, name: string): Promise<KeyFiles> {
  const privateFile = path.join(dir, name);
  const result = await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", privateFile]);
  if (result.code !== 0) throw new Error(`ssh-keygen failed: ${result.stderr}`);
  return { privateFile, publicKey: (await readFile(`${privateFile}.pub`, "utf8")).trim() };
}

export interface SshEndpoint {
  address: string;
  port: number;
  username: string;
  hostKey: string;
}

export function endpointOf(instance: Instance): SshEndpoint {
  return { address: instance.addresses[0] ?? "", port: instance.sshPort, username: instance.username, hostKey: instance.hostKeys[0] ?? "" };
}

/** Client options: no user config, no agent, only this key, and the host key must be the one given. */
export async function clientOptions(dir: string, endpoint: SshEndpoint, key: KeyFiles): Promise<string[]> {
  const knownHosts = path.join(dir, `known_hosts-${endpoint.address}-${endpoint.port}`);
  await writeFile(knownHosts, `${knownHostsLine(endpoint.address, endpoint.port, endpoint.hostKey)}\n`);
  return [
    "-F",
    "/dev/null",
    "-o",
    "BatchMode=yes",
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    `UserKnownHostsFile=${knownHosts}`,
    "-o",
    "IdentitiesOnly=yes",
    "-o",
    "IdentityAgent=none",
    "-o",
    "ConnectTimeout=5",
    "-o",
    "LogLevel=ERROR",
    "-i",
    key.privateFile,
  ];
}

export async function ssh(dir: string, endpoint: SshEndpoint, key: KeyFiles, command: string, input?: string): Promise<Run> {
  const opts = await clientOptions(dir, endpoint, key);
  return run(
    "ssh",
    [...opts, "-p", String(endpoint.port), `${endpoint.username}@${endpoint.address}`, command],
    input === undefined ? {} : { input },
  );
}

/** scp between a local path and `remote:<path>` (written as ":path" in from/to). */
export async function scp(dir: string, endpoint: SshEndpoint, key: KeyFiles, from: string, to: string, extra: string[] = []): Promise<Run> {
  const opts = await clientOptions(dir, endpoint, key);
  const host = `${endpoint.username}@${endpoint.address}`;
  const remote = (p: string): string => (p.startsWith(":") ? `${host}${p}` : p);
  return run("scp", [...opts, ...extra, "-P", String(endpoint.port), remote(from), remote(to)]);
}

export async function sftp(dir: string, endpoint: SshEndpoint, key: KeyFiles, batch: string, cwd?: string): Promise<Run> {
  const opts = await clientOptions(dir, endpoint, key);
  return run("sftp", [...opts, "-b", "-", "-P", String(endpoint.port), `${endpoint.username}@${endpoint.address}`], {
    input: batch,
    ...(cwd ? { cwd } : {}),
  });
}

export interface HostUnderTest {
  host: PluginHost;
  dir: string;
  entries: Record<string, unknown>[];
  close(): Promise<void>;
}

/** A plugin host with the given providers, in a fresh directory (removed by close). */
export async function startPluginHost(
  providers: { name: string; command: string[]; settings: Record<string, unknown>; secrets?: Record<string, string> }[],
  options: Partial<PluginHostOptions> = {},
): Promise<HostUnderTest> {
  const dir = await mkdtemp(path.join(tmpdir(), "sb-local-"));
  const { logger, entries } = memoryLogger();
  const host = new PluginHost({
    providers: providers.map((p) => ({ secrets: {}, ...p })),
    ownerId: OWNER,
    logger,
    stateDir: dir,
    ...FAST,
    ...options,
  });
  await host.start();
  return {
    host,
    dir,
    entries,
    async close() {
      await host.stop();
      killDaemons(dir);
      // A daemon killed just now may still be writing its status; a leftover directory is no test failure.
      await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }).catch(() => undefined);
    },
  };
}

/**
 * Local-node daemons under `dir` (the daemon processes themselves, not the
 * unshare and shell that carry them): "nodes" are serving a node (their working
 * directory is the node's), "spares" wait for one, "all" is both.
 */
export function daemonPids(dir: string, which: "nodes" | "spares" | "all" = "nodes"): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0");
      if (!argv[1]?.endsWith("node-daemon.js")) continue;
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) continue;
      const cwd = readlinkSync(`/proc/${name}/cwd`);
      const mine = cwd.startsWith(dir) || argv.some((a) => a.startsWith(dir));
      const kind = /\/spares(\/|$)/.test(cwd) ? "spares" : "nodes";
      if (mine && (which === "all" || which === kind)) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids.sort((a, b) => a - b);
}

/** The safety net of every test: no node daemon of a test outlives it. */
export function killDaemons(dir: string): void {
  for (const pid of daemonPids(dir, "all")) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
