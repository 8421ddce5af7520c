import assert from "node:assert/strict";
import type { AllocationRequest } from "../../server/core/index.js";
import { candidateLimits, chunkGroup, groupUpdates, planAllocations, planTransitions, type Candidate } from "../../server/store/plan.js";
import type { RowValues } from "../../server/store/records.js";
import { suite } from "../lib/harness.js";

const t = suite("store allocation and transition planning");

const node = (id: string, label: string, provider: string, readyAt: number): Candidate => ({ id, label, provider, readyAt });
const req = (claimId: string, ...slots: string[][]): AllocationRequest => ({
  claimId,
  slots: slots.map((labels) => ({ labels })),
  leaseHash: "",
  leaseExpiresAt: 0,
});

t("each slot takes the oldest node that fits, from one provider", () => {
  const plan = planAllocations(
    [req("c1", ["x"], ["y"]), req("c2", ["x"])],
    new Set(["c1", "c2"]),
    [node("a-x1", "x", "a", 1), node("b-x1", "x", "b", 2), node("b-y1", "y", "b", 3), node("b-x2", "x", "b", 0)],
  );
  assert.deepEqual(plan, [["b-x2", "b-y1"], ["a-x1"]]);
});

t("the provider holding the oldest usable node wins", () => {
  const plan = planAllocations([req("c1", ["x"], ["x"])], new Set(["c1"]), [
    node("a1", "x", "a", 5),
    node("a2", "x", "a", 6),
    node("b1", "x", "b", 1),
    node("b2", "x", "b", 9),
  ]);
  assert.deepEqual(plan, [["b1", "b2"]]);
});

t("a slot gives way to a later slot that has no other choice", () => {
  const plan = planAllocations([req("c1", ["x", "y"], ["y"])], new Set(["c1"]), [node("y1", "y", "a", 1), node("x1", "x", "a", 2)]);
  assert.deepEqual(plan, [["x1", "y1"]]);
});

t("requests that are not queued, repeated, or without slots get nothing", () => {
  const plan = planAllocations([req("gone", ["x"]), req("c1", ["x"]), req("c1", ["x"]), req("c2")], new Set(["c1", "c2"]), [
    node("n1", "x", "a", 1),
    node("n2", "x", "a", 2),
  ]);
  assert.deepEqual(plan, [undefined, ["n1"], undefined, undefined]);
});

t("candidate limits cover every slot that accepts a label, with room to spare", () => {
  const limits = candidateLimits([req("c1", ["x", "y"], ["x"]), req("c2", ["y"])]);
  assert.deepEqual([...limits], [["x", 12], ["y", 12]]);
});

t("identical transitions collapse into one update", () => {
  const states = new Map(Array.from({ length: 1000 }, (_, i) => [`n${i}`, "checking" as const]));
  const plan = planTransitions(states, [...states.keys()].map((id) => ({ id, from: ["checking"], to: "ready", at: 5 })));
  assert.equal(plan.changed.length, 1000);
  assert.equal(plan.updates.length, 1);
  assert.deepEqual(plan.updates[0]?.set, { state: "ready", stateChangedAt: 5, readyAt: 5 });
});

t("updates that set the same columns share one statement, with per-row values where they differ", () => {
  const groups = groupUpdates(
    new Map<string, RowValues>([
      ["a", { state: "failed", failureReason: "x" }],
      ["b", { failureReason: "y", state: "failed" }],
      ["c", { state: "failed", failureReason: "x" }],
      ["d", { state: "booted", instanceId: "i-1" }],
    ]),
  );
  assert.equal(groups.length, 2);
  assert.deepEqual(groups[0]?.ids, ["a", "b", "c"]);
  assert.deepEqual(groups[0]?.set, { state: "failed" });
  assert.deepEqual([...(groups[0]?.perRow.get("failureReason") ?? [])], [["a", "x"], ["b", "y"], ["c", "x"]]);
  assert.deepEqual(groups[1], { set: { state: "booted", instanceId: "i-1" }, perRow: new Map(), ids: ["d"] });
});

t("a group splits into chunks that keep each row's values", () => {
  const groups = groupUpdates(new Map(Array.from({ length: 5 }, (_, i) => [`n${i}`, { instanceId: `i-${i}`, state: "booted" }])));
  const chunks = chunkGroup(groups[0]!, 2);
  assert.deepEqual(chunks.map((c) => c.ids), [["n0", "n1"], ["n2", "n3"], ["n4"]]);
  assert.deepEqual([...chunks[1]!.perRow.get("instanceId")!], [["n2", "i-2"], ["n3", "i-3"]]);
});

t.run();
