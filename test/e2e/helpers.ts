import { NodeState, type CreateClaimRequest, type CreateClaimResponse, type ListLabelsResponse } from "../../gen/ts/standby/v1/standby.js";
import { readFakeCloud } from "../../plugins/fake/state.js";
import { NODE_TAG } from "../../common/provider.js";
import { call, type Cluster } from "../lib/cluster.js";

export function claimRequest(over: Partial<CreateClaimRequest> = {}): CreateClaimRequest {
  return {
    labelExpressions: ["jammy"],
    requester: "test",
    jobName: "job",
    priority: 0,
    leaseTtlSeconds: 60,
    sshPublicKeys: [],
    requestId: "",
    wait: true,
    waitTimeoutSeconds: 30,
    ...over,
  };
}

export const create = (c: Cluster, over: Partial<CreateClaimRequest> = {}) =>
  call<CreateClaimResponse>((cb) => c.client.createClaim(claimRequest(over), cb));

export function readyCount(labels: ListLabelsResponse, label: string): number {
  return labels.labels.find((l) => l.name === label)?.counts.find((c) => c.state === NodeState.NODE_STATE_READY)?.count ?? 0;
}

export const labels = (c: Cluster) => call<ListLabelsResponse>((cb) => c.client.listLabels({}, cb));

/** Node ids that still have an instance (not deleted) in a fake cloud. */
export async function liveInstances(c: Cluster, provider: string): Promise<string[]> {
  const cloud = await readFakeCloud(c.stateFile(provider));
  const now = Date.now();
  return cloud.instances.filter((i) => !(i.deleteAt > 0 && i.deleteAt <= now)).map((i) => i.tags[NODE_TAG] ?? "");
}
