import { readFileSync } from "node:fs";

/** The version in standby's package.json ("0.0.0" if it cannot be read), for Describe. */
export function packageVersion(): string {
  try {
    // Built, this file is dist/plugins/sdk/package-version.js: the package root is three folders up.
    const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : "0.0.0";
  } catch {
    return "0.0.0";
  }
}
