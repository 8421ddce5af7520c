import {
  ClaimState as PbClaimState,
  NodeState as PbNodeState,
  Outcome as PbOutcome,
  ProviderHealth as PbProviderHealth,
  ProviderMode as PbProviderMode,
  type Claim,
  type ClaimTimelineEvent,
  type LabelStatus,
  type Node,
  type ProviderStatus as PbProviderStatus,
  type StateCount,
} from "../../gen/ts/standby/v1/standby.js";
import { StandbyError } from "../../common/errors.js";
import { NODE_STATES, type ClaimState, type NodeState, type Outcome } from "../core/states.js";
import type { HoldRecord } from "../core/holds.js";
import type { NodeRecord } from "../core/store.js";
import type { TimelineEntry } from "../scheduler/claim-timeline.js";
import type { ClaimView } from "../scheduler/claims/index.js";
import { claimTraceId } from "../telemetry/claim-ids.js";
import type { LabelSummary, ProviderSummary } from "../scheduler/scheduler.js";

const date = (ms: number): Date | undefined => (ms > 0 ? new Date(ms) : undefined);

export function nodeStateToPb(state: NodeState): PbNodeState {
  return PbNodeState[`NODE_STATE_${state.toUpperCase()}` as keyof typeof PbNodeState] as PbNodeState;
}

export function nodeStateFromPb(state: PbNodeState): NodeState | undefined {
  if (state === PbNodeState.NODE_STATE_UNSPECIFIED) return undefined;
  const name = PbNodeState[state]?.replace("NODE_STATE_", "").toLowerCase();
  const found = NODE_STATES.find((s) => s === name);
  if (!found) throw StandbyError.invalidArgument("state", `unknown node state ${state}`);
  return found;
}

export function claimStateToPb(state: ClaimState): PbClaimState {
  return PbClaimState[`CLAIM_STATE_${state.toUpperCase()}` as keyof typeof PbClaimState] as PbClaimState;
}

export function outcomeFromPb(outcome: PbOutcome): Outcome {
  switch (outcome) {
    case PbOutcome.OUTCOME_SUCCESS:
      return "success";
    case PbOutcome.OUTCOME_FAILURE:
      return "failure";
    case PbOutcome.OUTCOME_ABORTED:
      return "aborted";
    default:
      throw StandbyError.invalidArgument("outcome", "must be success, failure or aborted");
  }
}

/** With the node's hold when it is held (reason, requester, expiry). */
export function nodeToPb(n: NodeRecord, hold?: HoldRecord): Node {
  return {
    id: n.id,
    label: n.label,
    provider: n.provider,
    state: nodeStateToPb(n.state),
    addresses: n.addresses,
    sshPort: n.sshPort,
    username: n.username,
    hostKeys: n.hostKeys,
    tags: n.tags,
    image: n.image,
    instanceId: n.instanceId,
    claimId: n.claimId,
    createdAt: date(n.createdAt),
    stateChangedAt: date(n.stateChangedAt),
    flavor: n.flavor,
    purpose: n.purpose ?? "pool",
    holdReason: hold?.reason ?? "",
    holdRequester: hold?.requester ?? "",
    holdExpiresAt: hold ? date(hold.expiresAt) : undefined,
  };
}

export function claimToPb(view: ClaimView): Claim {
  const c = view.claim;
  return {
    id: c.id,
    state: claimStateToPb(c.state),
    labelExpressions: c.labelExpressions,
    requester: c.requester,
    jobName: c.jobName,
    priority: c.priority,
    leaseTtlSeconds: c.leaseTtlSeconds,
    createdAt: date(c.createdAt),
    queuePosition: view.queuePosition,
    nodes: view.nodes.map((n) => nodeToPb(n, view.holds?.get(n.id))),
    leaseExpiresAt: c.state === "fulfilled" ? date(c.leaseExpiresAt) : undefined,
    failureReason: c.failureReason,
    fulfilledAt: date(c.fulfilledAt),
    requestId: c.requestId,
    traceId: claimTraceId(c.id),
  };
}

export function timelineToPb(e: TimelineEntry): ClaimTimelineEvent {
  return { at: date(e.at), kind: e.kind, message: e.message, label: e.label, provider: e.provider, nodeId: e.nodeId };
}

function counts(map: Partial<Record<NodeState, number>>): StateCount[] {
  return NODE_STATES.filter((s) => (map[s] ?? 0) > 0).map((s) => ({ state: nodeStateToPb(s), count: map[s] ?? 0 }));
}

export function labelToPb(l: LabelSummary): LabelStatus {
  return {
    name: l.name,
    tags: l.tags,
    minReady: l.minReady,
    maxNodes: l.maxNodes,
    counts: counts(l.counts),
    providers: l.providers,
    queuedClaims: l.queuedClaims,
  };
}

const HEALTH: Record<ProviderSummary["health"], PbProviderHealth> = {
  serving: PbProviderHealth.PROVIDER_HEALTH_SERVING,
  starting: PbProviderHealth.PROVIDER_HEALTH_STARTING,
  "not-serving": PbProviderHealth.PROVIDER_HEALTH_NOT_SERVING,
  disabled: PbProviderHealth.PROVIDER_HEALTH_DISABLED,
};

export function providerToPb(p: ProviderSummary): PbProviderStatus {
  return {
    name: p.name,
    health: HEALTH[p.health],
    plugin: p.plugin,
    pluginVersion: p.pluginVersion,
    restarts: p.restarts,
    lastError: p.lastError,
    counts: counts(p.counts),
    pid: p.pid,
    mode: MODE[p.mode],
    recentFailures: p.recentFailures.map((f) => ({
      label: f.label,
      reason: f.reason,
      message: f.message,
      at: date(f.at),
      nodeId: f.nodeId,
    })),
    pausedReason: p.pausedReason,
  };
}

const MODE: Record<ProviderSummary["mode"], PbProviderMode> = {
  active: PbProviderMode.PROVIDER_MODE_ACTIVE,
  paused: PbProviderMode.PROVIDER_MODE_PAUSED,
  draining: PbProviderMode.PROVIDER_MODE_DRAINING,
};

export function providerModeFromPb(mode: PbProviderMode): ProviderSummary["mode"] {
  const found = (Object.keys(MODE) as ProviderSummary["mode"][]).find((m) => MODE[m] === mode);
  if (!found) throw StandbyError.invalidArgument("mode", "must be active, paused or draining");
  return found;
}
