import { spawn } from "node:child_process";
import { FakeCloud } from "../../plugins/fake/cloud.js";
import { createPluginLogger, servePlugin } from "../../plugins/sdk/index.js";

/**
 * A misbehaving plugin for the plugin host's tests: the fake cloud, plus
 * whatever TEST_PLUGIN_MODE asks for.
 * - junk:          prints junk on stdout before its handshake, and a line on stderr
 * - silent:        never handshakes (logs its pid on stderr and idles)
 * - bad-protocol:  announces protocol version 2
 * - stubborn:      ignores stdin EOF and SIGTERM
 * - grandchild:    starts a long sleep child and reports its pid on stderr
 * - hang-on-boot:  blocks its event loop on Boot
 */
const mode = process.env.TEST_PLUGIN_MODE ?? "";
const logger = createPluginLogger("test-plugin");

switch (mode) {
  case "silent":
    process.stderr.write(`silent plugin ${process.pid} will never handshake\n`);
    setInterval(() => undefined, 60_000);
    break;
  case "bad-protocol":
    process.stdout.write(`standby-plugin|2|unix|${process.env.STANDBY_PLUGIN_SOCKET_DIR ?? "/tmp"}/plugin.sock\n`);
    setInterval(() => undefined, 60_000);
    break;
  default: {
    if (mode === "junk") {
      process.stdout.write("Debugger listening on nowhere\n");
      process.stdout.write("some banner | with pipes\n\n");
      process.stderr.write("junk plugin says hello on stderr\n");
    }
    if (mode === "grandchild") {
      const child = spawn("sleep", ["1000"], { stdio: "ignore" });
      process.stderr.write(`grandchild pid ${child.pid}\n`);
    }
    const cloud = new FakeCloud({ version: "test", logger });
    if (mode === "hang-on-boot") {
      cloud.boot = () => {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 600_000);
        throw new Error("unreachable");
      };
    }
    await servePlugin(cloud, { logger });
    if (mode === "stubborn") {
      process.removeAllListeners("SIGTERM");
      process.on("SIGTERM", () => process.stderr.write("stubborn plugin ignores SIGTERM\n"));
      process.stdin.removeAllListeners("end");
    }
  }
}
