import ssh2, { type ClientChannel } from "ssh2";
import type { Node } from "../../gen/ts/standby/v1/standby.js";

/**
 * SSH to a claimed node with ssh2, trusting only the host keys the scheduler
 * pinned for it (Node.host_keys): any other key ends the connection before
 * authentication. Only the pinned key types are offered in the key exchange,
 * so a node with several host keys presents one of the pinned ones.
 */

export interface NodeSshOptions {
  /** The claimer's private key (OpenSSH or PEM), whose public key went with the claim. */
  privateKey: string | Buffer;
  /** Connecting and authenticating (default 30 000 ms). */
  readyTimeoutMs?: number;
  /** Which address of the node (default: the first, the preferred one). */
  address?: string;
}

export type NodeSshFailure = "no-address" | "no-host-key" | "host-key-mismatch" | "auth-failed" | "unreachable" | "timeout";

export class NodeSshError extends Error {
  override readonly name = "NodeSshError";
  constructor(
    readonly reason: NodeSshFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The host key algorithms that can present a key of each type. */
const ALGORITHMS: Record<string, string[]> = {
  "ssh-ed25519": ["ssh-ed25519"],
  "ecdsa-sha2-nistp256": ["ecdsa-sha2-nistp256"],
  "ecdsa-sha2-nistp384": ["ecdsa-sha2-nistp384"],
  "ecdsa-sha2-nistp521": ["ecdsa-sha2-nistp521"],
  "ssh-rsa": ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"],
};

function pinnedBlobs(hostKeys: string[]): { type: string; blob: Buffer }[] {
  return hostKeys
    .map((line) => line.trim().split(/\s+/))
    .filter((parts): parts is [string, string, ...string[]] => parts.length >= 2 && ALGORITHMS[parts[0] ?? ""] !== undefined)
    .map(([type, blob]) => ({ type, blob: Buffer.from(blob, "base64") }));
}

/** Connects and authenticates; the caller ends the client. */
export function connectToNode(
  node: Pick<Node, "id" | "addresses" | "sshPort" | "username" | "hostKeys">,
  options: NodeSshOptions,
): Promise<ssh2.Client> {
  const host = options.address ?? node.addresses[0];
  if (!host) return Promise.reject(new NodeSshError("no-address", `node ${node.id} has no address`));
  const pinned = pinnedBlobs(node.hostKeys);
  if (pinned.length === 0) {
    return Promise.reject(new NodeSshError("no-host-key", `node ${node.id} has no pinned host key this client can verify`));
  }
  const port = node.sshPort || 22;
  const where = `${node.username}@${host}:${port} (node ${node.id})`;
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    let refusedKey = "";
    let ready = false;
    client.on("ready", () => {
      ready = true;
      resolve(client);
    });
    client.on("error", (err: Error & { level?: string }) => {
      if (ready) return;
      client.end();
      if (refusedKey)
        reject(
          new NodeSshError("host-key-mismatch", `${where}: host key ${refusedKey} is not the one the scheduler pinned; not connecting`, {
            cause: err,
          }),
        );
      else if (err.level === "client-authentication")
        reject(new NodeSshError("auth-failed", `${where}: our key was refused`, { cause: err }));
      else if (err.level === "client-timeout") reject(new NodeSshError("timeout", `${where}: ${err.message}`, { cause: err }));
      else reject(new NodeSshError("unreachable", `${where}: ${err.message}`, { cause: err }));
    });
    client.connect({
      host,
      port,
      username: node.username,
      privateKey: options.privateKey,
      readyTimeout: options.readyTimeoutMs ?? 30_000,
      algorithms: { serverHostKey: [...new Set(pinned.flatMap((k) => ALGORITHMS[k.type] ?? []))] as ssh2.ServerHostKeyAlgorithm[] },
      hostVerifier: (key: Buffer) => {
        if (pinned.some((k) => k.blob.equals(key))) return true;
        refusedKey = `${key.subarray(4, 4 + key.readUInt32BE(0)).toString("latin1")} ${key.toString("base64").slice(0, 24)}…`;
        return false;
      },
    });
  });
}

export interface ExecStreams {
  /** Forwarded to the command's stdin; without it the command's stdin is closed at once. */
  stdin?: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Aborting sends the command SIGTERM and closes the channel. */
  signal?: AbortSignal;
}

export interface ExecResult {
  /** The exit status; null when the command died of a signal or the channel closed without one. */
  code: number | null;
  /** The signal's name without "SIG" ("TERM"), if it died of one. */
  signal: string | undefined;
}

/** Runs `command` (through the node's shell) and passes its output through as it comes. */
export function execStreaming(client: ssh2.Client, command: string, streams: ExecStreams): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err: Error | undefined, channel: ClientChannel) => {
      if (err) return reject(err);
      let code: number | null = null;
      let signal: string | undefined;
      const onAbort = (): void => {
        try {
          channel.signal("TERM");
        } catch {
          // The channel is gone already.
        }
        channel.close();
      };
      streams.signal?.addEventListener("abort", onAbort, { once: true });
      // Keep our own streams open: the command's end is not ours.
      channel.pipe(streams.stdout, { end: false });
      channel.stderr.pipe(streams.stderr, { end: false });
      if (streams.stdin) streams.stdin.pipe(channel);
      else channel.end();
      channel.on("exit", (exitCode: number | null, exitSignal?: string) => {
        code = exitCode ?? null;
        // ssh2 reports "SIGTERM"; the protocol's name is "TERM".
        signal = exitSignal?.replace(/^SIG/, "") || undefined;
      });
      channel.on("close", () => {
        streams.signal?.removeEventListener("abort", onAbort);
        if (streams.stdin) streams.stdin.unpipe(channel);
        resolve({ code, signal });
      });
    });
  });
}
