import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ClaimState, Outcome, type CreateClaimResponse } from "../../gen/ts/standby/v1/standby.js";
import { parseConfig } from "../../server/config/load.js";
import { ManualClock, systemClock } from "../../common/clock.js";
import { BUILD_TAG, type ImageBuildRecord } from "../../server/core/index.js";
import { silentLogger } from "../../common/log.js";
import { cryptoRandom } from "../../common/random.js";
import { Scheduler } from "../../server/scheduler/scheduler.js";
import { loadSchedulerKey, SshNodeAccess } from "../../server/ssh/node-access.js";
import { suite } from "../lib/harness.js";
import { call, eventually, REPO_ROOT, startCluster, type Cluster } from "../lib/cluster.js";
import { claimRequest } from "./helpers.js";

const run = promisify(execFile);
const t = suite("images on the local provider: nightly builds, failed builds, restarts, post-build snapshots", { timeoutMs: 240_000 });

let dir: string;
let keyFile: string;

t.before(async () => {
  dir = await mkdtemp(join(tmpdir(), "standby-images-"));
  keyFile = join(dir, "id_ed25519");
  await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", keyFile]);
});

t.after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const range = () => `127.${100 + Math.floor(Math.random() * 100)}.${Math.floor(Math.random() * 250)}.0/24`;

function localConfig(family: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    providers: [{ name: "box", plugin: "local", settings: { addressRange: range() }, readyTimeout: "2m", bootTimeout: "2m" }],
    labels: [{ name: "cached", tags: ["linux"], minReady: 0 }],
    templates: [{ label: "cached", provider: "box", family: "jammy-cached", flavor: "local" }],
    images: [{ name: "jammy-cached", providers: [{ provider: "box", base: "base", flavor: "local" }], ...family }],
    ...extra,
  };
}

function reload(c: Cluster, doc: Record<string, unknown>): void {
  c.scheduler.reload(parseConfig({ ...doc, server: { listen: "127.0.0.1:0", db: "sqlite::memory:", stateDir: c.dir } }));
}

async function ssh(node: { addresses: string[]; sshPort: number; username: string; hostKeys: string[] }, command: string): Promise<string> {
  const knownHosts = join(dir, `known_hosts-${Math.random()}`);
  const host = node.addresses[0] as string;
  await writeFile(knownHosts, node.hostKeys.map((k) => `[${host}]:${node.sshPort} ${k}\n`).join(""));
  const { stdout } = await run("ssh", [
    ...[
      "-i",
      keyFile,
      "-o",
      "IdentitiesOnly=yes",
      "-o",
      "StrictHostKeyChecking=yes",
      "-o",
      `UserKnownHostsFile=${knownHosts}`,
      "-o",
      "BatchMode=yes",
    ],
    ...["-o", "ConnectTimeout=5", "-p", String(node.sshPort), `${node.username}@${host}`, command],
  ]);
  return stdout;
}

async function cli(c: Cluster, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(REPO_ROOT, "dist/clients/cli/main.js"), ...args, "--addr", c.api.address]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Polls in real time while moving the manual clock on, so polls and timers inside the scheduler run. */
async function driving<T>(clock: ManualClock, what: string, check: () => Promise<T>, timeoutMs = 120_000): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await clock.advance(250);
    await new Promise((r) => setTimeout(r, 15));
  }
}

async function buildsOf(c: Cluster, family = "jammy-cached"): Promise<ImageBuildRecord[]> {
  return c.store.images.listBuilds({ family });
}

/** What of a build is left in the local provider: instances of its nodes, images tagged with it. */
async function leftovers(c: Cluster, build: ImageBuildRecord): Promise<string[]> {
  const provider = c.host.get(build.provider);
  const nodeIds = [build.builderNodeId, build.verifierNodeId].filter(Boolean);
  const instances = (await provider.listInstances()).filter((i) => nodeIds.includes(i.nodeId)).map((i) => `instance of ${i.nodeId}`);
  const images = (await provider.listImages())
    .filter((i) => i.tags[BUILD_TAG] === build.id || (build.imageId && i.id === build.imageId))
    .map((i) => `image ${i.id}`);
  return [...instances, ...images];
}

const releaseLease = (c: Cluster, leaseToken: string) =>
  call((cb) => c.client.releaseLease({ leaseToken, outcome: Outcome.OUTCOME_SUCCESS, holdSeconds: 0, holdReason: "" }, cb));

