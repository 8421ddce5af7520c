import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ClaimState, Outcome } from "../../gen/ts/standby/v1/standby.js";
import { suite } from "../lib/harness.js";
import { call, eventually, REPO_ROOT, startCluster, type Cluster } from "../lib/cluster.js";
import { labels, readyCount } from "./helpers.js";

const run = promisify(execFile);
const t = suite("nodes handed over with SSH: ready checks, pinned host keys, claimers' keys", { timeoutMs: 120_000 });

let c: Cluster;
let dir: string;
let keyFile: string;

const localConfig = (noNetworkRate = 0) => ({
  providers: [
    {
      name: "box",
      plugin: "local",
      settings: { addressRange: `127.${40 + Math.floor(Math.random() * 50)}.0.0/24`, noNetworkRate, seed: 7 },
      readyTimeout: "8s",
      bootTimeout: "6s",
    },
  ],
  labels: [{ name: "local", tags: ["linux"], minReady: 2 }],
  templates: [{ label: "local", provider: "box", image: "base", flavor: "local", readyScript: 'test -n "$HOME" && echo ready-script-ran' }],
});

async function ssh(node: { addresses: string[]; sshPort: number; username: string; hostKeys: string[] }, command: string): Promise<string> {
  const knownHosts = join(dir, "known_hosts");
  const host = node.addresses[0] as string;
  await writeFile(knownHosts, node.hostKeys.map((k) => `[${host}]:${node.sshPort} ${k}\n`).join(""));
  const common = [
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
    "-o",
    "ConnectTimeout=5",
  ];
  const { stdout } = await run("ssh", [...common, "-p", String(node.sshPort), `${node.username}@${host}`, command]);
  return stdout;
}

t.before(async () => {
  dir = await mkdtemp(join(tmpdir(), "standby-ssh-"));
  keyFile = join(dir, "id_ed25519");
  await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", keyFile]);
  c = await startCluster({ config: localConfig(), access: true });
});

t.after(async () => {
  await c.close();
  await rm(dir, { recursive: true, force: true });
});

t("a node joins the pool only after the ready check, with its host key pinned", async () => {
  await eventually("two ready local nodes", async () => readyCount(await labels(c), "local") >= 2, 60_000);
  const ready = await c.store.listNodes({ states: ["ready"] });
  for (const node of ready) {
    assert.equal(node.hostKeys.length, 1);
    assert.match(node.hostKeys[0] ?? "", /^ssh-ed25519 AAAA/);
  }
});

t("standby claim --ssh-key returns a node that OpenSSH logs in to with the pinned host key; scp and sftp work", async () => {
  const { stdout } = await run(process.execPath, [
    join(REPO_ROOT, "dist/clients/cli/main.js"),
    "claim",
    "--label",
    "local && linux",
    "--ssh-key",
    `${keyFile}.pub`,
    "--json",
    "--addr",
    c.api.address,
  ]);
  const out = JSON.parse(stdout) as {
    claim: { nodes: { addresses: string[]; sshPort: number; username: string; hostKeys: string[] }[] };
    leaseToken: string;
  };
  const node = out.claim.nodes[0];
  assert.ok(node, stdout);
  assert.equal((await ssh(node, "echo ok")).trim(), "ok");
  const local = join(dir, "payload.txt");
  await writeFile(local, "hello from the claimer\n");
  const host = node.addresses[0] as string;
  const opts = [
    "-i",
    keyFile,
    "-o",
    "IdentitiesOnly=yes",
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    `UserKnownHostsFile=${join(dir, "known_hosts")}`,
    "-o",
    "BatchMode=yes",
    "-P",
    String(node.sshPort),
  ];
  await run("scp", [...opts, local, `${node.username}@${host}:payload.txt`]);
  assert.equal((await ssh(node, "cat payload.txt")).trim(), "hello from the claimer");
  const batch = join(dir, "sftp-batch");
  await writeFile(batch, `get payload.txt ${join(dir, "back.txt")}\n`);
  await run("sftp", [...opts, "-b", batch, `${node.username}@${host}`]);
  assert.equal(await readFile(join(dir, "back.txt"), "utf8"), "hello from the claimer\n");
  await call((cb) =>
    c.client.releaseLease({ leaseToken: out.leaseToken, outcome: Outcome.OUTCOME_SUCCESS, holdSeconds: 0, holdReason: "" }, cb),
  );
});

