import { rmSync } from "node:fs";

/**
 * Plugins run in their own process groups (spawned detached) so a signal
 * reaches everything a plugin started. The groups still alive are killed
 * synchronously when this process exits, and their socket directories
 * removed, so no plugin outlives the scheduler (a scheduler killed by a
 * signal skips 'exit' handlers; then its plugins see stdin EOF and exit on
 * their own).
 */
const liveGroups = new Map<number, string | undefined>();
let hookInstalled = false;

/** Remembers a plugin's process group, and a directory to remove if we exit first. */
export function trackGroup(pid: number, dir?: string): void {
  if (!hookInstalled) {
    hookInstalled = true;
    process.on("exit", () => {
      for (const [group, groupDir] of liveGroups) {
        signalGroup(group, "SIGKILL");
        if (groupDir) rmSync(groupDir, { recursive: true, force: true });
      }
    });
  }
  liveGroups.set(pid, dir);
}

export function untrackGroup(pid: number): void {
  liveGroups.delete(pid);
}

/** Sends signal to the process group led by pid; false if none is left. */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ESRCH" || code === "EPERM") return false;
    throw err;
  }
}
