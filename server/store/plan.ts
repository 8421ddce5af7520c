import type {
  AllocationRequest,
  ClaimEnd,
  ClaimState,
  ClaimUpdate,
  NodeState,
  NodeTransition,
} from "../core/index.js";
import { claimPatchToRow, nodePatchToRow, type RowValues } from "./records.js";

/**
 * The dialect-free half of the write paths: given what the transaction read
 * (under lock), decide what to write. Keeping the decisions here makes the
 * SQLite and MySQL stores thin, and the same by construction.
 */

/**
 * One UPDATE over these ids: `set` holds the values they share, `perRow` the
 * columns whose value differs by row (written as CASE id WHEN … THEN … END).
 */
export interface UpdateGroup {
  set: RowValues;
  perRow: Map<string, Map<string, RowValues[string]>>;
  ids: string[];
}

/**
 * Rows that set the same columns share one UPDATE, however their values
 * differ: a batch of a thousand transitions is a statement or two, not a
 * thousand.
 */
export function groupUpdates(byId: Map<string, RowValues>): UpdateGroup[] {
  const buckets = new Map<string, [string, RowValues][]>();
  for (const entry of byId) {
    const key = Object.keys(entry[1]).sort().join(",");
    const bucket = buckets.get(key);
    if (bucket) bucket.push(entry);
    else buckets.set(key, [entry]);
  }
  return [...buckets.values()].map((rows) => {
    const group: UpdateGroup = { set: {}, perRow: new Map(), ids: rows.map(([id]) => id) };
    for (const column of Object.keys(rows[0]![1])) {
      const first = rows[0]![1][column];
      if (rows.every(([, values]) => values[column] === first)) group.set[column] = first ?? null;
      else group.perRow.set(column, new Map(rows.map(([id, values]) => [id, values[column] ?? null])));
    }
    return group;
  });
}

/** Splits a group into groups of at most `size` ids (statement size limits). */
export function chunkGroup(group: UpdateGroup, size: number): UpdateGroup[] {
  if (group.ids.length <= size) return [group];
  const out: UpdateGroup[] = [];
  for (let i = 0; i < group.ids.length; i += size) {
    const ids = group.ids.slice(i, i + size);
    const perRow = new Map([...group.perRow].map(([column, values]) => [column, new Map(ids.map((id) => [id, values.get(id) ?? null]))]));
    out.push({ set: group.set, perRow, ids });
  }
  return out;
}

/**
 * Applies node transitions in order to the states read (a node missing from
 * `states` does not exist). A node may change more than once in a batch;
 * each change sees the state the previous one left.
 */
export function planTransitions(
  states: Map<string, NodeState>,
  changes: readonly NodeTransition[],
): { changed: string[]; updates: UpdateGroup[] } {
  const current = new Map(states);
  const sets = new Map<string, RowValues>();
  const changed: string[] = [];
  for (const change of changes) {
    const state = current.get(change.id);
    if (state === undefined || !change.from.includes(state)) continue;
    const set: RowValues = { ...sets.get(change.id), state: change.to, stateChangedAt: change.at };
    if (change.to === "ready") set.readyAt = change.at;
    Object.assign(set, change.patch ? nodePatchToRow(change.patch) : {});
    sets.set(change.id, set);
    current.set(change.id, change.to);
    if (!changed.includes(change.id)) changed.push(change.id);
  }
  return { changed, updates: groupUpdates(sets) };
}

/** Applies claim updates in order to the states read; see planTransitions. */
export function planClaimUpdates(
  states: Map<string, ClaimState>,
  updates: readonly ClaimUpdate[],
): { changed: string[]; updates: UpdateGroup[] } {
  const current = new Map(states);
  const sets = new Map<string, RowValues>();
  const changed: string[] = [];
  for (const update of updates) {
    const state = current.get(update.id);
    if (state === undefined || !update.from.includes(state)) continue;
    sets.set(update.id, { ...sets.get(update.id), ...claimPatchToRow(update.patch) });
    current.set(update.id, update.patch.state ?? state);
    if (!changed.includes(update.id)) changed.push(update.id);
  }
  return { changed, updates: groupUpdates(sets) };
}

/** What endClaims writes: claim updates and, per claim, where its claimed nodes go. */
export interface EndPlan {
  /** The ends that apply, in order, each once per claim (a later end of the
   * same claim sees the earlier one's state). */
  applied: ClaimEnd[];
  claimUpdates: UpdateGroup[];
  /** Claimed nodes of these claims move to `to` at `at`. */
  nodeMoves: { to: NodeState; at: number; claimIds: string[] }[];
}

export function planEnds(states: Map<string, ClaimState>, ends: readonly ClaimEnd[]): EndPlan {
  const current = new Map(states);
  const sets = new Map<string, RowValues>();
  const applied: ClaimEnd[] = [];
  const moves = new Map<string, { to: NodeState; at: number; claimIds: string[] }>();
  for (const end of ends) {
    const state = current.get(end.claimId);
    if (state === undefined || !end.from.includes(state)) continue;
    applied.push(end);
    current.set(end.claimId, end.to);
    sets.set(end.claimId, { ...sets.get(end.claimId), ...endSet(end) });
    const moveKey = `${end.nodesTo}\u0000${end.at}`;
    const move = moves.get(moveKey);
    if (move) move.claimIds.push(end.claimId);
    else moves.set(moveKey, { to: end.nodesTo, at: end.at, claimIds: [end.claimId] });
  }
  return { applied, claimUpdates: groupUpdates(sets), nodeMoves: [...moves.values()] };
}

/** The columns an end sets on its claim. */
export function endSet(end: ClaimEnd): RowValues {
  const set: RowValues = { state: end.to, endedAt: end.at };
  if (end.outcome !== undefined) set.outcome = end.outcome;
  if (end.reason !== undefined) set.failureReason = end.reason;
  return set;
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
    const slots = request.slots.map((s) => new Set(s.labels));
    let best: Candidate[] | undefined;
    let bestOldest: Candidate | undefined;
    for (const provider of providers) {
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
