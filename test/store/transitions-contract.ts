import assert from "node:assert/strict";
import {
  canTransitionClaim,
  canTransitionImageBuild,
  canTransitionNode,
  CLAIM_STATES,
  IMAGE_BUILD_STATES,
  isCode,
  NODE_STATES,
  type ClaimPatch,
  type ClaimRecord,
  type ClaimState,
  type ImageBuildState,
  type NodePatch,
  type NodeState,
} from "../../server/core/index.js";
import type { SqlStore } from "../../server/store/index.js";
import type { Suite } from "../lib/harness.js";
import { makeClaim, makeNode, type StoreFixture } from "./fixtures.js";
import { makeBuild } from "./images-contract.js";

/** Every (from, to) pair of a state machine that its transition table does not allow. */
function illegalPairs<S extends string>(states: readonly S[], can: (from: S, to: S) => boolean): [S, S][] {
  return states.flatMap((from) => states.filter((to) => !can(from, to)).map((to): [S, S] => [from, to]));
}

/** Refused by the one transition check (server/store/plan.ts), naming the move. */
function refused(from: string, to: string): (err: unknown) => boolean {
  return (err) => isCode(err, "internal") && (err as Error).message.includes(`${from} → ${to}`);
}

function refusedPatch(err: unknown): boolean {
  return isCode(err, "internal") && /a patch cannot set state/.test((err as Error).message);
}

/**
 * The state tables hold in the store: every state change on either dialect
 * goes through one check against server/core/states.ts, and an illegal one
 * refuses the whole call before any row changes.
 */
