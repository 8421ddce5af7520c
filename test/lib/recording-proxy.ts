import {
  credentials,
  Metadata,
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServerWritableStream,
  type sendUnaryData,
  type ServiceError,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import { StandbyServiceClient, StandbyServiceService } from "../../gen/ts/standby/v1/standby.js";

/**
 * A StandbyService that forwards every call to a real scheduler and records
 * the decoded requests, for tests of clients in other processes (the CLI,
 * Java, Python): what did they put on the wire? Statuses and streams pass
 * through unchanged.
 */
export interface RecordingProxy {
  address: string;
  /** Requests received, in order, by method name ("ReleaseLease"). */
  requests: { method: string; request: unknown }[];
  of<T>(method: string): T[];
  close(): Promise<void>;
}

type Upstream = Record<string, (...args: unknown[]) => unknown>;

export async function startRecordingProxy(upstreamAddress: string): Promise<RecordingProxy> {
  const upstream = new StandbyServiceClient(upstreamAddress, credentials.createInsecure());
  const requests: { method: string; request: unknown }[] = [];
  const impl: UntypedServiceImplementation = {};
  for (const [name, def] of Object.entries(StandbyServiceService)) {
    const method = def.path.replace(/^.*\//, "");
    const call = (upstream as unknown as Upstream)[name]!.bind(upstream);
    if (def.responseStream) {
      impl[name] = (server: ServerWritableStream<unknown, unknown>) => {
        requests.push({ method, request: server.request });
        const stream = call(server.request, new Metadata(), { deadline: server.getDeadline() }) as NodeJS.EventEmitter & { cancel(): void };
        stream.on("data", (msg: unknown) => server.write(msg));
        stream.on("end", () => server.end());
        stream.on("error", (err: ServiceError) => server.emit("error", err));
        server.on("cancelled", () => stream.cancel());
      };
    } else {
      impl[name] = (server: ServerUnaryCall<unknown, unknown>, cb: sendUnaryData<unknown>) => {
        requests.push({ method, request: server.request });
        call(server.request, new Metadata(), { deadline: server.getDeadline() }, (err: ServiceError | null, res: unknown) => cb(err, res));
      };
    }
  }
  const server = new Server();
  server.addService(StandbyServiceService, impl);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    address: `127.0.0.1:${port}`,
    requests,
    of: <T>(method: string) => requests.filter((r) => r.method === method).map((r) => r.request as T),
    close: () =>
      new Promise<void>((resolve) => {
        upstream.close();
        server.tryShutdown(() => resolve());
        setTimeout(() => server.forceShutdown(), 2_000).unref();
      }),
  };
}
