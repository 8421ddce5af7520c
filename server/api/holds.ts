import type { Metadata, ServerUnaryCall, handleUnaryCall } from "@grpc/grpc-js";
import {
  SnapshotState as PbSnapshotState,
  SnapshotVisibility as PbSnapshotVisibility,
  type Hold,
  type HoldRule,
  type HoldSnapshot,
  type StandbyServiceServer,
} from "../../gen/ts/standby/v1/standby.js";
import { StandbyError } from "../../common/errors.js";
import type { HoldRuleRecord, HoldSnapshotRecord, SnapshotState } from "../core/holds.js";
import type { Visibility } from "../../common/provider.js";
import type { HoldView } from "../scheduler/holds.js";
import type { Scheduler } from "../scheduler/scheduler.js";
import { authorize } from "./auth.js";
import { nodeToPb } from "./convert.js";
import { waitWithinDeadline } from "./wait.js";

/** The unary-call wrapper of service.ts: authorisation, then the handler, then the error table. */
export type Unary = <Req, Res>(
  method: string,
  fn: (req: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>,
) => handleUnaryCall<Req, Res>;

type HoldRpcs = Pick<
  StandbyServiceServer,
  | "listHolds"
  | "getHold"
  | "holdNode"
  | "releaseHold"
  | "addHoldKey"
  | "snapshotHold"
  | "listHoldRules"
  | "createHoldRule"
  | "deleteHoldRule"
>;

const DEFAULT_SNAPSHOT_WAIT_S = 600;
const MAX_SNAPSHOT_WAIT_S = 3600;

const date = (ms: number): Date | undefined => (ms > 0 ? new Date(ms) : undefined);

/**
 * Who a request is recorded as: the authenticated identity once the API has
 * authentication; until then the name the request gives.
 */
export function recordedAs(method: string, metadata: Metadata, given: string): string {
  const identity = authenticatedAs(method, metadata);
  if (identity) return identity;
  if (given.length > 255) throw StandbyError.invalidArgument("requester", "at most 255 characters");
  return given.trim() || "anonymous";
}

/** The authenticated caller ("" while the API has no authentication). */
export function authenticatedAs(method: string, metadata: Metadata): string {
  const identity = authorize(method, metadata).identity;
  return identity === "anonymous" ? "" : identity;
}

/** The hold rpcs of StandbyService (merged into it by service.ts). */
export function holdRpcs(scheduler: () => Scheduler, unary: Unary): HoldRpcs {
  return {
    listHolds: unary("ListHolds", async () => {
      const list = await scheduler().holds.list();
      return { holds: list.holds.map(holdToPb), count: list.holds.length, nextExpiry: date(list.nextExpiry) };
    }),

    getHold: unary("GetHold", async (req) => ({ hold: holdToPb(await scheduler().holds.view(req.nodeId)) })),

    holdNode: unary("HoldNode", async (req, call) => {
      const view = await scheduler().holds.hold(req.nodeId, {
        durationMs: req.durationSeconds * 1000,
        reason: req.reason,
        requester: recordedAs("HoldNode", call.metadata, req.requester),
      });
      return { hold: holdToPb(view) };
    }),

    releaseHold: unary("ReleaseHold", async (req, call) => {
      const node = await scheduler().holds.release(req.nodeId, recordedAs("ReleaseHold", call.metadata, req.requester));
      return { node: nodeToPb(node) };
    }),

    addHoldKey: unary("AddHoldKey", async (req, call) => {
      const view = await scheduler().holds.addKey(req.nodeId, req.publicKey, recordedAs("AddHoldKey", call.metadata, req.requester));
      return { hold: holdToPb(view) };
    }),

    snapshotHold: unary("SnapshotHold", async (req, call) => {
      const visibility = visibilityFromPb(req.visibility);
      // A public image of a failed job can carry anything the job left behind.
      if (visibility === "public" && !authorize("SnapshotHold", call.metadata).roles.has("admin")) {
        throw new StandbyError("permission-denied", "a public snapshot needs the admin role");
      }
      const waitS = req.waitTimeoutSeconds > 0 ? req.waitTimeoutSeconds : DEFAULT_SNAPSHOT_WAIT_S;
      if (waitS > MAX_SNAPSHOT_WAIT_S) throw StandbyError.invalidArgument("wait_timeout_seconds", `at most ${MAX_SNAPSHOT_WAIT_S}`);
      const holds = scheduler().holds;
      let snapshot = await holds.snapshot(req.nodeId, {
        visibility,
        imageName: req.imageName,
        requester: recordedAs("SnapshotHold", call.metadata, req.requester),
      });
      if (req.wait && snapshot.state === "running") {
        const abort = new AbortController();
        call.on("cancelled", () => abort.abort());
        // Answer a little before the client's deadline, so it gets the snapshot's id rather than an error.
        snapshot = await holds.snapshots.wait(snapshot.id, waitWithinDeadline(call, waitS * 1000), abort.signal);
      }
      return { snapshot: snapshotToPb(snapshot) };
    }),

    listHoldRules: unary("ListHoldRules", async () => ({ rules: (await scheduler().holds.listRules()).map(ruleToPb) })),

    createHoldRule: unary("CreateHoldRule", async (req, call) => {
      const rule = await scheduler().holds.createRule({
        name: req.name,
        labelExpression: req.labelExpression,
        requester: req.requester,
        jobNamePattern: req.jobNamePattern,
        count: req.count,
        durationMs: req.durationSeconds * 1000,
        reason: req.reason,
        createdBy: recordedAs("CreateHoldRule", call.metadata, req.createdBy),
      });
      return { rule: ruleToPb(rule) };
    }),

    deleteHoldRule: unary("DeleteHoldRule", async (req, call) => {
      if (!req.id) throw StandbyError.invalidArgument("id", "required");
      await scheduler().holds.deleteRule(req.id, recordedAs("DeleteHoldRule", call.metadata, ""));
      return {};
    }),
  };
}

export function holdToPb(view: HoldView): Hold {
  const h = view.hold;
  return {
    node: nodeToPb(view.node, view.node.state === "held" ? h : undefined),
    reason: h.reason,
    requester: h.requester,
    heldAt: date(h.heldAt),
    expiresAt: date(h.expiresAt),
    source: h.source,
    ruleId: h.ruleId,
    claimId: h.claimId,
    jobName: h.jobName,
    keys: view.keys.map((k) => ({ fingerprint: k.fingerprint, publicKey: k.publicKey, addedBy: k.addedBy, addedAt: date(k.addedAt) })),
    snapshots: view.snapshots.map(snapshotToPb),
    endedAt: date(h.endedAt),
    endReason: h.endReason,
  };
}

const VISIBILITY: Record<Visibility, PbSnapshotVisibility> = {
  private: PbSnapshotVisibility.SNAPSHOT_VISIBILITY_PRIVATE,
  shared: PbSnapshotVisibility.SNAPSHOT_VISIBILITY_SHARED,
  public: PbSnapshotVisibility.SNAPSHOT_VISIBILITY_PUBLIC,
};

const SNAPSHOT_STATE: Record<SnapshotState, PbSnapshotState> = {
  running: PbSnapshotState.SNAPSHOT_STATE_RUNNING,
  done: PbSnapshotState.SNAPSHOT_STATE_DONE,
  failed: PbSnapshotState.SNAPSHOT_STATE_FAILED,
};

function visibilityFromPb(v: PbSnapshotVisibility): Visibility | undefined {
  if (v === PbSnapshotVisibility.SNAPSHOT_VISIBILITY_UNSPECIFIED) return undefined;
  const found = (Object.keys(VISIBILITY) as Visibility[]).find((k) => VISIBILITY[k] === v);
  if (!found) throw StandbyError.invalidArgument("visibility", "must be private, shared or public");
  return found;
}

export function snapshotToPb(s: HoldSnapshotRecord): HoldSnapshot {
  return {
    id: s.id,
    nodeId: s.nodeId,
    provider: s.provider,
    imageName: s.imageName,
    imageId: s.imageId,
    visibility: VISIBILITY[s.visibility],
    state: SNAPSHOT_STATE[s.state],
    error: s.error,
    requestedBy: s.requestedBy,
    createdAt: date(s.createdAt),
    doneAt: date(s.doneAt),
  };
}

export function ruleToPb(r: HoldRuleRecord): HoldRule {
  return {
    id: r.id,
    labelExpression: r.labelExpression,
    requester: r.requester,
    jobNamePattern: r.jobNamePattern,
    count: r.maxCount,
    fired: r.fired,
    durationSeconds: Math.round(r.durationMs / 1000),
    reason: r.reason,
    source: r.source,
    createdBy: r.createdBy,
    createdAt: date(r.createdAt),
  };
}
