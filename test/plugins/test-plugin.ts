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
 * - log-levels:    logs on stderr the JSON lines other languages' loggers write
 * TEST_PLUGIN_ECHO (names, comma-separated): logs "env NAME=value" for each on stderr.
 */
const mode = process.env.TEST_PLUGIN_MODE ?? "";
const logger = createPluginLogger("test-plugin");

for (const name of (process.env.TEST_PLUGIN_ECHO ?? "").split(",").filter(Boolean)) {
  process.stderr.write(`env ${name}=${process.env[name] ?? "(unset)"}\n`);
}

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
    if (mode === "log-levels") {
      for (const line of [
        { level: "warn", msg: "x", from: "structlog, lower case" },
        { time: "2026-01-01T00:00:00Z", level: "WARN", msg: "x", from: "slog" },
        { level: "warning", message: "x", from: "python logging", timestamp: "2026-01-01 00:00:00" },
        { "@level": "warn", "@message": "x", "@module": "mycloud", from: "hclog" },
        { level: "ERROR+2", msg: "y", from: "slog, between levels" },
        { level: 40, msg: "z", from: "pino" },
      ]) {
        process.stderr.write(`${JSON.stringify(line)}\n`);
      }
      process.stderr.write(`${JSON.stringify({ level: "loud", msg: "unknown level" })}\n`);
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
