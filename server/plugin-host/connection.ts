import { credentials, Metadata, type ServiceError } from "@grpc/grpc-js";
import { service as healthService } from "grpc-health-check";
import { ProviderServiceClient, ProviderServiceService } from "../../gen/ts/standby/provider/v1/provider.js";
import { fromServiceError } from "../../plugins/sdk/status.js";
import { SECRET_METADATA_KEY } from "../../plugins/sdk/handshake.js";

type Service = typeof ProviderServiceService;
export type MethodName = keyof Service;
export type RequestOf<M extends MethodName> = Parameters<Service[M]["requestSerialize"]>[0];
export type ResponseOf<M extends MethodName> = ReturnType<Service[M]["responseDeserialize"]>;

export type HealthStatus = "SERVING" | "NOT_SERVING" | "UNKNOWN" | "SERVICE_UNKNOWN";

const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/**
 * One gRPC channel to one plugin process: every call carries the per-start
 * secret and a deadline, and failures come back as StandbyError with the
 * plugin's code and message.
 */
export class PluginConnection {
  private readonly client: ProviderServiceClient;

  constructor(
    socketPath: string,
    private readonly secret: string,
  ) {
    this.client = new ProviderServiceClient(`unix:${socketPath}`, credentials.createInsecure(), {
      "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
      "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
    });
  }

  call<M extends MethodName>(method: M, request: RequestOf<M>, timeoutMs: number): Promise<ResponseOf<M>> {
    const def = ProviderServiceService[method];
    return new Promise<ResponseOf<M>>((resolve, reject) => {
      this.client.makeUnaryRequest(
        def.path,
        def.requestSerialize as (value: RequestOf<M>) => Buffer,
        def.responseDeserialize as (value: Buffer) => ResponseOf<M>,
        request,
        this.metadata(),
        { deadline: Date.now() + timeoutMs },
        (err: ServiceError | null, response?: ResponseOf<M>) => {
          if (err) reject(fromServiceError(err));
          else if (response === undefined) reject(fromServiceError({ code: 13, details: "empty response" }));
          else resolve(response);
        },
      );
    });
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
    return metadata;
  }
}
