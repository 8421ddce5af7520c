import type { StandbyClient } from "../typescript/client.js";
import type { Parsed } from "./args.js";

/** What a command runs with: its parsed arguments and where to write. */
export interface Context {
  parsed: Parsed;
  json: boolean;
  addr: string;
  out(text: string): void;
  err(text: string): void;
  /** Byte streams, for commands that pass another program's output through (run). */
  stdio: Stdio;
  /** The API client, created on first use and closed after the command. */
  client(): StandbyClient;
  /** Aborted on SIGINT or SIGTERM while an interruptible command runs. */
  signal: AbortSignal;
}

export interface Stdio {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}
