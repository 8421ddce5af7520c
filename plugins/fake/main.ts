#!/usr/bin/env node
import { ProviderServiceService } from "../../gen/ts/standby/provider/v1/provider.js";
import { createPluginLogger, ENV_STATE_DIR, servePlugin, packageVersion } from "../sdk/index.js";
import { FakeCloud } from "./cloud.js";
import { exitAtStartRemembered, FaultyCloud, GarbageSwitch, installGarbageSerializers } from "./faults.js";

/** The fake cloud as a plugin process: `node dist/plugins/fake/main.js`. */
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