export function defineTransitionContract(t: Suite, fresh: () => Promise<StoreFixture>): void {
  const withStore = async (fn: (store: SqlStore) => Promise<void>) => {
    const fixture = await fresh();
    const store = await fixture.open();
    try {
      await fn(store);
    } finally {
      await store.close();
      await fixture.dispose();
    }
  };

  t("every node transition the table forbids is refused, and nothing of its batch is written", () =>
    withStore(async (store) => {
      // One node in each state, plus one whose legal change rides in every batch.
      const nodes = new Map(NODE_STATES.map((state) => [state, makeNode({ state })]));
      const witness = makeNode({ state: "checking" });
      await store.insertNodes([...nodes.values(), witness]);
      const before = await store.listNodes({ states: [...NODE_STATES] });
      const pairs = illegalPairs(NODE_STATES, canTransitionNode);
      assert.ok(pairs.length > 60, `${pairs.length} illegal node transitions`);
      for (const [from, to] of pairs) {
        await assert.rejects(
          store.transitionNodes([
            { id: witness.id, from: ["checking"], to: "ready", at: 99 },
            { id: nodes.get(from)!.id, from: [from], to, at: 99 },
          ]),
          refused(from, to),
          `${from} → ${to}`,
        );
      }
      assert.deepEqual(await store.listNodes({ states: [...NODE_STATES] }), before);
    }),
  );

  t("a from-list with one state that cannot go to the target refuses the whole change", () =>
    withStore(async (store) => {
      const node = makeNode({ state: "checking" });
      await store.insertNodes([node]);
      await assert.rejects(
        store.transitionNodes([{ id: node.id, from: ["checking", "ready"], to: "ready", at: 5 }]),
        refused("ready", "ready"),
      );
      await assert.rejects(
        store.transitionNodes([{ id: node.id, from: ["launching", "gone"], to: "failed", at: 5 }]),
        refused("gone", "failed"),
      );
      assert.deepEqual(await store.getNode(node.id), node);
    }),
  );

  t("a node patch cannot change the state: updateNodes and transitionNodes refuse it", () =>
    withStore(async (store) => {
      const node = makeNode({ state: "launching", instanceId: "" });
      await store.insertNodes([node]);
      const sneaky = { instanceId: "i-1", state: "ready" } as unknown as NodePatch;
      await assert.rejects(store.updateNodes([{ id: node.id, from: ["launching"], patch: sneaky }]), refusedPatch);
      await assert.rejects(store.transitionNodes([{ id: node.id, from: ["launching"], to: "booted", at: 5, patch: sneaky }]), refusedPatch);
      assert.deepEqual(await store.getNode(node.id), node);
    }),
  );

  t("updateNodes sets fields only, compare-and-set on the state, and leaves the state and its time alone", () =>
    withStore(async (store) => {
      const a = makeNode({ state: "launching", instanceId: "", stateChangedAt: 7 });
      const b = makeNode({ state: "booted", stateChangedAt: 8 });
      await store.insertNodes([a, b]);
      const changed = await store.updateNodes([
        { id: a.id, from: ["launching"], patch: { instanceId: "i-a", image: "img-1" } },
        { id: b.id, from: ["launching"], patch: { instanceId: "i-b" } },
        { id: b.id, patch: { failureReason: "noted" } },
        { id: "n-missing", patch: { instanceId: "i-x" } },
      ]);
      assert.deepEqual(changed, [a.id, b.id]);
      assert.deepEqual(await store.getNode(a.id), { ...a, instanceId: "i-a", image: "img-1" });
      assert.deepEqual(await store.getNode(b.id), { ...b, failureReason: "noted" });
    }),
  );

  t("every claim transition the table forbids is refused by transitionClaims and endClaims, and nothing is written", () =>
    withStore(async (store) => {
      const claims = new Map<ClaimState, ClaimRecord>(CLAIM_STATES.map((state) => [state, makeClaim({ state })]));
      const witness = makeClaim();
      for (const claim of [...claims.values(), witness]) await store.createClaim(claim);
      const snapshot = async () => Promise.all([...claims.values(), witness].map((c) => store.getClaim(c.id)));
      const before = await snapshot();
      const pairs = illegalPairs(CLAIM_STATES, canTransitionClaim);
      assert.ok(pairs.length > 25, `${pairs.length} illegal claim transitions`);
      for (const [from, to] of pairs) {
        const id = claims.get(from)!.id;
        await assert.rejects(
          store.transitionClaims([
            { id: witness.id, from: ["queued"], to: "cancelled" },
            { id, from: [from], to },
          ]),
          refused(from, to),
          `transitionClaims ${from} → ${to}`,
        );
        await assert.rejects(
          store.endClaims([
            { claimId: witness.id, from: ["queued"], to: "cancelled", at: 5, nodesTo: "released" },
            { claimId: id, from: [from], to, at: 5, nodesTo: "released" },
          ]),
          refused(from, to),
          `endClaims ${from} → ${to}`,
        );
      }
      assert.deepEqual(await snapshot(), before);
    }),
  );

  t("a claim's claimed nodes only move where the node table allows: endClaims and requeueClaim refuse the rest", () =>
    withStore(async (store) => {
      const node = makeNode();
      await store.insertNodes([node]);
      const claim = makeClaim();
      await store.createClaim(claim);
      await store.allocate([{ claimId: claim.id, slots: [{ labels: ["jammy"] }], leaseHash: "h", leaseExpiresAt: 9_000 }], 10);
      const before = { node: await store.getNode(node.id), claim: await store.getClaim(claim.id) };
      assert.equal(before.node?.state, "claimed");
      const illegal = NODE_STATES.filter((to) => !canTransitionNode("claimed", to));
      assert.ok(illegal.includes("ready"));
      for (const to of illegal) {
        await assert.rejects(
          store.endClaims([{ claimId: claim.id, from: ["fulfilled"], to: "released", at: 20, nodesTo: to }]),
          refused("claimed", to),
        );
        await assert.rejects(store.requeueClaim({ claimId: claim.id, at: 20, nodesTo: to }), refused("claimed", to));
      }
      assert.deepEqual({ node: await store.getNode(node.id), claim: await store.getClaim(claim.id) }, before);
    }),
  );

  t("a claim patch cannot change the state: updateClaims and transitionClaims refuse it", () =>
    withStore(async (store) => {
      const claim = makeClaim();
      await store.createClaim(claim);
      const sneaky = { lastSeenAt: 5, state: "fulfilled" } as unknown as ClaimPatch;
      await assert.rejects(store.updateClaims([{ id: claim.id, from: ["queued"], patch: sneaky }]), refusedPatch);
      await assert.rejects(store.transitionClaims([{ id: claim.id, from: ["queued"], to: "cancelled", patch: sneaky }]), refusedPatch);
      assert.deepEqual(await store.getClaim(claim.id), claim);
    }),
  );

  t("requeueClaim puts a fulfilled claim back in the queue and releases its nodes, with its events, in one call", () =>
    withStore(async (store) => {
      const nodes = [makeNode({ readyAt: 1 }), makeNode({ readyAt: 2 })];
      const other = makeNode({ readyAt: 3 });
      await store.insertNodes([...nodes, other]);
      const claim = makeClaim({ labelExpressions: ["jammy", "jammy"] });
      await store.createClaim(claim);
      const [allocation] = await store.allocate(
        [{ claimId: claim.id, slots: [{ labels: ["jammy"] }, { labels: ["jammy"] }], leaseHash: "h", leaseExpiresAt: 9_000 }],
        10,
      );
      assert.deepEqual(
        allocation?.nodes.map((n) => n.id),
        nodes.map((n) => n.id),
      );
      const event = {
        claimId: claim.id,
        at: 20,
        kind: "handover-failed",
        label: "jammy",
        provider: "alpha",
        nodeId: nodes[1]!.id,
        message: "keys",
      };
      const back = await store.requeueClaim({ claimId: claim.id, at: 20, nodesTo: "released", events: [event] });
      const expected = { ...claim, state: "queued" as const, fulfilledAt: 0, leaseHash: "", leaseExpiresAt: 0, nodeIds: [], endedAt: 0 };
      assert.deepEqual(back, expected);
      assert.deepEqual(await store.getClaim(claim.id), expected);
      for (const node of nodes) {
        const stored = await store.getNode(node.id);
        assert.equal(stored?.state, "released", "a node that may carry the claimer's keys never goes back to ready");
        assert.equal(stored?.stateChangedAt, 20);
      }
      assert.equal((await store.getNode(other.id))?.state, "ready");
      assert.deepEqual(await store.listClaimEvents(claim.id), [event]);
      // No longer fulfilled: a second requeue changes nothing and writes no events.
      assert.equal(await store.requeueClaim({ claimId: claim.id, at: 30, nodesTo: "released", events: [{ ...event, at: 30 }] }), undefined);
      assert.deepEqual(await store.getClaim(claim.id), expected);
      assert.deepEqual(await store.listClaimEvents(claim.id), [event]);
      assert.equal(await store.requeueClaim({ claimId: "c-missing", at: 30, nodesTo: "released" }), undefined);
      // Served again, it gets only nodes that were never handed out.
      const [again] = await store.allocate(
        [{ claimId: claim.id, slots: [{ labels: ["jammy"] }], leaseHash: "h2", leaseExpiresAt: 9_000 }],
        40,
      );
      assert.deepEqual(
        again?.nodes.map((n) => n.id),
        [other.id],
      );
    }),
  );

  t("every image build transition the table forbids is refused, and the build is unchanged", () =>
    withStore(async (store) => {
      const builds = new Map(IMAGE_BUILD_STATES.map((state) => [state, makeBuild({ state })]));
      for (const build of builds.values()) await store.images.insertBuild(build);
      const before = await store.images.listBuilds();
      const pairs = illegalPairs(IMAGE_BUILD_STATES, canTransitionImageBuild);
      assert.ok(pairs.length > 90, `${pairs.length} illegal image build transitions`);
      for (const [from, to] of pairs) {
        await assert.rejects(
          store.images.updateBuild({ id: builds.get(from)!.id, from: [from], to, at: 99, patch: { log: "x" } }),
          refused(from, to),
          `${from} → ${to}`,
        );
      }
      const pending = builds.get("pending")!;
      await assert.rejects(
        store.images.updateBuild({ id: pending.id, from: ["pending", "promoted"], to: "booting", at: 99 }),
        refused("promoted", "booting"),
      );
      const sneaky = { log: "y", state: "promoted" } as unknown as { log: string };
      await assert.rejects(store.images.updateBuild({ id: pending.id, from: ["pending"], at: 99, patch: sneaky }), refusedPatch);
      assert.deepEqual(await store.images.listBuilds(), before);
    }),
  );

  t("every legal move of each table is accepted by the store", () =>
    withStore(async (store) => {
      for (const from of NODE_STATES) {
        for (const to of NODE_STATES.filter((s) => canTransitionNode(from, s))) {
          const node = makeNode({ state: from });
          await store.insertNodes([node]);
          assert.deepEqual(await store.transitionNodes([{ id: node.id, from: [from], to, at: 5 }]), [node.id], `${from} → ${to}`);
        }
      }
      for (const from of CLAIM_STATES) {
        for (const to of CLAIM_STATES.filter((s) => canTransitionClaim(from, s))) {
          const claim = makeClaim({ state: from });
          await store.createClaim(claim);
          assert.deepEqual(await store.transitionClaims([{ id: claim.id, from: [from], to }]), [claim.id], `${from} → ${to}`);
        }
      }
      for (const from of IMAGE_BUILD_STATES) {
        for (const to of IMAGE_BUILD_STATES.filter((s: ImageBuildState) => canTransitionImageBuild(from, s))) {
          const build = makeBuild({ state: from });
          await store.images.insertBuild(build);
          assert.equal(await store.images.updateBuild({ id: build.id, from: [from], to, at: 5 }), true, `${from} → ${to}`);
        }
      }
      const states: NodeState[] = (await store.listNodes({ states: [...NODE_STATES] })).map((n) => n.state);
      assert.ok(states.length > 20);
    }),
  );
}
