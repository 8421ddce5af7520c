import { randomUUID } from "node:crypto";
import {
  credentials as grpcCredentials,
  Metadata,
  type CallOptions,
  type ChannelCredentials,
  type ClientReadableStream,
  type ClientUnaryCall,
  type Interceptor,
  type ServiceError,
} from "@grpc/grpc-js";
import type { IPolicy } from "cockatiel";
import {
  BuildImageRequest,
  DeleteImageBuildRequest,
  GetImageBuildRequest,
  ListImagesRequest,
  SetImageFamilyPausedRequest,
  SnapshotNodeRequest,
  type BuildImageResponse,
  type DeleteImageBuildResponse,
  type GetImageBuildResponse,
  type ListImagesResponse,
  type SetImageFamilyPausedResponse,
  type SnapshotNodeResponse,
  CancelClaimRequest,
  CreateClaimRequest,
  DeleteNodeRequest,
  GetClaimRequest,
  GetClaimTimelineRequest,
  GetNodeRequest,
  ListLabelsRequest,
  ListNodesRequest,
  ListProvidersRequest,
  ReleaseLeaseRequest,
  ReloadConfigRequest,
  SetProviderModeRequest,
  RenewLeaseRequest,
  StandbyServiceClient,
  WatchClaimRequest,
  type CancelClaimResponse,
  type CreateClaimResponse,
  type DeleteNodeResponse,
  type GetClaimResponse,
  type GetClaimTimelineResponse,
  type GetNodeResponse,
  type ListLabelsResponse,
  type ListNodesResponse,
  type ListProvidersResponse,
  type ReleaseLeaseResponse,
  type ReloadConfigResponse,
  type SetProviderModeResponse,
  type RenewLeaseResponse,
  type WatchClaimResponse,
} from "../../gen/ts/standby/v1/standby.js";
import type { CallOpts, ClaimCalls, Req } from "./calls.js";
import { claimNodes, type ClaimOptions } from "./claim.js";
import { CancelledError, StandbyClientError } from "./errors.js";
import type { Lease } from "./lease.js";
import { retryPolicy, type RetryOptions } from "./retry.js";

export { StandbyClientError, statusName } from "./errors.js";
export type { CallOpts } from "./calls.js";
import { createHoldsClient, type HoldsClient } from "./holds.js";

/** Where the CLI and other clients find the scheduler unless told otherwise. */
export const DEFAULT_ADDRESS = "127.0.0.1:7420";
/** Deadline of a unary call that does not wait for anything. */
export const DEFAULT_DEADLINE_MS = 30_000;

export interface ClientOptions {
  /** Default deadline per unary call attempt (DEFAULT_DEADLINE_MS). */
  deadlineMs?: number;
  /** Channel credentials; insecure (plaintext) by default. */
  credentials?: ChannelCredentials;
  /** Retries of idempotent calls on UNAVAILABLE (see retry.ts); false turns them off. */
  retry?: RetryOptions | false;
  /** grpc-js client interceptors, outermost first (metrics, tracing, tests counting calls). */
  interceptors?: Interceptor[];
}

/**
 * The API as promises. Unary calls have a deadline (the client's, or
 * opts.deadlineMs) and reject with the typed errors of errors.ts. Idempotent
 * ones are retried on UNAVAILABLE: everything but reloadConfig, and
 * createClaim because it always carries a request id (one is made up when
 * the request has none), so a retry returns the claim the first try made.
 */
