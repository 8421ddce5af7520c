import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, promises as fs } from "node:fs";
import { constants as osConstants } from "node:os";
import type { AddressInfo } from "node:net";
import ssh2, {
  type AuthContext,
  type ClientInfo,
  type Connection,
  type PseudoTtyInfo,
  type ServerChannel,
  type Session,
  type WindowChangeInfo,
} from "ssh2";
import { findAuthorizedKey, publicKeyLine } from "../../common/ssh-keys.js";
import { serveSftp } from "./ssh-sftp.js";

/**
 * A small SSH server for machines that plugins make out of this host (the
 * local provider's nodes, test hosts, a fake cloud's "real" endpoints). It
 * speaks to OpenSSH's ssh, scp and sftp clients:
 *
 * - public-key authentication against an authorized_keys file, read again at
 *   every attempt so keys appended by a scheduler apply at once;
 * - exec and shell, with or without a pty; env requests; signals;
 * - the sftp subsystem over the real filesystem (ssh-sftp.ts), which modern
 *   scp uses too; legacy `scp -O` runs `scp -t`/`scp -f` as a command, so it
 *   works wherever an scp binary is on PATH.
 *
 * Commands run as the server's own user through `<shell> -c` in workDir, each
 * session in its own process group (like sshd's sessions). The environment is
 * only `env` plus the session's variables, never the server's own (a plugin's
 * environment holds its secret).
 */
