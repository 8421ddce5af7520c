import type { ImageBuildRecord, ImageBuildState } from "../../core/index.js";

/** The build with a line added to its log. */
export function note(build: ImageBuildRecord, line: string): ImageBuildRecord {
  return { ...build, log: `${build.log}# ${line}\n` };
}

export function stepOf(state: ImageBuildState): string {
  return (
    { pending: "boot", booting: "boot", setup: "setup", scrubbing: "scrub", snapshotting: "snapshot", verifying: "verify" }[
      state as string
    ] ?? state
  );
}

/** 20260102-030000 */
export function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
}

export function lastLine(output: string): string {
  const line = output.trim().split("\n").pop()?.trim() ?? "";
  return line ? ` (${line.slice(0, 200)})` : "";
}

/** Secrets never reach the build log. */
export function mask(text: string, secrets: Record<string, string>): string {
  let out = text;
  for (const value of Object.values(secrets)) if (value.length >= 3) out = out.split(value).join("***");
  return out;
}

/** Host keys compare by type and key blob; comments do not matter. */
export function sameKey(a: string, b: string): boolean {
  const [ta, ka] = a.trim().split(/\s+/);
  const [tb, kb] = b.trim().split(/\s+/);
  return ta === tb && ka === kb;
}
