import { Metadata, status, type ServiceError, type StatusObject } from "@grpc/grpc-js";
import { StandbyError, type ErrorCode } from "./errors.js";
import { ERROR_FIELD_METADATA_KEY } from "./metadata.js";

/**
 * The one table between domain error codes and gRPC status codes, for both
 * directions and both edges: the API and the SDK turn a StandbyError into
 * its status, the plugin host turns a plugin's status back into the code.
 * Error kinds cross process boundaries as status codes, never as strings to
 * parse.
 */
const TO_GRPC: Readonly<Record<ErrorCode, status>> = {
  "invalid-argument": status.INVALID_ARGUMENT,
  "not-found": status.NOT_FOUND,
  "already-exists": status.ALREADY_EXISTS,
  "failed-precondition": status.FAILED_PRECONDITION,
  "resource-exhausted": status.RESOURCE_EXHAUSTED,
  unavailable: status.UNAVAILABLE,
  "deadline-exceeded": status.DEADLINE_EXCEEDED,
  unauthenticated: status.UNAUTHENTICATED,
  "permission-denied": status.PERMISSION_DENIED,
  unimplemented: status.UNIMPLEMENTED,
  aborted: status.ABORTED,
  cancelled: status.CANCELLED,
  internal: status.INTERNAL,
};

/** The statuses no domain code maps to, read back as the nearest code. */
const ALSO_FROM_GRPC: ReadonlyArray<readonly [status, ErrorCode]> = [
  [status.UNKNOWN, "internal"],
  [status.OUT_OF_RANGE, "invalid-argument"],
  [status.DATA_LOSS, "internal"],
];

const FROM_GRPC = new Map<number, ErrorCode>([
  ...(Object.entries(TO_GRPC) as [ErrorCode, status][]).map(([code, grpc]) => [grpc, code] as const),
  ...ALSO_FROM_GRPC,
]);

const ERROR_CODES = new Set<string>(Object.keys(TO_GRPC));

export function grpcStatusFromCode(code: ErrorCode): status {
  return TO_GRPC[code];
}

export function codeFromGrpcStatus(grpcStatus: number): ErrorCode {
  return FROM_GRPC.get(grpcStatus) ?? "internal";
}

/**
 * A StandbyError, or something shaped like one (a plugin may bundle its own
 * copy of the class), or undefined.
 */
function asStandbyError(err: unknown): { code: ErrorCode; message: string; field: string | undefined } | undefined {
  if (err instanceof StandbyError) return { code: err.code, message: err.message, field: err.field };
  if (typeof err === "object" && err !== null && (err as { name?: unknown }).name === "StandbyError") {
    const { code, message, field } = err as { code?: unknown; message?: unknown; field?: unknown };
    if (typeof code === "string" && ERROR_CODES.has(code)) {
      return {
        code: code as ErrorCode,
        message: typeof message === "string" ? message : code,
        field: typeof field === "string" ? field : undefined,
      };
    }
  }
  return undefined;
}

/**
 * Plugin side: what a handler threw, as the status to send. Unknown errors
 * become INTERNAL with a generic message; their detail goes to the log
 * (onUnknown), never on the wire.
 */
export function toStatus(err: unknown, onUnknown: (err: unknown) => void): Partial<StatusObject> {
  const known = asStandbyError(err);
  if (!known) {
    onUnknown(err);
    return { code: status.INTERNAL, details: "internal error in the plugin (see the plugin's log)" };
  }
  const result: Partial<StatusObject> = { code: TO_GRPC[known.code], details: known.message };
  if (known.field !== undefined) {
    const metadata = new Metadata();
    metadata.set(ERROR_FIELD_METADATA_KEY, known.field);
    result.metadata = metadata;
  }
  return result;
}

/** Scheduler side: a failed call as a StandbyError, keeping the plugin's message. */
export function fromServiceError(err: unknown): StandbyError {
  if (err instanceof StandbyError) return err;
  const se = err as Partial<ServiceError> | undefined;
  if (se && typeof se === "object" && typeof se.code === "number") {
    const code = codeFromGrpcStatus(se.code);
    const message = se.details || se.message || code;
    const fieldValue = se.metadata?.get(ERROR_FIELD_METADATA_KEY)[0];
    const field = typeof fieldValue === "string" && fieldValue !== "" ? fieldValue : undefined;
    return new StandbyError(code, message, field === undefined ? { cause: err } : { cause: err, field });
  }
  return StandbyError.from(err);
}
