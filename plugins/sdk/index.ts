/**
 * What a TypeScript plugin imports: the SDK itself (serving, tracing, SSH
 * server) and the parts of the shared layer (common/) a provider is written
 * with: the error class, the domain types of the contract, clock, randomness,
 * logging, SSH keys and exec, the handshake and status codes.
 */
export {
  servePlugin,
  createPluginLogger,
  PROVIDER_SERVICE_NAME,
  SHUTDOWN_TIMEOUT_MS,
  type PluginImplementation,
  type PluginConfig,
  type PluginDescription,
  type PluginServer,
  type ServePluginOptions,
} from "./serve.js";
export { startPluginTracing, cloudSpan, serverSpan } from "./tracing.js";
export { startSshServer, type SshLogger, type SshServer, type SshServerOptions } from "./ssh-server.js";
export { serveSftp, type SftpOptions } from "./ssh-sftp.js";
export { parseSettings } from "./settings.js";
export { packageVersion } from "./package-version.js";
export { KeyedLock } from "./keyed-lock.js";

export { StandbyError, isCode, type ErrorCode } from "../../common/errors.js";
export {
  OWNER_TAG,
  NODE_TAG,
  type BootSpec,
  type Flavor,
  type ImageInfo,
  type Instance,
  type InstanceState,
  type Operation,
  type Provider,
  type ProviderDescription,
  type Quota,
  type SnapshotSpec,
  type Visibility,
} from "../../common/provider.js";
export { systemClock, ManualClock, type Clock, type Timer } from "../../common/clock.js";
export { cryptoRandom, seededRandom, sha256, type Random } from "../../common/random.js";
export { createLogger, silentLogger, type Logger } from "../../common/log.js";
export {
  PROTOCOL_VERSION,
  HANDSHAKE_PREFIX,
  ENV_SECRET,
  ENV_SOCKET_DIR,
  ENV_STATE_DIR,
  SECRET_METADATA_KEY,
  SOCKET_FILE_NAME,
  PLUGIN_EXIT_GRACE_MS,
  formatHandshake,
  parseHandshake,
  type Handshake,
} from "../../common/handshake.js";
export { ERROR_FIELD_METADATA_KEY } from "../../common/metadata.js";
export { grpcStatusFromCode, codeFromGrpcStatus, toStatus, fromServiceError } from "../../common/status.js";
export {
  instanceStateToProto,
  instanceStateFromProto,
  visibilityToProto,
  visibilityFromProto,
  timeToProto,
  timeFromProto,
  instanceToProto,
  instanceFromProto,
  bootSpecToProto,
  bootSpecFromProto,
  flavorToProto,
  flavorFromProto,
  imageToProto,
  imageFromProto,
  operationToProto,
  operationFromProto,
  snapshotSpecToProto,
  snapshotSpecFromProto,
  quotaToProto,
  quotaFromProto,
  describeToProto,
  describeFromProto,
} from "../../common/provider-convert.js";
export {
  generateEd25519Key,
  generateEcdsaKey,
  parseSshKey,
  publicKeyLine,
  publicKeyBlob,
  keyOfAuthorizedLine,
  parseAuthorizedKeys,
  findAuthorizedKey,
  knownHostsLine,
  type KeyPair,
} from "../../common/ssh-keys.js";
export {
  sshExec,
  probeSsh,
  SshClientError,
  type SshExecOptions,
  type SshExecResult,
  type SshFailure,
  type SshTarget,
} from "../../common/ssh-client.js";
