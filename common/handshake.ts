import { StandbyError } from "./errors.js";

/**
 * The parts of the plugin contract that are not protobuf: environment, the
 * stdout handshake line and metadata keys. Shared by the SDK (plugin side)
 * and the plugin host (scheduler side) so the two never drift.
 */
export const PROTOCOL_VERSION = 1;
export const HANDSHAKE_PREFIX = "standby-plugin";

/** The per-start secret every call must carry. */
export const ENV_SECRET = "STANDBY_PLUGIN_SECRET";
/** A private (0700) directory for the plugin's socket. */
export const ENV_SOCKET_DIR = "STANDBY_PLUGIN_SOCKET_DIR";
/** A private directory the plugin may keep files in across restarts. */
export const ENV_STATE_DIR = "STANDBY_PLUGIN_STATE_DIR";

export const SECRET_METADATA_KEY = "x-standby-plugin-secret";

export const SOCKET_FILE_NAME = "plugin.sock";

/**
 * How long a plugin has to exit on its own once its stdin reaches EOF, and
 * again once it gets SIGTERM (docs/plugin-protocol.md §6). The plugin host
 * waits this long at each step before escalating (stdin closed, then SIGTERM,
 * then SIGKILL), and the conformance suite's shutdown rules allow exactly this
 * much. The SDK bounds its own graceful shutdown below it.
 */
export const PLUGIN_EXIT_GRACE_MS = 3_000;

export interface Handshake {
  protocolVersion: number;
  network: "unix";
  /** Absolute path of the unix socket. */
  address: string;
}

export function formatHandshake(socketPath: string): string {
  return `${HANDSHAKE_PREFIX}|${PROTOCOL_VERSION}|unix|${socketPath}`;
}

/**
 * Reads one stdout line. Lines that do not start with "standby-plugin|" are
 * not handshakes (undefined: the caller skips them); a line that does but is
 * malformed or speaks another protocol version throws failed-precondition,
 * since restarting the same binary will not fix it.
 */
export function parseHandshake(line: string): Handshake | undefined {
  const text = line.replace(/\r$/, "");
  if (!text.startsWith(`${HANDSHAKE_PREFIX}|`)) return undefined;
  const parts = text.split("|");
  if (parts.length !== 4) {
    throw new StandbyError("failed-precondition", `malformed handshake line (want 4 fields): ${truncate(text)}`);
  }
  const [, version, network, address] = parts as [string, string, string, string];
  if (!/^\d+$/.test(version)) {
    throw new StandbyError("failed-precondition", `malformed handshake protocol version "${truncate(version)}"`);
  }
  const protocolVersion = Number(version);
  if (protocolVersion !== PROTOCOL_VERSION) {
    throw new StandbyError(
      "failed-precondition",
      `plugin speaks protocol version ${protocolVersion}, this scheduler speaks ${PROTOCOL_VERSION}`,
    );
  }
  if (network !== "unix") {
    throw new StandbyError("failed-precondition", `unsupported handshake network "${truncate(network)}" (want unix)`);
  }
  if (!address.startsWith("/")) {
    throw new StandbyError("failed-precondition", `handshake socket path must be absolute: "${truncate(address)}"`);
  }
  return { protocolVersion, network, address };
}

function truncate(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
