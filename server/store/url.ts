import { StandbyError } from "../core/index.js";

/** Where the store lives, parsed from its URL. */
export type StoreConfig =
  | { dialect: "sqlite"; /** A file path, or ":memory:". */ path: string }
  | {
      dialect: "mysql";
      host: string;
      port: number;
      user: string;
      password: string;
      database: string;
      /** Pool size; 10 unless `?connectionLimit=N`. */
      connectionLimit: number;
      /** A Unix socket instead of host:port (`?socket=/run/mysqld/mysqld.sock`). */
      socketPath?: string;
    };

export const DEFAULT_CONNECTION_LIMIT = 10;

/**
 * Parses `sqlite:PATH` (relative or absolute; `sqlite:///abs` also works),
 * `sqlite::memory:`, and `mysql://user:pass@host:port/db` or `mariadb://…`.
 * Errors never repeat the URL, which may hold a password.
 */
export function parseStoreUrl(url: string): StoreConfig {
  if (url.startsWith("sqlite:")) {
    let path = url.slice("sqlite:".length);
    if (path.startsWith("//")) path = path.slice(2);
    if (path === "") throw invalid("sqlite URL has no path (use sqlite:PATH or sqlite::memory:)");
    return { dialect: "sqlite", path };
  }
  if (url.startsWith("mysql://") || url.startsWith("mariadb://")) {
    let parsed: URL;
    try {
      parsed = new URL(url.replace(/^mariadb:/, "mysql:"));
    } catch {
      throw invalid("mysql URL is not a valid URL");
    }
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
    if (database === "" || database.includes("/")) throw invalid("mysql URL must name one database: mysql://user:pass@host:port/db");
    const config: StoreConfig = {
      dialect: "mysql",
      host: parsed.hostname.replace(/^\[(.*)\]$/, "$1") || "localhost",
      port: parsed.port === "" ? 3306 : Number(parsed.port),
      user: decodeURIComponent(parsed.username),
      password: decodeURIComponent(parsed.password),
      database,
      connectionLimit: DEFAULT_CONNECTION_LIMIT,
    };
    for (const [key, value] of parsed.searchParams) {
      if (key === "connectionLimit") {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1 || n > 1000) throw invalid("connectionLimit must be an integer from 1 to 1000");
        config.connectionLimit = n;
      } else if (key === "socket") {
        config.socketPath = value;
      } else {
        throw invalid(`unknown mysql URL parameter ${JSON.stringify(key)} (known: connectionLimit, socket)`);
      }
    }
    return config;
  }
  throw invalid("store URL must start with sqlite:, mysql:// or mariadb://");
}

function invalid(message: string): StandbyError {
  return StandbyError.invalidArgument("store", message);
}
