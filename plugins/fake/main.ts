#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { ProviderServiceService } from "../../gen/ts/standby/provider/v1/provider.js";
import { createPluginLogger, ENV_STATE_DIR, servePlugin } from "../sdk/index.js";
import { FakeCloud } from "./cloud.js";
import { exitAtStartRemembered, FaultyCloud, GarbageSwitch, installGarbageSerializers } from "./faults.js";

/** The fake cloud as a plugin process: `node dist/plugins/fake/main.js`. */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : "0.0.0";
  } catch {
    return "0.0.0";
  }
}

const stateDir = process.env[ENV_STATE_DIR];
if (exitAtStartRemembered(stateDir)) {
  process.stderr.write("fake: fault exit-at-start: exiting before the handshake\n");
  process.exit(1);
}

const logger = createPluginLogger("fake");
// Only takes effect in fault mode garbage; the gRPC service is registered with these serializers.
const garbage = new GarbageSwitch();
installGarbageSerializers(ProviderServiceService as unknown as Parameters<typeof installGarbageSerializers>[0], garbage);
const cloud = new FakeCloud({ version: packageVersion(), logger });
await servePlugin(new FaultyCloud(cloud, { log: logger, garbage, ...(stateDir ? { stateDir } : {}) }), { logger });
