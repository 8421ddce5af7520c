import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { credentials, loadPackageDefinition, status, type Client, type ClientDuplexStream, type ServiceError } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { suite } from "../lib/harness.js";
import { eventually, startCluster, type Cluster } from "../lib/cluster.js";

const require = createRequire(import.meta.url);
const reflectionProtoDir = join(dirname(require.resolve("@grpc/reflection/package.json")), "build/proto");
const healthProto = join(dirname(require.resolve("grpc-health-check/package.json")), "proto/health/v1/health.proto");

type Ctor = new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => Client;

function clientFor(file: string, includeDirs: string[], path: string[]): Ctor {
  const pkg = loadPackageDefinition(
    loadSync(file, { includeDirs, keepCase: true, longs: String, enums: String, defaults: true }),
  ) as Record<string, unknown>;
  return path.reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], pkg) as Ctor;
}

interface ReflectionResponse {
  list_services_response?: { service: { name: string }[] };
  file_descriptor_response?: { file_descriptor_proto: Buffer[] };
  error_response?: { error_code: number; error_message: string };
}

function reflect(c: Cluster, request: Record<string, unknown>): Promise<ReflectionResponse> {
  const Reflection = clientFor(
    "grpc/reflection/v1/reflection.proto",
    [reflectionProtoDir],
    ["grpc", "reflection", "v1", "ServerReflection"],
  );
  const client = new Reflection(c.api.address, credentials.createInsecure()) as Client & {
    ServerReflectionInfo(): ClientDuplexStream<Record<string, unknown>, ReflectionResponse>;
  };
  return new Promise((resolve, reject) => {
    const stream = client.ServerReflectionInfo();
    stream.on("data", (res: ReflectionResponse) => {
      resolve(res);
      stream.end();
      client.close();
    });
    stream.on("error", reject);
    stream.write(request);
  });
}

const t = suite("health and server reflection", { timeoutMs: 60_000 });
let c: Cluster;

t.before(async () => {
  c = await startCluster({
    config: {
      providers: [{ name: "east", plugin: "fake" }],
      labels: [{ name: "jammy", minReady: 0 }],
      templates: [{ label: "jammy", provider: "east", image: "ubuntu-jammy", flavor: "small" }],
    },
  });
});

t.after(async () => {
  await c.close();
});

t("a reflection client lists the standby service among the served ones", async () => {
  const res = await reflect(c, { list_services: "*" });
  const names = res.list_services_response?.service.map((s) => s.name) ?? [];
  assert.ok(names.includes("standby.v1.StandbyService"), names.join(", "));
});

t("reflection returns the file descriptor that defines CreateClaim", async () => {
  const res = await reflect(c, { file_containing_symbol: "standby.v1.StandbyService" });
  const files = res.file_descriptor_response?.file_descriptor_proto ?? [];
  assert.ok(files.length > 0, "at least one descriptor");
  const text = Buffer.concat(files.map((f) => Buffer.from(f))).toString("latin1");
  // @grpc/reflection names files after their package; the content is what matters.
  assert.ok(text.includes("standby.v1"));
  assert.ok(text.includes("StandbyService"));
  assert.ok(text.includes("CreateClaim"));
});

t("the health service answers SERVING for the server and for standby.v1.StandbyService", async () => {
  const Health = clientFor(healthProto, [], ["grpc", "health", "v1", "Health"]);
  const client = new Health(c.api.address, credentials.createInsecure()) as Client & {
    Check(req: { service: string }, cb: (err: ServiceError | null, res: { status: string }) => void): void;
  };
  try {
    for (const service of ["", "standby.v1.StandbyService"]) {
      const res = await eventually(
        `health of "${service}"`,
        () => new Promise<{ status: string }>((resolve, reject) => client.Check({ service }, (err, r) => (err ? reject(err) : resolve(r)))),
      );
      assert.equal(res.status, "SERVING");
    }
    await assert.rejects(
      new Promise((resolve, reject) => client.Check({ service: "no.such.Service" }, (err, r) => (err ? reject(err) : resolve(r)))),
      (err) => (err as ServiceError).code === status.NOT_FOUND,
    );
  } finally {
    client.close();
  }
});

t.run();
