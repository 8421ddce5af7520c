import { Metadata, status, type ServiceError } from "@grpc/grpc-js";
import { StandbyError, type ErrorCode } from "../core/errors.js";
import type { Logger } from "../core/log.js";

/** The one table from domain error codes to gRPC status codes. */
export const GRPC_STATUS: Record<ErrorCode, status> = {
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

/**
 * What goes on the wire for an error: the domain code and message, except
 * for internal errors, which get a generic message (the cause is logged).
 */
export function toServiceError(err: unknown, logger: Logger, method: string): Partial<ServiceError> {
  const e = StandbyError.from(err);
  const metadata = new Metadata();
  if (e.field) metadata.set("standby-field", e.field);
  if (e.code === "internal") {
    logger.error({ err: e.cause ?? e, method }, "internal error");
    return { code: status.INTERNAL, details: "internal error (logged by the scheduler)", metadata };
  }
  return { code: GRPC_STATUS[e.code], details: e.message, metadata };
}
