import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { LocalCloud } from "../plugins/local/cloud.js";
import { ImageStore, Packer } from "../plugins/local/images.js";
import { nodeKey, type DaemonStatus } from "../plugins/local/nodes.js";
import { probeSsh } from "../common/ssh-client.js";
import { generateEd25519Key, knownHostsLine } from "../common/ssh-keys.js";

/**
 * node dist/bench/local-boot.js [--boots N] [--mb SIZE]
 *
 * Boots local nodes from a generated image of SIZE MB (many small files and a
 * few large ones) and measures, per boot: the Boot call, the time until the
 * node's SSH answers (an SSH identification line on its port), and the image
 * placement alone (as the node's daemon timed it: the overlay mount, or the
 * copy). One boot per configuration also times OpenSSH's `ssh … echo ok`.
 * Configurations: the default (copy-on-write placement, a warm spare daemon
 * ready, as in a pool that refills between launches), the same without
 * spares (every boot starts Node), and a plain copy for comparison.
 * The plugin runs in this process (no gRPC hop; the plugin host adds about a
 * millisecond); the nodes are real daemons as always.
 */
const run = promisify(execFile);
const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? (args[i + 1] as string) : fallback;
};
const boots = Math.max(5, Number(opt("boots", "7")));
const sizeMb = Number(opt("mb", "200"));

interface Config {
  name: string;
  placement: "auto" | "overlay" | "reflink" | "copy";
  warmSpares: number;
}
const configs: Config[] = [
  { name: "default (auto placement, 1 warm spare)", placement: "auto", warmSpares: 1 },
  { name: "auto placement, no spares (cold start)", placement: "auto", warmSpares: 0 },
  { name: "plain copy, 1 warm spare", placement: "copy", warmSpares: 1 },
];

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const fmt = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));

/** SIZE MB: 80 % in four large files, the rest in small files over nested directories. */
async function generateSource(dir: string): Promise<{ files: number; bytes: number }> {
  const total = sizeMb * 1024 * 1024;
  const large = Math.floor((total * 0.8) / 4);
  let bytes = 0;
  let files = 0;
  await mkdir(path.join(dir, "large"), { recursive: true });
  for (let i = 0; i < 4; i++) {
    await writeFile(path.join(dir, "large", `blob-${i}.bin`), randomBytes(large));
    bytes += large;
    files++;
  }
  const small = 16 * 1024;
  for (let i = 0; bytes + small <= total; i++) {
    const sub = path.join(dir, "cache", `d${Math.floor(i / 100) % 20}`, `e${Math.floor(i / 2000)}`);
    if (i % 100 === 0) await mkdir(sub, { recursive: true });
    await writeFile(path.join(sub, `f${i}.dat`), randomBytes(small));
    bytes += small;
    files++;
  }
  return { files, bytes };
}

interface Sample {
  bootMs: number;
  sshMs: number;
  placementMs: number;
}

