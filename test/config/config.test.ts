import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "../lib/harness.js";
import { parseDuration } from "../../server/config/duration.js";
import { loadConfig, parseConfig } from "../../server/config/load.js";
import { StandbyError } from "../../server/core/errors.js";

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

t("loading a file resolves relative paths against the file and reports YAML errors", async () => {
  const dir = await mkdtemp(join(tmpdir(), "standby-config-"));
  const file = join(dir, "c.yaml");
  await writeFile(file, "providers:\n  - {name: a, plugin: fake}\nlabels:\n  - {name: x}\nserver:\n  db: sqlite:data/s.db\n  stateDir: state\n");
  const { config } = await loadConfig(file);
  assert.equal(config.server.db, `sqlite:${join(dir, "data/s.db")}`);
  assert.equal(config.server.stateDir, join(dir, "state"));
  await writeFile(file, "providers: [\n");
  await assert.rejects(loadConfig(file), /not valid YAML/);
});

t.run();
