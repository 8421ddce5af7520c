import type { Readable } from "node:stream";

/**
 * Calls onLine for each line of a stream. A line longer than maxLineBytes is
 * cut there (truncated=true) and the rest of it dropped, so a plugin that
 * never writes a newline cannot make us buffer without bound.
 */
export function readLines(stream: Readable, onLine: (line: string, truncated: boolean) => void, maxLineBytes = 16 * 1024): void {
  let buffer = "";
  let skipping = false;
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    buffer += chunk;
    for (;;) {
      const end = buffer.indexOf("\n");
      if (end < 0) break;
      const line = buffer.slice(0, end).replace(/\r$/, "");
      buffer = buffer.slice(end + 1);
      if (skipping) skipping = false;
      else onLine(line, false);
    }
    if (buffer.length > maxLineBytes) {
      if (!skipping) onLine(buffer.slice(0, maxLineBytes), true);
      skipping = true;
      buffer = "";
    }
  });
  stream.on("end", () => {
    if (buffer && !skipping) onLine(buffer, false);
    buffer = "";
  });
  // A broken pipe from a dying plugin is not our error.
  stream.on("error", () => undefined);
}
