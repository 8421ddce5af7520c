import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { credentials } from "@grpc/grpc-js";
import {
  NodeState,
  Outcome,
  StandbyServiceClient,
  type CreateClaimResponse,
  type ListLabelsResponse,
  type ListProvidersResponse,
} from "../gen/ts/standby/v1/standby.js";
import { call, percentile } from "./claim-cycle.js";

/**
 * Fault isolation: claim latency for label y (served by provider C alone)
 * while provider A, which shares label x with C, hangs (the fake plugin's
 * fault mode "hang": it answers nothing after Configure and is killed and
 * restarted again and again), against the same with A healthy. Each run
 * starts one scheduler process per condition (its plugins are its children);
 * clients in this process claim and release y, and one client keeps x busy
 * in both conditions so that A is asked for work. The conditions alternate
 * run by run, and the figure is median(p99 with A hanging) / median(p99 with
 * A healthy); the target is at most 1.10.
 */

export interface FaultBenchOptions {
  /** Runs per condition (≥ 5 for the reported median). */
  runs: number;
  /** Measured seconds per run and condition. */
  seconds: number;
  /** Concurrent y claimers. */
  clients: number;
  /** Ready y nodes kept (warm claims). */
  minReady: number;
  /** Background x claims started per second. */
  xPerSecond: number;
}

export interface ConditionRun {
  condition: "healthy" | "hang";
  claims: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Background x claims fulfilled during the window, and those not fulfilled within 2 s (cancelled). */
  xClaims: number;
  xUnfulfilled: number;
  /** Restarts of A's plugin by the end of the window (hung and killed). */
  aRestarts: number;
  aHealth: string;
}

export interface FaultBenchResult {
  options: FaultBenchOptions;
  runs: ConditionRun[];
  healthyP99Ms: number;
  hangP99Ms: number;
  ratio: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
}

interface Server {
  client: StandbyServiceClient;
  stop(): Promise<void>;
}

async function startServer(condition: ConditionRun["condition"], minReady: number): Promise<Server> {
  const dir = await mkdtemp(join(tmpdir(), "standby-bench-fault-"));
  const fault = condition === "hang" ? ', fault: { mode: "hang" }' : "";
  const config = `
server: { listen: "127.0.0.1:0", db: "sqlite:${join(dir, "standby.db")}", stateDir: "${dir}" }
claims: { abandonAfter: 5m }
providers:
  - { name: a, plugin: fake, settings: { stateFile: a.json${fault} } }
  - { name: c, plugin: fake, settings: { stateFile: c.json } }
labels:
  - { name: x, minReady: 4 }
  - { name: y, minReady: ${minReady} }
templates:
  - { label: x, provider: a, image: ubuntu-jammy, flavor: small, readyCheck: false }
  - { label: x, provider: c, image: ubuntu-jammy, flavor: small, readyCheck: false }
  - { label: y, provider: c, image: ubuntu-noble, flavor: small, readyCheck: false }
`;
  await writeFile(join(dir, "bench.yaml"), config);
  const child: ChildProcess = spawn(process.execPath, ["dist/clients/cli/main.js", "serve", "--config", join(dir, "bench.yaml")], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, STANDBY_LOG_LEVEL: "error" },
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8000)));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    }
    await rm(dir, { recursive: true, force: true });
  };
  const started = Date.now();
  let address: string | undefined;
  while (!address) {
    if (child.exitCode !== null) throw new Error(`server exited: ${stderr}`);
    address = /serving on (\S+)/.exec(stderr)?.[1];
    if (Date.now() - started > 30_000) {
      await stop();
      throw new Error(`server did not start in 30 s: ${stderr}`);
    }
    await sleep(50);
  }
  const client = new StandbyServiceClient(address, credentials.createInsecure());
  for (;;) {
    const labels = await call<ListLabelsResponse>((cb) => client.listLabels({}, cb)).catch(() => undefined);
    const y = labels?.labels.find((l) => l.name === "y")?.counts.find((c) => c.state === NodeState.NODE_STATE_READY)?.count ?? 0;
    if (y >= minReady) break;
    if (Date.now() - started > 120_000) {
      client.close();
      await stop();
      throw new Error(`the y pool did not fill in 120 s: ${stderr}`);
    }
    await sleep(100);
  }
  return {
    client,
    async stop() {
      client.close();
      await stop();
    },
  };
}

/** One claim and its release; the claim's latency in ms, or undefined if it was not fulfilled within waitSeconds (then cancelled). */
async function claimCycle(client: StandbyServiceClient, label: string, waitSeconds: number): Promise<number | undefined> {
  const t0 = process.hrtime.bigint();
  const res = await call<CreateClaimResponse>((cb) =>
    client.createClaim(
      {
        labelExpressions: [label],
        requester: "bench",
        jobName: "fault",
        priority: 0,
        leaseTtlSeconds: 300,
        sshPublicKeys: [],
        requestId: "",
        wait: true,
        waitTimeoutSeconds: waitSeconds,
      },
      cb,
    ),
  );
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (!res.leaseToken) {
    await call((cb) => client.cancelClaim({ claimToken: res.claimToken }, cb)).catch(() => undefined);
    return undefined;
  }
  await call((cb) =>
    client.releaseLease({ leaseToken: res.leaseToken, outcome: Outcome.OUTCOME_SUCCESS, holdSeconds: 0, holdReason: "" }, cb),
  );
  return ms;
}

