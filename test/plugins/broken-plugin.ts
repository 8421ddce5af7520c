import { StandbyError } from "../../common/errors.js";
import type { BootSpec, Instance } from "../../common/provider.js";
import { createPluginLogger, servePlugin, type PluginImplementation } from "../../plugins/sdk/index.js";

/**
 * A provider that breaks three rules of the contract on purpose, for the
 * conformance suite's own test (it must fail exactly these, by name):
 * - boot.idempotent:   every Boot creates a new instance, even for a known node id;
 * - delete.idempotent: deleting a node without an instance is NOT_FOUND, not success;
 * - list.tags:         ListInstances drops every instance's tags.
 * Everything else follows the contract (it keeps its "cloud" in memory, keyed
 * by owner and node id, and has neither the snapshot nor the quota
 * capability).
 */
const logger = createPluginLogger("broken");
const instances = new Map<string, Instance[]>();
let owner = "";
let next = 0;

const IMAGES = ["broken-os"];
const FLAVORS = [{ name: "tiny", cores: 1, ramMb: 512, diskGb: 5 }];

const key = (nodeId: string) => `${owner}\u0000${nodeId}`;

function latest(nodeId: string): Instance {
  const list = instances.get(key(nodeId));
  const instance = list?.[list.length - 1];
  if (!instance) throw new StandbyError("not-found", `no instance for node ${nodeId}`);
  return instance;
}

const impl: PluginImplementation = {
  describe: () => ({ name: "broken", version: "0.0.1", capabilities: [] }),
  configure: ({ ownerId }) => {
    owner = ownerId;
  },
  boot: (spec: BootSpec) => {
    if (!IMAGES.includes(spec.image)) throw new StandbyError("not-found", `image ${spec.image} not found`);
    if (!FLAVORS.some((f) => f.name === spec.flavor)) throw new StandbyError("not-found", `flavor ${spec.flavor} not found`);
    const instance: Instance = {
      nodeId: spec.nodeId,
      instanceId: `broken-${++next}`,
      state: "running",
      addresses: ["127.0.0.1"],
      sshPort: 22,
      username: "broken",
      hostKeys: [],
      tags: { ...spec.tags, "standby-owner": owner, "standby-node": spec.nodeId },
      image: spec.image,
      flavor: spec.flavor,
      createdAt: Date.now(),
      error: "",
    };
    instances.set(key(spec.nodeId), [...(instances.get(key(spec.nodeId)) ?? []), instance]);
    return instance;
  },
  getInstance: (nodeId) => latest(nodeId),
  deleteInstance: (nodeId) => {
    if (!instances.delete(key(nodeId))) throw new StandbyError("not-found", `no instance for node ${nodeId}`);
  },
  listInstances: () =>
    [...instances.values()].flat().map((i) => ({ ...i, nodeId: i.tags["standby-owner"] === owner ? i.nodeId : "", tags: {} })),
  listFlavors: () => FLAVORS,
  listImages: () => IMAGES.map((id) => ({ id, name: id, createdAt: 0, tags: {}, visibility: "public" as const, sizeBytes: 0 })),
};

await servePlugin(impl, { logger });
