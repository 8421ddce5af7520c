import type { ClientReadableStream } from "@grpc/grpc-js";
import type {
  CancelClaimRequest,
  CancelClaimResponse,
  CreateClaimRequest,
  CreateClaimResponse,
  GetClaimRequest,
  GetClaimResponse,
  ReleaseLeaseRequest,
  ReleaseLeaseResponse,
  RenewLeaseRequest,
  RenewLeaseResponse,
  WatchClaimRequest,
  WatchClaimResponse,
} from "../../gen/ts/standby/v1/standby.js";

export interface CallOpts {
  /** Overrides the client's default deadline for this call (each attempt, when retried). */
  deadlineMs?: number;
  /** Aborting cancels the call; it then rejects with CancelledError. */
  signal?: AbortSignal;
}

/** The request type of a generated message, with every field optional. */
export type Req<T> = Partial<T>;

/** The calls claim() and a Lease make; StandbyClient has them all. */
export interface ClaimCalls {
  createClaim(req: Req<CreateClaimRequest>, opts?: CallOpts): Promise<CreateClaimResponse>;
  getClaim(req: Req<GetClaimRequest>, opts?: CallOpts): Promise<GetClaimResponse>;
  cancelClaim(req: Req<CancelClaimRequest>, opts?: CallOpts): Promise<CancelClaimResponse>;
  watchClaim(req: Req<WatchClaimRequest>, opts?: CallOpts): ClientReadableStream<WatchClaimResponse>;
  renewLease(req: Req<RenewLeaseRequest>, opts?: CallOpts): Promise<RenewLeaseResponse>;
  releaseLease(req: Req<ReleaseLeaseRequest>, opts?: CallOpts): Promise<ReleaseLeaseResponse>;
}
