import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { suite } from "../lib/harness.js";
import { REPO_ROOT } from "../lib/cluster.js";
import { discoverPlugins, splitCommand } from "./discover.js";
import { CHECKS, formatReport, runConformance } from "./suite.js";

/**
 * The provider conformance suite in CI: every plugin in plugins/ passes it,
 * and a deliberately broken plugin fails it, naming the rules it breaks.
 */
const t = suite("provider conformance", { timeoutMs: 180_000 });

const plugins = discoverPlugins(REPO_ROOT);

t("finds the plugins in plugins/ (folders with a main, the SDK excepted)", () => {
  const names = plugins.map((p) => p.name);
  assert.ok(names.includes("fake"), names.join(", "));
  assert.ok(!names.includes("sdk"));
  const fake = plugins.find((p) => p.name === "fake");
  assert.deepEqual(fake?.target.command.slice(1), [`${REPO_ROOT}dist/plugins/fake/main.js`.replace(/\/+/g, "/")]);
  assert.equal(typeof fake?.target.settings.stateFile, "string", "the fake's conformance.json gives it a state file");
});

for (const plugin of plugins) {
  t(`plugin ${plugin.name} passes every rule`, async () => {
    const report = await runConformance(plugin.target, plugin.options);
    assert.equal(report.results.length, CHECKS.length);
    assert.ok(report.passed, formatReport(report));
  });
}

t("a plugin that breaks boot idempotency, delete idempotency and list tags fails exactly those rules, each by name", async () => {
  const broken = fileURLToPath(new URL("../plugins/broken-plugin.js", import.meta.url));
  const report = await runConformance({ name: "broken", command: [process.execPath, broken], settings: {}, secrets: {}, env: {} });
  assert.equal(report.passed, false);
  const failed = report.results.filter((r) => r.status === "failed").map((r) => r.rule);
  assert.deepEqual(failed.sort(), ["boot.idempotent", "delete.idempotent", "list.tags"], formatReport(report));
  assert.ok(
    report.results.every((r) => r.status !== "blocked"),
    "no rule was left unchecked",
  );
  const byRule = new Map(report.results.map((r) => [r.rule, r]));
  assert.match(
    byRule.get("boot.idempotent")?.message ?? "",
    /a second Boot of cf-\w+-1 answered instance broken-\d+; the first answered broken-\d+/,
  );
  assert.match(byRule.get("delete.idempotent")?.message ?? "", /second DeleteInstance of the same node failed with NOT_FOUND/);
  assert.match(
    byRule.get("list.tags")?.message ?? "",
    /listed without standby-owner=conformance-\w+, standby-node=cf-\w+-1, conformance-run=\w+/,
  );
  // The snapshot and quota capabilities are absent, so those calls must be (and are) UNIMPLEMENTED.
  assert.equal(byRule.get("snapshot")?.status, "passed");
  assert.equal(byRule.get("quota")?.status, "passed");
  const text = formatReport(report);
  for (const rule of failed) assert.match(text, new RegExp(`broke ${rule.replace(".", "\\.")}: `));
  assert.match(text, /FAIL: 3 rule\(s\) broken \(boot\.idempotent, list\.tags, delete\.idempotent\)/);
});

t("a plugin blind to owners fails exactly the owner rules, each by name", async () => {
  const blind = fileURLToPath(new URL("../plugins/owner-blind-plugin.js", import.meta.url));
  const report = await runConformance({
    name: "owner-blind",
    command: [process.execPath, blind],
    settings: { stateFile: "owner-blind.json", bootLatencyMs: 100, deleteLatencyMs: 100 },
    secrets: {},
    env: {},
  });
  const failed = report.results.filter((r) => r.status === "failed").map((r) => r.rule);
  assert.deepEqual(failed, ["owner.list", "owner.node-id"], formatReport(report));
  assert.ok(
    report.results.every((r) => r.status !== "blocked"),
    "no rule was left unchecked",
  );
  const byRule = new Map(report.results.map((r) => [r.rule, r]));
  assert.match(
    byRule.get("owner.list")?.message ?? "",
    /ListInstances shows the second owner's instance \S+ tagged standby-owner=conformance-\w+; it was booted by conformance-\w+-other/,
  );
  assert.match(
    byRule.get("owner.node-id")?.message ?? "",
    /GetInstance of cf-\w+-shared found the second owner's instance \S+; this owner has none/,
  );
  assert.match(formatReport(report), /FAIL: 2 rule\(s\) broken \(owner\.list, owner\.node-id\)/);
});

t("a program that is no plugin at all fails the handshake, and the rules that need it are not run", async () => {
  const report = await runConformance({ name: "sleep", command: ["sh", "-c", "echo hello"], settings: {}, secrets: {}, env: {} }, {});
  const byRule = new Map(report.results.map((r) => [r.rule, r]));
  assert.equal(byRule.get("start.outside-scheduler")?.status, "failed");
  assert.equal(byRule.get("handshake")?.status, "failed");
  assert.match(byRule.get("handshake")?.message ?? "", /the plugin ended \(exit code 0\) before its handshake/);
  assert.equal(byRule.get("boot")?.status, "blocked");
  assert.match(byRule.get("boot")?.message ?? "", /needs flavors/);
});

t("the --plugin command line is split like a shell would", () => {
  assert.deepEqual(splitCommand(`node "my plugin.js" --name 'a b' c\\ d`), ["node", "my plugin.js", "--name", "a b", "c d"]);
  assert.deepEqual(splitCommand(`  ./plugin  `), ["./plugin"]);
  assert.deepEqual(splitCommand(`x "" y`), ["x", "", "y"]);
  assert.throws(() => splitCommand(`node "unclosed`), /unbalanced/);
});

t.run();