t("a node whose host key changed between the check and the claim is refused, and the claim gets another", async () => {
  await eventually("two ready local nodes", async () => readyCount(await labels(c), "local") >= 2, 60_000);
  const ready = await c.store.listNodes({ states: ["ready"] });
  const victim = ready.sort((a, b) => a.readyAt - b.readyAt || a.id.localeCompare(b.id))[0];
  assert.ok(victim);
  // The pinned key no longer matches what the node presents.
  await c.store.updateNodes([
    {
      id: victim.id,
      from: ["ready"],
      patch: { hostKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOJBUxgH3JzNH3HAMjQ2h1Gpy1lq9dRj8dWOqzYtVYxN"] },
    },
  ]);
  const pub = (await readFile(`${keyFile}.pub`, "utf8")).trim();
  const res = await call<{
    claim?: { state: number; nodes: { id: string; addresses: string[]; sshPort: number; username: string; hostKeys: string[] }[] };
    leaseToken: string;
  }>((cb) =>
    c.client.createClaim(
      {
        labelExpressions: ["local"],
        requester: "t",
        jobName: "j",
        priority: 0,
        leaseTtlSeconds: 60,
        sshPublicKeys: [pub],
        requestId: "",
        wait: true,
        waitTimeoutSeconds: 60,
      },
      cb,
    ),
  );
  assert.equal(res.claim?.state, ClaimState.CLAIM_STATE_FULFILLED);
  const node = res.claim?.nodes[0];
  assert.ok(node && node.id !== victim.id, "the claim was served by another node");
  assert.equal((await ssh(node, "echo ok")).trim(), "ok");
  await eventually("the refused node to be failed", async () =>
    ["failed", "deleting", "gone"].includes((await c.store.getNode(victim.id))?.state ?? ""),
  );
  assert.match((await c.store.getNode(victim.id))?.failureReason ?? "", /host-key-mismatch/);
  await call((cb) =>
    c.client.releaseLease({ leaseToken: res.leaseToken, outcome: Outcome.OUTCOME_SUCCESS, holdSeconds: 0, holdReason: "" }, cb),
  );
});

t("a two-node claim whose second node refuses its keys never hands the first node to anyone else: it is released and deleted", async () => {
  await eventually("two ready local nodes", async () => readyCount(await labels(c), "local") >= 2, 60_000);
  // The allocator takes the oldest ready nodes first: the first slot gets `first`, the second `victim`.
  const [first, victim] = (await c.store.listNodes({ states: ["ready"] })).sort(
    (a, b) => a.readyAt - b.readyAt || a.id.localeCompare(b.id),
  );
  assert.ok(first && victim);
  await c.store.updateNodes([
    {
      id: victim.id,
      from: ["ready"],
      patch: { hostKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOJBUxgH3JzNH3HAMjQ2h1Gpy1lq9dRj8dWOqzYtVYxN"] },
    },
  ]);
  const pub = (await readFile(`${keyFile}.pub`, "utf8")).trim();
  type Claimed = { claim?: { id: string; state: number; nodes: { id: string }[] }; leaseToken: string };
  const claim = (labelExpressions: string[], requester: string) =>
    call<Claimed>((cb) =>
      c.client.createClaim(
        {
          labelExpressions,
          requester,
          jobName: "j",
          priority: 0,
          leaseTtlSeconds: 60,
          sshPublicKeys: [pub],
          requestId: "",
          wait: true,
          waitTimeoutSeconds: 90,
        },
        cb,
      ),
    );
  const pair = await claim(["local", "local"], "first-claimer");
  assert.equal(pair.claim?.state, ClaimState.CLAIM_STATE_FULFILLED);
  const served = pair.claim?.nodes.map((n) => n.id) ?? [];
  assert.equal(served.length, 2);
  assert.ok(!served.includes(first.id) && !served.includes(victim.id), "the claim was served by two other nodes");
  const timeline = await c.store.listClaimEvents(pair.claim?.id ?? "");
  assert.ok(timeline.some((e) => e.kind === "handover-failed" && e.nodeId === victim.id));
  // The first node may carry the first claimer's keys: it never went back to the pool.
  assert.notEqual((await c.store.getNode(first.id))?.state, "ready");
  const other = await claim(["local"], "second-claimer");
  assert.equal(other.claim?.state, ClaimState.CLAIM_STATE_FULFILLED);
  assert.notEqual(other.claim?.nodes[0]?.id, first.id, "the next claimer never gets the first claimer's node");
  await eventually("the first node to be deleted", async () => (await c.store.getNode(first.id))?.state === "gone", 30_000);
  assert.equal((await c.store.getNode(first.id))?.readyAt, first.readyAt, "it never became ready again");
  assert.match((await c.store.getNode(victim.id))?.failureReason ?? "", /host-key-mismatch/);
  for (const lease of [pair, other]) {
    await call((cb) =>
      c.client.releaseLease({ leaseToken: lease.leaseToken, outcome: Outcome.OUTCOME_SUCCESS, holdSeconds: 0, holdReason: "" }, cb),
    );
  }
});

t(
  "nodes without network never reach a claim: the ready check fails over real SSH and min-ready still fills at 30% no-network",
  async () => {
    const config = localConfig(0.3);
    config.providers.push({
      name: "dark",
      plugin: "local",
      settings: { addressRange: `127.${100 + Math.floor(Math.random() * 50)}.0.0/24`, noNetworkRate: 1, seed: 1 },
      readyTimeout: "3s",
      bootTimeout: "3s",
    });
    config.labels.push({ name: "dark", tags: ["linux"], minReady: 1 });
    config.templates.push({ label: "dark", provider: "dark", image: "base", flavor: "local", readyScript: "true" });
    const flaky = await startCluster({ config, access: true });
    try {
      await eventually("min-ready filled despite no-network nodes", async () => readyCount(await labels(flaky), "local") >= 2, 90_000);
      const ready = await flaky.store.listNodes({ states: ["ready"] });
      for (const node of ready) assert.ok(node.hostKeys.length === 1, "every ready node passed the SSH check");
      const dark = await eventually(
        "ready-check failures on the provider without network",
        async () => {
          // The local plugin reports a node without network as still booting (its SSH never answers), so it
          // fails by the boot timeout or, once running, by the ready check.
          const failed = (await flaky.store.listNodes({ provider: "dark", states: ["failed", "deleting", "gone"] })).filter((n) =>
            /ready-check|boot-timeout/.test(n.failureReason),
          );
          return failed.length >= 1 ? failed : undefined;
        },
        60_000,
      );
      assert.ok(dark.length >= 1);
      assert.equal(readyCount(await labels(flaky), "dark"), 0, "a node without network never becomes ready");
    } finally {
      await flaky.close();
    }
  },
);

t.run();
