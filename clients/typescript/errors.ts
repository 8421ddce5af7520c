import { status, type ServiceError } from "@grpc/grpc-js";
import { ERROR_FIELD_METADATA_KEY } from "../../common/metadata.js";

/**
 * Typed errors: one class per gRPC status code the API documents, all
 * subclasses of StandbyClientError (code, codeName, details). Catch the one
 * that decides what you do: UnavailableError is worth a retry,
 * FailedPreconditionError on renew means the lease is gone, ClaimFailedError
 * and ClaimTimeoutError end a claim() that got no nodes.
 */

/** What a typed error is made with besides its code and message. */
export interface ClientErrorOptions {
  cause?: unknown;
  /** The request field at fault, as the server named it (x-standby-error-field). */
  field?: string | undefined;
}

/** A failed call: the gRPC status code, its name and the server's message. */
export class StandbyClientError extends Error {
  readonly code: status;
  /** The status code's name, e.g. "NOT_FOUND". */
  readonly codeName: string;
  /** The server's message without grpc-js's "5 NOT_FOUND: " prefix. */
  readonly details: string;
  /**
   * For INVALID_ARGUMENT: the request field at fault, e.g. "label_expressions[1]",
   * from the answer's x-standby-error-field metadata (undefined if the server named none).
   */
  readonly field: string | undefined;

