import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { credentials } from "@grpc/grpc-js";
import { StandbyServiceClient, type ListProvidersResponse } from "../../gen/ts/standby/v1/standby.js";
import { suite } from "../lib/harness.js";
import { call, eventually, REPO_ROOT } from "../lib/cluster.js";

const t = suite("no plugin outlives its scheduler", { timeoutMs: 60_000 });

const TEST_PLUGIN = fileURLToPath(new URL("../plugins/test-plugin.js", import.meta.url));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

t(
  "a SIGKILLed scheduler takes every plugin process with it: healthy, hung (event loop blocked) and deaf to stdin EOF and SIGTERM",
  async () => {
    const dir = await mkdtemp(join(tmpdir(), "standby-orphans-"));
    const config = {
      server: { listen: "127.0.0.1:0", db: "sqlite::memory:", stateDir: dir },
      providers: [
        { name: "healthy", plugin: "fake", settings: { stateFile: "healthy.json" } },
        { name: "hung", plugin: "fake", settings: { stateFile: "hung.json", fault: { mode: "hang" } } },
        {
          name: "deaf",
          command: ["env", "TEST_PLUGIN_MODE=stubborn", process.execPath, TEST_PLUGIN],
          settings: { stateFile: "deaf.json" },
        },
      ],
      labels: [{ name: "x", minReady: 0 }],
      templates: [{ label: "x", provider: "healthy", image: "ubuntu-jammy", flavor: "small" }],
    };
    await writeFile(join(dir, "standby.yaml"), JSON.stringify(config));
    const scheduler = spawn(process.execPath, ["dist/clients/cli/main.js", "serve", "--config", join(dir, "standby.yaml")], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, STANDBY_LOG_LEVEL: "warn" },
    });
    let stderr = "";
    scheduler.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    let client: StandbyServiceClient | undefined;
    let pids: number[] = [];
    try {
      const address = await eventually("the scheduler to serve", () => /serving on (\S+)/.exec(stderr)?.[1], 20_000);
      client = new StandbyServiceClient(address, credentials.createInsecure());
      const c = client;
      pids = await eventually("three plugin processes", async () => {
        const res = await call<ListProvidersResponse>((cb) => c.listProviders({}, cb));
        const found = res.providers.map((p) => p.pid).filter((pid) => pid > 0);
        return found.length === 3 ? found : undefined;
      });
      assert.ok(pids.every(alive));
      // Give the hung one time to block its event loop.
      await new Promise((resolve) => setTimeout(resolve, 500));
      scheduler.kill("SIGKILL");
      await new Promise((resolve) => scheduler.once("exit", resolve));
      await eventually("every plugin process to be gone", () => pids.every((pid) => !alive(pid)), 10_000);
    } finally {
      client?.close();
      if (scheduler.exitCode === null && scheduler.signalCode === null) scheduler.kill("SIGKILL");
      for (const pid of pids) if (alive(pid)) process.kill(-pid, "SIGKILL");
      await rm(dir, { recursive: true, force: true });
    }
  },
);

t.run();
