import {
  context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
} from "@opentelemetry/api";
import type { AllocationOutcome, SchedulerObserver } from "../core/observer.js";
import type { ClaimRecord, NodeRecord } from "../core/store.js";
import { inSpan, tracer } from "../../common/tracing.js";
import { startClaimRootSpan } from "./claim-ids.js";

interface ClaimEntry {
  span: Span;
  ctx: Context;
  /** Launches started on its behalf so far. */
  launches: number;
  /** Its launches still under way. */
  pending: Set<string>;
  /** Nodes it asks for. */
  slots: number;
}

interface LaunchEntry {
  span: Span;
  ctx: Context;
  claimId: string | undefined;
}

/** Attribute names of standby's own (the rest follow OpenTelemetry's semantic conventions). */
export const ATTR = {
  claimId: "standby.claim.id",
  labelExpressions: "standby.claim.label_expressions",
  requester: "standby.claim.requester",
  priority: "standby.claim.priority",
  waitMs: "standby.claim.wait_ms",
  state: "standby.claim.state",
  nodeId: "standby.node.id",
  nodeIds: "standby.node.ids",
  label: "standby.label",
  provider: "standby.provider",
  attempt: "standby.launch.attempt",
  reason: "standby.failure.reason",
  image: "standby.image",
} as const;

function nodeAttributes(node: NodeRecord): Attributes {
  return { [ATTR.nodeId]: node.id, [ATTR.label]: node.label, [ATTR.provider]: node.provider };
}

/**
 * Every claim is a trace: its root span ("claim") runs from the API call to
 * fulfilment (or cancellation, failure), with an "allocate" span per
 * allocation that mattered. A launch is not tied to one claim, so each one
 * is made a child of the first claim waiting on its label that no launch
 * serves yet: "claim → launch → provider.boot → the plugin's spans", and
 * after a failure the next launch goes to the same claim (attempt 2, often on
 * another provider). Launches for the pool alone are traces of their own.
 */
export class ClaimTracer implements SchedulerObserver {
  private readonly claims = new Map<string, ClaimEntry>();
  private readonly launches = new Map<string, LaunchEntry>();

  claimCreated(claim: ClaimRecord): void {
    // A caller that traces itself is linked (the claim outlives its call).
    const caller = trace.getSpan(context.active())?.spanContext();
    const links: Link[] = caller && trace.isSpanContextValid(caller) ? [{ context: caller }] : [];
    this.startClaim(claim, { links });
  }

  claimLoaded(claim: ClaimRecord): void {
    // The root span of a claim queued before a restart was never exported;
    // it starts again with the same ids and the claim's creation time.
    this.startClaim(claim, { startTime: claim.createdAt, attributes: { "standby.claim.resumed": true } });
  }

  private startClaim(claim: ClaimRecord, more: { links?: Link[]; startTime?: number; attributes?: Attributes }): void {
    if (this.claims.has(claim.id)) return;
    const span = startClaimRootSpan(claim.id, "claim", {
      kind: SpanKind.INTERNAL,
      ...(more.startTime !== undefined ? { startTime: more.startTime } : {}),
      links: more.links ?? [],
      attributes: {
        [ATTR.claimId]: claim.id,
        [ATTR.labelExpressions]: claim.labelExpressions,
        [ATTR.requester]: claim.requester,
        [ATTR.priority]: claim.priority,
        ...more.attributes,
      },
    });
    this.claims.set(claim.id, {
      span,
      ctx: trace.setSpan(ROOT_CONTEXT, span),
      launches: 0,
      pending: new Set(),
      slots: claim.labelExpressions.length,
    });
  }

  allocated(startedAt: number, results: readonly AllocationOutcome[]): void {
    const start = Math.min(startedAt, Date.now());
    for (const r of results) {
      const entry = this.claims.get(r.claim.id);
      if (!entry) continue;
      const span = tracer().startSpan(
        "allocate",
        {
          startTime: start,
          attributes: {
            [ATTR.claimId]: r.claim.id,
            "standby.allocate.batch_size": results.length,
            "standby.allocate.fulfilled": r.nodes.length > 0,
            ...(r.nodes.length > 0 ? { [ATTR.nodeIds]: r.nodes.map((n) => n.id), [ATTR.provider]: r.nodes[0]?.provider ?? "" } : {}),
          },
        },
        entry.ctx,
      );
      span.end();
    }
  }

  claimFulfilled(claim: ClaimRecord, nodes: readonly NodeRecord[]): void {
    const entry = this.claims.get(claim.id);
    if (!entry) return;
    this.claims.delete(claim.id);
    entry.span.setAttributes({
      [ATTR.state]: "fulfilled",
      [ATTR.waitMs]: Math.max(0, claim.fulfilledAt - claim.createdAt),
      [ATTR.nodeIds]: nodes.map((n) => n.id),
      [ATTR.provider]: nodes[0]?.provider ?? "",
      "standby.claim.launches": entry.launches,
    });
    entry.span.setStatus({ code: SpanStatusCode.OK });
    entry.span.end();
  }

