import type {
  BootSpec,
  ClaimEventRecord,
  Clock,
  Instance,
  Logger,
  NodePurpose,
  NodePatch,
  NodeRecord,
  NodeState,
  ProviderRegistry,
  Store,
} from "../../core/index.js";
import { StandbyError } from "../../core/index.js";
import type { NodeAccess } from "../../core/node-access.js";
import { Backoff, DELETE_POLICY, isTransient, POLL_POLICY, startingAt } from "../../core/retry.js";
import type { NodeWriter } from "../node-writer.js";

export interface NodeDriverDeps {
  store: Store;
  providers: ProviderRegistry;
  /** Every state change of every node goes through it (batched). */
  writer: NodeWriter;
  clock: Clock;
  logger: Logger;
  /** How the scheduler reaches nodes over SSH; none: no ready checks. */
  access: NodeAccess | undefined;
  /** How often a booting instance is polled, at first (doubles up to 5 s). */
  pollMs: number;
}

/** Why a node did not come up: the error's code as reason, a message, and which step. */
export class NodeFailure {
  constructor(
    readonly kind: "boot" | "instance-error" | "vanished" | "timeout" | "poll" | "ready-check",
    readonly reason: string,
    readonly message: string,
  ) {}
}

/** What a node record starts with, whatever its purpose. */
export interface NewNode {
  id: string;
  purpose: NodePurpose;
  label: string;
  provider: string;
  tags: string[];
  image: string;
  flavor: string;
}

/**
 * The one driver of a node's cloud side, whatever the node is for (a pool
 * node, an image builder, a verifier): boot (idempotent on the node id) →
 * poll until running → ready check → delete, nodepool-style. The cloud's
 * instance id is recorded as soon as it exists, and every state change goes
 * through the NodeWriter. What a node does once it is up is its owner's
 * business (server/scheduler/pool, server/scheduler/images).
 */
export class NodeDriver {
  /** Nodes being driven: one driver per node at a time. */
  private readonly inflight = new Set<string>();
  private halted = false;

  constructor(private readonly deps: NodeDriverDeps) {}

  get stopped(): boolean {
    return this.halted;
  }

  stop(): void {
    this.halted = true;
  }

  busy(nodeId: string): boolean {
    return this.inflight.has(nodeId);
  }

  /** Runs fn as the node's only driver; a node already driven (or a stopped driver) is left alone. */
  exclusive(nodeId: string, fn: () => Promise<void>): Promise<void> {
    if (this.inflight.has(nodeId) || this.halted) return Promise.resolve();
    this.inflight.add(nodeId);
    return fn().finally(() => this.inflight.delete(nodeId));
  }

  record(spec: NewNode, now: number): NodeRecord {
    return {
      id: spec.id,
      label: spec.label,
      provider: spec.provider,
      state: "launching",
      instanceId: "",
      addresses: [],
      sshPort: 0,
      username: "",
      hostKeys: [],
      tags: spec.tags,
      image: spec.image,
      flavor: spec.flavor,
      claimId: "",
      createdAt: now,
      stateChangedAt: now,
      readyAt: 0,
      failureReason: "",
      ...(spec.purpose === "pool" ? {} : { purpose: spec.purpose }),
    };
  }

  /** Writes new nodes (in launching) before the cloud is asked for them. */
  insert(nodes: NodeRecord[], events?: readonly ClaimEventRecord[]): Promise<void> {
    return this.deps.store.insertNodes(nodes, events);
  }

  /** A compare-and-set change of the node through the writer; updates node when it applied. */
  async move(
    node: NodeRecord,
    from: readonly NodeState[],
    to: NodeState,
    patch?: NodePatch,
    events?: readonly ClaimEventRecord[],
  ): Promise<boolean> {
    const at = this.deps.clock.now();
    const ok = await this.deps.writer.transition({ id: node.id, from, to, at, ...(patch ? { patch } : {}) }, events);
    if (ok) Object.assign(node, patch, { state: to, stateChangedAt: at });
    return ok;
  }

  /**
   * Sets fields of the node without changing its state (a field-only
   * update); only while it is in the state the caller saw.
   */
  async patch(node: NodeRecord, patch: NodePatch): Promise<boolean> {
    const ok = await this.deps.writer.update({ id: node.id, from: [node.state], patch });
    if (ok) Object.assign(node, patch);
    return ok;
  }

  /** Writes claim events with the next batch of node changes. */
  note(events: readonly ClaimEventRecord[]): void {
    this.deps.writer.note(events);
  }

