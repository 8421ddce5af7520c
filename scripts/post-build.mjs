// Runs after `tsc` in `npm run build`.
// tsc writes files with mode 0644; the CLI is the package's `bin` and is also
// run directly (dist/clients/cli/main.js), so it needs its executable bit.
import { chmodSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const executables = ["dist/clients/cli/main.js"];

for (const rel of executables) {
  const file = path.join(root, rel);
  if (existsSync(file)) chmodSync(file, 0o755);
  else console.warn(`post-build: ${rel} was not built`);
}
