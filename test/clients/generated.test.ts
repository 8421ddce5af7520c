import assert from "node:assert/strict";
import path from "node:path";
import { REPO_ROOT } from "../lib/cluster.js";
import { suite } from "../lib/harness.js";
import { describeRun, run } from "./tools.js";

/**
 * The Java and Python stubs are checked in; CI fails when they drift from
 * proto/ (someone changed the contract and did not run scripts/gen-clients.sh,
 * or edited generated code by hand).
 */
const t = suite("generated clients");

t("clients/java/gen and clients/python/standby_client/gen match what scripts/gen-clients.sh makes from proto/", async () => {
  const r = await run("bash", [path.join(REPO_ROOT, "scripts/gen-clients.sh"), "--check"], { timeoutMs: 120_000 });
  assert.equal(r.code, 0, describeRun(r));
  assert.match(r.stdout, /match proto\//);
});

t.run();
