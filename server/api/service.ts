import type { ServerUnaryCall, ServerWritableStream, sendUnaryData } from "@grpc/grpc-js";
import { type StandbyServiceServer, type WatchClaimRequest, type WatchClaimResponse } from "../../gen/ts/standby/v1/standby.js";
import { StandbyError } from "../../common/errors.js";
import type { Logger } from "../../common/log.js";
import { isProgressEvent, type ClaimView } from "../scheduler/claims/index.js";
import type { Scheduler } from "../scheduler/scheduler.js";
import { authorize, REQUIRED_ROLE, type Role } from "./auth.js";
import { withIncomingTraceContext } from "../../common/propagation.js";
import {
  claimToPb,
  labelToPb,
  nodeStateFromPb,
  nodeToPb,
  outcomeFromPb,
  providerModeFromPb,
  providerToPb,
  timelineToPb,
} from "./convert.js";
import { imageRpcs } from "./images-service.js";
import { authenticatedAs, holdRpcs } from "./holds.js";
import { toServiceError } from "./status.js";
import { waitWithinDeadline } from "./wait.js";

const DEFAULT_WAIT_S = 60;
const MAX_WAIT_S = 3600;

function check(method: string, call: { metadata: import("@grpc/grpc-js").Metadata }, also?: Role): void {
  const caller = authorize(method, call.metadata);
  for (const role of [REQUIRED_ROLE[method], also]) {
    if (role && !caller.roles.has(role)) throw new StandbyError("permission-denied", `${method} needs the ${role} role`);
  }
}

/** The StandbyService rpcs over a Scheduler. */
export interface AdminHooks {
  /** Re-reads the configuration file and applies it; throws (changing nothing) when it is invalid. */
  reload(): Promise<{ labels: string[]; providers: string[] }>;
}