t(
  "a nightly build runs in virtual time; a node claimed afterwards has the setup's file without running setup, and a host key of its own",
  async () => {
    const clock = new ManualClock(Date.parse("2026-01-01T02:50:00Z"));
    const c = await startCluster({
      config: localConfig({
        schedule: "0 3 * * *",
        keep: 2,
        setupScript: 'mkdir -p cache && echo "built on $STANDBY_NODE_ID" > cache/warm.txt && echo setup wrote the cache',
        verifyScript: "test -f cache/warm.txt",
      }),
      clock,
      tickMs: 1000,
      access: true,
    });
    try {
      // No build yet on this provider: the first is made at once...
      const first = await driving(clock, "the first build promoted", async () => (await buildsOf(c)).find((b) => b.state === "promoted"));
      assert.equal(first.slot, "first");
      assert.ok(clock.now() < Date.parse("2026-01-01T03:00:00Z"), "the first build is done before 03:00");
      // ...and the nightly one at 03:00.
      await clock.advance(Date.parse("2026-01-01T03:00:00Z") - clock.now());
      const nightly = await driving(clock, "the nightly build promoted", async () =>
        (await buildsOf(c)).find((b) => b.state === "promoted" && b.id !== first.id),
      );
      assert.equal(nightly.slot, "2026-01-01T03:00:00.000Z");
      assert.equal(nightly.source, "scheduled");
      assert.ok(nightly.createdAt >= Date.parse("2026-01-01T03:00:00Z"));
      assert.match(nightly.log, /setup wrote the cache/, "the setup script's output is in the build log");
      for (const step of ["boot", "setup", "scrub", "snapshot", "verify"]) assert.ok(step in nightly.timings, `timing of ${step}`);
      assert.ok(nightly.verifiedAt > 0 && nightly.sizeBytes > 0);
      const instances = (await c.host.get("box").listInstances()).map((i) => i.nodeId);
      assert.ok(!instances.includes(nightly.builderNodeId) && !instances.includes(nightly.verifierNodeId), "builder and verifier are gone");
      assert.equal((await c.store.getNode(nightly.builderNodeId))?.state, "gone");
      assert.equal((await c.store.getNode(nightly.builderNodeId))?.purpose, "image-build");
      assert.equal((await c.store.images.getBuild(first.id))?.state, "promoted", "keep 2: the first build stays");

      const pub = (await readFile(`${keyFile}.pub`, "utf8")).trim();
      let res: CreateClaimResponse | undefined;
      const pending = call<CreateClaimResponse>((cb) =>
        c.client.createClaim(claimRequest({ labelExpressions: ["cached"], sshPublicKeys: [pub], waitTimeoutSeconds: 120 }), cb),
      ).then((r) => (res = r));
      await driving(clock, "the claim", async () => res);
      await pending;
      assert.equal(res?.claim?.state, ClaimState.CLAIM_STATE_FULFILLED);
      const node = res?.claim?.nodes[0];
      assert.ok(node);
      assert.equal(node.image, nightly.imageId, "the claimed node booted from the newest build");
      assert.equal(
        (await ssh(node, "cat cache/warm.txt")).trim(),
        `built on ${nightly.builderNodeId}`,
        "the file came with the image, not from a setup run on this node",
      );
      assert.notEqual(node.id, nightly.builderNodeId);
      assert.ok(nightly.builderHostKey.startsWith("ssh-ed25519 "));
      assert.ok(
        node.hostKeys.length > 0 && !node.hostKeys.some((k) => k.split(" ")[1] === nightly.builderHostKey.split(" ")[1]),
        "its host key differs from the builder's",
      );
      // The setup ran from ~/.standby-build on the builder; the scrub removed it before the snapshot.
      assert.equal((await ssh(node, "test -e .standby-build && echo left || echo scrubbed")).trim(), "scrubbed");
      await releaseLease(c, res?.leaseToken ?? "");
    } finally {
      await c.close();
    }
  },
);