  claimRequeued(claim: ClaimRecord, reason: string): void {
    this.claims.get(claim.id)?.span.addEvent("requeued", { [ATTR.reason]: reason });
  }

  claimEnded(claim: ClaimRecord): void {
    const entry = this.claims.get(claim.id);
    if (!entry) return;
    this.claims.delete(claim.id);
    entry.span.setAttribute(ATTR.state, claim.state);
    if (claim.state === "failed") entry.span.setStatus({ code: SpanStatusCode.ERROR, message: claim.failureReason });
    else entry.span.addEvent(claim.state, { [ATTR.reason]: claim.failureReason });
    entry.span.end();
  }

  inClaim<T>(claim: ClaimRecord, fn: () => Promise<T>): Promise<T> {
    const entry = this.claims.get(claim.id);
    return entry ? context.with(entry.ctx, fn) : fn();
  }

  detached<T>(fn: () => T): T {
    return context.with(ROOT_CONTEXT, fn);
  }

  launchStarted(node: NodeRecord, waiting: readonly string[]): void {
    let claimId: string | undefined;
    for (const id of waiting) {
      const entry = this.claims.get(id);
      if (entry && entry.pending.size < entry.slots) {
        claimId = id;
        break;
      }
    }
    const owner = claimId === undefined ? undefined : this.claims.get(claimId);
    let attempt = 1;
    if (owner) {
      attempt = ++owner.launches;
      owner.pending.add(node.id);
      owner.span.addEvent("launching", { ...nodeAttributes(node), [ATTR.attempt]: attempt });
    }
    const parent = owner?.ctx ?? ROOT_CONTEXT;
    const span = tracer().startSpan(
      "launch",
      {
        attributes: {
          ...nodeAttributes(node),
          [ATTR.attempt]: attempt,
          ...(claimId ? { [ATTR.claimId]: claimId } : { "standby.launch.for": "pool" }),
        },
      },
      parent,
    );
    this.launches.set(node.id, { span, ctx: trace.setSpan(parent, span), claimId });
  }

  async inLaunch<T>(node: NodeRecord, fn: () => Promise<T>): Promise<T> {
    let entry = this.launches.get(node.id);
    if (!entry) {
      // Resumed after a restart (or by the reconciler): its original span is gone.
      const span = tracer().startSpan("launch", { root: true, attributes: { ...nodeAttributes(node), "standby.launch.resumed": true } });
      entry = { span, ctx: trace.setSpan(ROOT_CONTEXT, span), claimId: undefined };
      this.launches.set(node.id, entry);
    }
    try {
      return await context.with(entry.ctx, fn);
    } finally {
      // Ended neither ready nor failed (the scheduler stopped, another driver won).
      if (this.launches.get(node.id) === entry) this.finishLaunch(node.id, entry);
    }
  }

  attemptFailed(node: NodeRecord, reason: string, message: string): void {
    this.launches.get(node.id)?.span.addEvent("boot attempt failed, retrying", { [ATTR.reason]: reason, "exception.message": message });
  }

  launchFailed(node: NodeRecord, reason: string, message: string): void {
    const entry = this.launches.get(node.id);
    if (!entry) return;
    entry.span.setAttribute(ATTR.reason, reason);
    entry.span.setStatus({ code: SpanStatusCode.ERROR, message: `${reason}: ${message}` });
    this.claimOf(entry)?.span.addEvent("launch failed", { ...nodeAttributes(node), [ATTR.reason]: reason, "exception.message": message });
    this.finishLaunch(node.id, entry);
  }

  nodeReady(node: NodeRecord): void {
    const entry = this.launches.get(node.id);
    if (!entry) return;
    entry.span.setStatus({ code: SpanStatusCode.OK });
    this.claimOf(entry)?.span.addEvent("node ready", nodeAttributes(node));
    this.finishLaunch(node.id, entry);
  }

  inDelete<T>(node: NodeRecord, fn: () => Promise<T>): Promise<T> {
    return this.span("delete", nodeAttributes(node), fn);
  }

  inImageResolution<T>(what: { label: string; provider: string; image: string }, fn: () => Promise<T>): Promise<T> {
    return this.span(
      "image.resolve",
      { [ATTR.label]: what.label, [ATTR.provider]: what.provider, [ATTR.image]: what.image },
      async (span) => {
        const result = await fn();
        if (typeof result === "string") span.setAttribute("standby.image.resolved", result);
        return result;
      },
    );
  }

  nodeHeld(): void {}
  holdEnded(): void {}

  private claimOf(entry: LaunchEntry): ClaimEntry | undefined {
    return entry.claimId === undefined ? undefined : this.claims.get(entry.claimId);
  }

  private finishLaunch(nodeId: string, entry: LaunchEntry): void {
    this.launches.delete(nodeId);
    this.claimOf(entry)?.pending.delete(nodeId);
    entry.span.end();
  }

  /** A child span of the active context around fn; a failure sets its status. */
  private span<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
    return inSpan(name, { attributes }, fn);
  }
}
