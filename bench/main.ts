import { mkdir, writeFile } from "node:fs/promises";
import { createConnection } from "mysql2/promise";
import { runCycles, startServer, type CycleRun } from "./claim-cycle.js";
import { faultIsolationBench } from "./fault-isolation.js";

/**
 * npm run bench [-- --suite all|claim-cycle|fault --seconds N --runs N --only sqlite|mariadb
 *                   --fault-runs N --fault-seconds N --fault-clients N --fault-min-ready N --fault-x-rate N]
 * Results go to bench/results/ as JSON and Markdown.
 */
const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? (args[i + 1] as string) : fallback;
};
const suite = opt("suite", "all");
if (!["all", "claim-cycle", "fault"].includes(suite)) throw new Error(`--suite is all, claim-cycle or fault, not "${suite}"`);
if (suite === "fault") {
  await faultIsolationBench(args);
  process.exit(0);
}
const seconds = Number(opt("seconds", "30"));
const runs = Number(opt("runs", "3"));
const only = opt("only", "");
const minReady = Number(opt("min-ready", "200"));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};

async function mariadbUrl(): Promise<string> {
  const name = `standby_bench_${process.pid}`;
  const conn = await createConnection({ host: "127.0.0.1", port: 3306, user: "root", password: "" });
  await conn.query(`DROP DATABASE IF EXISTS ${name}`);
  await conn.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4`);
  await conn.end();
  return `mysql://root@127.0.0.1:3306/${name}`;
}

interface Result {
  store: string;
  single: CycleRun[];
  concurrent: CycleRun[];
}

async function benchStore(store: "sqlite" | "mariadb"): Promise<Result> {
  const result: Result = { store, single: [], concurrent: [] };
  for (let run = 0; run < runs; run++) {
    const db = store === "sqlite" ? `sqlite:/tmp/standby-bench-${process.pid}-${run}.db` : await mariadbUrl();
    const server = await startServer({ db, minReady });
    try {
      result.single.push(await runCycles(server, 1, seconds));
      result.concurrent.push(await runCycles(server, 64, seconds));
    } finally {
      await server.stop();
    }
    const last = (xs: CycleRun[]) => xs[xs.length - 1] as CycleRun;
    console.log(
      `${store} run ${run + 1}/${runs}: 1 client p50 ${last(result.single).p50Ms.toFixed(2)} ms p99 ${last(result.single).p99Ms.toFixed(2)} ms; ` +
        `64 clients ${last(result.concurrent).cyclesPerSecond.toFixed(0)} cycles/s (dry claims ${last(result.concurrent).dryClaims}, min ready ${last(result.concurrent).minReadySeen})`,
    );
  }
  return result;
}

const stores = (["sqlite", "mariadb"] as const).filter((s) => !only || s === only);
const results: Result[] = [];
for (const s of stores) results.push(await benchStore(s));

const lines = [
  `# Warm claim+release cycles (${new Date().toISOString()})`,
  "",
  `min-ready ${minReady}, ${seconds} s per run, median of ${runs} runs, node ${process.version}, ${(await import("node:os")).cpus().length} cores`,
  "",
  "| store | 1 client p50 ms | 1 client p99 ms | 64 clients cycles/s | 64 clients p99 ms | dry claims (64) | min ready seen (64) |",
  "|---|---|---|---|---|---|---|",
  ...results.map(
    (r) =>
      `| ${r.store} | ${median(r.single.map((x) => x.p50Ms)).toFixed(2)} | ${median(r.single.map((x) => x.p99Ms)).toFixed(2)} | ${median(r.concurrent.map((x) => x.cyclesPerSecond)).toFixed(0)} | ${median(r.concurrent.map((x) => x.p99Ms)).toFixed(1)} | ${median(r.concurrent.map((x) => x.dryClaims))} | ${median(r.concurrent.map((x) => x.minReadySeen))} |`,
  ),
  "",
];
await mkdir("bench/results", { recursive: true });
const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, "-");
await writeFile(`bench/results/claim-cycle-${stamp}.json`, JSON.stringify({ seconds, runs, minReady, results }, null, 2));
await writeFile(`bench/results/claim-cycle-${stamp}.md`, lines.join("\n"));
console.log(lines.join("\n"));
if (suite === "all") await faultIsolationBench(args);
process.exit(0);