async function measure(condition: ConditionRun["condition"], opts: FaultBenchOptions): Promise<ConditionRun> {
  const server = await startServer(condition, opts.minReady);
  try {
    // The same settling time in both conditions.
    await sleep(5_000);
    const end = Date.now() + opts.seconds * 1000;
    const latencies: number[] = [];
    let xClaims = 0;
    let xUnfulfilled = 0;
    const yWorker = async () => {
      while (Date.now() < end) {
        const ms = await claimCycle(server.client, "y", 60);
        if (ms === undefined) throw new Error("a y claim was not fulfilled within 60 s");
        latencies.push(ms);
      }
    };
    // x is background load at a fixed rate, the same offered load in both conditions (A is one of
    // x's providers, so with A hanging some x claims wait on launches stuck there; they give up after 2 s).
    const xClaimsDone: Promise<void>[] = [];
    const xTimer = setInterval(() => {
      if (Date.now() >= end) return;
      xClaimsDone.push(
        claimCycle(server.client, "x", 2).then((ms) => {
          if (ms === undefined) xUnfulfilled++;
          else xClaims++;
        }),
      );
    }, 1000 / opts.xPerSecond);
    try {
      await Promise.all(Array.from({ length: opts.clients }, yWorker));
    } finally {
      clearInterval(xTimer);
    }
    await Promise.all(xClaimsDone);
    const providers = await call<ListProvidersResponse>((cb) => server.client.listProviders({}, cb));
    const a = providers.providers.find((p) => p.name === "a");
    latencies.sort((x, y) => x - y);
    return {
      condition,
      claims: latencies.length,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies.at(-1) ?? NaN,
      xClaims,
      xUnfulfilled,
      aRestarts: a?.restarts ?? 0,
      aHealth: String(a?.health ?? "?"),
    };
  } finally {
    await server.stop();
  }
}

export async function runFaultIsolation(opts: FaultBenchOptions, log: (line: string) => void = console.log): Promise<FaultBenchResult> {
  const runs: ConditionRun[] = [];
  for (let run = 0; run < opts.runs; run++) {
    // Alternate which condition goes first, so drift over the session hits both alike.
    const order: ConditionRun["condition"][] = run % 2 === 0 ? ["healthy", "hang"] : ["hang", "healthy"];
    for (const condition of order) {
      const r = await measure(condition, opts);
      runs.push(r);
      log(
        `fault-isolation run ${run + 1}/${opts.runs} A ${condition.padEnd(7)}: y claims ${r.claims}, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, max ${r.maxMs.toFixed(1)} ms; x claims ${r.xClaims} (${r.xUnfulfilled} not within 2 s); A restarts ${r.aRestarts}`,
      );
    }
  }
  const healthyP99Ms = median(runs.filter((r) => r.condition === "healthy").map((r) => r.p99Ms));
  const hangP99Ms = median(runs.filter((r) => r.condition === "hang").map((r) => r.p99Ms));
  return { options: opts, runs, healthyP99Ms, hangP99Ms, ratio: hangP99Ms / healthyP99Ms };
}

/** Runs the benchmark with options from argv (--fault-runs, --fault-seconds, --fault-clients, --fault-min-ready, --fault-x-rate) and writes bench/results/. */
export async function faultIsolationBench(args: string[]): Promise<FaultBenchResult> {
  const opt = (name: string, fallback: number): number => {
    const i = args.indexOf(`--${name}`);
    const value = i >= 0 ? Number(args[i + 1]) : fallback;
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
    return value;
  };
  const options: FaultBenchOptions = {
    runs: opt("fault-runs", 5),
    seconds: opt("fault-seconds", 30),
    clients: opt("fault-clients", 2),
    minReady: opt("fault-min-ready", 30),
    xPerSecond: opt("fault-x-rate", 10),
  };
  const result = await runFaultIsolation(options);
  const row = (r: ConditionRun, i: number) =>
    `| ${Math.floor(i / 2) + 1} | ${r.condition} | ${r.claims} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${r.maxMs.toFixed(1)} | ${r.xClaims} (${r.xUnfulfilled}) | ${r.aRestarts} |`;
  const lines = [
    `# Fault isolation: label y claim latency, provider A hanging vs healthy (${new Date().toISOString()})`,
    "",
    `${options.runs} runs per condition, ${options.seconds} s each, ${options.clients} y claimers in a loop + ${options.xPerSecond} x claims/s (each waits at most 2 s), y min-ready ${options.minReady}, node ${process.version}, ${cpus().length} cores`,
    "",
    `**p99 ratio (A hanging / A healthy): ${result.ratio.toFixed(3)}** (target ≤ 1.10); median p99 ${result.hangP99Ms.toFixed(2)} ms vs ${result.healthyP99Ms.toFixed(2)} ms`,
    "",
    "| run | A | y claims | p50 ms | p99 ms | max ms | x claims (not within 2 s) | A restarts |",
    "|---|---|---|---|---|---|---|---|",
    ...result.runs.map(row),
    "",
  ];
  await mkdir("bench/results", { recursive: true });
  const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, "-");
  await writeFile(`bench/results/fault-isolation-${stamp}.json`, JSON.stringify(result, null, 2));
  await writeFile(`bench/results/fault-isolation-${stamp}.md`, lines.join("\n"));
  console.log(lines.join("\n"));
  return result;
}
