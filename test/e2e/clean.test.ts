import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "../lib/harness.js";
import { REPO_ROOT } from "../lib/cluster.js";
import { daemonPids } from "../plugins/local-helpers.js";
import { waitFor } from "../plugin-host/helpers.js";

const t = suite("standby clean: nodes left by a stopped scheduler", { timeoutMs: 150_000 });
const CLI = join(REPO_ROOT, "dist", "clients", "cli", "main.js");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function standby(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, STANDBY_ADDR: "" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Whether a server could listen on address:port now, i.e. nothing holds it. */
function free(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, address, () => server.close(() => resolve(true)));
  });
}

t(
  "after a stop, clean deletes every node the scheduler left and waits until they are gone; it refuses while a scheduler runs",
  async () => {
    const dir = await mkdtemp(join(tmpdir(), "standby-clean-"));
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const addr = `127.0.0.1:${port}`;
    const config = join(dir, "standby.yaml");
    await writeFile(
      config,
      `server:
  listen: ${addr}
  db: sqlite:${join(dir, "standby.db")}
  stateDir: ${dir}
providers:
  - name: here
    plugin: local
    settings: { addressRange: 127.${100 + Math.floor(Math.random() * 50)}.0.0/24 }
labels:
  - { name: local, tags: [linux], minReady: 2 }
templates:
  - { label: local, provider: here, image: base, flavor: local }
`,
    );
    let server: ChildProcess | undefined;
    try {
      server = spawn(process.execPath, [CLI, "serve", "--config", config], { stdio: "ignore" });
      const nodes = await waitFor(
        "two ready local nodes",
        async () => {
          const r = await standby(["nodes", "--addr", addr, "--json", "--state", "ready"]);
          if (r.code !== 0) return false;
          const list = (JSON.parse(r.stdout) as { nodes: { addresses: string[]; sshPort: number }[] }).nodes;
          return list.length >= 2 && list;
        },
        90_000,
        500,
      );
      const refused = await standby(["clean", "--config", config]);
      assert.equal(refused.code, 1, refused.stderr);
      assert.match(refused.stderr, /^standby: a scheduler answers at 127\.0\.0\.1:\d+: stop it first/);

      const stopped = new Promise((resolve) => server!.once("exit", resolve));
      server.kill("SIGINT");
      await stopped;
      server = undefined;
      // Like machines in a cloud, the nodes outlive the scheduler.
      assert.ok(daemonPids(dir).length >= 2, "the nodes stopped with the scheduler");

      const r = await standby(["clean", "--config", config, "--json"]);
      assert.equal(r.code, 0, r.stderr);
      const [result] = (JSON.parse(r.stdout) as { providers: { provider: string; deleted: number; remaining: number }[] }).providers;
      assert.equal(result?.provider, "here");
      assert.ok((result?.deleted ?? 0) >= 2, r.stdout);
      assert.equal(result?.remaining, 0);
      assert.deepEqual(daemonPids(dir, "all"), [], "a node or spare process is still running");
      for (const n of nodes) assert.ok(await free(n.addresses[0]!, n.sshPort), `${n.addresses[0]}:${n.sshPort} is still in use`);
      // Nothing left: a second clean deletes nothing.
      const again = await standby(["clean", "--config", config]);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(again.stdout, "here: 0 deleted\n");
    } finally {
      server?.kill("SIGKILL");
      await rm(dir, { recursive: true, force: true });
    }
  },
);

t.run();
