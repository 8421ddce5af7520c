import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { generateEd25519Key, parseSshKey } from "../../common/ssh-keys.js";
import { SshClientError, sshExec } from "../../common/ssh-client.js";
import { StandbyError } from "../../common/errors.js";
import type { NodeAccess } from "../core/node-access.js";
import type { NodeRecord } from "../core/store.js";

/** Loads the scheduler's SSH key from stateDir, making one at first start. Private keys never leave the scheduler. */
export async function loadSchedulerKey(stateDir: string): Promise<{ privateKey: string; publicKey: string }> {
  const file = join(stateDir, "scheduler_ed25519");
  try {
    const privateKey = await readFile(file, "utf8");
    const publicKey = (await readFile(`${file}.pub`, "utf8")).trim();
    return { privateKey, publicKey };
  } catch {
    await mkdir(stateDir, { recursive: true });
    const pair = generateEd25519Key("standby-scheduler");
    await writeFile(file, pair.privateKey, { mode: 0o600 });
    await writeFile(`${file}.pub`, `${pair.publicKey}\n`);
    return pair;
  }
}

/** Host keys compare by type and key blob; comments do not matter. */
export function sameKey(a: string, b: string): boolean {
  const [ta, ka] = a.trim().split(/\s+/);
  const [tb, kb] = b.trim().split(/\s+/);
  return ta === tb && ka === kb;
}

function target(node: NodeRecord, privateKey: string) {
  const host = node.addresses[0];
  if (!host) throw new StandbyError("failed-precondition", `node ${node.id} has no address`);
  return { host, port: node.sshPort || 22, username: node.username || "root", privateKey };
}

function explain(err: unknown, node: NodeRecord): StandbyError {
  if (err instanceof SshClientError) {
    const code = err.reason === "host-key-mismatch" ? "permission-denied" : "unavailable";
    return new StandbyError(code, `${err.reason}: ${err.message}`, { cause: err });
  }
  return new StandbyError("unavailable", `ssh to ${node.id}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

/** NodeAccess over SSH (ssh2), with the scheduler's key. */
export class SshNodeAccess implements NodeAccess {
  constructor(private readonly key: { privateKey: string; publicKey: string }) {}

  publicKey(): string {
    return this.key.publicKey;
  }

  async readyCheck(node: NodeRecord, script: string, timeoutMs: number): Promise<{ hostKey: string }> {
    // A key the cloud reported is pinned from the start; otherwise the first one seen is.
    const reported = node.hostKeys[0];
    let seen = "";
    try {
      const result = await sshExec({ ...target(node, this.key.privateKey), ...(reported ? { hostKey: reported } : {}) }, script || "true", {
        timeoutMs,
        connectTimeoutMs: Math.min(timeoutMs, 10_000),
        onHostKey: (key) => (seen = key),
      });
      if (result.code !== 0) {
        const detail = (result.stderr || result.stdout).trim().split("\n").slice(-3).join(" | ");
        throw new StandbyError(
          "failed-precondition",
          `ready script exited with ${result.code ?? result.signal}${detail ? `: ${detail}` : ""}`,
        );
      }
    } catch (err) {
      throw err instanceof StandbyError ? err : explain(err, node);
    }
    return { hostKey: reported ?? seen };
  }

  async run(
    node: NodeRecord,
    script: string,
    options: { env?: Record<string, string>; timeoutMs: number },
  ): Promise<{ code: number | null; output: string }> {
    const pinned = node.hostKeys[0];
    if (!pinned) throw new StandbyError("failed-precondition", `node ${node.id} has no pinned host key`);
    const exports = Object.entries(options.env ?? {})
      .map(([k, v]) => `export ${k}=${shellQuote(v)}\n`)
      .join("");
    // The script (with its environment) arrives on stdin and waits in a private
    // file under ~/.standby-build, removed at once after; stdin stays free for
    // the script's own commands, which get /dev/null.
    const command =
      'umask 077; d="$HOME/.standby-build"; mkdir -p "$d" && f=$(mktemp "$d/script.XXXXXX") && cat > "$f" || exit 125; ' +
      '/bin/sh "$f" </dev/null 2>&1; rc=$?; rm -f "$f"; exit $rc';
    try {
      const result = await sshExec({ ...target(node, this.key.privateKey), hostKey: pinned }, command, {
        stdin: `${exports}${script}\n`,
        timeoutMs: options.timeoutMs,
        connectTimeoutMs: Math.min(options.timeoutMs, 10_000),
      });
      return { code: result.code, output: result.stdout + result.stderr };
    } catch (err) {
      throw err instanceof StandbyError ? err : explain(err, node);
    }
  }

  async injectKeys(node: NodeRecord, keys: string[], timeoutMs: number): Promise<void> {
    const pinned = node.hostKeys[0];
    if (!pinned) throw new StandbyError("failed-precondition", `node ${node.id} has no pinned host key`);
    for (const key of keys) parseSshKey(key, "ssh public key");
    const command = 'umask 077; mkdir -p "$HOME/.ssh" && cat >> "$HOME/.ssh/authorized_keys"';
    try {
      const result = await sshExec({ ...target(node, this.key.privateKey), hostKey: pinned }, command, {
        stdin: `${keys.join("\n")}\n`,
        timeoutMs,
      });
      if (result.code !== 0) throw new StandbyError("unavailable", `adding keys on ${node.id} failed: ${result.stderr.trim()}`);
    } catch (err) {
      throw err instanceof StandbyError ? err : explain(err, node);
    }
  }
}

/** 'value' for /bin/sh, with embedded single quotes closed, escaped and reopened. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
