import {
  canTransitionClaim,
  canTransitionImageBuild,
  canTransitionNode,
  NODE_STATES,
  StandbyError,
  type AllocationRequest,
  type ClaimEnd,
  type ClaimRecord,
  type ClaimRequeue,
  type ClaimState,
  type ClaimTransition,
  type ClaimUpdate,
  type ImageBuildState,
  type NodeState,
  type NodeTransition,
  type NodeUpdate,
} from "../core/index.js";
import { claimPatchToRow, nodePatchToRow, type RowValues } from "./records.js";

/**
 * The dialect-free half of the write paths: given what the transaction read
 * (under lock), decide what to write. Keeping the decisions here makes the
 * SQLite and MySQL stores thin, and the same by construction.
 */

// ---- the one check of every state change ----
//
// Every write that changes a state names the states it starts from (a
// compare-and-set) and the state it goes to. The call is checked against the
// transition tables (core/states.ts) before anything is written: each
// from-state must be allowed to go to the to-state, so whatever row the
// compare-and-set matches makes a legal move. One illegal pair refuses the
// whole call. A field-only update carries no state at all.

type Move<S extends string> = { id: string; from: readonly S[]; to: S };

function checkMoves<S extends string>(what: string, kind: string, can: (from: S, to: S) => boolean, moves: readonly Move<S>[]): void {
  for (const move of moves) {
    const bad = move.from.find((from) => !can(from, move.to));
    if (bad !== undefined) {
      throw new StandbyError("internal", `${what}: illegal ${kind} transition ${bad} → ${move.to} (${kind} ${move.id}); nothing written`);
    }
  }
}

/** Refuses the call if a patch names a state (or another field it may not set). */
function checkPatch(what: string, kind: string, id: string, patch: object | undefined, forbidden: readonly string[]): void {
  if (!patch) return;
  const bad = forbidden.find((key) => Object.hasOwn(patch, key) && (patch as Record<string, unknown>)[key] !== undefined);
  if (bad !== undefined) throw new StandbyError("internal", `${what}: a patch cannot set ${bad} (${kind} ${id}); nothing written`);
}

const NODE_FIXED = ["id", "state", "stateChangedAt"];
const CLAIM_FIXED = ["id", "state"];

export function checkNodeTransitions(what: string, changes: readonly NodeTransition[]): void {
  checkMoves<NodeState>(what, "node", canTransitionNode, changes);
  for (const c of changes) checkPatch(what, "node", c.id, c.patch, NODE_FIXED);
}

export function checkNodeUpdates(what: string, updates: readonly NodeUpdate[]): void {
  for (const u of updates) checkPatch(what, "node", u.id, u.patch, NODE_FIXED);
}

/** The claimed nodes of a claim (all in `claimed`) moving to `to`. */
export function checkClaimedNodesTo(what: string, claimId: string, to: NodeState): void {
  checkMoves<NodeState>(what, "node", canTransitionNode, [{ id: `of claim ${claimId}`, from: ["claimed"], to }]);
}

export function checkClaimTransitions(what: string, changes: readonly ClaimTransition[]): void {
  checkMoves<ClaimState>(what, "claim", canTransitionClaim, changes);
  for (const c of changes) checkPatch(what, "claim", c.id, c.patch, CLAIM_FIXED);
}

export function checkClaimUpdates(what: string, updates: readonly ClaimUpdate[]): void {
  for (const u of updates) checkPatch(what, "claim", u.id, u.patch, CLAIM_FIXED);
}

export function checkClaimEnds(what: string, ends: readonly ClaimEnd[]): void {
  checkMoves<ClaimState>(
    what,
    "claim",
    canTransitionClaim,
    ends.map((e) => ({ id: e.claimId, from: e.from, to: e.to })),
  );
  for (const end of ends) checkClaimedNodesTo(what, end.claimId, end.nodesTo);
}

/** allocate's moves: a queued claim is fulfilled, ready nodes are claimed. */
export function checkAllocation(what: string): void {
  checkMoves<ClaimState>(what, "claim", canTransitionClaim, [{ id: "(allocated)", from: ["queued"], to: "fulfilled" }]);
  checkMoves<NodeState>(what, "node", canTransitionNode, [{ id: "(allocated)", from: ["ready"], to: "claimed" }]);
}