  /**
   * Boots the node (or boots it again: idempotent on its id) while it is
   * launching, polls until the cloud reports it running and moves it to
   * booted. A node found booted or checking is polled once more, so an
   * instance that vanished meanwhile is noticed. Returns the node, why it
   * failed, or undefined when the driver stops or someone else moved it.
   */
  async boot(
    node: NodeRecord,
    spec: BootSpec,
    deadline: number,
    onRetry: (err: unknown) => void = () => {},
  ): Promise<NodeRecord | NodeFailure | undefined> {
    const provider = this.deps.providers.get(node.provider);
    const { clock } = this.deps;
    let instance: Instance | undefined;
    let delays = new Backoff(startingAt(POLL_POLICY, this.deps.pollMs));
    while (node.state === "launching" && !this.halted) {
      if (clock.now() > deadline) return new NodeFailure("timeout", "boot-timeout", "boot timed out");
      try {
        instance = await provider.boot(spec);
        break;
      } catch (err) {
        if (!isTransient(err)) return new NodeFailure("boot", reasonOf(err), messageOf(err));
        onRetry(err);
        await clock.sleep(delays.next());
      }
    }
    delays = new Backoff(startingAt(POLL_POLICY, this.deps.pollMs));
    while (!this.halted && (!instance || instance.state !== "running")) {
      if (instance?.state === "error")
        return new NodeFailure("instance-error", "instance-error", instance.error || "the cloud reported an error");
      if (clock.now() > deadline) return new NodeFailure("timeout", "boot-timeout", "boot timed out");
      if (instance && node.state === "launching" && !node.instanceId && instance.instanceId) {
        // Record the cloud's id as soon as it exists.
        await this.patch(node, { instanceId: instance.instanceId });
        node.instanceId = instance.instanceId;
      }
      await clock.sleep(delays.next());
      try {
        instance = await provider.getInstance(node.id);
      } catch (err) {
        if (err instanceof StandbyError && err.code === "not-found") {
          if (node.state === "launching") {
            instance = undefined;
            continue;
          }
          return new NodeFailure("vanished", "instance-vanished", "the instance disappeared while booting");
        }
        if (!isTransient(err)) return new NodeFailure("poll", reasonOf(err), messageOf(err));
      }
    }
    if (this.halted || !instance) return undefined;
    if (node.state === "launching") {
      const patch = {
        instanceId: instance.instanceId,
        addresses: instance.addresses,
        sshPort: instance.sshPort,
        username: instance.username,
        hostKeys: instance.hostKeys,
      };
      if (!(await this.move(node, ["launching"], "booted", patch))) return undefined;
    }
    return node;
  }

  /**
   * The ready check over SSH (pinning the host key): the node's host keys
   * to keep, every key the cloud reported (clients differ in the types they
   * speak), else the one seen.
   */
  async readyCheck(node: NodeRecord, script: string, timeoutMs: number): Promise<string[] | NodeFailure> {
    const access = this.deps.access;
    if (!access) return new NodeFailure("ready-check", "ready-check", "the scheduler has no SSH access to nodes");
    try {
      const { hostKey } = await access.readyCheck(node, script, timeoutMs);
      return node.hostKeys.length > 0 ? node.hostKeys : [hostKey];
    } catch (err) {
      return new NodeFailure("ready-check", "ready-check", messageOf(err));
    }
  }

  /**
   * Deletes the node's instance, retrying until the provider says it is
   * done, and moves the node on to gone. Moves it to deleting first, only
   * from the states given (the one its caller saw). False when the node was
   * not (or no longer) this caller's to delete, or the driver stops.
   */
  async delete(node: NodeRecord, from: readonly NodeState[]): Promise<boolean> {
    if (node.state !== "deleting" && !(await this.move(node, from, "deleting"))) return false;
    const provider = this.deps.providers.get(node.provider);
    const delays = new Backoff(startingAt(DELETE_POLICY, this.deps.pollMs));
    while (!this.halted) {
      try {
        await provider.deleteInstance(node.id);
        break;
      } catch (err) {
        const what =
          (node.purpose ?? "pool") === "pool" ? "delete failed, will retry" : "deleting an image build's node failed, will retry";
        this.deps.logger.warn({ node: node.id, provider: node.provider, err: messageOf(err) }, what);
        await this.deps.clock.sleep(delays.next());
      }
    }
    if (this.halted) return false;
    await this.move(node, ["deleting"], "gone");
    node.state = "gone";
    return true;
  }
}

export function reasonOf(err: unknown): string {
  return err instanceof StandbyError ? err.code : "error";
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
