import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { credentials } from "@grpc/grpc-js";
import {
  NodeState,
  Outcome,
  StandbyServiceClient,
  type CreateClaimResponse,
  type ListLabelsResponse,
} from "../gen/ts/standby/v1/standby.js";

/**
 * Warm claim+release cycles through the real gRPC API: a scheduler child
 * process with two fake providers (child processes of it), a pool of
 * min-ready nodes replenished in the background, and clients in this process.
 */
export interface CycleRun {
  clients: number;
  seconds: number;
  cycles: number;
  cyclesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Claims that waited for a launch because no node was ready. */
  dryClaims: number;
  minReadySeen: number;
}

export interface ServerHandle {
  address: string;
  client: StandbyServiceClient;
  stop(): Promise<void>;
}

export async function startServer(opts: { db: string; minReady: number; dir?: string }): Promise<ServerHandle> {
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), "standby-bench-")));
  const port = 17000 + Math.floor(Math.random() * 2000);
  const config = `
server: { listen: "127.0.0.1:${port}", db: "${opts.db}", stateDir: "${dir}" }
claims: { abandonAfter: 5m }
providers:
  - { name: a, plugin: fake, settings: { stateFile: a.json } }
  - { name: b, plugin: fake, settings: { stateFile: b.json } }
labels:
  - { name: bench, tags: [linux], minReady: ${opts.minReady} }
templates:
  - { label: bench, provider: a, image: ubuntu-jammy, flavor: small, readyCheck: false }
  - { label: bench, provider: b, image: ubuntu-jammy, flavor: small, readyCheck: false }
`;
  await writeFile(join(dir, "bench.yaml"), config);
  const child: ChildProcess = spawn(process.execPath, ["dist/clients/cli/main.js", "serve", "--config", join(dir, "bench.yaml")], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, STANDBY_LOG_LEVEL: "warn" },
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const address = `127.0.0.1:${port}`;
  const client = new StandbyServiceClient(address, credentials.createInsecure());
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${stderr}`);
    try {
      const labels = await call<ListLabelsResponse>((cb) => client.listLabels({}, cb));
      const ready = readyOf(labels);
      if (ready >= opts.minReady) break;
    } catch {
      // not up yet
    }
    if (Date.now() - started > 120_000) throw new Error(`pool did not fill in 120 s: ${stderr}`);
    await sleep(200);
  }
  return {
    address,
    client,
    async stop() {
      client.close();
      child.kill("SIGTERM");
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once("exit", resolve)));
      if (!opts.dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

function readyOf(labels: ListLabelsResponse): number {
  return labels.labels
    .flatMap((l) => l.counts)
    .filter((c) => c.state === NodeState.NODE_STATE_READY)
    .reduce((a, c) => a + c.count, 0);
}

export function call<T>(fn: (cb: (err: Error | null, res: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, res) => (err ? reject(err) : resolve(res))));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

export async function runCycles(server: ServerHandle, clients: number, seconds: number, label = "bench"): Promise<CycleRun> {
  const latencies: number[] = [];
  let dry = 0;
  let minReady = Number.POSITIVE_INFINITY;
  const end = Date.now() + seconds * 1000;
  let stopSampling = false;
  const sampler = (async () => {
    while (!stopSampling) {
      try {
        minReady = Math.min(minReady, readyOf(await call<ListLabelsResponse>((cb) => server.client.listLabels({}, cb))));
      } catch {
        // sampling is best effort
      }
      await sleep(250);
    }
  })();
  const worker = async () => {
    while (Date.now() < end) {
      const t0 = process.hrtime.bigint();
      const res = await call<CreateClaimResponse>((cb) =>
        server.client.createClaim(
          {
            labelExpressions: [label],
            requester: "bench",
            jobName: "cycle",
            priority: 0,
            leaseTtlSeconds: 300,
            sshPublicKeys: [],
            requestId: "",
            wait: true,
            waitTimeoutSeconds: 60,
          },
          cb,
        ),
      );
      if (!res.leaseToken) throw new Error(`claim not fulfilled: ${JSON.stringify(res.claim)}`);
      const claim = res.claim;
      const node = claim?.nodes[0];
      if (claim?.createdAt && node?.createdAt && node.createdAt.getTime() >= claim.createdAt.getTime()) dry++;
      await call((cb) =>
        server.client.releaseLease({ leaseToken: res.leaseToken, outcome: Outcome.OUTCOME_SUCCESS, holdSeconds: 0, holdReason: "" }, cb),
      );
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: clients }, worker));
  const elapsed = (Date.now() - started) / 1000;
  stopSampling = true;
  await sampler;
  latencies.sort((a, b) => a - b);
  return {
    clients,
    seconds: elapsed,
    cycles: latencies.length,
    cyclesPerSecond: latencies.length / elapsed,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    dryClaims: dry,
    minReadySeen: Number.isFinite(minReady) ? minReady : 0,
  };
}
