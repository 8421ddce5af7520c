import { existsSync, unlinkSync } from "node:fs";
import { timingSafeEqual } from "node:crypto";
import path from "node:path";
import {
  Server,
  ServerCredentials,
  status,
  type handleUnaryCall,
  type sendUnaryData,
  type ServerUnaryCall,
  type StatusObject,
} from "@grpc/grpc-js";
import { HealthImplementation } from "grpc-health-check";
import { StandbyError } from "../../common/errors.js";
import { createLogger, type Logger } from "../../common/log.js";
import type { BootSpec, Flavor, ImageInfo, Instance, Operation, ProviderDescription, Quota, SnapshotSpec } from "../../common/provider.js";
import { ProviderServiceService, type ProviderServiceServer } from "../../gen/ts/standby/provider/v1/provider.js";
import {
  bootSpecFromProto,
  describeToProto,
  flavorToProto,
  imageToProto,
  instanceToProto,
  operationToProto,
  quotaToProto,
  snapshotSpecFromProto,
} from "../../common/provider-convert.js";
import {
  ENV_SECRET,
  ENV_SOCKET_DIR,
  formatHandshake,
  PROTOCOL_VERSION,
  SECRET_METADATA_KEY,
  SOCKET_FILE_NAME,
} from "../../common/handshake.js";
import { toStatus } from "../../common/status.js";
import { tracingSettings } from "../../common/otel-env.js";
import { flushTracing } from "../../common/tracing.js";
import { serverSpan, startPluginTracing } from "./tracing.js";

type Awaitable<T> = T | Promise<T>;

/** What Configure hands the plugin. Secrets are never logged. */
export interface PluginConfig {
  settings: Record<string, unknown>;
  secrets: Record<string, string>;
  /** Tag every instance and image with standby-owner=<ownerId>. */
  ownerId: string;
  /** The provider's name in the scheduler's configuration. */
  providerName: string;
}

/** Describe's answer; the SDK adds the protocol version. */
export type PluginDescription = Omit<ProviderDescription, "protocolVersion">;

/**
 * A provider plugin in TypeScript: the domain Provider interface plus
 * describe/configure. Throw StandbyError with the contract's codes; anything
 * else becomes INTERNAL with a generic message (the detail goes to stderr).
 * Optional methods that are absent answer UNIMPLEMENTED.
 */
export interface PluginImplementation {
  describe(): Awaitable<PluginDescription>;
  /** Called after every start before any other call but describe; again to replace the configuration. */
  configure(config: PluginConfig): Awaitable<void>;
  /** Idempotent on spec.nodeId. */
  boot(spec: BootSpec): Awaitable<Instance>;
  /** Throws not-found when the node has no instance. */
  getInstance(nodeId: string): Awaitable<Instance>;
  /** Idempotent: a missing instance is success. */
  deleteInstance(nodeId: string): Awaitable<void>;
  /** Every instance the plugin can see; a failure throws, never an empty list. */
  listInstances(): Awaitable<Instance[]>;
  listFlavors(): Awaitable<Flavor[]>;
  listImages(): Awaitable<ImageInfo[]>;
  createSnapshot?(spec: SnapshotSpec): Awaitable<Operation>;
  getOperation?(id: string): Awaitable<Operation>;
  /** Idempotent: a missing image is success. */
  deleteImage?(imageId: string): Awaitable<void>;
  getQuota?(): Awaitable<Quota>;
  /** Called once when the plugin shuts down (stdin EOF, SIGTERM, SIGINT), bounded in time. */
  close?(): Awaitable<void>;
}

export interface ServePluginOptions {
  /** Defaults to JSON logs on stderr (stdout is reserved for the handshake). */
  logger?: Logger;
  /** Bound on a graceful shutdown before the process exits anyway. Default SHUTDOWN_TIMEOUT_MS (2 s). */
  shutdownTimeoutMs?: number;
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Defaults to process.exit. */
  exit?: (code: number) => void;
  /** Trace calls when the OTEL_* environment asks for it (the default); false: never. */
  tracing?: boolean;
}

export interface PluginServer {
  readonly socketPath: string;
  /** Reports the whole plugin (health service "") as serving or not. */
  setServing(serving: boolean): void;
  /** Stops serving, calls close(), removes the socket and exits. */
  shutdown(reason: string): Promise<void>;
}

/**
 * The SDK's default bound on a graceful shutdown (stop serving, close(), flush
 * spans) before it exits anyway: below PLUGIN_EXIT_GRACE_MS, the contract's
 * limit, so that the process is gone before the host escalates.
 */
