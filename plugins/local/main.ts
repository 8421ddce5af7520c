#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { createPluginLogger, servePlugin } from "../sdk/index.js";
import { LocalCloud } from "./cloud.js";

/** The local provider as a plugin process: `node dist/plugins/local/main.js`. */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : "0.0.0";
  } catch {
    return "0.0.0";
  }
}

const logger = createPluginLogger("local");
await servePlugin(new LocalCloud({ version: packageVersion(), logger }), { logger });