export function checkRequeue(what: string, requeue: ClaimRequeue): void {
  checkMoves<ClaimState>(what, "claim", canTransitionClaim, [{ id: requeue.claimId, from: ["fulfilled"], to: "queued" }]);
  checkClaimedNodesTo(what, requeue.claimId, requeue.nodesTo);
}

export function checkImageBuildUpdate(
  what: string,
  update: { id: string; from: readonly ImageBuildState[]; to?: ImageBuildState; patch?: object },
): void {
  if (update.to !== undefined) {
    checkMoves<ImageBuildState>(what, "image build", canTransitionImageBuild, [{ id: update.id, from: update.from, to: update.to }]);
  }
  checkPatch(what, "image build", update.id, update.patch, ["id", "state", "stateChangedAt", "createdAt"]);
}

/** A field-only node update as a compare-and-set: without from-states, any state matches. */
export function nodeUpdateFrom(update: NodeUpdate): readonly NodeState[] {
  return update.from ?? NODE_STATES;
}

/** The columns a field-only node update sets. */
export function nodeUpdateSet(update: NodeUpdate): RowValues {
  return nodePatchToRow(update.patch);
}

/** The columns a requeue sets on its claim: back to queued, the lease and its nodes cleared. */
export function requeueSet(): RowValues {
  return { ...claimPatchToRow({ fulfilledAt: 0, leaseHash: "", leaseExpiresAt: 0, nodeIds: [], endedAt: 0 }), state: "queued" };
}

/**
 * The columns a transition sets: the state and its time, readyAt on entering
 * ready, then the patch (which may override readyAt).
 */
export function transitionSet(change: NodeTransition): RowValues {
  const set: RowValues = { state: change.to, stateChangedAt: change.at };
  if (change.to === "ready") set.readyAt = change.at;
  return change.patch ? Object.assign(set, nodePatchToRow(change.patch)) : set;
}

/** The columns a field-only claim update sets. */
export function claimUpdateSet(update: ClaimUpdate): RowValues {
  return claimPatchToRow(update.patch);
}

/** The columns a claim transition sets: the state, then the patch. */
export function claimTransitionSet(change: ClaimTransition): RowValues {
  return { ...(change.patch ? claimPatchToRow(change.patch) : {}), state: change.to };
}

/**
 * The ids that changed, each once, in the order of its first applied change:
 * what transitionNodes and updateClaims return, given which changes applied.
 */
