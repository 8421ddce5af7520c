import assert from "node:assert/strict";
import { createRequire } from "node:module";
import path from "node:path";
import { loadSync } from "@grpc/proto-loader";
import { REPO_ROOT } from "../lib/cluster.js";
import { suite } from "../lib/harness.js";

const t = suite("the health proto shipped for plugin authors");

/** Every message's fields (name, number, type), enum values and the service's methods of one health.proto, comparable. */
function shapeOf(file: string): unknown {
  const defs = loadSync(file, { keepCase: true });
  const shape: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(defs).sort(([a], [b]) => a.localeCompare(b))) {
    if (!name.startsWith("grpc.health.v1.")) continue;
    if ("format" in def && def.format === "Protocol Buffer 3 DescriptorProto") {
      const type = def.type as { field: { name: string; number: number; type: string; typeName: string; label: string }[] };
      shape[name] = type.field.map((f) => [f.name, f.number, f.type, f.typeName, f.label]);
    } else if ("format" in def && def.format === "Protocol Buffer 3 EnumDescriptorProto") {
      shape[name] = (def.type as { value: { name: string; number: number }[] }).value.map((v) => [v.name, v.number]);
    } else {
      shape[name] = Object.entries(def as Record<string, { path: string; requestStream: boolean; responseStream: boolean }>)
        .map(([method, m]) => [method, m.path, m.requestStream, m.responseStream])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    }
  }
  return shape;
}

t("docs/proto's health.proto is the wire contract the scheduler's health client speaks", () => {
  const ours = shapeOf(path.join(REPO_ROOT, "docs", "proto", "grpc", "health", "v1", "health.proto"));
  const require = createRequire(import.meta.url);
  const reference = path.join(path.dirname(require.resolve("grpc-health-check/package.json")), "proto", "health", "v1", "health.proto");
  assert.deepEqual(ours, shapeOf(reference));
  assert.ok(Object.keys(ours as object).includes("grpc.health.v1.Health"));
});

t.run();
