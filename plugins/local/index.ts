export { LocalCloud, type LocalCloudOptions } from "./cloud.js";
export {
  localSettingsSchema,
  parseLocalSettings,
  parseRange,
  BUILTIN_IMAGES,
  DEFAULT_LOCAL_FLAVORS,
  type LocalSettings,
  type BaseImageSetting,
} from "./settings.js";
export {
  ImageStore,
  Packer,
  IMAGE_FORMAT,
  builtinImageFiles,
  type ImageMeta,
  type Manifest,
  type ManifestEntry,
  type ImageDifference,
  type ImageContent,
} from "./images.js";
export { NodeDirs, nodeKey, isRunning, processStart, NODE_FORMAT, type NodeRecord, type DaemonStatus } from "./nodes.js";
export { detectCapabilities, type Capabilities, type Placement, type Isolation } from "./placement.js";
export { Spares, spawnDaemon, type SpareRecord } from "./spares.js";