t(
  "a build whose setup fails, and one whose verification fails, leave the previous build serving, nothing in the provider, and say why",
  async () => {
    const family = (setupScript: string, verifyScript = "true") => localConfig({ setupScript, verifyScript });
    const c = await startCluster({ config: family("echo good > good.txt"), access: true });
    try {
      const good = await eventually(
        "the good build",
        async () => {
          const r = await cli(c, "image", "build", "jammy-cached", "--wait", "--json");
          return r.code === 0 ? (JSON.parse(r.stdout) as { builds: { id: string; state: string }[] }).builds[0] : undefined;
        },
        120_000,
      );
      assert.equal(good.state, "promoted");

      reload(c, family("echo about to fail; exit 3"));
      const failedSetup = await cli(c, "image", "build", "jammy-cached", "--wait", "--json");
      assert.equal(failedSetup.code, 1, failedSetup.stderr);
      const setupBuild = (JSON.parse(failedSetup.stdout) as { builds: { id: string; state: string; failureReason: string }[] }).builds[0];
      assert.equal(setupBuild?.state, "failed");
      assert.match(setupBuild?.failureReason ?? "", /^setup: the setup script exited with 3 \(about to fail\)/);

      reload(c, family("touch broken-marker", "test ! -e broken-marker"));
      const failedVerify = await cli(c, "image", "build", "jammy-cached", "--wait", "--json");
      assert.equal(failedVerify.code, 1);
      const verifyBuild = (JSON.parse(failedVerify.stdout) as { builds: { id: string; state: string; failureReason: string }[] }).builds[0];
      assert.equal(verifyBuild?.state, "failed");
      assert.match(verifyBuild?.failureReason ?? "", /^verify: ready check: ready script exited with 1/);

      for (const id of [setupBuild?.id ?? "", verifyBuild?.id ?? ""]) {
        const build = (await c.store.images.getBuild(id)) as ImageBuildRecord;
        assert.deepEqual(await leftovers(c, build), [], `nothing of ${id} remains in the provider`);
        for (const nodeId of [build.builderNodeId, build.verifierNodeId].filter(Boolean))
          assert.equal((await c.store.getNode(nodeId))?.state, "gone");
      }
      const verifyRecord = (await c.store.images.getBuild(verifyBuild?.id ?? "")) as ImageBuildRecord;
      assert.ok(verifyRecord.imageId, "the failed verification had made an image, which is deleted");

      const table = await cli(c, "images");
      assert.equal(table.code, 0);
      assert.match(table.stdout, new RegExp(`${good.id}\\s+jammy-cached\\s+box\\s+promoted \\(current\\)`));
      assert.match(table.stdout, /failed .*setup: the setup script exited with 3/);
      assert.match(table.stdout, /failed .*verify: ready check: ready script exited with 1/);
      const log = await cli(c, "image", "log", setupBuild?.id ?? "");
      assert.match(log.stdout, /about to fail/);
      assert.match(log.stdout, /FAILED at setup/);

      // Launches still use the good build.
      const pub = (await readFile(`${keyFile}.pub`, "utf8")).trim();
      const res = await call<CreateClaimResponse>((cb) =>
        c.client.createClaim(claimRequest({ labelExpressions: ["cached"], sshPublicKeys: [pub], waitTimeoutSeconds: 120 }), cb),
      );
      const node = res.claim?.nodes[0];
      assert.ok(node);
      assert.equal(node.image, (await c.store.images.getBuild(good.id))?.imageId);
      assert.equal((await ssh(node, "cat good.txt; test -e broken-marker || echo no-marker")).trim(), "good\nno-marker");
      await releaseLease(c, res.leaseToken);
    } finally {
      await c.close();
    }
  },
);

t("a scheduler restarted while the setup script runs fails the build cleanly; the next build goes through", async () => {
  const c = await startCluster({ config: localConfig({ setupScript: "sleep 3; echo slow setup done" }), access: true, reconcileMs: 1_000 });
  let second: Scheduler | undefined;
  try {
    await call((cb) => c.client.buildImage({ family: "jammy-cached", provider: "" }, cb));
    const running = await eventually(
      "the build in its setup step",
      async () => (await buildsOf(c)).find((b) => b.state === "setup"),
      60_000,
    );
    c.scheduler.stop();
    const tokenKey = Buffer.from((await c.store.getMeta("token-key")) ?? "", "base64url");
    second = new Scheduler({
      store: c.store,
      providers: c.host,
      clock: systemClock,
      random: cryptoRandom,
      logger: silentLogger,
      config: c.config,
      ownerId: c.ownerId,
      tokenKey,
      tickMs: 200,
      reconcileMs: 1_000,
      pollMs: 50,
      access: new SshNodeAccess(await loadSchedulerKey(c.dir)),
    });
    await second.start();
    const failed = await eventually(
      "the interrupted build failed",
      async () => {
        const b = await c.store.images.getBuild(running.id);
        return b?.state === "failed" ? b : undefined;
      },
      60_000,
    );
    assert.match(failed.failureReason, /^setup: interrupted by a restart/);
    assert.deepEqual(await leftovers(c, failed), []);
    assert.equal((await c.store.getNode(failed.builderNodeId))?.state, "gone");
    // The old scheduler's setup finished meanwhile; it wrote nothing after its stop.
    await new Promise((r) => setTimeout(r, 3_500));
    assert.equal((await c.store.images.getBuild(running.id))?.state, "failed");

    const [next] = await second.images.build("jammy-cached", undefined);
    const done = await eventually(
      "the next build",
      async () => {
        const b = await c.store.images.getBuild(next?.id ?? "");
        return b && ["promoted", "failed"].includes(b.state) ? b : undefined;
      },
      120_000,
    );
    assert.equal(done.state, "promoted", done.failureReason);
  } finally {
    second?.stop();
    await c.close();
  }
});