  constructor(code: status, details: string, options?: ClientErrorOptions) {
    super(`${statusName(code)}: ${details}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "StandbyClientError";
    this.code = code;
    this.codeName = statusName(code);
    this.details = details;
    this.field = options?.field;
  }

  /** Anything thrown, as the typed error of its status code (UNKNOWN for non-gRPC errors). */
  static from(err: unknown): StandbyClientError {
    if (err instanceof StandbyClientError) return err;
    if (isServiceError(err)) {
      // grpc-js appends an empty "Resolution note:" to connection errors.
      const details = (err.details || err.message).replace(/\s*Resolution note:\s*$/, "");
      const field = err.metadata?.get(ERROR_FIELD_METADATA_KEY)[0];
      return errorFor(err.code, details, { cause: err, field: typeof field === "string" && field !== "" ? field : undefined });
    }
    const message = err instanceof Error ? err.message : String(err);
    return new StandbyClientError(status.UNKNOWN, message, { cause: err });
  }
}

/** A field is malformed; the message names it. */
export class InvalidArgumentError extends StandbyClientError {
  constructor(details: string, options?: ClientErrorOptions) {
    super(status.INVALID_ARGUMENT, details, options);
    this.name = "InvalidArgumentError";
  }
}

/** The claim, lease, node or provider does not exist. */
export class NotFoundError extends StandbyClientError {
  constructor(details: string, options?: ClientErrorOptions) {
    super(status.NOT_FOUND, details, options);
    this.name = "NotFoundError";
  }
}

/** A request id was reused with a different request. */
export class AlreadyExistsError extends StandbyClientError {
  constructor(details: string, options?: ClientErrorOptions) {
    super(status.ALREADY_EXISTS, details, options);
    this.name = "AlreadyExistsError";
  }
}

/** Cannot apply now: no label can ever match, the lease already ended, the node is claimed. */
export class FailedPreconditionError extends StandbyClientError {
  constructor(details: string, options?: ClientErrorOptions) {
    super(status.FAILED_PRECONDITION, details, options);
    this.name = "FailedPreconditionError";
  }
}

/** A claim or lease token is missing or does not match. */
export class UnauthenticatedError extends StandbyClientError {
  constructor(details: string, options?: ClientErrorOptions) {
    super(status.UNAUTHENTICATED, details, options);
    this.name = "UnauthenticatedError";
  }
}

/** The caller's role does not allow this call. */
export class PermissionDeniedError extends StandbyClientError {
  constructor(details: string, options?: ClientErrorOptions) {
    super(status.PERMISSION_DENIED, details, options);
    this.name = "PermissionDeniedError";
  }
}

/** A limit was reached; back off. */
export class ResourceExhaustedError extends StandbyClientError {
  constructor(details: string, options?: ClientErrorOptions) {
    super(status.RESOURCE_EXHAUSTED, details, options);
    this.name = "ResourceExhaustedError";
  }
}

/** The scheduler is starting, stopping or unreachable; idempotent calls are retried. */
export class UnavailableError extends StandbyClientError {
  constructor(details: string, options?: ClientErrorOptions) {
    super(status.UNAVAILABLE, details, options);
    this.name = "UnavailableError";
  }
}

/** The call's deadline passed. */
export class DeadlineExceededError extends StandbyClientError {
  constructor(details: string, options?: ClientErrorOptions) {
    super(status.DEADLINE_EXCEEDED, details, options);
    this.name = "DeadlineExceededError";
  }
}

/** The call was cancelled (its AbortSignal fired). */
export class CancelledError extends StandbyClientError {
  constructor(details: string, options?: ClientErrorOptions) {
    super(status.CANCELLED, details, options);
    this.name = "CancelledError";
  }
}

/** The server does not offer this call (an older scheduler). */
export class UnimplementedError extends StandbyClientError {
  constructor(details: string, options?: ClientErrorOptions) {
    super(status.UNIMPLEMENTED, details, options);
    this.name = "UnimplementedError";
  }
}

/** A bug in the scheduler; its log has the cause. */
export class InternalError extends StandbyClientError {
  constructor(details: string, options?: ClientErrorOptions) {
    super(status.INTERNAL, details, options);
    this.name = "InternalError";
  }
}

/** Where a claim() that got no nodes left its claim. */
export interface ClaimEnd {
  /** "" when the scheduler never answered the create. */
  claimId: string;
  /** The claim's state name when it ended ("failed", "cancelled", ...), or "queued" when we gave up waiting. */
  state: string;
  /** The 1-based queue position last seen (0 if never queued). */
  queuePosition: number;
  /** Whether claim() cancelled the claim on its way out (timeout, abort). */
  cancelled: boolean;
  /** Why cancelling failed, if it did. */
  cancelError?: StandbyClientError;
}

/** The claim ended without nodes: it failed, or was cancelled or released by someone else. */
export class ClaimFailedError extends StandbyClientError implements ClaimEnd {
  readonly claimId: string;
  readonly state: string;
  readonly queuePosition: number;
  readonly cancelled = false;
  /** The scheduler's reason (Claim.failure_reason). */
  readonly reason: string;

  constructor(end: { claimId: string; state: string; reason: string; queuePosition?: number }) {
    super(status.FAILED_PRECONDITION, `claim ${end.claimId} ${end.state}${end.reason ? `: ${end.reason}` : ""}`);
    this.name = "ClaimFailedError";
    this.claimId = end.claimId;
    this.state = end.state;
    this.reason = end.reason;
    this.queuePosition = end.queuePosition ?? 0;
  }
}

/** No nodes within claim()'s timeout; the claim was cancelled (see cancelled, cancelError). */
export class ClaimTimeoutError extends DeadlineExceededError implements ClaimEnd {
  readonly claimId: string;
  readonly state = "queued";
  readonly queuePosition: number;
  readonly cancelled: boolean;
  readonly cancelError?: StandbyClientError;
  readonly timeoutMs: number;

  constructor(end: Omit<ClaimEnd, "state"> & { timeoutMs: number }) {
    super(`claim ${end.claimId || "(not created)"}: no nodes within ${end.timeoutMs} ms`);
    this.name = "ClaimTimeoutError";
    this.claimId = end.claimId;
    this.queuePosition = end.queuePosition;
    this.cancelled = end.cancelled;
    this.timeoutMs = end.timeoutMs;
    if (end.cancelError) this.cancelError = end.cancelError;
  }
}

/** claim() was aborted by its signal; the claim was cancelled (see cancelled, cancelError). */
export class ClaimAbortedError extends CancelledError implements ClaimEnd {
  readonly claimId: string;
  readonly state = "queued";
  readonly queuePosition: number;
  readonly cancelled: boolean;
  readonly cancelError?: StandbyClientError;

  constructor(end: Omit<ClaimEnd, "state">) {
    super(`claim ${end.claimId || "(not created)"}: aborted while waiting for nodes`);
    this.name = "ClaimAbortedError";
    this.claimId = end.claimId;
    this.queuePosition = end.queuePosition;
    this.cancelled = end.cancelled;
    if (end.cancelError) this.cancelError = end.cancelError;
  }
}

const BY_CODE: Partial<Record<status, new (details: string, options?: ClientErrorOptions) => StandbyClientError>> = {
  [status.INVALID_ARGUMENT]: InvalidArgumentError,
  [status.NOT_FOUND]: NotFoundError,
  [status.ALREADY_EXISTS]: AlreadyExistsError,
  [status.FAILED_PRECONDITION]: FailedPreconditionError,
  [status.UNAUTHENTICATED]: UnauthenticatedError,
  [status.PERMISSION_DENIED]: PermissionDeniedError,
  [status.RESOURCE_EXHAUSTED]: ResourceExhaustedError,
  [status.UNAVAILABLE]: UnavailableError,
  [status.DEADLINE_EXCEEDED]: DeadlineExceededError,
  [status.CANCELLED]: CancelledError,
  [status.UNIMPLEMENTED]: UnimplementedError,
  [status.INTERNAL]: InternalError,
};

/** The typed error for a status code (the base class for codes without one of their own). */
export function errorFor(code: status, details: string, options?: ClientErrorOptions): StandbyClientError {
  const cls = BY_CODE[code];
  return cls ? new cls(details, options) : new StandbyClientError(code, details, options);
}

export function statusName(code: number): string {
  return (status as unknown as Record<number, string | undefined>)[code] ?? `CODE_${code}`;
}

function isServiceError(err: unknown): err is ServiceError {
  return (
    err instanceof Error &&
    typeof (err as Partial<ServiceError>).code === "number" &&
    typeof (err as Partial<ServiceError>).details === "string"
  );
}
