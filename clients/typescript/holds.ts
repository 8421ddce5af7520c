import type { CallOptions, ClientUnaryCall, Metadata, ServiceError } from "@grpc/grpc-js";
import {
  AddHoldKeyRequest,
  CreateHoldRuleRequest,
  DeleteHoldRuleRequest,
  GetHoldRequest,
  HoldNodeRequest,
  ListHoldRulesRequest,
  ListHoldsRequest,
  ReleaseHoldRequest,
  SnapshotHoldRequest,
  type AddHoldKeyResponse,
  type CreateHoldRuleResponse,
  type DeleteHoldRuleResponse,
  type GetHoldResponse,
  type HoldNodeResponse,
  type ListHoldRulesResponse,
  type ListHoldsResponse,
  type ReleaseHoldResponse,
  type SnapshotHoldResponse,
  type StandbyServiceClient,
} from "../../gen/ts/standby/v1/standby.js";

type Req<T> = Partial<T>;

/** Call options of the client (see client.ts). */
export interface HoldCallOpts {
  deadlineMs?: number;
  signal?: AbortSignal;
}

type Invoke<R> = (
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: R) => void,
) => ClientUnaryCall;
/** The client's one way to make a unary call (deadline, abort, error mapping). */
/** idempotent: whether a call that may have reached the server can be sent again (default true). */
export type UnaryCaller = <R>(invoke: Invoke<R>, opts?: HoldCallOpts, idempotent?: boolean) => Promise<R>;

/**
 * Held nodes: keep a failed machine, add a developer's key, snapshot it,
 * release it; autohold rules. (Holding a lease's nodes at release is
 * `releaseLease` with `holdSeconds`.)
 */
export interface HoldsClient {
  list(req?: Req<ListHoldsRequest>, opts?: HoldCallOpts): Promise<ListHoldsResponse>;
  get(req: Req<GetHoldRequest>, opts?: HoldCallOpts): Promise<GetHoldResponse>;
  hold(req: Req<HoldNodeRequest>, opts?: HoldCallOpts): Promise<HoldNodeResponse>;
  release(req: Req<ReleaseHoldRequest>, opts?: HoldCallOpts): Promise<ReleaseHoldResponse>;
  addKey(req: Req<AddHoldKeyRequest>, opts?: HoldCallOpts): Promise<AddHoldKeyResponse>;
  /** With wait, the deadline covers the server's wait (wait_timeout_seconds, default 600). */
  snapshot(req: Req<SnapshotHoldRequest>, opts?: HoldCallOpts): Promise<SnapshotHoldResponse>;
  listRules(req?: Req<ListHoldRulesRequest>, opts?: HoldCallOpts): Promise<ListHoldRulesResponse>;
  createRule(req: Req<CreateHoldRuleRequest>, opts?: HoldCallOpts): Promise<CreateHoldRuleResponse>;
  deleteRule(req: Req<DeleteHoldRuleRequest>, opts?: HoldCallOpts): Promise<DeleteHoldRuleResponse>;
}

export function createHoldsClient(grpc: StandbyServiceClient, unary: UnaryCaller, defaultDeadlineMs: number): HoldsClient {
  return {
    list: (req = {}, opts) => unary((m, o, cb) => grpc.listHolds(ListHoldsRequest.fromPartial(req), m, o, cb), opts),
    get: (req, opts) => unary((m, o, cb) => grpc.getHold(GetHoldRequest.fromPartial(req), m, o, cb), opts),
    hold: (req, opts) => unary((m, o, cb) => grpc.holdNode(HoldNodeRequest.fromPartial(req), m, o, cb), opts),
    release: (req, opts) => unary((m, o, cb) => grpc.releaseHold(ReleaseHoldRequest.fromPartial(req), m, o, cb), opts, false),
    // Adding a key is an SSH round trip to the node (up to 30 s on the server).
    addKey: (req, opts) =>
      unary(
        (m, o, cb) => grpc.addHoldKey(AddHoldKeyRequest.fromPartial(req), m, o, cb),
        { ...opts, deadlineMs: opts?.deadlineMs ?? defaultDeadlineMs + 30_000 },
        false,
      ),
    snapshot: (req, opts) => {
      const request = SnapshotHoldRequest.fromPartial(req);
      const waitMs = request.wait ? (request.waitTimeoutSeconds || 600) * 1000 : 0;
      return unary(
        (m, o, cb) => grpc.snapshotHold(request, m, o, cb),
        { ...opts, deadlineMs: opts?.deadlineMs ?? defaultDeadlineMs + waitMs },
        false,
      );
    },
    listRules: (req = {}, opts) => unary((m, o, cb) => grpc.listHoldRules(ListHoldRulesRequest.fromPartial(req), m, o, cb), opts),
    createRule: (req, opts) => unary((m, o, cb) => grpc.createHoldRule(CreateHoldRuleRequest.fromPartial(req), m, o, cb), opts, false),
    deleteRule: (req, opts) => unary((m, o, cb) => grpc.deleteHoldRule(DeleteHoldRuleRequest.fromPartial(req), m, o, cb), opts, false),
  };
}
