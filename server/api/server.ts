import { fileURLToPath } from "node:url";
import { Server, ServerCredentials } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { ReflectionService } from "@grpc/reflection";
import { HealthImplementation } from "grpc-health-check";
import { StandbyServiceService } from "../../gen/ts/standby/v1/standby.js";
import { StandbyError } from "../../common/errors.js";
import type { Logger } from "../../common/log.js";
import type { Scheduler } from "../scheduler/scheduler.js";
import { standbyService, type AdminHooks } from "./service.js";

/** The proto/ folder, found from this file both in the source tree and in dist/. */
export function protoRoot(): string {
  const here = fileURLToPath(new URL(".", import.meta.url));
  return here.includes("/dist/")
    ? fileURLToPath(new URL("../../../proto/", import.meta.url))
    : fileURLToPath(new URL("../../proto/", import.meta.url));
}

export interface ApiServer {
  address: string;
  health: HealthImplementation;
  close(): Promise<void>;
}

/** Serves standby.v1, grpc.health.v1 and server reflection on listen (HOST:PORT; port 0 picks one). */
export async function startApiServer(listen: string, scheduler: () => Scheduler, logger: Logger, admin?: AdminHooks): Promise<ApiServer> {
  const server = new Server({ "grpc.max_receive_message_length": 4 * 1024 * 1024 });
  server.addService(StandbyServiceService, standbyService(scheduler, logger, admin));
  const health = new HealthImplementation({ "": "SERVING", "standby.v1.StandbyService": "SERVING" });
  health.addToServer(server);
  const definition = loadSync("standby/v1/standby.proto", {
    includeDirs: [protoRoot()],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  new ReflectionService(definition).addToServer(server);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(listen, ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(new StandbyError("unavailable", `cannot listen on ${listen}: ${err.message}`, { cause: err })) : resolve(p),
    ),
  );
  const host = listen.slice(0, listen.lastIndexOf(":"));
  return {
    address: `${host}:${port}`,
    health,
    close: () =>
      new Promise<void>((resolve) => {
        health.setStatus("", "NOT_SERVING");
        const force = setTimeout(() => server.forceShutdown(), 3000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}