t("build secrets reach the setup script only: masked in the log, absent from the image", async () => {
  const c = await startCluster({
    config: localConfig({
      secrets: { MIRROR_TOKEN: "s3cr3t-t0ken-value" },
      setupScript: 'echo "token is $MIRROR_TOKEN"; test "$MIRROR_TOKEN" = s3cr3t-t0ken-value && echo fetched > fetched.txt',
    }),
    access: true,
  });
  try {
    await call((cb) => c.client.buildImage({ family: "jammy-cached", provider: "" }, cb));
    const build = await eventually(
      "the build",
      async () => (await buildsOf(c)).find((b) => ["promoted", "failed"].includes(b.state)),
      120_000,
    );
    assert.equal(build.state, "promoted", build.failureReason);
    assert.match(build.log, /token is \*\*\*/);
    assert.ok(!build.log.includes("s3cr3t-t0ken-value"));
    const pub = (await readFile(`${keyFile}.pub`, "utf8")).trim();
    const res = await call<CreateClaimResponse>((cb) =>
      c.client.createClaim(claimRequest({ labelExpressions: ["cached"], sshPublicKeys: [pub], waitTimeoutSeconds: 120 }), cb),
    );
    const node = res.claim?.nodes[0];
    assert.ok(node);
    assert.equal(node.image, build.imageId);
    assert.equal((await ssh(node, "cat fetched.txt; grep -rl s3cr3t-t0ken-value . || echo no-secret")).trim(), "fetched\nno-secret");
    await releaseLease(c, res.leaseToken);
  } finally {
    await c.close();
  }
});

t("standby snapshot NODE --image NAME, authorised by the lease, makes the node's state the next build", async () => {
  const c = await startCluster({ config: localConfig({ setupScript: "echo base > base.txt" }), access: true });
  try {
    await call((cb) => c.client.buildImage({ family: "jammy-cached", provider: "" }, cb));
    const first = await eventually("the first build", async () => (await buildsOf(c)).find((b) => b.state === "promoted"), 120_000);
    const pub = (await readFile(`${keyFile}.pub`, "utf8")).trim();
    const res = await call<CreateClaimResponse>((cb) =>
      c.client.createClaim(claimRequest({ labelExpressions: ["cached"], sshPublicKeys: [pub], waitTimeoutSeconds: 120 }), cb),
    );
    const node = res.claim?.nodes[0];
    assert.ok(node);
    await ssh(node, "echo built-by-the-job > artifact.txt");

    const denied = await cli(c, "snapshot", node.id, "--image", "jammy-cached", "--lease", `${res.leaseToken}x`);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /UNAUTHENTICATED/);

    const taken = await cli(c, "snapshot", node.id, "--image", "jammy-cached", "--lease", res.leaseToken, "--wait", "--json");
    assert.equal(taken.code, 0, taken.stderr);
    const build = (JSON.parse(taken.stdout) as { build: { id: string; state: string; source: string; current: boolean } }).build;
    assert.equal(build.state, "promoted");
    assert.equal(build.source, "post-build");
    assert.equal(build.current, true);
    await releaseLease(c, res.leaseToken);

    const next = await call<CreateClaimResponse>((cb) =>
      c.client.createClaim(claimRequest({ labelExpressions: ["cached"], sshPublicKeys: [pub], waitTimeoutSeconds: 120 }), cb),
    );
    const fresh = next.claim?.nodes[0];
    assert.ok(fresh);
    assert.equal(fresh.image, (await c.store.images.getBuild(build.id))?.imageId);
    assert.equal((await ssh(fresh, "cat base.txt artifact.txt")).trim(), "base\nbuilt-by-the-job");
    assert.equal((await c.store.images.getBuild(first.id))?.state, "promoted", "the earlier build is kept (keep 2)");
    await releaseLease(c, next.leaseToken);
  } finally {
    await c.close();
  }
});

t.run();