export function changedIds(changes: readonly { id: string }[], applied: readonly boolean[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  changes.forEach((change, i) => {
    if (!applied[i] || seen.has(change.id)) return;
    seen.add(change.id);
    out.push(change.id);
  });
  return out;
}

/**
 * The order in which to write per-row compare-and-set statements: by id, so
 * that concurrent transactions lock rows in one order (no deadlocks between
 * them), and in the order given within one id (so each change sees the
 * state the previous one left). Changes that can never apply (no from
 * states) are left out.
 */
export function lockOrder(changes: readonly { id: string; from: readonly string[] }[]): number[] {
  return changes
    .map((_, i) => i)
    .filter((i) => changes[i]!.from.length > 0)
    .sort((a, b) => {
      const x = changes[a]!.id;
      const y = changes[b]!.id;
      return x < y ? -1 : x > y ? 1 : a - b;
    });
}

/**
 * Applies changes in order to the states read under lock (a row missing from
 * `states` does not exist): each sees the state the previous one left.
 * Returns the ids that changed (see changedIds) and, per row, every column
 * its applied changes set (later ones win), to write in one statement.
 */
export function planChanges<C extends { id: string; from: readonly string[] }>(
  states: ReadonlyMap<string, string>,
  changes: readonly C[],
  setOf: (change: C) => RowValues,
  stateAfter: (change: C, state: string) => string,
): { changed: string[]; sets: Map<string, RowValues> } {
  const current = new Map(states);
  const sets = new Map<string, RowValues>();
  const applied = changes.map((change) => {
    const state = current.get(change.id);
    if (state === undefined || !change.from.includes(state)) return false;
    sets.set(change.id, { ...sets.get(change.id), ...setOf(change) });
    current.set(change.id, stateAfter(change, state));
    return true;
  });
  return { changed: changedIds(changes, applied), sets };
}

export function planTransitions(states: ReadonlyMap<string, string>, changes: readonly NodeTransition[]) {
  return planChanges(states, changes, transitionSet, (change) => change.to);
}

export function planNodeUpdates(states: ReadonlyMap<string, string>, updates: readonly NodeUpdate[]) {
  return planChanges(
    states,
    updates.map((u) => ({ ...u, from: nodeUpdateFrom(u) })),
    nodeUpdateSet,
    (_, state) => state,
  );
}

export function planClaimTransitions(states: ReadonlyMap<string, string>, changes: readonly ClaimTransition[]) {
  return planChanges(states, changes, claimTransitionSet, (change) => change.to);
}

export function planClaimUpdates(states: ReadonlyMap<string, string>, updates: readonly ClaimUpdate[]) {
  return planChanges(states, updates, claimUpdateSet, (_, state) => state);
}

/** What endClaims writes, decided from the claims' states read under lock. */
export interface EndPlan {
  /** The ends that apply, in order (a later end of the same claim sees the
   * state the earlier one left). */
  applied: ClaimEnd[];
  /** The columns to set per claim (later ends of one claim override). */
  claimSets: Map<string, RowValues>;
  /** Per applied end, in order: the claimed nodes of the claim move on. */
  nodeMoves: { claimId: string; to: NodeState; at: number }[];
}

export function planEnds(states: Map<string, ClaimState>, ends: readonly ClaimEnd[]): EndPlan {
  const current = new Map(states);
  const claimSets = new Map<string, RowValues>();
  const applied: ClaimEnd[] = [];
  const nodeMoves: EndPlan["nodeMoves"] = [];
  for (const end of ends) {
    const state = current.get(end.claimId);
    if (state === undefined || !end.from.includes(state)) continue;
    applied.push(end);
    current.set(end.claimId, end.to);
    claimSets.set(end.claimId, { ...claimSets.get(end.claimId), ...endSet(end) });
    nodeMoves.push({ claimId: end.claimId, to: end.nodesTo, at: end.at });
  }
  return { applied, claimSets, nodeMoves };
}

/** The columns a node move sets on each claimed node of a claim (never ready: see checkClaimedNodesTo). */
export function moveSet(to: NodeState, at: number): RowValues {
  return { state: to, stateChangedAt: at };
}

/** The columns an end sets on its claim. */
export function endSet(end: ClaimEnd): RowValues {
  const set: RowValues = { state: end.to, endedAt: end.at };
  if (end.outcome !== undefined) set.outcome = end.outcome;
  if (end.reason !== undefined) set.failureReason = end.reason;
  return set;
}

/** The claim a request inserts; it must be the request's own. */
export function insertable(request: AllocationRequest): ClaimRecord {
  const record = request.insert!;
  if (record.id !== request.claimId) {
    throw new StandbyError("internal", `allocate: the claim to insert (${record.id}) is not the request's (${request.claimId})`);
  }
  return record;
}

/** A ready node as the allocator sees it. */
export interface Candidate {
  id: string;
  label: string;
  provider: string;
  readyAt: number;
}

/**
 * How many ready nodes of each label to read (and lock) for a batch: every
 * slot that accepts the label, twice over plus a few, so that the oldest
 * nodes of each provider are usually among them. When they are not (a
 * request left unfilled while a label's read was cut off), the caller reads
 * that label in full and plans again; see needsFullRead.
 */
export function candidateLimits(requests: readonly AllocationRequest[]): Map<string, number> {
  const demand = new Map<string, number>();
  for (const request of requests) {
    for (const slot of request.slots) {
      for (const label of new Set(slot.labels)) demand.set(label, (demand.get(label) ?? 0) + 1);
    }
  }
  return new Map([...demand].map(([label, k]) => [label, 2 * k + 8]));
}

/**
 * The labels to read again without a limit: those of unfilled requests whose
 * read came back full (more nodes may exist than were read).
 */
export function labelsToReadInFull(
  requests: readonly AllocationRequest[],
  plan: readonly (string[] | undefined)[],
  queued: ReadonlySet<string>,
  truncated: ReadonlySet<string>,
): string[] {
  const labels = new Set<string>();
  requests.forEach((request, i) => {
    if (plan[i] !== undefined || !queued.has(request.claimId)) return;
    for (const slot of request.slots) for (const label of slot.labels) if (truncated.has(label)) labels.add(label);
  });
  return [...labels];
}

/**
 * Assigns ready nodes to requests, in request order. A request is served only
 * if its claim is still queued (and only once per batch) and one provider can
 * fill every slot with distinct nodes whose label the slot accepts. Among the
 * providers that can, the one whose assignment holds the oldest ready node
 * wins; within a provider each slot takes the oldest node that fits. Returns
 * the node ids per request, in slot order, or undefined.
 */
export function planAllocations(
  requests: readonly AllocationRequest[],
  queued: ReadonlySet<string>,
  candidates: readonly Candidate[],
): (string[] | undefined)[] {
  const byProvider = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const list = byProvider.get(c.provider);
    if (list) list.push(c);
    else byProvider.set(c.provider, [c]);
  }
  for (const list of byProvider.values()) list.sort(olderFirst);
  const providers = [...byProvider.keys()].sort();
  const taken = new Set<string>();
  const open = new Set(queued);

  return requests.map((request) => {
    if (!open.has(request.claimId) || request.slots.length === 0) return undefined;
    const restricted = request.slots.some((s) => s.providers !== undefined);
    const unrestricted = restricted ? [] : request.slots.map((s) => new Set(s.labels));
    let best: Candidate[] | undefined;
    let bestOldest: Candidate | undefined;
    for (const provider of providers) {
      const slots = restricted
        ? request.slots.map((s) => new Set(s.labels.filter((l) => s.providers?.[l]?.includes(provider) ?? true)))
        : unrestricted;
      const match = matchSlots(slots, byProvider.get(provider) ?? [], taken);
      if (!match) continue;
      const oldest = match.reduce((a, b) => (olderFirst(a, b) <= 0 ? a : b));
      if (!bestOldest || olderFirst(oldest, bestOldest) < 0) {
        best = match;
        bestOldest = oldest;
      }
    }
    if (!best) return undefined;
    for (const node of best) taken.add(node.id);
    open.delete(request.claimId);
    return best.map((n) => n.id);
  });
}