export interface StandbyClient extends ClaimCalls {
  /** The generated grpc-js client, for anything the helpers do not cover. */
  readonly grpc: StandbyServiceClient;
  readonly address: string;
  /**
   * Claims nodes, waits for them (reporting progress) and returns a Lease
   * that renews itself until released. Rejects with ClaimFailedError,
   * ClaimTimeoutError or ClaimAbortedError when no nodes come (the claim is
   * then cancelled), or the typed error of a refused request.
   */
  claim(options: ClaimOptions): Promise<Lease>;
  createClaim(req: Req<CreateClaimRequest>, opts?: CallOpts): Promise<CreateClaimResponse>;
  getClaim(req: Req<GetClaimRequest>, opts?: CallOpts): Promise<GetClaimResponse>;
  /** The claim and its timeline, by claim_token or (operators) claim_id. */
  getClaimTimeline(req: Req<GetClaimTimelineRequest>, opts?: CallOpts): Promise<GetClaimTimelineResponse>;
  cancelClaim(req: Req<CancelClaimRequest>, opts?: CallOpts): Promise<CancelClaimResponse>;
  /** A server stream; iterate it with `for await`. No deadline unless given one, and not retried. */
  watchClaim(req: Req<WatchClaimRequest>, opts?: CallOpts): ClientReadableStream<WatchClaimResponse>;
  renewLease(req: Req<RenewLeaseRequest>, opts?: CallOpts): Promise<RenewLeaseResponse>;
  releaseLease(req: Req<ReleaseLeaseRequest>, opts?: CallOpts): Promise<ReleaseLeaseResponse>;
  listNodes(req?: Req<ListNodesRequest>, opts?: CallOpts): Promise<ListNodesResponse>;
  getNode(req: Req<GetNodeRequest>, opts?: CallOpts): Promise<GetNodeResponse>;
  deleteNode(req: Req<DeleteNodeRequest>, opts?: CallOpts): Promise<DeleteNodeResponse>;
  listLabels(req?: Req<ListLabelsRequest>, opts?: CallOpts): Promise<ListLabelsResponse>;
  listProviders(req?: Req<ListProvidersRequest>, opts?: CallOpts): Promise<ListProvidersResponse>;
  setProviderMode(req: Req<SetProviderModeRequest>, opts?: CallOpts): Promise<SetProviderModeResponse>;
  /** Not retried: the operator decides whether to reload again. */
  reloadConfig(req?: Req<ReloadConfigRequest>, opts?: CallOpts): Promise<ReloadConfigResponse>;
  listImages(req?: Req<ListImagesRequest>, opts?: CallOpts): Promise<ListImagesResponse>;
  buildImage(req: Req<BuildImageRequest>, opts?: CallOpts): Promise<BuildImageResponse>;
  getImageBuild(req: Req<GetImageBuildRequest>, opts?: CallOpts): Promise<GetImageBuildResponse>;
  setImageFamilyPaused(req: Req<SetImageFamilyPausedRequest>, opts?: CallOpts): Promise<SetImageFamilyPausedResponse>;
  deleteImageBuild(req: Req<DeleteImageBuildRequest>, opts?: CallOpts): Promise<DeleteImageBuildResponse>;
  /** Waits for the snapshot (or, with wait, the whole build); its deadline outlives the server's wait. */
  snapshotNode(req: Req<SnapshotNodeRequest>, opts?: CallOpts): Promise<SnapshotNodeResponse>;
  /** Held nodes and autohold rules. */
  readonly holds: HoldsClient;
  close(): void;
}

/** Starts one unary call of the generated client with the given metadata and options. */
type Invoke<R> = (
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: R) => void,
) => ClientUnaryCall;

/**
 * Metadata sent with every call. Per-client tokens will be attached here, next
 * to the channel credentials in createClient: the one place a client
 * authenticates.
 */
function callMetadata(): Metadata {
  return new Metadata();
}

/**
 * A client for standby.v1.StandbyService at `address` (HOST:PORT). Plaintext
 * for now; TLS and tokens go into `options.credentials` and callMetadata.
 */
