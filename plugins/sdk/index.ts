export {
  servePlugin,
  createPluginLogger,
  PROVIDER_SERVICE_NAME,
  type PluginImplementation,
  type PluginConfig,
  type PluginDescription,
  type PluginServer,
  type ServePluginOptions,
} from "./serve.js";
export {
  PROTOCOL_VERSION,
  HANDSHAKE_PREFIX,
  ENV_SECRET,
  ENV_SOCKET_DIR,
  ENV_STATE_DIR,
  SECRET_METADATA_KEY,
  ERROR_FIELD_METADATA_KEY,
  SOCKET_FILE_NAME,
  formatHandshake,
  parseHandshake,
  type Handshake,
} from "./handshake.js";
export { grpcStatusFromCode, codeFromGrpcStatus, toStatus, fromServiceError } from "./status.js";
export * from "./convert.js";
export { startPluginTracing, cloudSpan, serverSpan } from "./tracing.js";
