#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { createPluginLogger, servePlugin } from "../sdk/index.js";
import { FakeCloud } from "./cloud.js";

/** The fake cloud as a plugin process: `node dist/plugins/fake/main.js`. */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : "0.0.0";
  } catch {
    return "0.0.0";
  }
}

const logger = createPluginLogger("fake");
await servePlugin(new FakeCloud({ version: packageVersion(), logger }), { logger });