/** Until the plugin has a loaded spare waiting (what a pool between launches has). */
async function spareReady(stateDir: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ids = await readdir(path.join(stateDir, "spares")).catch(() => [] as string[]);
    for (const id of ids) if (existsSync(path.join(stateDir, "spares", id, "ready"))) return;
    if (Date.now() > deadline) throw new Error("no warm spare became ready");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function benchConfig(
  root: string,
  imagesDir: string,
  config: Config,
  index: number,
  client: { privateFile: string; publicKey: string },
): Promise<{ placement: string; isolation: string; samples: Sample[]; echoOkMs: number }> {
  const placement = config.placement;
  const stateDir = path.join(root, `state-${index}`);
  const cloud = new LocalCloud();
  const octet = 20 + Math.floor(Math.random() * 200);
  await cloud.configure({
    settings: {
      stateDir,
      imagesDir,
      baseImages: [],
      placement,
      isolation: placement === "overlay" || placement === "auto" ? "auto" : "none",
      addressRange: `127.${octet}.${Math.floor(Math.random() * 256)}.0/24`,
      warmSpares: config.warmSpares,
    },
    secrets: {},
    ownerId: "bench",
    providerName: "bench",
  });
  const caps = cloud.capabilities()!;
  const samples: Sample[] = [];
  let echoOkMs = 0;
  try {
    for (let i = 0; i < boots + 1; i++) {
      if (config.warmSpares > 0) await spareReady(stateDir);
      await new Promise((resolve) => setTimeout(resolve, 200)); // let the last deletion settle
      const nodeId = `bench-${index}-${i}`;
      const started = performance.now();
      const instance = await cloud.boot({
        nodeId,
        label: "bench",
        image: "bench-image",
        flavor: "",
        setupScript: "",
        networks: [],
        sshPublicKeys: [client.publicKey],
        tags: {},
      });
      const bootMs = performance.now() - started;
      const address = instance.addresses[0]!;
      const deadline = Date.now() + 60_000;
      while (!(await probeSsh(address, instance.sshPort, 500))) {
        if (Date.now() > deadline) throw new Error(`${nodeId} never answered`);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      const sshMs = performance.now() - started;
      const statusFile = path.join(stateDir, "nodes", nodeKey("bench", nodeId), "daemon.json");
      let status = JSON.parse(await readFile(statusFile, "utf8")) as DaemonStatus;
      while (status.state !== "listening") {
        await new Promise((resolve) => setTimeout(resolve, 5));
        status = JSON.parse(await readFile(statusFile, "utf8")) as DaemonStatus;
      }
      if (i === 1) {
        const knownHosts = path.join(root, "known_hosts");
        await writeFile(knownHosts, `${knownHostsLine(address, instance.sshPort, instance.hostKeys[0]!)}\n`);
        const before = performance.now();
        const { stdout } = await run("ssh", [
          "-F",
          "/dev/null",
          "-o",
          "BatchMode=yes",
          "-o",
          "StrictHostKeyChecking=yes",
          "-o",
          `UserKnownHostsFile=${knownHosts}`,
          "-o",
          "IdentitiesOnly=yes",
          "-i",
          client.privateFile,
          "-p",
          String(instance.sshPort),
          `${instance.username}@${address}`,
          "echo ok",
        ]);
        if (stdout !== "ok\n") throw new Error(`ssh said ${JSON.stringify(stdout)}`);
        echoOkMs = performance.now() - before;
      }
      // The first boot warms caches (the image's pages, node's code); it is not counted.
      if (i > 0) samples.push({ bootMs, sshMs, placementMs: status.placementMs });
      await cloud.deleteInstance(nodeId);
      console.log(
        `${config.name} [${caps.placement}] boot ${i}: Boot ${fmt(bootMs)} ms, SSH answers at ${fmt(sshMs)} ms, placement ${fmt(status.placementMs)} ms${i === 0 ? " (warm-up)" : ""}`,
      );
    }
  } finally {
    for (const i of await cloud.listInstances()) await cloud.deleteInstance(i.nodeId);
    await cloud.close();
  }
  return { placement: caps.placement, isolation: caps.isolation, samples, echoOkMs };
}

const root = await mkdtemp(path.join(tmpdir(), "standby-bench-local-"));
try {
  const source = path.join(root, "source");
  const imagesDir = path.join(root, "images");
  console.log(`generating a ${sizeMb} MB image …`);
  const generated = await generateSource(source);
  const packer = new Packer();
  const store = new ImageStore(imagesDir, packer);
  await store.init();
  const packStarted = performance.now();
  const image = await store.create(
    { id: "bench-image", name: "bench-image", tags: {}, visibility: "private", source: "bench" },
    { kind: "copy", fromDir: source },
  );
  const packMs = performance.now() - packStarted;
  await packer.close();
  await rm(source, { recursive: true, force: true });
  console.log(
    `image: ${image.fileCount} files, ${(image.sizeBytes / 1024 / 1024).toFixed(0)} MB, packed and checksummed in ${fmt(packMs)} ms`,
  );

  const keyDir = path.join(root, "client");
  await mkdir(keyDir);
  const pair = generateEd25519Key("bench");
  await writeFile(path.join(keyDir, "id"), pair.privateKey, { mode: 0o600 });
  const client = { privateFile: path.join(keyDir, "id"), publicKey: pair.publicKey };

  const results = [];
  for (const [i, config] of configs.entries()) results.push(await benchConfig(root, imagesDir, config, i, client));

  const lines = [
    `# Local provider: boot from a ${sizeMb} MB image (${new Date().toISOString()})`,
    "",
    `Image: ${generated.files} files (4 large ones hold 80 %), ${(image.sizeBytes / 1024 / 1024).toFixed(0)} MB; packing and checksumming it on worker threads took ${fmt(packMs)} ms.`,
    `Median of ${boots} boots per placement after one warm-up boot; node ${process.version}, ${os.cpus().length} cores, ${os.platform()} ${os.release()}, uid ${process.getuid?.()}.`,
    "",
    "| configuration | placement used | isolation | Boot call ms | SSH answers ms (median) | min | max | image placement ms (median) | `ssh … echo ok` ms |",
    "|---|---|---|---|---|---|---|---|---|",
    ...results.map((r, i) => {
      const ssh = r.samples.map((s) => s.sshMs);
      return `| ${configs[i]?.name} | ${r.placement} | ${r.isolation} | ${fmt(median(r.samples.map((s) => s.bootMs)))} | ${fmt(median(ssh))} | ${fmt(Math.min(...ssh))} | ${fmt(Math.max(...ssh))} | ${fmt(median(r.samples.map((s) => s.placementMs)))} | ${fmt(r.echoOkMs)} |`;
    }),
    "",
    '"SSH answers" runs from the Boot call until the node\'s port sends an SSH identification line; "image placement" is the daemon\'s own',
    "timing of the overlay mount (or of the copy), part of the former. `ssh … echo ok` is one full OpenSSH login and command on a running node.",
    "With a warm spare, each boot starts once the previous boot's replacement spare has loaded (a pool between launches); the",
    "cold row is what a burst of boots beyond the spares costs per node. The machine is shared: load average at the end",
    `${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" / ")}.`,
    "",
  ];
  await mkdir("bench/results", { recursive: true });
  const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, "-");
  await writeFile(`bench/results/local-boot-${stamp}.md`, lines.join("\n"));
  await writeFile(`bench/results/local-boot-${stamp}.json`, JSON.stringify({ sizeMb, boots, packMs, results }, null, 2));
  console.log(lines.join("\n"));
} finally {
  await rm(root, { recursive: true, force: true, maxRetries: 3 });
}
