/**
 * One error class for the whole scheduler, carrying a gRPC-like code. The API
 * edge maps the code to a gRPC status (server/api/status.ts); the plugin host
 * maps a plugin's gRPC status back into it, so error kinds cross process
 * boundaries as codes, never as strings to parse.
 */
export type ErrorCode =
  | "invalid-argument"
  | "not-found"
  | "already-exists"
  | "failed-precondition"
  | "resource-exhausted"
  | "unavailable"
  | "deadline-exceeded"
  | "unauthenticated"
  | "permission-denied"
  | "unimplemented"
  | "aborted"
  | "cancelled"
  | "internal";

export class StandbyError extends Error {
  override readonly name = "StandbyError";
  readonly code: ErrorCode;
  /** For INVALID_ARGUMENT: the field at fault, e.g. "label_expressions[1]". */
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; field?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.field = options?.field;
  }

  /** Turns anything thrown into a StandbyError, keeping the original as cause. */
  static from(err: unknown): StandbyError {
    if (err instanceof StandbyError) return err;
    const message = err instanceof Error ? err.message : String(err);
    return new StandbyError("internal", message, { cause: err });
  }

  static invalidArgument(field: string, message: string): StandbyError {
    return new StandbyError("invalid-argument", `${field}: ${message}`, { field });
  }
}

export function isCode(err: unknown, code: ErrorCode): boolean {
  return err instanceof StandbyError && err.code === code;
}
