import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NodeState } from "../../gen/ts/standby/v1/standby.js";
import { silentLogger } from "../../common/log.js";
import { serve } from "../../server/main.js";
import { suite } from "../lib/harness.js";
import { eventually } from "../lib/cluster.js";

/**
 * The scheduler as `standby serve` runs it, with its plugins as processes:
 * configuration reloads and isolation policies from the file. The scheduling
 * logic itself is tested in virtual time (test/sim).
 */
const t = suite("a served scheduler's configuration, with plugin processes", { timeoutMs: 120_000 });

t("a reload with an invalid file changes nothing and says why; a valid one adds a label", async () => {
  const dir = await mkdtemp(join(tmpdir(), "standby-reload-"));
  const file = join(dir, "standby.yaml");
  const base = (extra: string) => `server: {listen: "127.0.0.1:0", db: "sqlite:s.db", stateDir: "."}
providers:
  - {name: east, plugin: fake, settings: {stateFile: east.json}}
labels:
  - {name: jammy, minReady: 1}
${extra}
templates:
  - {label: jammy, provider: east, image: ubuntu-jammy, flavor: small, readyCheck: false}
`;
  await writeFile(file, base(""));
  const running = await serve({ config: file, logger: silentLogger });
  try {
    await writeFile(file, base("  - {name: noble, minReady: -3}"));
    await assert.rejects(running.reload(), /labels\[1\]\.minReady/);
    await writeFile(file, base("  - {name: noble, tags: [ubuntu]}"));
    await running.reload();
    const { createClient } = await import("../../clients/typescript/client.js");
    const client = createClient(running.address);
    try {
      const res = await client.listLabels();
      assert.deepEqual(res.labels.map((l) => l.name).sort(), ["jammy", "noble"]);
      await writeFile(file, "providers: [");
      await assert.rejects(client.reloadConfig(), /not valid YAML/);
      assert.deepEqual((await client.listLabels()).labels.map((l) => l.name).sort(), ["jammy", "noble"], "still the last good config");
    } finally {
      client.close();
    }
  } finally {
    await running.close();
    await rm(dir, { recursive: true, force: true });
  }
});

t(
  "isolation policies from the configuration file reach the plugin host: a provider slower than its configured deadline fails its calls",
  async () => {
    const dir = await mkdtemp(join(tmpdir(), "standby-policies-"));
    const file = join(dir, "standby.yaml");
    await writeFile(
      file,
      `server: {listen: "127.0.0.1:0", db: "sqlite::memory:", stateDir: ${JSON.stringify(dir)}}
providers:
  - name: slow
    plugin: fake
    settings: {stateFile: slow.json, fault: {mode: slow, delayMs: 1500}}
    policies: {deadlines: {fast: 300ms, accept: 300ms}}
  - name: quick
    plugin: fake
    settings: {stateFile: quick.json}
    policies: {deadlines: {fast: 5s, accept: 5s}}
labels:
  - {name: jammy, minReady: 2}
templates:
  - {label: jammy, provider: slow, image: ubuntu-jammy, flavor: small, readyCheck: false}
  - {label: jammy, provider: quick, image: ubuntu-jammy, flavor: small, readyCheck: false}
`,
    );
    const running = await serve({ config: file, logger: silentLogger });
    const { createClient } = await import("../../clients/typescript/client.js");
    const client = createClient(running.address);
    try {
      const slow = await eventually(
        "the slow provider's calls to run into the 300 ms deadline",
        async () => {
          const res = await client.listProviders();
          const p = res.providers.find((x) => x.name === "slow");
          return p && /deadline|timed out/i.test(`${p.lastError} ${p.recentFailures.map((f) => f.message).join(" ")}`) ? p : undefined;
        },
        30_000,
      );
      assert.ok(slow);
      await eventually(
        "jammy served by the quick provider meanwhile",
        async () => {
          const nodes = await client.listNodes({ label: "jammy", provider: "quick", state: NodeState.NODE_STATE_UNSPECIFIED });
          return nodes.nodes.filter((n) => n.state === NodeState.NODE_STATE_READY).length >= 2;
        },
        30_000,
      );
    } finally {
      client.close();
      await running.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
);

t.run();