export const SHUTDOWN_TIMEOUT_MS = 2_000;

/** The health service name of the provider service itself. */
export const PROVIDER_SERVICE_NAME = "standby.provider.v1.ProviderService";

/** The longest unix socket path Linux accepts (sun_path is 108 bytes with the NUL). */
const MAX_SOCKET_PATH = 107;

/** JSON logs on stderr, for plugins. */
export function createPluginLogger(name: string): Logger {
  return createLogger({ name, destination: process.stderr });
}

/**
 * Runs a plugin: binds the gRPC server on a unix socket in
 * $STANDBY_PLUGIN_SOCKET_DIR, prints the handshake line once it is bound,
 * and exits on stdin EOF (the scheduler died) or SIGTERM/SIGINT.
 */
export async function servePlugin(impl: PluginImplementation, options: ServePluginOptions = {}): Promise<PluginServer> {
  const env = options.env ?? process.env;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? SHUTDOWN_TIMEOUT_MS;

  const secret = env[ENV_SECRET];
  const socketDir = env[ENV_SOCKET_DIR];
  const missing = [!secret && ENV_SECRET, !socketDir && ENV_SOCKET_DIR].filter(Boolean);
  if (missing.length > 0 || !secret || !socketDir) {
    process.stderr.write(
      `standby plugin: ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not set. ` +
        `This program is a standby provider plugin; the standby scheduler starts it (see docs/plugin-protocol.md).\n`,
    );
    exit(1);
    throw new Error("plugin environment incomplete");
  }
  const socketPath = path.resolve(socketDir, SOCKET_FILE_NAME);
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
    process.stderr.write(`standby plugin: socket path ${socketPath} is longer than ${MAX_SOCKET_PATH} bytes\n`);
    exit(1);
    throw new Error("socket path too long");
  }

  const log = options.logger ?? createPluginLogger("plugin");
  // stdout carries the handshake and nothing else; stray console output goes to stderr.
  console.log = console.error;
  console.info = console.error;
  console.debug = console.error;
  console.dir = (item: unknown) => console.error(item);
  if (options.tracing !== false && tracingSettings(env).exporters.length > 0) {
    try {
      const { name, version } = await impl.describe();
      await startPluginTracing(name, log, version, env);
    } catch (err) {
      log.warn({ err }, "tracing stays off: the plugin could not describe itself");
    }
  }

  const expected = Buffer.from(secret);
  const authorized = (call: ServerUnaryCall<unknown, unknown>): boolean => {
    const given = call.metadata.get(SECRET_METADATA_KEY)[0];
    if (typeof given !== "string") return false;
    const actual = Buffer.from(given);
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  };

  let configured = false;
  let shuttingDown = false;
  let providerName = "";
  const health = new HealthImplementation({ "": "SERVING", [PROVIDER_SERVICE_NAME]: "NOT_SERVING" });

  const unary =
    <Req, Res>(method: string, needsConfig: boolean, fn: (req: Req) => Promise<Res>): handleUnaryCall<Req, Res> =>
    (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
      if (!authorized(call as ServerUnaryCall<unknown, unknown>)) {
        callback({ code: status.UNAUTHENTICATED, details: `missing or wrong ${SECRET_METADATA_KEY}` });
        return;
      }
      if (needsConfig && !configured) {
        callback({ code: status.FAILED_PRECONDITION, details: "plugin not configured: call Configure first" });
        return;
      }
      let answer: Partial<StatusObject> | undefined;
      const statusOf = (err: unknown): Partial<StatusObject> =>
        (answer ??= toStatus(err, (cause) => log.error({ err: cause, method }, "plugin call failed with an unexpected error")));
      Promise.resolve()
        .then(() => serverSpan(method, call.metadata, { "standby.provider": providerName }, () => fn(call.request), statusOf))
        .then(
          (response) => callback(null, response),
          (err: unknown) => callback(statusOf(err)),
        );
    };

  const required = (field: string, value: string): string => {
    if (!value) throw StandbyError.invalidArgument(field, "required");
    return value;
  };
  const optional = <T>(fn: T | undefined, capability: string): T => {
    if (!fn) throw new StandbyError("unimplemented", `this plugin does not implement ${capability}`);
    return fn;
  };

  const handlers: ProviderServiceServer = {
    describe: unary("Describe", false, async () => describeToProto({ ...(await impl.describe()), protocolVersion: PROTOCOL_VERSION })),
    configure: unary("Configure", false, async (req) => {
      await impl.configure({
        settings: (req.settings ?? {}) as Record<string, unknown>,
        secrets: { ...req.secrets },
        ownerId: req.ownerId,
        providerName: req.providerName,
      });
      configured = true;
      providerName = req.providerName;
      if (!shuttingDown) health.setStatus(PROVIDER_SERVICE_NAME, "SERVING");
      log.info({ provider: req.providerName, owner: req.ownerId }, "configured");
      return {};
    }),
    boot: unary("Boot", true, async (req) => {
      const spec = bootSpecFromProto(req);
      required("node_id", spec.nodeId);
      return { instance: instanceToProto(await impl.boot(spec)) };
    }),
    getInstance: unary("GetInstance", true, async (req) => ({
      instance: instanceToProto(await impl.getInstance(required("node_id", req.nodeId))),
    })),
    deleteInstance: unary("DeleteInstance", true, async (req) => {
      await impl.deleteInstance(required("node_id", req.nodeId));
      return {};
    }),
    listInstances: unary("ListInstances", true, async () => ({
      instances: (await impl.listInstances()).map(instanceToProto),
    })),
    listFlavors: unary("ListFlavors", true, async () => ({ flavors: (await impl.listFlavors()).map(flavorToProto) })),
    listImages: unary("ListImages", true, async () => ({ images: (await impl.listImages()).map(imageToProto) })),
    createSnapshot: unary("CreateSnapshot", true, async (req) => {
      const spec = snapshotSpecFromProto(req);
      required("node_id", spec.nodeId);
      required("image_name", spec.imageName);
      const create = optional(impl.createSnapshot?.bind(impl), "snapshots");
      return { operation: operationToProto(await create(spec)) };
    }),
    getOperation: unary("GetOperation", true, async (req) => {
      const get = optional(impl.getOperation?.bind(impl), "operations");
      return { operation: operationToProto(await get(required("id", req.id))) };
    }),
    deleteImage: unary("DeleteImage", true, async (req) => {
      const del = optional(impl.deleteImage?.bind(impl), "image deletion");
      await del(required("image_id", req.imageId));
      return {};
    }),
    getQuota: unary("GetQuota", true, async () => {
      const get = optional(impl.getQuota?.bind(impl), "quota");
      return quotaToProto(await get());
    }),
  };

  const server = new Server();
  server.addService(ProviderServiceService, handlers);
  health.addToServer(server);

  if (existsSync(socketPath)) unlinkSync(socketPath); // a stale socket from an earlier run
  await new Promise<void>((resolve, reject) => {
    server.bindAsync(`unix:${socketPath}`, ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve()));
  }).catch((err: unknown) => {
    log.error({ err, socketPath }, "cannot listen on the plugin socket");
    exit(1);
    throw err;
  });

  let shutdownPromise: Promise<void> | undefined;
  const shutdown = (reason: string): Promise<void> => {
    shutdownPromise ??= (async () => {
      shuttingDown = true;
      log.info({ reason }, "shutting down");
      const hardStop = setTimeout(() => {
        log.warn({ timeoutMs: shutdownTimeoutMs }, "graceful shutdown took too long; exiting");
        exit(1);
      }, shutdownTimeoutMs);
      hardStop.unref();
      health.setStatus("", "NOT_SERVING");
      health.setStatus(PROVIDER_SERVICE_NAME, "NOT_SERVING");
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, shutdownTimeoutMs / 2);
        force.unref();
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      try {
        await impl.close?.();
      } catch (err) {
        log.error({ err }, "close failed");
      }
      try {
        unlinkSync(socketPath);
      } catch {
        // already gone
      }
      try {
        await flushTracing();
      } catch (err) {
        log.warn({ err }, "exporting the last spans failed");
      }
      clearTimeout(hardStop);
      exit(0);
    })();
    return shutdownPromise;
  };

  // The scheduler keeps our stdin open; EOF means it is gone.
  process.stdin.on("end", () => void shutdown("stdin closed"));
  process.stdin.on("error", () => void shutdown("stdin failed"));
  process.stdin.resume();
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));

  process.stdout.write(`${formatHandshake(socketPath)}\n`);
  log.debug({ socketPath }, "serving");

  return {
    socketPath,
    setServing: (serving) => health.setStatus("", serving ? "SERVING" : "NOT_SERVING"),
    shutdown,
  };
}
