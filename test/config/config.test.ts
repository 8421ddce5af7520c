import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "../lib/harness.js";
import { parseDuration } from "../../server/config/duration.js";
import { loadConfig, parseConfig } from "../../server/config/load.js";
import { StandbyError } from "../../common/errors.js";

const t = suite("configuration");

const minimal = () => ({
  providers: [{ name: "a", plugin: "fake", settings: { stateFile: "a.json" } }],
  labels: [{ name: "jammy", tags: ["py312"], minReady: 2 }],
  templates: [{ label: "jammy", provider: "a", image: "ubuntu-jammy", flavor: "small" }],
});

t("a minimal config gets documented defaults", () => {
  const config = parseConfig(minimal());
  assert.equal(config.server.listen, "127.0.0.1:7420");
  assert.equal(config.claims.defaultLeaseTtl, 600_000);
  assert.equal(config.providers[0]?.bootTimeout, 600_000);
  assert.equal(config.labels[0]?.maxNodes, 0);
});

t("durations accept seconds and unit strings", () => {
  assert.equal(parseDuration(90), 90_000);
  assert.equal(parseDuration("90s"), 90_000);
  assert.equal(parseDuration("1h30m"), 5_400_000);
  assert.equal(parseDuration("250ms"), 250);
  assert.throws(() => parseDuration("ten minutes"), /not a duration/);
  assert.throws(() => parseDuration("10m junk"), /not a duration/);
});

function rejects(doc: unknown, ...fragments: string[]) {
  assert.throws(
    () => parseConfig(doc),
    (err: unknown) => {
      assert.ok(err instanceof StandbyError);
      assert.equal(err.code, "invalid-argument");
      for (const f of fragments) assert.ok(err.message.includes(f), `expected "${f}" in:\n${err.message}`);
      return true;
    },
  );
}

t("errors name the field at fault", () => {
  const doc = minimal();
  (doc.labels[0] as Record<string, unknown>).minReady = -1;
  rejects(doc, "labels[0].minReady");
});

t("a template naming an unknown provider is refused with its path", () => {
  const doc = minimal();
  doc.templates[0]!.provider = "nowhere";
  rejects(doc, "templates[0].provider", 'no provider named "nowhere"');
});

t("unknown keys are refused rather than silently ignored", () => {
  rejects({ ...minimal(), lables: [] }, "lables");
});

t("duplicate names and providers without a plugin are refused", () => {
  const doc = minimal();
  doc.labels.push({ name: "jammy", tags: [], minReady: 0 });
  rejects(doc, "labels[1].name", "duplicate");
  const doc2 = minimal();
  delete (doc2.providers[0] as Record<string, unknown>).plugin;
  rejects(doc2, "providers[0].plugin", "exactly one of plugin or command");
});

t("a label that wants ready nodes needs a template", () => {
  const doc = minimal();
  doc.templates = [];
  rejects(doc, "labels[0].minReady", "no template");
});

t("holds get documented defaults; bad hold settings are refused, naming the field", () => {
  const config = parseConfig(minimal());
  assert.equal(config.holds.defaultDuration, 24 * 3_600_000);
  assert.equal(config.holds.maxDuration, 7 * 24 * 3_600_000);
  assert.equal(config.holds.expiredLeases, 0);
  assert.deepEqual(config.holds.rules, []);
  const rule = parseConfig({ ...minimal(), holds: { rules: [{ name: "flaky", count: 2 }] } }).holds.rules[0];
  assert.deepEqual(rule, { name: "flaky", labels: "", requester: "", jobName: "", count: 2, duration: 0, reason: "" });
  const withHolds = (holds: Record<string, unknown>) => ({ ...minimal(), holds });
  rejects(withHolds({ defaultDuration: "3h", maxDuration: "2h" }), "holds.defaultDuration: exceeds maxDuration");
  rejects(withHolds({ expiredLeases: "3d", maxDuration: "2d" }), "holds.expiredLeases: exceeds maxDuration");
  rejects(withHolds({ rules: [{ name: "r", count: 1, jobName: "([" }] }), "holds.rules[0].jobName: not a regular expression");
  rejects(withHolds({ rules: [{ name: "r", count: 1, labels: "a &&" }] }), "holds.rules[0].labels");
  rejects(withHolds({ rules: [{ name: "r", count: 0 }] }), "holds.rules[0].count");
  rejects(withHolds({ rules: [{ name: "r", count: 1, duration: "8d" }] }), "holds.rules[0].duration: exceeds maxDuration");
  rejects(
    withHolds({
      rules: [
        { name: "r", count: 1 },
        { name: "r", count: 2 },
      ],
    }),
    "holds.rules[1].name",
    "duplicate",
  );
  rejects(withHolds({ rules: [{ name: "r", count: 1, colour: "red" }] }), "holds.rules[0]", "colour");
});

