import { StandbyError } from "../core/index.js";

/**
 * Driver errors arrive wrapped (drizzle puts the SQL and its parameters in
 * the message); these look through the cause chain for the driver's own
 * code, so callers decide on kinds, never on message text.
 */
interface DriverError {
  code?: unknown;
  errno?: unknown;
}

function driverErrors(err: unknown): DriverError[] {
  const found: DriverError[] = [];
  for (let e: unknown = err, depth = 0; e && typeof e === "object" && depth < 8; depth++) {
    found.push(e as DriverError);
    e = (e as { cause?: unknown }).cause;
  }
  return found;
}

function hasCode(err: unknown, codes: readonly (string | number)[]): boolean {
  return driverErrors(err).some((e) => codes.includes(e.code as string) || codes.includes(e.errno as number));
}

/** A primary-key or unique-index violation. */
export function isDuplicateKey(err: unknown): boolean {
  return hasCode(err, ["ER_DUP_ENTRY", 1062, "SQLITE_CONSTRAINT_PRIMARYKEY", "SQLITE_CONSTRAINT_UNIQUE"]);
}

/** A schema change that is already there: a duplicate column or index name (MySQL DDL re-run after a crash). */
export function isAlreadyApplied(err: unknown): boolean {
  return hasCode(err, ["ER_DUP_FIELDNAME", 1060, "ER_DUP_KEYNAME", 1061]);
}

/** A deadlock or lock wait timeout: the transaction was rolled back and may simply be run again. */
export function isRetryableConflict(err: unknown): boolean {
  return hasCode(err, ["ER_LOCK_DEADLOCK", 1213, "ER_LOCK_WAIT_TIMEOUT", 1205]);
}

const UNAVAILABLE = [
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "PROTOCOL_CONNECTION_LOST",
  "ER_CON_COUNT_ERROR",
  "ER_SERVER_SHUTDOWN",
  "ER_ACCESS_DENIED_ERROR",
  "ER_BAD_DB_ERROR",
  "SQLITE_BUSY",
  "SQLITE_CANTOPEN",
  "SQLITE_FULL",
  "SQLITE_IOERR",
];

/** Turns a driver error into a StandbyError that keeps it as the cause. */
export function storeError(err: unknown, what: string): StandbyError {
  if (err instanceof StandbyError) return err;
  const driver = driverErrors(err);
  const root = driver[driver.length - 1] as { message?: unknown } | undefined;
  const detail = typeof root?.message === "string" ? `: ${root.message.split("\n")[0]}` : "";
  if (isDuplicateKey(err)) return new StandbyError("already-exists", `${what}: already exists`, { cause: err });
  if (isRetryableConflict(err)) return new StandbyError("aborted", `${what}: conflict with a concurrent transaction`, { cause: err });
  if (hasCode(err, UNAVAILABLE)) return new StandbyError("unavailable", `${what}: store unavailable${detail}`, { cause: err });
  return new StandbyError("internal", `${what}: store error${detail}`, { cause: err });
}
