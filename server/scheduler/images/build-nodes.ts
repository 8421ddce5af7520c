import type { Clock } from "../../../common/clock.js";
import { StandbyError } from "../../../common/errors.js";
import type { Logger } from "../../../common/log.js";
import type { NodeAccess } from "../../core/node-access.js";
import type { BootSpec, Instance, ProviderRegistry } from "../../../common/provider.js";
import type { NodePurpose, NodeState } from "../../core/states.js";
import type { NodeRecord, Store } from "../../core/store.js";
import { isTransient } from "../lifecycle.js";

/** A step of a build failed; the build fails with "<step>: <message>". */
export class BuildStepError extends Error {
  override readonly name = "BuildStepError";
  constructor(
    readonly step: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The scheduler stops: the build is left where it stands and resumed at the next start. */
export class Stopping extends Error {
  override readonly name = "Stopping";
  constructor() {
    super("the scheduler is stopping");
  }
}

export interface BuildNodeSpec {
  id: string;
  purpose: Exclude<NodePurpose, "pool">;
  label: string;
  provider: string;
  image: string;
  flavor: string;
}

const LIVE: readonly NodeState[] = ["launching", "booted", "checking", "ready", "failed"];

/**
 * The nodes of image builds (builders and verifiers): real node records with
 * their own purpose, written before the cloud is touched, booted idempotently
 * on their id, deleted through deleting → gone. The pool lifecycle leaves
 * them alone; the build that owns them drives them, also after a restart.
 */
export class BuildNodes {
  constructor(
    private readonly store: Store,
    private readonly providers: ProviderRegistry,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly pollMs: number,
    private readonly access: NodeAccess | undefined,
    private readonly stopped: () => boolean,
  ) {}

  /** The node's record, written in launching if it does not exist yet. */
  async ensure(spec: BuildNodeSpec, tags: string[]): Promise<NodeRecord> {
    const existing = await this.store.getNode(spec.id);
    if (existing) return existing;
    const now = this.clock.now();
    const node: NodeRecord = {
      id: spec.id,
      label: spec.label,
      provider: spec.provider,
      state: "launching",
      instanceId: "",
      addresses: [],
      sshPort: 0,
      username: "",
      hostKeys: [],
      tags,
      image: spec.image,
      flavor: spec.flavor,
      claimId: "",
      createdAt: now,
      stateChangedAt: now,
      readyAt: 0,
      failureReason: "",
      purpose: spec.purpose,
    };
    await this.store.insertNodes([node]);
    return node;
  }

  /** Boots (or re-boots: idempotent on the node id) and waits until the cloud reports it running; then booted. */
  async bootToRunning(
    node: NodeRecord,
    setupScript: string,
    extraTags: Record<string, string>,
    deadline: number,
    step: string,
  ): Promise<NodeRecord> {
    if (node.state !== "launching") {
      if (node.state === "booted" || node.state === "checking") return node;
      throw new BuildStepError(
        step,
        `the ${node.purpose ?? "build"} node ${node.id} is ${node.state}${node.failureReason ? ` (${node.failureReason})` : ""}`,
      );
    }
    const provider = this.providers.get(node.provider);
    const spec: BootSpec = {
      nodeId: node.id,
      label: node.label,
      image: node.image,
      flavor: node.flavor,
      setupScript,
      networks: [],
      sshPublicKeys: this.access ? [this.access.publicKey()] : [],
      tags: { "standby-label": node.label, ...extraTags },
    };
    let instance: Instance | undefined;
    let delay = this.pollMs;
    while (!instance) {
      this.guard(deadline, step, "boot timed out");
      try {
        instance = await provider.boot(spec);
      } catch (err) {
        if (!isTransient(err)) throw new BuildStepError(step, `boot failed: ${messageOf(err)}`, { cause: err });
        await this.clock.sleep(delay);
        delay = Math.min(delay * 2, 5_000);
      }
    }
    delay = this.pollMs;
    while (instance.state !== "running") {
      if (instance.state === "error")
        throw new BuildStepError(step, `the instance failed to boot: ${instance.error || "the cloud reported an error"}`);
      this.guard(deadline, step, "boot timed out");
      await this.clock.sleep(delay);
      delay = Math.min(delay * 2, 5_000);
      try {
        instance = await provider.getInstance(node.id);
      } catch (err) {
        if (err instanceof StandbyError && err.code === "not-found")
          throw new BuildStepError(step, "the instance disappeared while booting");
        if (!isTransient(err)) throw new BuildStepError(step, messageOf(err), { cause: err });
      }
    }
    const patch = {
      instanceId: instance.instanceId,
      addresses: instance.addresses,
      sshPort: instance.sshPort,
      username: instance.username,
      hostKeys: instance.hostKeys,
    };
    const at = this.clock.now();
    if (!(await this.store.transitionNodes([{ id: node.id, from: ["launching"], to: "booted", at, patch }])).length) {
      throw new BuildStepError(step, `node ${node.id} changed state during its boot`);
    }
    return { ...node, ...patch, state: "booted", stateChangedAt: at };
  }

  /**
   * Booted → checking. With SSH, the ready check runs first (pinning the host
   * key, as for pool nodes); returns the node with its pinned key.
   */
  async check(node: NodeRecord, script: string | undefined, deadline: number, step: string): Promise<NodeRecord> {
    let hostKeys = node.hostKeys;
    if (script !== undefined && node.state === "booted") {
      if (!this.access) throw new BuildStepError(step, "the scheduler has no SSH access to nodes");
      try {
        const timeoutMs = Math.max(1_000, Math.min(deadline - this.clock.now(), 300_000));
        const { hostKey } = await this.access.readyCheck(node, script, timeoutMs);
        hostKeys = node.hostKeys.length > 0 ? node.hostKeys : [hostKey];
      } catch (err) {
        throw new BuildStepError(step, `ready check: ${messageOf(err)}`, { cause: err });
      }
    }
    if (node.state === "booted") {
      const at = this.clock.now();
      await this.store.transitionNodes([{ id: node.id, from: ["booted"], to: "checking", at, patch: { hostKeys } }]);
      return { ...node, hostKeys, state: "checking", stateChangedAt: at };
    }
    return node;
  }

  /** Marks the node failed (with why) and deletes it. */
  async fail(nodeId: string, reason: string): Promise<void> {
    await this.store.transitionNodes([
      { id: nodeId, from: ["launching", "booted", "checking"], to: "failed", at: this.clock.now(), patch: { failureReason: reason } },
    ]);
    await this.remove(nodeId);
  }

  /** Deletes the node's instance (retrying until the provider says it is gone) and marks it gone; a missing or gone node is done. */
  async remove(nodeId: string): Promise<void> {
    if (!nodeId) return;
    const node = await this.store.getNode(nodeId);
    if (!node || node.state === "gone") return;
    if (node.state !== "deleting") {
      const moved = await this.store.transitionNodes([{ id: nodeId, from: LIVE, to: "deleting", at: this.clock.now() }]);
      if (moved.length === 0) {
        const now = await this.store.getNode(nodeId);
        if (now?.state !== "deleting") return;
      }
    }
    const provider = this.providers.get(node.provider);
    let delay = this.pollMs;
    for (;;) {
      if (this.stopped()) return;
      try {
        await provider.deleteInstance(nodeId);
        break;
      } catch (err) {
        this.logger.warn(
          { node: nodeId, provider: node.provider, err: messageOf(err) },
          "deleting an image build's node failed, will retry",
        );
        await this.clock.sleep(delay);
        delay = Math.min(delay * 2, 30_000);
      }
    }
    await this.store.transitionNodes([{ id: nodeId, from: ["deleting"], to: "gone", at: this.clock.now() }]);
  }

  private guard(deadline: number, step: string, message: string): void {
    if (this.stopped()) throw new Stopping();
    if (this.clock.now() > deadline) throw new BuildStepError(step, message);
  }
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