t("loading a file resolves relative paths against the file and reports YAML errors", async () => {
  const dir = await mkdtemp(join(tmpdir(), "standby-config-"));
  const file = join(dir, "c.yaml");
  await writeFile(
    file,
    "providers:\n  - {name: a, plugin: fake}\nlabels:\n  - {name: x}\nserver:\n  db: sqlite:data/s.db\n  stateDir: state\n",
  );
  const { config } = await loadConfig(file);
  assert.equal(config.server.db, `sqlite:${join(dir, "data/s.db")}`);
  assert.equal(config.server.stateDir, join(dir, "state"));
  await writeFile(file, "providers: [\n");
  await assert.rejects(loadConfig(file), /not valid YAML/);
});

t("isolation policies come from server.plugins.policies and providers[].policies, durations in the host's milliseconds", () => {
  const doc = minimal() as Record<string, unknown> & { providers: Record<string, unknown>[] };
  doc.server = { plugins: { policies: { deadlines: { fast: "5s" }, bulkhead: { maxConcurrent: 8 } } } };
  (doc.providers[0] as Record<string, unknown>).policies = {
    deadlines: { accept: "90s" },
    rateLimit: { perSecond: 5, burst: 10 },
    circuitBreaker: { failures: 3, halfOpenAfter: "2s" },
    crashLoop: { window: "5m", disableFor: 0 },
  };
  const config = parseConfig(doc);
  assert.deepEqual(config.server.plugins.policies, { deadlines: { fastMs: 5_000 }, bulkhead: { maxConcurrent: 8 } });
  assert.deepEqual(config.providers[0]?.policies, {
    deadlines: { acceptMs: 90_000 },
    rateLimit: { perSecond: 5, burst: 10 },
    circuitBreaker: { failures: 3, halfOpenAfterMs: 2_000 },
    crashLoop: { windowMs: 300_000, disableForMs: 0 },
  });
  const bad = (policies: unknown, ...fragments: string[]) => {
    const d = minimal() as { providers: Record<string, unknown>[] };
    (d.providers[0] as Record<string, unknown>).policies = policies;
    rejects(d, ...fragments);
  };
  bad({ deadlines: { accept: "soon" } }, "providers[0].policies.deadlines.accept", "not a duration");
  bad({ deadlines: { fast: 0 } }, "providers[0].policies.deadlines.fast", "more than 0");
  bad({ bulkhead: { maxConcurrent: 0 } }, "providers[0].policies.bulkhead.maxConcurrent");
  bad({ breaker: {} }, "providers[0].policies", "breaker");
});

t("a provider's env is its plugin's extra environment: names checked, values as strings, none by default", () => {
  assert.deepEqual(parseConfig(minimal()).providers[0]?.env, {});
  const withEnv = (env: unknown) => {
    const d = minimal() as { providers: Record<string, unknown>[] };
    (d.providers[0] as Record<string, unknown>).env = env;
    return d;
  };
  assert.deepEqual(parseConfig(withEnv({ K: "V", MYCLOUD_DEBUG: 1, _X: true })).providers[0]?.env, {
    K: "V",
    MYCLOUD_DEBUG: "1",
    _X: "true",
  });
  rejects(withEnv({ "1BAD": "v" }), "providers[0].env.1BAD: not an environment variable name");
  rejects(withEnv({ "A-B": "v" }), "providers[0].env.A-B: not an environment variable name");
  rejects(withEnv({ STANDBY_PLUGIN_SECRET: "v" }), "providers[0].env.STANDBY_PLUGIN_SECRET: STANDBY_PLUGIN_* is set by the scheduler");
  rejects(withEnv({ K: { nested: 1 } }), "providers[0].env.K");
  rejects(withEnv(["K=V"]), "providers[0].env");
});

t.run();
