import { Metadata, status, type ServiceError } from "@grpc/grpc-js";
import { StandbyError } from "../../common/errors.js";
import type { Logger } from "../../common/log.js";
import { ERROR_FIELD_METADATA_KEY } from "../../common/metadata.js";
import { grpcStatusFromCode } from "../../common/status.js";

/**
 * What goes on the wire for an error: the domain code (through the one
 * table, common/status.ts) and message, and the field at fault in
 * x-standby-error-field; internal errors get a generic message (the cause
 * is logged).
 */
export function toServiceError(err: unknown, logger: Logger, method: string): Partial<ServiceError> {
  const e = StandbyError.from(err);
  const metadata = new Metadata();
  if (e.field) metadata.set(ERROR_FIELD_METADATA_KEY, e.field);
  if (e.code === "internal") {
    logger.error({ err: e.cause ?? e, method }, "internal error");
    return { code: status.INTERNAL, details: "internal error (logged by the scheduler)", metadata };
  }
  return { code: grpcStatusFromCode(e.code), details: e.message, metadata };
}