/** What the server logs through; a pino Logger fits. */
export interface SshLogger {
  debug(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface SshServerOptions {
  /** Address to listen on, e.g. "127.10.0.7". */
  host: string;
  /** 0 picks a free port (see SshServer.port). */
  port: number;
  /** The host's private key, OpenSSH or PEM. */
  hostKey: string | Buffer;
  /** More host keys of other types (an ECDSA key beside ed25519); the client picks one it knows. */
  extraHostKeys?: (string | Buffer)[];
  /** Public-key authentication against this file, read at every attempt. A missing file accepts nobody. */
  authorizedKeysFile: string;
  /** Only this login name is accepted; default: any (all map to the server's own user). */
  username?: string;
  /** Working directory of commands, and where SFTP starts. */
  workDir: string;
  /** HOME of commands; default workDir. */
  home?: string;
  /** Runs commands (`-c`) and login shells (`-l`). Default /bin/sh. */
  shell?: string;
  /** The environment commands start from (PATH, LANG, …). Default: PATH only. */
  env?: Record<string, string>;
  /** Commands and shells run as this user (the server must be root to switch); default: the server's own. */
  runAs?: { uid: number; gid: number };
  /** SFTP sees this directory as "/". Default "/": the real filesystem. */
  sftpRoot?: string;
  /** Applied to files SFTP creates. Default 0o022. */
  umask?: number;
  /** The software part of the SSH identification string. Default "standby". */
  ident?: string;
  logger?: SshLogger;
  /** ssh2's protocol trace, line by line (very verbose). */
  debug?: (line: string) => void;
}

export interface SshServer {
  readonly host: string;
  /** The port it listens on (the chosen one when options.port was 0). */
  readonly port: number;
  /** "ssh-ed25519 AAAA…": what clients should find in known_hosts. */
  readonly hostPublicKey: string;
  /** hostPublicKey and those of the extra host keys, in that order. */
  readonly hostPublicKeys: string[];
  /** Connections open now. */
  connections(): number;
  /** Commands running now. */
  sessions(): number;
  /** Stops listening, disconnects everyone and kills every session's process group. */
  close(): Promise<void>;
}

const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** What the session's own variables may not replace. */
const PROTECTED_ENV = new Set(["HOME", "USER", "LOGNAME", "SHELL", "PWD", "SSH_CLIENT", "SSH_CONNECTION", "SSH_TTY"]);

interface SessionState {
  env: Record<string, string>;
  pty: PseudoTtyInfo | undefined;
  child: ChildProcess | undefined;
}

/** Starts the server; resolves once it listens. */
export async function startSshServer(options: SshServerOptions): Promise<SshServer> {
  const shell = options.shell ?? "/bin/sh";
  const home = options.home ?? options.workDir;
  const log = options.logger;
  const hostKeys = [options.hostKey, ...(options.extraHostKeys ?? [])];
  const hostPublicKeys = hostKeys.map((k) => publicKeyLine(k));
  const hostPublicKey = hostPublicKeys[0] as string;
  const connections = new Set<Connection>();
  const children = new Set<ChildProcess>();
  let closing = false;

  const authenticate = (ctx: AuthContext): void => {
    if (ctx.method !== "publickey" || (options.username !== undefined && ctx.username !== options.username)) {
      ctx.reject(["publickey"]);
      return;
    }
    fs.readFile(options.authorizedKeysFile, "utf8").then(
      (text) => {
        const key = findAuthorizedKey(text, ctx.key.data);
        if (!key) return ctx.reject(["publickey"]);
        // Without a signature the client only asks whether this key would do.
        if (!ctx.signature || !ctx.blob) return ctx.accept();
        if (key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true) ctx.accept();
        else ctx.reject(["publickey"]);
      },
      () => ctx.reject(["publickey"]),
    );
  };

  const commandEnv = (session: SessionState, login: string, info: ClientInfo, localPort: number): Record<string, string> => {
    const env: Record<string, string> = { PATH: DEFAULT_PATH, ...options.env, ...session.env };
    env.HOME = home;
    env.USER = login;
    env.LOGNAME = login;
    env.SHELL = shell;
    env.PWD = options.workDir;
    env.SSH_CLIENT = `${info.ip} ${info.port} ${localPort}`;
    env.SSH_CONNECTION = `${info.ip} ${info.port} ${options.host} ${localPort}`;
    if (session.pty) env.TERM = session.pty.term || "xterm";
    return env;
  };

  const run = (channel: ServerChannel, command: string | undefined, session: SessionState, env: Record<string, string>): void => {
    const cwd = existsSync(options.workDir) ? options.workDir : "/";
    let argv: string[];
    if (session.pty) {
      // Node has no pty of its own; script(1) makes one and runs the command in it.
      const { rows, cols } = session.pty;
      const sizing = rows > 0 && cols > 0 ? `stty rows ${rows} cols ${cols} 2>/dev/null; ` : "";
      argv = ["script", "-qfec", `${sizing}${command ?? `exec ${shell} -l`}`, "/dev/null"];
    } else {
      argv = command === undefined ? [shell, "-l"] : [shell, "-c", command];
    }
    const child = spawn(argv[0] as string, argv.slice(1), { cwd, env, detached: true, stdio: "pipe", ...options.runAs });
    session.child = child;
    children.add(child);
    let finished = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (finished) return;
      finished = true;
      children.delete(child);
      try {
        if (signal) channel.exit(signal.replace(/^SIG/, ""), false, "");
        else channel.exit(code ?? 0);
        channel.end();
      } catch {
        // The client is gone already.
      }
    };
    child.on("error", (err) => {
      try {
        channel.stderr.write(`cannot run ${argv[0]}: ${err.message}\n`);
      } catch {
        // gone
      }
      finish(127, null);
    });
    child.stdin?.on("error", () => undefined);
    channel.pipe(child.stdin!);
    child.stdout?.pipe(channel, { end: false });
    child.stderr?.pipe(channel.stderr, { end: false });
    child.on("close", finish);
    channel.on("close", () => {
      // Like sshd: a session whose client went away gets SIGHUP.
      if (child.exitCode === null && child.signalCode === null) killGroup(child, "SIGHUP");
    });
  };

  const onSession = (session: Session, login: string, info: ClientInfo, localPort: number): void => {
    const state: SessionState = { env: {}, pty: undefined, child: undefined };
    session.on("env", (accept: (() => void) | undefined, reject: (() => void) | undefined, { key, val }: { key: string; val: string }) => {
      if (ENV_NAME.test(key) && !PROTECTED_ENV.has(key)) {
        state.env[key] = val;
        accept?.();
      } else {
        reject?.();
      }
    });
    session.on("pty", (accept: (() => void) | undefined, _reject: unknown, pty: PseudoTtyInfo) => {
      state.pty = pty;
      accept?.();
    });
    session.on("window-change", (accept: (() => void) | undefined, _reject: unknown, size: WindowChangeInfo) => {
      if (state.pty) state.pty = { ...state.pty, rows: size.rows, cols: size.cols };
      if (state.child?.pid) void resizePty(state.child.pid, size.rows, size.cols);
      accept?.();
    });
    session.on("signal", (accept: (() => void) | undefined, reject: (() => void) | undefined, { name }: { name: string }) => {
      const signal = `SIG${name.replace(/^SIG/, "")}` as NodeJS.Signals;
      if (state.child && signal in osConstants.signals) {
        killGroup(state.child, signal);
        accept?.();
      } else {
        reject?.();
      }
    });
    session.on("exec", (accept: () => ServerChannel, _reject: unknown, { command }: { command: string }) => {
      const channel = accept();
      log?.debug({ command: command.slice(0, 200) }, "ssh exec");
      run(channel, command, state, commandEnv(state, login, info, localPort));
    });
    session.on("shell", (accept: () => ServerChannel) => {
      run(accept(), undefined, state, commandEnv(state, login, info, localPort));
    });
    session.on("sftp", (accept: () => import("ssh2").SFTPWrapper) => {
      serveSftp(accept(), {
        home,
        ...(options.sftpRoot ? { root: options.sftpRoot } : {}),
        ...(options.umask !== undefined ? { umask: options.umask } : {}),
      });
    });
    session.on("subsystem", (_accept: unknown, reject: (() => void) | undefined) => reject?.());
  };

  const server = new ssh2.Server(
    { hostKeys, ident: options.ident ?? "standby", ...(options.debug ? { debug: options.debug } : {}) },
    (conn, info) => {
      if (closing) {
        conn.end();
        return;
      }
      connections.add(conn);
      let login = options.username ?? "";
      conn.on("authentication", (ctx: AuthContext) => {
        login = ctx.username;
        authenticate(ctx);
      });
      conn.on("ready", () => {
        const localPort = (server.address() as AddressInfo | null)?.port ?? options.port;
        conn.on("session", (accept: () => Session) => onSession(accept(), login, info, localPort));
      });
      conn.on("error", (err: Error) => log?.debug({ err: err.message, client: info.ip }, "ssh connection error"));
      conn.on("close", () => connections.delete(conn));
    },
  );

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once("error", onError);
    server.listen(options.port, options.host, () => {
      server.off("error", onError);
      resolve();
    });
  });
  server.on("error", (err: Error) => log?.error({ err }, "ssh server error"));
  const port = (server.address() as AddressInfo).port;
  log?.debug({ host: options.host, port }, "ssh server listening");

  return {
    host: options.host,
    port,
    hostPublicKey,
    hostPublicKeys,
    connections: () => connections.size,
    sessions: () => children.size,
    close: async () => {
      closing = true;
      for (const child of children) killGroup(child, "SIGKILL");
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const conn of connections) conn.end();
      const timer = new Promise<void>((resolve) => setTimeout(resolve, 1000).unref());
      await Promise.race([closed, timer]);
    },
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // gone
    }
  }
}

/**
 * A window-change: script(1) holds the pty master, so set the size on the
 * slave its child has as stdin; the kernel sends the foreground job SIGWINCH.
 */
async function resizePty(scriptPid: number, rows: number, cols: number): Promise<void> {
  try {
    const children = (await fs.readFile(`/proc/${scriptPid}/task/${scriptPid}/children`, "utf8")).trim().split(/\s+/);
    const first = children[0];
    if (!first) return;
    const tty = await fs.readlink(`/proc/${first}/fd/0`);
    if (!tty.startsWith("/dev/pts/")) return;
    await new Promise<void>((resolve) => {
      const stty = spawn("stty", ["-F", tty, "rows", String(rows), "cols", String(cols)], { stdio: "ignore" });
      stty.on("error", () => resolve());
      stty.on("close", () => resolve());
    });
  } catch {
    // Best effort: the session may be gone.
  }
}