function olderFirst(a: Candidate, b: Candidate): number {
  return a.readyAt - b.readyAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * A node per slot, all distinct (bipartite matching by augmenting paths;
 * slots are few). Candidates are tried oldest first, so without contention
 * each slot simply gets the oldest node that fits.
 */
function matchSlots(slots: Set<string>[], nodes: readonly Candidate[], taken: ReadonlySet<string>): Candidate[] | undefined {
  const assigned: (Candidate | undefined)[] = slots.map(() => undefined);
  const owner = new Map<string, number>();
  const tryAssign = (slot: number, visited: Set<string>): boolean => {
    const labels = slots[slot]!;
    for (const node of nodes) {
      if (taken.has(node.id) || visited.has(node.id) || !labels.has(node.label)) continue;
      visited.add(node.id);
      const other = owner.get(node.id);
      if (other === undefined || tryAssign(other, visited)) {
        owner.set(node.id, slot);
        assigned[slot] = node;
        return true;
      }
    }
    return false;
  };
  for (let slot = 0; slot < slots.length; slot++) {
    // The oldest free node that fits, if any; re-routing earlier slots only
    // when none is left keeps the oldest-first order for the usual case.
    const labels = slots[slot]!;
    const free = nodes.find((n) => !taken.has(n.id) && !owner.has(n.id) && labels.has(n.label));
    if (free) {
      owner.set(free.id, slot);
      assigned[slot] = free;
    } else if (!tryAssign(slot, new Set())) {
      return undefined;
    }
  }
  return assigned as Candidate[];
}
