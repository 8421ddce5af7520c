import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../lib/cluster.js";
import { suite } from "../lib/harness.js";
import { describeRun, GEN_CLIENTS, generatePythonStubs, PYTHON, requirePythonModules, run } from "./tools.js";

/**
 * The Java and Python stubs are not checked in: scripts/gen-clients.sh makes
 * them from proto/ with Debian's protoc when the clients are built or tested,
 * and only when they are missing or older than proto/. (gen/ts is checked in;
 * scripts/check-generated.mjs guards its drift.)
 */
const t = suite("generated clients");

const JAVA_GEN = path.join(REPO_ROOT, "clients/java/gen");
const PY_GEN = path.join(REPO_ROOT, "clients/python/standby_client/gen");

t("scripts/gen-clients.sh makes the Java and Python stubs from proto/, then leaves them alone while proto/ is unchanged", async () => {
  const first = await run("bash", [GEN_CLIENTS], { timeoutMs: 120_000 });
  assert.equal(first.code, 0, describeRun(first));
  for (const file of [
    path.join(JAVA_GEN, "dev/standby/v1/StandbyServiceGrpc.java"),
    path.join(JAVA_GEN, "dev/standby/v1/Standby.java"),
    path.join(PY_GEN, "standby/v1/standby_pb2.py"),
    path.join(PY_GEN, "standby/v1/standby_pb2_grpc.py"),
    path.join(PY_GEN, "standby/v1/__init__.py"),
  ]) {
    assert.ok(existsSync(file), `${path.relative(REPO_ROOT, file)} was generated\n${describeRun(first)}`);
  }
  // The messages are imported relatively, inside the standby_client package.
  assert.match(readFileSync(path.join(PY_GEN, "standby/v1/standby_pb2_grpc.py"), "utf8"), /^from \. import standby_pb2 as /m);

  const again = await run("bash", [GEN_CLIENTS], { timeoutMs: 120_000 });
  assert.equal(again.code, 0, describeRun(again));
  assert.match(again.stdout, /clients\/java\/gen is up to date/);
  assert.match(again.stdout, /clients\/python\/standby_client\/gen is up to date/);
  assert.doesNotMatch(again.stdout, /wrote/);
});

t("the generated Python stubs import as part of standby_client", async () => {
  await requirePythonModules();
  await generatePythonStubs();
  const r = await run(
    PYTHON,
    ["-c", "import standby_client; from standby_client.gen.standby.v1 import standby_pb2; print(standby_pb2.DESCRIPTOR.package)"],
    {
      env: { PYTHONPATH: path.join(REPO_ROOT, "clients/python") },
      timeoutMs: 30_000,
    },
  );
  assert.equal(r.code, 0, describeRun(r));
  assert.equal(r.stdout.trim(), "standby.v1");
});

t.run();
