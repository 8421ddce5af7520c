import assert from "node:assert/strict";
import { suite } from "../lib/harness.js";
import { readFakeCloud } from "../../plugins/fake/state.js";
import { bootSpec, startHost } from "./helpers.js";

/**
 * Boots and deletes nodes through the plugin host and the fake plugin (child
 * process, gRPC over a unix socket, state file) and reports nodes per second.
 * STANDBY_THROUGHPUT_NODES sets how many (default 3000).
 */
const t = suite("plugin host throughput", { timeoutMs: 120_000 });

t("boots and deletes thousands of nodes through the fake plugin", async () => {
  const total = Number(process.env.STANDBY_THROUGHPUT_NODES ?? 3000);
  const concurrency = 256;
  const h = await startHost([{ name: "p1" }]);
  try {
    const provider = h.host.get("p1");
    const run = async (fn: (i: number) => Promise<unknown>): Promise<number> => {
      const started = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < total) await fn(next++);
        }),
      );
      return performance.now() - started;
    };
    // Warm up: JIT on both sides of the socket.
    await run((i) => provider.boot(bootSpec(`warm-${i}`)));
    await run((i) => provider.deleteInstance(`warm-${i}`));
    const bootMs = await run((i) => provider.boot(bootSpec(`n-${i}`)));
    assert.equal((await readFakeCloud(h.stateFile("p1"))).instances.length, total);
    const deleteMs = await run((i) => provider.deleteInstance(`n-${i}`));
    assert.equal((await readFakeCloud(h.stateFile("p1"))).instances.length, 0);
    const perSecond = (ms: number): number => Math.round((total / ms) * 1000);
    const cycle = Math.round((total / (bootMs + deleteMs)) * 1000);
    process.stdout.write(
      `throughput: ${total} nodes, boot ${perSecond(bootMs)}/s, delete ${perSecond(deleteMs)}/s, boot+delete ${cycle} nodes/s\n`,
    );
    assert.ok(cycle > 200, `only ${cycle} nodes/s`);
  } finally {
    await h.close();
  }
});

t.run();
