import { fakeHostKey } from "../plugins/fake/cloud.js";
import { StandbyError, type Clock, type NodeRecord, type Random } from "../server/core/index.js";
import type { NodeAccess } from "../server/core/node-access.js";

export interface SimNodeAccessOptions {
  clock: Clock;
  /** Decides, once per node, whether it has no network (default: every node has one). */
  random: Random;
  /** Probability of a node without network, per provider (default 0). */
  noNetworkRate?: Record<string, number>;
  /** Virtual time a ready check of a node with network takes (default 0). */
  readyCheckMs?: number;
}

/**
 * How the scheduler reaches nodes in the simulator, where no node exists to
 * SSH into: the ready check passes after readyCheckMs, except on nodes drawn
 * as having no network, where it hangs until its timeout like SSH to a
 * silent address, then fails. Key hand-over succeeds unless the simulation
 * made a node refuse it.
 */
export class SimNodeAccess implements NodeAccess {
  private readonly offline = new Map<string, boolean>();
  private readonly refusing = new Set<string>();
  /** Ready checks and hand-overs so far. */
  readonly checked: string[] = [];
  readonly handedOver: string[] = [];

  constructor(private readonly options: SimNodeAccessOptions) {}

  publicKey(): string {
    return "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHN0YW5kYnktc2ltdWxhdG9yLWtleS0wMDAwMDAwMDAw standby-sim";
  }

  /** Whether the node has no network (drawn at its first check). */
  hasNoNetwork(node: Pick<NodeRecord, "id" | "provider">): boolean {
    let offline = this.offline.get(node.id);
    if (offline === undefined) {
      const rate = this.options.noNetworkRate?.[node.provider] ?? 0;
      offline = rate > 0 && this.options.random.float() < rate;
      this.offline.set(node.id, offline);
    }
    return offline;
  }

  /** The node refuses the claimer's keys from now on (a changed host key, a full disk). */
  refuseKeys(nodeId: string): void {
    this.refusing.add(nodeId);
  }

  async readyCheck(node: NodeRecord, _script: string, timeoutMs: number): Promise<{ hostKey: string }> {
    this.checked.push(node.id);
    if (this.hasNoNetwork(node)) {
      await this.options.clock.sleep(timeoutMs);
      throw new StandbyError("deadline-exceeded", `ready check of ${node.id} timed out after ${timeoutMs} ms (simulated: no network)`);
    }
    const ms = this.options.readyCheckMs ?? 0;
    if (ms > 0) await this.options.clock.sleep(ms);
    return { hostKey: node.hostKeys[0] ?? fakeHostKey(node.instanceId) };
  }

  injectKeys(node: NodeRecord, _keys: string[], _timeoutMs: number): Promise<void> {
    if (this.refusing.has(node.id)) {
      return Promise.reject(new StandbyError("failed-precondition", `node ${node.id} refused the keys (simulated)`));
    }
    this.handedOver.push(node.id);
    return Promise.resolve();
  }

  run(): Promise<{ code: number | null; output: string }> {
    return Promise.resolve({ code: 0, output: "" });
  }
}