export function standbyService(scheduler: () => Scheduler, logger: Logger, admin?: AdminHooks): StandbyServiceServer {
  const unary =
    <Req, Res>(method: string, fn: (req: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>) =>
    (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
      Promise.resolve()
        .then(() => {
          check(method, call);
          // A caller that traces itself gets its claim's trace linked to its own.
          return withIncomingTraceContext(call.metadata, () => fn(call.request, call));
        })
        .then(
          (res) => callback(null, res),
          (err: unknown) => callback(toServiceError(err, logger, method)),
        );
    };

  return {
    createClaim: unary("CreateClaim", async (req, call) => {
      let wait: { timeoutMs: number; signal: AbortSignal } | undefined;
      if (req.wait) {
        const requested = req.waitTimeoutSeconds > 0 ? req.waitTimeoutSeconds : DEFAULT_WAIT_S;
        if (requested > MAX_WAIT_S) throw StandbyError.invalidArgument("wait_timeout_seconds", `at most ${MAX_WAIT_S}`);
        // Answer a little before the client's deadline, so it gets the claim rather than an error.
        const timeoutMs = waitWithinDeadline(call, requested * 1000);
        const abort = new AbortController();
        call.on("cancelled", () => abort.abort());
        wait = { timeoutMs, signal: abort.signal };
      }
      const result = await scheduler().createClaim(
        {
          labelExpressions: req.labelExpressions,
          requester: req.requester,
          jobName: req.jobName,
          priority: req.priority,
          leaseTtlSeconds: req.leaseTtlSeconds,
          sshPublicKeys: req.sshPublicKeys,
          requestId: req.requestId,
        },
        wait,
      );
      return { claim: claimToPb(result.view), claimToken: result.claimToken, leaseToken: result.leaseToken };
    }),

    watchClaim: (call: ServerWritableStream<WatchClaimRequest, WatchClaimResponse>) => {
      let stop: (() => void) | undefined;
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        stop?.();
        call.end();
      };
      call.on("cancelled", () => {
        ended = true;
        stop?.();
      });
      Promise.resolve()
        .then(async () => {
          check("WatchClaim", call);
          stop = await scheduler().watchClaim(call.request.claimToken, (event, leaseToken) => {
            if (ended) return;
            call.write({ claim: claimToPb(event.view), event: event.kind, message: event.message, leaseToken });
            if (!isProgressEvent(event.kind) && event.kind !== "fulfilled") end();
          });
          if (ended) stop();
        })
        .catch((err: unknown) => {
          ended = true;
          call.emit("error", toServiceError(err, logger, "WatchClaim"));
        });
    },

    getClaim: unary("GetClaim", async (req) => {
      const result = await scheduler().getClaim(req.claimToken);
      return { claim: claimToPb(await withHolds(result.view)), leaseToken: result.leaseToken };
    }),

    getClaimTimeline: unary("GetClaimTimeline", async (req, call) => {
      if (Boolean(req.claimToken) === Boolean(req.claimId)) {
        throw StandbyError.invalidArgument("claim_token", "give either claim_token or claim_id");
      }
      if (req.claimId) check("GetClaimTimeline", call, "operator");
      const { view, entries } = await scheduler().claimTimeline(req.claimToken ? { claimToken: req.claimToken } : { claimId: req.claimId });
      return { claim: claimToPb(view), events: entries.map(timelineToPb) };
    }),

    cancelClaim: unary("CancelClaim", async (req) => ({ claim: claimToPb(await scheduler().cancelClaim(req.claimToken)) })),

    renewLease: unary("RenewLease", async (req) => ({ expiresAt: new Date(await scheduler().renewLease(req.leaseToken, req.ttlSeconds)) })),

    releaseLease: unary("ReleaseLease", async (req, call) => {
      const outcome = outcomeFromPb(req.outcome);
      if (req.holdReason.length > 1024) throw StandbyError.invalidArgument("hold_reason", "at most 1024 characters");
      // The claim's requester asks unless the caller is authenticated as someone.
      const hold =
        req.holdSeconds > 0
          ? { seconds: req.holdSeconds, reason: req.holdReason, requester: authenticatedAs("ReleaseLease", call.metadata) }
          : undefined;
      return { claim: claimToPb(await withHolds(await scheduler().releaseLease(req.leaseToken, outcome, hold))) };
    }),

    listNodes: unary("ListNodes", async (req) => {
      const state = nodeStateFromPb(req.state);
      const nodes = await scheduler().listNodes({
        ...(req.label ? { label: req.label } : {}),
        ...(req.provider ? { provider: req.provider } : {}),
        ...(state ? { states: [state] } : {}),
      });
      const holds = await scheduler().holds.of(nodes);
      return { nodes: nodes.map((n) => nodeToPb(n, holds.get(n.id))) };
    }),

    getNode: unary("GetNode", async (req) => {
      if (!req.id) throw StandbyError.invalidArgument("id", "required");
      const node = await scheduler().getNode(req.id);
      return { node: nodeToPb(node, (await scheduler().holds.of([node])).get(node.id)) };
    }),

    deleteNode: unary("DeleteNode", async (req) => {
      if (!req.id) throw StandbyError.invalidArgument("id", "required");
      return { node: nodeToPb(await scheduler().deleteNode(req.id)) };
    }),

    listLabels: unary("ListLabels", async () => ({ labels: (await scheduler().listLabels()).map(labelToPb) })),

    listProviders: unary("ListProviders", async () => ({ providers: (await scheduler().listProviders()).map(providerToPb) })),

    setProviderMode: unary("SetProviderMode", async (req) => {
      if (!req.name) throw StandbyError.invalidArgument("name", "required");
      return { provider: providerToPb(await scheduler().setProviderMode(req.name, providerModeFromPb(req.mode))) };
    }),

    reloadConfig: unary("ReloadConfig", async () => {
      if (!admin) throw new StandbyError("unimplemented", "this server has no configuration file to reload");
      return admin.reload();
    }),

    ...imageRpcs(scheduler, unary),
    ...holdRpcs(scheduler, unary),
  };

  /** Held nodes of a claim shown with their hold. */
  async function withHolds(view: ClaimView): Promise<ClaimView> {
    const missing = view.nodes.filter((n) => n.state === "held" && !view.holds?.has(n.id));
    if (missing.length === 0) return view;
    return { ...view, holds: new Map([...(view.holds ?? []), ...(await scheduler().holds.of(missing))]) };
  }
}
