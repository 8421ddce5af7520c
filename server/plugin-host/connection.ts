import { credentials, Metadata, status, type ServiceError } from "@grpc/grpc-js";
import { service as healthService } from "grpc-health-check";
import { ProviderServiceClient, ProviderServiceService } from "../../gen/ts/standby/provider/v1/provider.js";
import { fromServiceError } from "../../common/status.js";
import { SECRET_METADATA_KEY } from "../../common/handshake.js";
import type { StandbyError } from "../../common/errors.js";
import type { Logger } from "../../common/log.js";
import { injectTraceContext } from "../../common/propagation.js";
import { MalformedResponseError } from "./errors.js";

type Service = typeof ProviderServiceService;
export type MethodName = keyof Service;
export type RequestOf<M extends MethodName> = Parameters<Service[M]["requestSerialize"]>[0];
export type ResponseOf<M extends MethodName> = ReturnType<Service[M]["responseDeserialize"]>;

export type HealthStatus = "SERVING" | "NOT_SERVING" | "UNKNOWN" | "SERVICE_UNKNOWN";

export interface ConnectionOptions {
  /** Answers larger than this fail the call as malformed. */
  maxResponseBytes: number;
  /** Where malformed answers are reported (one warning each). */
  log: Logger;
}

/**
 * One gRPC channel to one plugin process: every call carries the per-start
 * secret and a deadline, and failures come back as StandbyError with the
 * plugin's code and message. An answer that does not decode or is too large
 * is a MalformedResponseError, logged once with the method's name.
 */
export class PluginConnection {
  private readonly client: ProviderServiceClient;

  constructor(
    socketPath: string,
    private readonly secret: string,
    private readonly opts: ConnectionOptions,
  ) {
    this.client = new ProviderServiceClient(`unix:${socketPath}`, credentials.createInsecure(), {
      "grpc.max_receive_message_length": opts.maxResponseBytes,
      "grpc.max_send_message_length": 64 * 1024 * 1024,
    });
  }

  /** Calls method; deadline is epoch ms (real time). */
  call<M extends MethodName>(method: M, request: RequestOf<M>, deadline: number): Promise<ResponseOf<M>> {
    const def = ProviderServiceService[method];
    return new Promise<ResponseOf<M>>((resolve, reject) => {
      this.client.makeUnaryRequest(
        def.path,
        def.requestSerialize as (value: RequestOf<M>) => Buffer,
        def.responseDeserialize as (value: Buffer) => ResponseOf<M>,
        request,
        this.metadata(),
        { deadline },
        (err: ServiceError | null, response?: ResponseOf<M>) => {
          if (err) reject(this.failure(def.path, err));
          else if (response === undefined) reject(fromServiceError({ code: 13, details: "empty response" }));
          else resolve(response);
        },
      );
    });
  }

  /**
   * grpc-js reports an answer it cannot decode as INTERNAL and one over the
   * size limit as RESOURCE_EXHAUSTED, both made up on this side: the plugin
   * said neither, and RESOURCE_EXHAUSTED would read as "quota" to the
   * scheduler. Both are the plugin breaking the contract.
   */
  private failure(path: string, err: ServiceError): StandbyError {
    const details = err.details ?? "";
    const method = path.slice(path.lastIndexOf("/") + 1);
    let message: string | undefined;
    if (err.code === status.INTERNAL && details.startsWith("Response message parsing error")) {
      message = `plugin sent a malformed ${method} answer (${details})`;
    } else if (err.code === status.RESOURCE_EXHAUSTED && details.startsWith("Received message larger than max")) {
      const [, size = "?", limit = "?"] = /\((\d+) vs\.? (\d+)\)/.exec(details) ?? [];
      message = `plugin sent an oversized ${method} answer: ${size} bytes, over the limit of ${limit} (maxResponseBytes)`;
    }
    if (message === undefined) return fromServiceError(err);
    this.opts.log.warn({ method }, message);
    return new MalformedResponseError(message, { cause: err });
  }

  /** grpc.health.v1 Check of the whole plugin (service ""). */
  health(timeoutMs: number): Promise<HealthStatus> {
    const check = healthService["Check"];
    if (!check) return Promise.reject(new Error("grpc-health-check has no Check method"));
    return new Promise<HealthStatus>((resolve, reject) => {
      this.client.makeUnaryRequest(
        check.path,
        check.requestSerialize,
        check.responseDeserialize,
        { service: "" },
        this.metadata(),
        { deadline: Date.now() + timeoutMs },
        (err: ServiceError | null, response?: { status?: string }) => {
          if (err) reject(fromServiceError(err));
          else resolve((response?.status ?? "UNKNOWN") as HealthStatus);
        },
      );
    });
  }

  close(): void {
    this.client.close();
  }

  private metadata(): Metadata {
    const metadata = new Metadata();
    metadata.set(SECRET_METADATA_KEY, this.secret);
    // The caller's span (provider.boot, ...) continues in the plugin.
    injectTraceContext(metadata);
    return metadata;
  }
}
