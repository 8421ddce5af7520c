import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import type { Socket } from "node:net";

/**
 * Plugins run in their own process groups (spawned detached) so a signal
 * reaches everything a plugin started. No plugin may outlive the scheduler:
 *
 * - On a normal exit, the groups still alive are killed synchronously in an
 *   'exit' handler and their socket directories removed.
 * - A scheduler killed by a signal runs no handler. A healthy plugin sees
 *   stdin EOF and exits on its own, but a wedged one (event loop blocked, or
 *   ignoring EOF) would live on. So a tiny reaper (/bin/sh, its own process
 *   group, deaf to terminal signals) holds a pipe from the scheduler and is
 *   told every group as it is born and dies; when the pipe closes, whatever
 *   the reason, it SIGKILLs the groups still listed and exits.
 */
const liveGroups = new Map<number, string | undefined>();
let hookInstalled = false;
let reaper: ChildProcess | undefined;

const REAPER_SCRIPT = `
trap '' INT HUP QUIT TERM TSTP TTIN TTOU
groups=" "
while IFS= read -r line; do
  case "$line" in
    +*) groups="$groups\${line#+} " ;;
    -*) gone="\${line#-}"; rest=" "
        for g in $groups; do [ "$g" = "$gone" ] || rest="$rest$g "; done
        groups="$rest" ;;
  esac
done
for g in $groups; do kill -9 -"$g" 2>/dev/null; done
exit 0
`;

function tellReaper(line: string): void {
  if (!reaper || reaper.exitCode !== null || reaper.signalCode !== null) {
    reaper = startReaper();
    // A new reaper knows nothing yet: tell it every live group.
    for (const group of liveGroups.keys()) if (`+${group}` !== line) reaper?.stdin?.write(`+${group}\n`);
  }
  reaper?.stdin?.write(`${line}\n`);
}

function startReaper(): ChildProcess | undefined {
  try {
    const child = spawn("/bin/sh", ["-c", REAPER_SCRIPT], { stdio: ["pipe", "ignore", "ignore"], detached: true });
    child.on("error", () => undefined);
    child.stdin?.on("error", () => undefined);
    // Neither the reaper nor its pipe may keep the scheduler's event loop alive.
    child.unref();
    (child.stdin as unknown as Socket | null)?.unref();
    return child;
  } catch {
    return undefined;
  }
}

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
  tellReaper(`+${pid}`);
}

export function untrackGroup(pid: number): void {
  if (!liveGroups.delete(pid)) return;
  if (reaperPid() > 0) tellReaper(`-${pid}`);
}

/** The reaper's pid (0 if none runs), for tests. */
export function reaperPid(): number {
  return reaper && reaper.exitCode === null && reaper.signalCode === null ? (reaper.pid ?? 0) : 0;
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
