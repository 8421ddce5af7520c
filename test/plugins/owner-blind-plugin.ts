import { FakeCloud } from "../../plugins/fake/cloud.js";
import { createPluginLogger, servePlugin, type PluginImplementation } from "../../plugins/sdk/index.js";
import { OWNER_TAG, type ImageInfo, type Instance } from "../../common/provider.js";

/**
 * A provider blind to owners, for the conformance suite's own test (it must
 * fail exactly the owner.* rules, by name): the fake cloud, kept under one
 * owner id whatever Configure says, so it finds a node by its node tag alone,
 * and every instance it lists carries the configured owner's tag and a
 * node_id, whoever booted it. With one scheduler it follows the contract; a
 * second one sharing the cloud sees the first one's instances as its own.
 */
const logger = createPluginLogger("owner-blind");
const cloud = new FakeCloud({ version: "0.0.1", logger });
const EVERYONE = "owner-blind";
let owner = "";

const asOurs = (instance: Instance): Instance => ({ ...instance, tags: { ...instance.tags, [OWNER_TAG]: owner } });
const imageAsOurs = (image: ImageInfo): ImageInfo =>
  image.tags[OWNER_TAG] === EVERYONE ? { ...image, tags: { ...image.tags, [OWNER_TAG]: owner } } : image;

const impl: PluginImplementation = {
  describe: () => ({ ...cloud.describe(), name: "owner-blind" }),
  configure: async (config) => {
    owner = config.ownerId;
    await cloud.configure({ ...config, ownerId: EVERYONE });
  },
  boot: async (spec) => asOurs(await cloud.boot(spec)),
  getInstance: async (nodeId) => asOurs(await cloud.getInstance(nodeId)),
  deleteInstance: (nodeId) => cloud.deleteInstance(nodeId),
  listInstances: async () => (await cloud.listInstances()).map(asOurs),
  listFlavors: () => cloud.listFlavors(),
  listImages: async () => (await cloud.listImages()).map(imageAsOurs),
  createSnapshot: (spec) => cloud.createSnapshot(spec),
  getOperation: (id) => cloud.getOperation(id),
  deleteImage: (imageId) => cloud.deleteImage(imageId),
  getQuota: () => cloud.getQuota(),
  close: () => cloud.close(),
};

await servePlugin(impl, { logger });
