import type { NodePurpose, NodeRecord, NodeState, Store } from "../../core/index.js";
import type { NodeAccess } from "../../core/node-access.js";
import { messageOf, NodeFailure, type NodeDriver } from "../nodes/driver.js";

export { messageOf };

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
 * their own purpose, driven by the same NodeDriver as pool nodes (written
 * before the cloud is touched, booted idempotently on their id, their
 * instance id recorded at once, deleted through deleting → gone). The pool
 * leaves them alone; the build that owns them drives them, also after a
 * restart. Build nodes stop at checking: they never join a pool.
 */
export class BuildNodes {
  private readonly store: Store;
  private readonly driver: NodeDriver;
  private readonly access: NodeAccess | undefined;
  private readonly now: () => number;

  constructor(deps: { store: Store; driver: NodeDriver; access: NodeAccess | undefined; now: () => number }) {
    this.store = deps.store;
    this.driver = deps.driver;
    this.access = deps.access;
    this.now = deps.now;
  }

  /** The node's record, written in launching if it does not exist yet. */
  async ensure(spec: BuildNodeSpec, tags: string[]): Promise<NodeRecord> {
    const existing = await this.store.getNode(spec.id);
    if (existing) return existing;
    const node = this.driver.record({ ...spec, tags }, this.now());
    await this.driver.insert([node]);
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
    if (!["launching", "booted", "checking"].includes(node.state)) {
      throw new BuildStepError(
        step,
        `the ${node.purpose ?? "build"} node ${node.id} is ${node.state}${node.failureReason ? ` (${node.failureReason})` : ""}`,
      );
    }
    if (this.driver.stopped) throw new Stopping();
    const spec = {
      nodeId: node.id,
      label: node.label,
      image: node.image,
      flavor: node.flavor,
      setupScript,
      networks: [],
      sshPublicKeys: this.access ? [this.access.publicKey()] : [],
      tags: { "standby-label": node.label, ...extraTags },
    };
    const result = await this.driver.boot({ ...node }, spec, deadline);
    if (result instanceof NodeFailure) throw new BuildStepError(step, phrase(result));
    if (!result) {
      if (this.driver.stopped) throw new Stopping();
      throw new BuildStepError(step, `node ${node.id} changed state during its boot`);
    }
    return result;
  }

  /**
   * Booted → checking. With SSH, the ready check runs first (pinning the host
   * key, as for pool nodes); returns the node with its pinned key.
   */
  async check(node: NodeRecord, script: string | undefined, deadline: number, step: string): Promise<NodeRecord> {
    if (node.state !== "booted") return node;
    let hostKeys = node.hostKeys;
    if (script !== undefined) {
      const timeoutMs = Math.max(1_000, Math.min(deadline - this.now(), 300_000));
      const checked = await this.driver.readyCheck(node, script, timeoutMs);
      if (checked instanceof NodeFailure) throw new BuildStepError(step, this.access ? `ready check: ${checked.message}` : checked.message);
      hostKeys = checked;
    }
    const next = { ...node };
    await this.driver.move(next, ["booted"], "checking", { hostKeys });
    return { ...next, hostKeys, state: "checking" };
  }

  /** Deletes the node's instance (retrying until the provider says it is gone) and marks it gone; a missing or gone node is done. */
  async remove(nodeId: string): Promise<void> {
    if (!nodeId) return;
    let node = await this.store.getNode(nodeId);
    if (!node || node.state === "gone") return;
    if (node.state !== "deleting" && !(await this.driver.move(node, LIVE, "deleting"))) {
      // Someone else moved it on: carry on only if that was to deleting.
      node = await this.store.getNode(nodeId);
      if (node?.state !== "deleting") return;
    }
    await this.driver.delete(node, ["deleting"]);
  }
}

/** A build's words for why its node did not come up. */
function phrase(failure: NodeFailure): string {
  if (failure.kind === "boot") return `boot failed: ${failure.message}`;
  if (failure.kind === "instance-error") return `the instance failed to boot: ${failure.message}`;
  return failure.message;
}
