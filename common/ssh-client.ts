import net from "node:net";
import ssh2, { type ClientChannel } from "ssh2";
import { parseSshKey } from "./ssh-keys.js";

/**
 * What plugins need of an SSH client: run one command on a machine with the
 * plugin's own key (inject keys, run a cleanup script), verifying the
 * machine's host key, and probe whether an SSH server answers at all.
 */
export interface SshTarget {
  host: string;
  port: number;
  username: string;
  /** The plugin's private key (OpenSSH or PEM). */
  privateKey: string | Buffer;
  /** The host's public key ("ssh-ed25519 AAAA…"); when set, any other key is refused. */
  hostKey?: string;
}

export interface SshExecOptions {
  /** Written to the command's stdin, which is then closed. */
  stdin?: string | Buffer;
  /** Connecting and authenticating. Default 5000. */
  connectTimeoutMs?: number;
  /** The whole call, command included. Default 60000. */
  timeoutMs?: number;
  /** Told the host key the server presented ("ssh-ed25519 AAAA…"), e.g. to pin it on first use. */
  onHostKey?: (key: string) => void;
}

export interface SshExecResult {
  /** The exit status, or null when the command died of a signal. */
  code: number | null;
  signal: string | undefined;
  stdout: string;
  stderr: string;
}

export type SshFailure = "unreachable" | "host-key-mismatch" | "auth-failed" | "timeout" | "protocol";

export class SshClientError extends Error {
  override readonly name = "SshClientError";
  constructor(
    readonly reason: SshFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const MAX_OUTPUT = 1024 * 1024;

/** Runs `command` over SSH and collects its output (up to 1 MiB of each stream). */
export function sshExec(target: SshTarget, command: string, options: SshExecOptions = {}): Promise<SshExecResult> {
  const expected = target.hostKey ? parseSshKey(target.hostKey, "hostKey").getPublicSSH() : undefined;
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise<SshExecResult>((resolve, reject) => {
    const client = new ssh2.Client();
    let hostKeyWrong = false;
    let authenticated = false;
    let settled = false;
    const settle = (err: Error | undefined, result?: SshExecResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.end();
      if (err) reject(err);
      else resolve(result!);
    };
    const timer = setTimeout(
      () => settle(new SshClientError("timeout", `ssh ${target.username}@${target.host}:${target.port}: no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    client.on("error", (err: Error & { level?: string }) => {
      if (hostKeyWrong) {
        settle(
          new SshClientError("host-key-mismatch", `ssh ${target.host}:${target.port}: host key does not match the configured one`, {
            cause: err,
          }),
        );
      } else if (err.level === "client-authentication") {
        settle(new SshClientError("auth-failed", `ssh ${target.username}@${target.host}:${target.port}: key refused`, { cause: err }));
      } else if (err.level === "client-timeout") {
        settle(new SshClientError("timeout", `ssh ${target.host}:${target.port}: ${err.message}`, { cause: err }));
      } else {
        settle(
          new SshClientError(authenticated ? "protocol" : "unreachable", `ssh ${target.host}:${target.port}: ${err.message}`, {
            cause: err,
          }),
        );
      }
    });
    client.on("close", () => settle(new SshClientError("unreachable", `ssh ${target.host}:${target.port}: connection closed`)));
    client.on("ready", () => {
      authenticated = true;
      client.exec(command, (err: Error | undefined, stream: ClientChannel) => {
        if (err) return settle(new SshClientError("protocol", `ssh ${target.host}: exec refused: ${err.message}`, { cause: err }));
        const out: Buffer[] = [];
        const errOut: Buffer[] = [];
        let outSize = 0;
        let errSize = 0;
        let code: number | null = null;
        let signal: string | undefined;
        stream.on("data", (chunk: Buffer) => {
          if (outSize < MAX_OUTPUT) out.push(chunk);
          outSize += chunk.length;
        });
        stream.stderr.on("data", (chunk: Buffer) => {
          if (errSize < MAX_OUTPUT) errOut.push(chunk);
          errSize += chunk.length;
        });
        stream.on("exit", (exitCode: number | null, exitSignal?: string) => {
          code = exitCode;
          signal = exitSignal ?? undefined;
        });
        stream.on("close", () =>
          settle(undefined, {
            code,
            signal,
            stdout: Buffer.concat(out).toString("utf8"),
            stderr: Buffer.concat(errOut).toString("utf8"),
          }),
        );
        stream.end(options.stdin ?? "");
      });
    });
    client.connect({
      host: target.host,
      port: target.port,
      username: target.username,
      privateKey: target.privateKey,
      readyTimeout: options.connectTimeoutMs ?? 5_000,
      // A host with several keys must present the pinned one, not the one ssh2 likes best.
      ...(target.hostKey ? { algorithms: { serverHostKey: hostKeyAlgorithms(target.hostKey) } } : {}),
      hostVerifier: (key: Buffer) => {
        options.onHostKey?.(`${key.subarray(4, 4 + key.readUInt32BE(0)).toString("latin1")} ${key.toString("base64")}`);
        hostKeyWrong = expected !== undefined && !key.equals(expected);
        return !hostKeyWrong;
      },
    });
  });
}

/** The key exchange's host key algorithms that present a key of this type ("ssh-rsa" has three). */
function hostKeyAlgorithms(hostKey: string): ssh2.ServerHostKeyAlgorithm[] {
  const type = parseSshKey(hostKey, "hostKey").type;
  return (type === "ssh-rsa" ? ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"] : [type]) as ssh2.ServerHostKeyAlgorithm[];
}

/**
 * Whether an SSH server answers at host:port: the connection is accepted and
 * an "SSH-" identification line arrives within timeoutMs. A port that accepts
 * and stays silent does not count.
 */
export function probeSsh(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = net.connect({ host, port });
    let seen = "";
    const done = (answer: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on("data", (chunk: Buffer) => {
      seen += chunk.toString("latin1");
      // Servers may send other lines before the identification (RFC 4253 §4.2).
      for (const line of seen.split("\n").slice(0, -1)) if (line.startsWith("SSH-")) return done(true);
      if (seen.length > 8192) done(false);
    });
    socket.on("error", () => done(false));
    socket.on("close", () => done(false));
  });
}