export function createClient(address: string = DEFAULT_ADDRESS, options: ClientOptions = {}): StandbyClient {
  const grpc = new StandbyServiceClient(address, options.credentials ?? grpcCredentials.createInsecure(), {
    ...(options.interceptors ? { interceptors: options.interceptors } : {}),
  });
  const defaultDeadline = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const retries: IPolicy | undefined = options.retry === false ? undefined : retryPolicy(options.retry);

  function once<R>(invoke: Invoke<R>, opts: CallOpts): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      if (opts.signal?.aborted) {
        reject(new CancelledError("cancelled before it started"));
        return;
      }
      const deadline = new Date(Date.now() + (opts.deadlineMs ?? defaultDeadline));
      const onAbort = (): void => call.cancel();
      const call = invoke(callMetadata(), { deadline }, (err, res) => {
        opts.signal?.removeEventListener("abort", onAbort);
        if (err) reject(StandbyClientError.from(err));
        else resolve(res);
      });
      opts.signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  function unary<R>(invoke: Invoke<R>, opts: CallOpts = {}, idempotent = true): Promise<R> {
    if (!idempotent || !retries) return once(invoke, opts);
    return retries.execute(() => once(invoke, opts), opts.signal);
  }

  const client: StandbyClient = {
    grpc,
    address,
    claim: (claimOptions) => claimNodes(client, claimOptions),
    createClaim: (req, opts) => {
      const request = CreateClaimRequest.fromPartial(req);
      // The request id makes the create safe to retry.
      if (!request.requestId) request.requestId = randomUUID();
      // A waiting call must outlive the server's own wait.
      const waitMs = request.wait ? (request.waitTimeoutSeconds || 60) * 1000 : 0;
      return unary((m, o, cb) => grpc.createClaim(request, m, o, cb), {
        ...opts,
        deadlineMs: opts?.deadlineMs ?? defaultDeadline + waitMs,
      });
    },
    getClaim: (req, opts) => unary((m, o, cb) => grpc.getClaim(GetClaimRequest.fromPartial(req), m, o, cb), opts),
    getClaimTimeline: (req, opts) => unary((m, o, cb) => grpc.getClaimTimeline(GetClaimTimelineRequest.fromPartial(req), m, o, cb), opts),
    cancelClaim: (req, opts) => unary((m, o, cb) => grpc.cancelClaim(CancelClaimRequest.fromPartial(req), m, o, cb), opts),
    watchClaim: (req, opts = {}) => {
      const callOptions: Partial<CallOptions> = {};
      if (opts.deadlineMs !== undefined) callOptions.deadline = new Date(Date.now() + opts.deadlineMs);
      const stream = grpc.watchClaim(WatchClaimRequest.fromPartial(req), callMetadata(), callOptions);
      const signal = opts.signal;
      if (signal) {
        const onAbort = (): void => stream.cancel();
        signal.addEventListener("abort", onAbort, { once: true });
        stream.once("close", () => signal.removeEventListener("abort", onAbort));
      }
      return stream;
    },
    renewLease: (req, opts) => unary((m, o, cb) => grpc.renewLease(RenewLeaseRequest.fromPartial(req), m, o, cb), opts),
    releaseLease: (req, opts) => unary((m, o, cb) => grpc.releaseLease(ReleaseLeaseRequest.fromPartial(req), m, o, cb), opts),
    listNodes: (req = {}, opts) => unary((m, o, cb) => grpc.listNodes(ListNodesRequest.fromPartial(req), m, o, cb), opts),
    getNode: (req, opts) => unary((m, o, cb) => grpc.getNode(GetNodeRequest.fromPartial(req), m, o, cb), opts),
    deleteNode: (req, opts) => unary((m, o, cb) => grpc.deleteNode(DeleteNodeRequest.fromPartial(req), m, o, cb), opts),
    listLabels: (req = {}, opts) => unary((m, o, cb) => grpc.listLabels(ListLabelsRequest.fromPartial(req), m, o, cb), opts),
    listProviders: (req = {}, opts) => unary((m, o, cb) => grpc.listProviders(ListProvidersRequest.fromPartial(req), m, o, cb), opts),
    setProviderMode: (req, opts) => unary((m, o, cb) => grpc.setProviderMode(SetProviderModeRequest.fromPartial(req), m, o, cb), opts),
    reloadConfig: (req = {}, opts) => unary((m, o, cb) => grpc.reloadConfig(ReloadConfigRequest.fromPartial(req), m, o, cb), opts, false),
    listImages: (req = {}, opts) => unary((m, o, cb) => grpc.listImages(ListImagesRequest.fromPartial(req), m, o, cb), opts),
    buildImage: (req, opts) => unary((m, o, cb) => grpc.buildImage(BuildImageRequest.fromPartial(req), m, o, cb), opts, false),
    getImageBuild: (req, opts) => unary((m, o, cb) => grpc.getImageBuild(GetImageBuildRequest.fromPartial(req), m, o, cb), opts),
    setImageFamilyPaused: (req, opts) =>
      unary((m, o, cb) => grpc.setImageFamilyPaused(SetImageFamilyPausedRequest.fromPartial(req), m, o, cb), opts),
    deleteImageBuild: (req, opts) =>
      unary((m, o, cb) => grpc.deleteImageBuild(DeleteImageBuildRequest.fromPartial(req), m, o, cb), opts, false),
    snapshotNode: (req, opts) => {
      const request = SnapshotNodeRequest.fromPartial(req);
      const waitMs = (request.waitTimeoutSeconds || 600) * 1000;
      return unary(
        (m, o, cb) => grpc.snapshotNode(request, m, o, cb),
        { ...opts, deadlineMs: opts?.deadlineMs ?? defaultDeadline + waitMs },
        false,
      );
    },
    holds: createHoldsClient(grpc, unary, defaultDeadline),
    close: () => grpc.close(),
  };
  return client;
}
