import type { NodeRecord } from "./store.js";

/**
 * How the scheduler reaches a node itself: the ready check and key
 * injection, over SSH with the scheduler's own key. The core depends on this
 * interface only; server/ssh implements it.
 */
export interface NodeAccess {
  /** The scheduler's public key, put on every node at boot. */
  publicKey(): string;
  /**
   * Connects (pinning the node's host key: the ones the cloud reported, or
   * the one first seen), runs the ready script within timeoutMs, and returns
   * the host key to pin. Throws StandbyError with a readable message on
   * failure (unreachable, host key mismatch, script failed).
   */
  readyCheck(node: NodeRecord, script: string, timeoutMs: number): Promise<{ hostKey: string }>;
  /** Adds public keys to the node's authorized keys; refuses a node whose host key is not the pinned one. */
  injectKeys(node: NodeRecord, keys: string[], timeoutMs: number): Promise<void>;
  /**
   * Runs a script on the node (image builds: setup, scrub), checking the
   * pinned host key, in the login's home directory with stdin closed; stdout
   * and stderr come back merged in order. `env` is exported to the script
   * only: it travels inside the SSH channel, never on a command line.
   * Throws StandbyError when the node cannot be reached; a failing script is
   * a result with a non-zero code.
   */
  run(
    node: NodeRecord,
    script: string,
    options: { env?: Record<string, string>; timeoutMs: number },
  ): Promise<{ code: number | null; output: string }>;
}
