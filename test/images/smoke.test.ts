import assert from "node:assert/strict";
import { suite } from "../lib/harness.js";
import { eventually, startCluster } from "../lib/cluster.js";

const t = suite("images smoke", { timeoutMs: 60_000 });

t("a family build on the fake provider is promoted and used by launches", async () => {
  const c = await startCluster({
    config: {
      providers: [{ name: "east", plugin: "fake" }],
      labels: [{ name: "jammy", minReady: 1 }],
      templates: [{ label: "jammy", provider: "east", family: "jc", flavor: "small", readyCheck: false }],
      images: [{ name: "jc", schedule: "24h", providers: [{ provider: "east", base: "ubuntu-jammy", flavor: "small", readyCheck: false }] }],
    },
  });
  try {
    const build = await eventually("a promoted build", async () => (await c.store.images.listBuilds({ states: ["promoted"] }))[0]);
    console.log(build.log, build.timings);
    await eventually("a ready node on the build", async () => (await c.store.listNodes({ states: ["ready"] })).find((n) => n.image === build.imageId));
    const nodes = await c.store.listNodes({ states: ["gone"] });
    console.log(nodes.map((n) => [n.id, n.purpose, n.label, n.image]));
  } finally {
    await c.close();
  }
});

t.run();
