import assert from "node:assert/strict";
import type { AllocationRequest } from "../../server/core/index.js";
import {
  candidateLimits,
  changedIds,
  lockOrder,
  planAllocations,
  planEnds,
  transitionSet,
  type Candidate,
} from "../../server/store/plan.js";
import type { RowValues } from "../../server/store/records.js";
import { nodes } from "../../server/store/sqlite-schema.js";
import { casUpdate, Columns, updateRows } from "../../server/store/sql-text.js";
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
  const plan = planAllocations([req("c1", ["x"], ["y"]), req("c2", ["x"])], new Set(["c1", "c2"]), [
    node("a-x1", "x", "a", 1),
    node("b-x1", "x", "b", 2),
    node("b-y1", "y", "b", 3),
    node("b-x2", "x", "b", 0),
  ]);
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
  assert.deepEqual(
    [...limits],
    [
      ["x", 12],
      ["y", 12],
    ],
  );
});

t("a transition stamps its time, readyAt on entering ready, and lets the patch have the last word", () => {
  assert.deepEqual(transitionSet({ id: "n", from: ["checking"], to: "ready", at: 5 }), { state: "ready", stateChangedAt: 5, readyAt: 5 });
  assert.deepEqual(transitionSet({ id: "n", from: ["checking"], to: "ready", at: 5, patch: { readyAt: 2 } }), {
    state: "ready",
    stateChangedAt: 5,
    readyAt: 2,
  });
  assert.deepEqual(
    transitionSet({ id: "n", from: ["launching"], to: "booted", at: 6, patch: { addresses: ["10.0.0.1"], instanceId: undefined } }),
    {
      state: "booted",
      stateChangedAt: 6,
      addresses: '["10.0.0.1"]',
    },
  );
});

t("changed ids come once each, in the order of their first applied change", () => {
  const changes = [{ id: "b" }, { id: "a" }, { id: "b" }, { id: "c" }, { id: "a" }];
  assert.deepEqual(changedIds(changes, [false, true, true, false, true]), ["a", "b"]);
});

t("per-row statements run in id order, keeping the given order within an id", () => {
  const changes = [
    { id: "n2", from: ["booted"] },
    { id: "n1", from: ["ready"] },
    { id: "n2", from: [] },
    { id: "n2", from: ["checking"] },
    { id: "n0", from: ["held"] },
  ];
  assert.deepEqual(lockOrder(changes), [4, 1, 0, 3]);
});

t("ends apply in order against the state the previous one left, each moving the claim's nodes", () => {
  const plan = planEnds(
    new Map([
      ["c1", "fulfilled" as const],
      ["c2", "queued" as const],
    ]),
    [
      { claimId: "c1", from: ["fulfilled"], to: "released", at: 5, outcome: "success", nodesTo: "released" },
      { claimId: "c2", from: ["fulfilled"], to: "released", at: 5, nodesTo: "released" },
      { claimId: "c1", from: ["fulfilled"], to: "expired", at: 6, nodesTo: "deleting" },
      { claimId: "c3", from: ["fulfilled"], to: "released", at: 5, nodesTo: "released" },
      { claimId: "c2", from: ["queued"], to: "cancelled", at: 7, reason: "gone", nodesTo: "ready" },
    ],
  );
  assert.deepEqual(
    plan.applied.map((e) => e.claimId),
    ["c1", "c2"],
  );
  assert.deepEqual(
    [...plan.claimSets],
    [
      ["c1", { state: "released", endedAt: 5, outcome: "success" }],
      ["c2", { state: "cancelled", endedAt: 7, failureReason: "gone" }],
    ],
  );
  assert.deepEqual(plan.nodeMoves, [
    { claimId: "c1", to: "released", at: 5 },
    { claimId: "c2", to: "ready", at: 7 },
  ]);
});

const NODE = new Columns(nodes);

t("a compare-and-set update binds the values, the id, then the from-states", () => {
  const statement = casUpdate(NODE, { state: "ready", readyAt: 5 }, "n1", ["checking", "booted"]);
  assert.equal(statement.sql, "UPDATE `nodes` SET `state` = ?, `ready_at` = ? WHERE `id` = ? AND `state` IN (?, ?)");
  assert.deepEqual(statement.params, ["ready", 5, "n1", "checking", "booted"]);
  assert.equal(casUpdate(NODE, {}, "n1", ["ready"]).sql, "UPDATE `nodes` SET `id` = `id` WHERE `id` = ? AND `state` IN (?)");
  assert.throws(() => casUpdate(NODE, { "state = 1; --": "x" } as RowValues, "n1", ["ready"]));
});

t("a multi-row update sets shared values plainly and the others per row", () => {
  const rows = new Map<string, RowValues>([
    ["c1", { state: "ready", stateChangedAt: 5, readyAt: 5 }],
    ["c2", { state: "ready", stateChangedAt: 6 }],
  ]);
  const statement = updateRows(NODE, "claimId", rows, { sql: "`state` = 'claimed'", params: [] });
  assert.equal(
    statement.sql,
    "UPDATE `nodes` SET `state` = ?, `state_changed_at` = CASE `claim_id` WHEN ? THEN ? WHEN ? THEN ? ELSE `state_changed_at` END, " +
      "`ready_at` = CASE `claim_id` WHEN ? THEN ? ELSE `ready_at` END WHERE `claim_id` IN (?, ?) AND `state` = 'claimed'",
  );
  assert.deepEqual(statement.params, ["ready", "c1", 5, "c2", 6, "c1", 5, "c1", "c2"]);
});

t.run();
