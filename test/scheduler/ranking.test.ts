import assert from "node:assert/strict";
import { parseConfig } from "../../server/config/load.js";
import type { Flavor } from "../../server/core/index.js";
import { Catalog } from "../../server/scheduler/catalog.js";
import {
  addUsage,
  chooseProvider,
  rankProviders,
  usable,
  whyUnusable,
  type PoolView,
  type Usage,
} from "../../server/scheduler/pool/ranking.js";
import { suite } from "../lib/harness.js";

const t = suite("provider choice and ranking (pure)");

function catalog(providers: Record<string, unknown>[]): Catalog {
  return new Catalog(
    parseConfig({
      providers: providers.map((p) => ({ plugin: "fake", settings: { stateFile: `${String(p.name)}.json` }, ...p })),
      labels: [{ name: "jammy" }, { name: "noble" }],
      templates: providers.flatMap((p) => [
        { label: "jammy", provider: p.name, image: "ubuntu-jammy", flavor: "small" },
        { label: "noble", provider: p.name, image: "ubuntu-noble", flavor: "large" },
      ]),
    }),
  );
}

function view(cat: Catalog, over: Partial<PoolView> = {}): PoolView {
  return {
    catalog: cat,
    launchesNow: () => true,
    whyNotLaunching: () => "paused by an operator",
    sizeOf: () => undefined,
    inARow: () => 0,
    failures: new Map(),
    ...over,
  };
}

t("the provider with fewer recent failures is chosen, then the higher priority, then the one with fewer nodes, then by name", () => {
  const cat = catalog([{ name: "a" }, { name: "b", priority: 1 }, { name: "c", priority: 1 }]);
  assert.equal(chooseProvider(view(cat), "jammy", new Map()), "b");
  assert.equal(chooseProvider(view(cat, { failures: new Map([["b", 1]]) }), "jammy", new Map()), "c");
  const usage = new Map<string, Usage>([["b", { nodes: 3, cores: 0, ramMb: 0 }]]);
  assert.equal(chooseProvider(view(cat), "jammy", usage), "c");
  assert.equal(
    chooseProvider(
      view(cat, {
        failures: new Map([
          ["b", 2],
          ["c", 2],
        ]),
      }),
      "jammy",
      new Map(),
    ),
    "a",
  );
});

t("a provider past its launch retries in a row yields to the others, unless it is the only one left", () => {
  const cat = catalog([
    { name: "a", priority: 5, launchRetries: 1 },
    { name: "b", launchRetries: 1 },
  ]);
  const failing = view(cat, { inARow: (_label, p) => (p === "a" ? 2 : 0) });
  assert.equal(chooseProvider(failing, "jammy", new Map()), "b");
  const bothFailing = view(cat, { inARow: () => 2 });
  assert.equal(chooseProvider(bothFailing, "jammy", new Map()), "a");
});

t("a provider that does not launch now, or is at its node cap, is not usable", () => {
  const cat = catalog([{ name: "a", maxNodes: 2 }, { name: "b" }]);
  const full = new Map<string, Usage>([["a", { nodes: 2, cores: 0, ramMb: 0 }]]);
  assert.equal(usable(view(cat), "a", full, "jammy"), false);
  assert.equal(usable(view(cat), "a", new Map(), "jammy"), true);
  assert.equal(usable(view(cat, { launchesNow: (p) => p !== "b" }), "b", new Map(), "jammy"), false);
  assert.equal(chooseProvider(view(cat, { launchesNow: () => false }), "jammy", new Map()), undefined);
  // What a waiting claim is told, one reason per cause.
  assert.equal(whyUnusable(view(cat), "a", full, "jammy"), "full: 2 of 2 nodes");
  assert.equal(whyUnusable(view(cat, { launchesNow: (p) => p !== "b" }), "b", new Map(), "jammy"), "paused by an operator");
  assert.equal(whyUnusable(view(cat), "a", new Map(), "jammy"), "");
  assert.equal(whyUnusable(view(cat), "nowhere", new Map(), "jammy"), "not configured");
});

t("a cores or RAM cap counts flavor sizes, and launches nothing while the flavor's size is unknown", () => {
  const cat = catalog([{ name: "a", maxCores: 8 }]);
  const sizes: Record<string, Flavor> = {
    small: { name: "small", cores: 2, ramMb: 2048, diskGb: 10 },
    large: { name: "large", cores: 8, ramMb: 8192, diskGb: 10 },
  };
  const sized = view(cat, { sizeOf: (_p, f) => sizes[f] });
  const usage = new Map<string, Usage>();
  addUsage(sized, usage, "jammy", "a", 3);
  assert.deepEqual(usage.get("a"), { nodes: 3, cores: 6, ramMb: 6144 });
  assert.equal(usable(sized, "a", usage, "jammy"), true);
  assert.equal(usable(sized, "a", usage, "noble"), false);
  assert.equal(usable(view(cat), "a", new Map(), "jammy"), false);
});

t("ranking for a nodeset keeps only providers that launch now and are within retries for every label, best first", () => {
  const cat = catalog([{ name: "a" }, { name: "b", priority: 2 }, { name: "c", priority: 1, launchRetries: 0 }]);
  assert.deepEqual(rankProviders(view(cat), ["a", "b", "c"], ["jammy", "noble"]), ["b", "c", "a"]);
  const cFailsNoble = view(cat, { inARow: (label, p) => (p === "c" && label === "noble" ? 1 : 0) });
  assert.deepEqual(rankProviders(cFailsNoble, ["a", "b", "c"], ["jammy", "noble"]), ["b", "a"]);
  const bPaused = view(cat, { launchesNow: (p) => p !== "b", failures: new Map([["c", 3]]) });
  assert.deepEqual(rankProviders(bPaused, ["a", "b", "c"], ["jammy"]), ["a", "c"]);
});

t.run();
