#!/usr/bin/env node
import { createPluginLogger, servePlugin, packageVersion } from "../sdk/index.js";
import { StaticHosts } from "./cloud.js";

/** The static-hosts provider as a plugin process: `node dist/plugins/static/main.js`. */
const logger = createPluginLogger("static");
await servePlugin(new StaticHosts({ version: packageVersion(), logger }), { logger });
