import { readFileSync } from "node:fs";
import { parseDuration } from "../../server/config/duration.js";
import { DEFAULT_ADDRESS } from "../typescript/client.js";
import { str, UsageError, type OptionSpecs, type Values } from "./args.js";
import type { Context } from "./context.js";
import { renderJson, type Json } from "./format.js";

/**
 * One CLI command: its name, its help and what it does. The table of all of
 * them is COMMANDS in commands.ts; a new area of commands lives in a file of
 * its own and is spread into that table.
 */
export interface Command {
  /** One or two words: "nodes", "node show". */
  name: string;
  /** Arguments after the name, for the usage line. */
  args: string;
  summary: string;
  /** Option lines for --help (the global ones are added). */
  help: string;
  /** A paragraph after the options in --help. */
  notes?: string;
  options: OptionSpecs;
  /** Other names that run it ("release" for "lease release"). */
  aliases?: string[];
  /** Waits for something: on SIGINT/SIGTERM ctx.signal aborts so it can clean up (cancel, release). */
  interruptible?: boolean;
  run(ctx: Context): Promise<number>;
}

export const GLOBAL_OPTIONS: OptionSpecs = {
  addr: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
};

export const GLOBAL_HELP = `  --addr HOST:PORT  the scheduler (env STANDBY_ADDR, default ${DEFAULT_ADDRESS})
  --json            print the response as JSON
  -h, --help        this help`;

export function emit(ctx: Context, json: Json, text: string): void {
  ctx.out(ctx.json ? renderJson(json) : text);
}

export function readPublicKey(file: string, command = "claim"): string {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read --ssh-key ${file}: ${(err as Error).message}`, command);
  }
  // Private keys never leave the machine they live on.
  if (text.includes("PRIVATE KEY")) {
    throw new UsageError(`--ssh-key ${file} is a private key; pass its .pub file`, command);
  }
  const key = text
    .split("\n")
    .map((l) => l.trim())
    .find((l) => l !== "" && !l.startsWith("#"));
  if (!key) throw new UsageError(`--ssh-key ${file} holds no public key`, command);
  return key;
}

/** A duration option ("90s", "30m", "2h", "1d", or seconds) in whole seconds, rounded up; undefined when absent. */
export function durationSeconds(values: Values, name: string, command: string): number | undefined {
  const raw = str(values, name);
  if (raw === undefined) return undefined;
  let ms: number;
  try {
    ms = parseDuration(raw);
  } catch {
    throw new UsageError(`--${name} must be a duration such as 90s, 30m, 2h or 1d, not "${raw}"`, command);
  }
  if (ms <= 0) throw new UsageError(`--${name} must be longer than 0, not "${raw}"`, command);
  return Math.ceil(ms / 1000);
}

/** 7200 → "2h", 90 → "1m30s". */
export function formatSeconds(seconds: number): string {
  const parts: string[] = [];
  let rest = seconds;
  for (const [unit, size] of [
    ["d", 86_400],
    ["h", 3_600],
    ["m", 60],
    ["s", 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join("") || "0s";
}
