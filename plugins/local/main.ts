#!/usr/bin/env node
import { createPluginLogger, servePlugin, packageVersion } from "../sdk/index.js";
import { LocalCloud } from "./cloud.js";

/** The local provider as a plugin process: `node dist/plugins/local/main.js`. */
const logger = createPluginLogger("local");
await servePlugin(new LocalCloud({ version: packageVersion(), logger }), { logger });
