export { createClient, DEFAULT_ADDRESS, DEFAULT_DEADLINE_MS, type StandbyClient, type ClientOptions } from "./client.js";
export type { CallOpts, Req } from "./calls.js";
export { claimStateName, defaultRequester, DEFAULT_CLAIM_TIMEOUT_MS, type ClaimOptions, type ClaimProgress } from "./claim.js";
export { Lease, type Hold, type LeaseOptions, type OutcomeName } from "./lease.js";
export { DEFAULT_RETRY, type RetryOptions } from "./retry.js";
export {
  AlreadyExistsError,
  CancelledError,
  ClaimAbortedError,
  ClaimFailedError,
  ClaimTimeoutError,
  DeadlineExceededError,
  errorFor,
  FailedPreconditionError,
  InternalError,
  InvalidArgumentError,
  NotFoundError,
  PermissionDeniedError,
  ResourceExhaustedError,
  StandbyClientError,
  statusName,
  UnauthenticatedError,
  UnavailableError,
  UnimplementedError,
  type ClaimEnd,
  type ClientErrorOptions,
} from "./errors.js";
export type { HoldsClient, HoldCallOpts } from "./holds.js";
