import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readdir, readFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ClaimState, type CreateClaimResponse } from "../../gen/ts/standby/v1/standby.js";
import { parseConfig } from "../../server/config/load.js";
import { ManualClock } from "../../common/clock.js";
import { call, eventually, REPO_ROOT, startCluster, type Cluster } from "../lib/cluster.js";
import { suite } from "../lib/harness.js";
import { killDaemons } from "../plugins/local-helpers.js";

const run = promisify(execFile);
const t = suite("holds over real SSH: a failed job's machine kept, a developer let in, snapshotted, expired", { timeoutMs: 240_000 });

interface NodeJson {
  id: string;
  state: string;
  addresses: string[];
  sshPort: number;
  username: string;
  hostKeys: string[];
  holdReason: string;
  holdRequester: string;
  holdExpiresAt: string | null;
}

let dir: string;
let c: Cluster;
let clock: ManualClock;
let pumping = false;
let pump: Promise<void> = Promise.resolve();

/** Lets virtual time follow real time (boot polls, snapshot polls, ticks) until stopPump. */
function startPump(): void {
  pumping = true;
  pump = (async () => {
    while (pumping) {
      await clock.advance(50);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
}

async function stopPump(): Promise<void> {
  pumping = false;
  await pump;
}

async function keygen(name: string): Promise<{ file: string; pub: string }> {
  const file = join(dir, name);
  await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", file]);
  return { file, pub: (await readFile(`${file}.pub`, "utf8")).trim() };
}

/** OpenSSH with only this key, pinning the node's host key; never throws, returns the exit code. */
async function ssh(
  node: Pick<NodeJson, "addresses" | "sshPort" | "username" | "hostKeys">,
  key: string,
  command: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const host = node.addresses[0] ?? "";
  const knownHosts = join(dir, `known_hosts-${host}`);
  await writeFile(knownHosts, node.hostKeys.map((k) => `[${host}]:${node.sshPort} ${k}\n`).join(""));
  const args = [
    "-F",
    "/dev/null",
    "-i",
    key,
    "-o",
    "IdentitiesOnly=yes",
    "-o",
    "IdentityAgent=none",
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    `UserKnownHostsFile=${knownHosts}`,
  ];
  args.push(
    "-o",
    "BatchMode=yes",
    "-o",
    "ConnectTimeout=5",
    "-o",
    "LogLevel=ERROR",
    "-p",
    String(node.sshPort),
    `${node.username}@${host}`,
    command,
  );
  try {
    const { stdout, stderr } = await run("ssh", args, { timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 255, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

/** The standby CLI against the cluster; stdout parsed as JSON when asked. */
async function standby(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [join(REPO_ROOT, "dist/clients/cli/main.js"), ...args, "--addr", c.api.address], {
    timeout: 120_000,
  });
  return stdout;
}

const config = (range: string) => ({
  providers: [{ name: "box", plugin: "local", settings: { addressRange: range, seed: 3 }, readyTimeout: "20s", bootTimeout: "20s" }],
  labels: [{ name: "local", tags: ["linux"], minReady: 1 }],
  templates: [{ label: "local", provider: "box", image: "base", flavor: "local" }],
  holds: { defaultDuration: "1h", maxDuration: "4h" },
});

t.before(async () => {
  dir = await mkdtemp(join(tmpdir(), "standby-hold-ssh-"));
  clock = new ManualClock(Date.now());
});

t.after(async () => {
  await stopPump();
  if (c) {
    await c.close();
    killDaemons(c.dir);
  }
  await rm(dir, { recursive: true, force: true });
});

t(
  "a failed job's node is held, a developer's key added and used, its snapshot boots with the job's files but no keys, and expiry deletes it",
  async () => {
    const range = `127.${140 + Math.floor(Math.random() * 50)}.0.0/24`;
    c = await startCluster({ config: config(range), access: true, clock, tickMs: 1000 });
    startPump();
    const claimer = await keygen("claimer");
    const developer = await keygen("developer");
    const other = await keygen("other");

    // The job: a claim with the CI system's key, some work, a failure.
    const claimed = JSON.parse(
      await standby([
        "claim",
        "--label",
        "local",
        "--ssh-key",
        `${claimer.file}.pub`,
        "--requester",
        "alice",
        "--job",
        "integration-9",
        "--json",
      ]),
    ) as {
      leaseToken: string;
      claim: { nodes: NodeJson[] };
    };
    const node = claimed.claim.nodes[0];
    assert.ok(node, "a node");
    const work = await ssh(node, claimer.file, "mkdir -p build && echo 'assertion failed in step 3' > build/job.log && echo ok");
    assert.equal(work.stdout.trim(), "ok", work.stderr);

    const releasedAt = clock.now();
    const released = JSON.parse(
      await standby([
        "release",
        claimed.leaseToken,
        "--outcome",
        "failure",
        "--hold",
        "2h",
        "--reason",
        "assertion failed in step 3",
        "--json",
      ]),
    ) as { claim: { nodes: NodeJson[] } };
    const heldNode = released.claim.nodes[0];
    assert.equal(heldNode?.state, "held");
    assert.equal(heldNode?.holdReason, "assertion failed in step 3");
    assert.equal(heldNode?.holdRequester, "alice");
    const expiresAt = Date.parse(heldNode?.holdExpiresAt ?? "");
    assert.ok(Math.abs(expiresAt - (releasedAt + 2 * 3_600_000)) < 5_000, `expires ${heldNode?.holdExpiresAt}`);

    const listed = JSON.parse(await standby(["holds", "--json"])) as {
      count: number;
      nextExpiry: string;
      holds: { node: NodeJson; reason: string; requester: string; expiresAt: string }[];
    };
    assert.equal(listed.count, 1);
    assert.equal(listed.holds[0]?.node.id, node.id);
    assert.equal(listed.holds[0]?.node.addresses[0], node.addresses[0]);
    assert.equal(listed.nextExpiry, heldNode?.holdExpiresAt);
    const table = await standby(["holds"]);
    assert.match(table, new RegExp(`${node.id}\\s+local\\s+box\\s+assertion failed in step 3\\s+alice`));
    assert.match(table, /1 held; next expiry/);

    // The developer cannot log in yet; after add-key they can, with OpenSSH, the host key pinned.
    assert.notEqual((await ssh(node, developer.file, "true")).code, 0, "no access before the key is added");
    const added = JSON.parse(
      await standby(["hold", "add-key", node.id, "--key", `${developer.file}.pub`, "--requester", "dev-dan", "--json"]),
    ) as {
      hold: { keys: { fingerprint: string; addedBy: string }[] };
    };
    const { stdout: fp } = await run("ssh-keygen", ["-lf", `${developer.file}.pub`]);
    assert.deepEqual(
      added.hold.keys.map((k) => [k.fingerprint, k.addedBy]),
      [[fp.split(/\s+/)[1], "dev-dan"]],
    );
    const look = await ssh(node, developer.file, "cat build/job.log");
    assert.equal(look.code, 0, look.stderr);
    assert.equal(look.stdout.trim(), "assertion failed in step 3");

    // A snapshot: the job's files, none of the keys. Private, as the local provider cannot share images.
    const snapshot = JSON.parse(await standby(["hold", "snapshot", node.id, "--json"])) as {
      snapshot: { imageId: string; state: string; visibility: string; error: string };
    };
    assert.equal(snapshot.snapshot.state, "done", snapshot.snapshot.error);
    assert.equal(snapshot.snapshot.visibility, "private");
    const imageId = snapshot.snapshot.imageId;
    assert.ok(imageId);
    const imageRoot = join(c.dir, "plugins", "box", "images", imageId, "root");
    const everything = await filesUnder(imageRoot);
    assert.ok(everything.includes("build/job.log"), everything.join(", "));
    const keyBlob = (pub: string) => pub.split(/\s+/)[1] ?? "";
    for (const file of everything) {
      const content = await readFile(join(imageRoot, file), "utf8").catch(() => "");
      for (const [what, blob] of [
        ["developer", keyBlob(developer.pub)],
        ["claimer", keyBlob(claimer.pub)],
        ["host", keyBlob(node.hostKeys[0] ?? "")],
      ] as const) {
        assert.ok(!content.includes(blob), `the image's ${file} holds the ${what} key`);
      }
    }
    assert.ok(!everything.some((f) => /authorized_keys/.test(f)), "no authorized_keys in the image");

    // Its image id boots a new node (as a developer would, here through a template) that has the files but not the keys.
    c.scheduler.reload(
      parseConfig({
        ...config(range),
        labels: [...config(range).labels, { name: "from-hold", tags: ["linux"], minReady: 0 }],
        templates: [...config(range).templates, { label: "from-hold", provider: "box", image: imageId, flavor: "local" }],
        server: c.config.server,
      }),
    );
    const fresh = await call<CreateClaimResponse>((cb) =>
      c.client.createClaim(
        {
          labelExpressions: ["from-hold"],
          requester: "dev-dan",
          jobName: "look",
          priority: 0,
          leaseTtlSeconds: 600,
          sshPublicKeys: [other.pub],
          requestId: "",
          wait: true,
          waitTimeoutSeconds: 60,
        },
        cb,
      ),
    );
    assert.equal(fresh.claim?.state, ClaimState.CLAIM_STATE_FULFILLED);
    const copy = fresh.claim?.nodes[0];
    assert.ok(copy);
    assert.equal(copy.image, imageId);
    assert.notDeepEqual(copy.hostKeys, node.hostKeys, "the copy has its own host key");
    const seen = await ssh(copy, other.file, "cat build/job.log; echo ---; cat .ssh/authorized_keys");
    assert.equal(seen.code, 0, seen.stderr);
    const [log, keys] = seen.stdout.split("---\n");
    assert.equal(log?.trim(), "assertion failed in step 3");
    assert.ok(!keys?.includes(keyBlob(developer.pub)), "the developer's key is not on the copy");
    assert.ok(!keys?.includes(keyBlob(claimer.pub)), "the claimer's key is not on the copy");
    assert.notEqual((await ssh(copy, developer.file, "true")).code, 0, "the developer's key does not open the copy");
    assert.notEqual((await ssh(copy, claimer.file, "true")).code, 0, "the claimer's key does not open the copy");
    await standby(["release", fresh.leaseToken, "--outcome", "success"]);

    // Expiry, in virtual time: the held node is deleted and gone from the provider.
    await stopPump();
    const box = c.host.get("box");
    assert.ok(
      (await box.listInstances()).some((i) => i.nodeId === node.id),
      "still there before its expiry",
    );
    await clock.advance(expiresAt - clock.now() - 60_000);
    await clock.advance(2_000);
    assert.equal((await c.store.getNode(node.id))?.state, "held", "a minute before its expiry it is held");
    await clock.advance(60_000);
    await eventually(
      "the held node to be gone",
      async () => {
        await clock.advance(1_000);
        return (await c.store.getNode(node.id))?.state === "gone";
      },
      30_000,
    );
    assert.ok(!(await box.listInstances()).some((i) => i.nodeId === node.id), "gone from the provider");
    assert.notEqual((await ssh(node, developer.file, "true")).code, 0, "nothing answers there any more");
    const after = JSON.parse(await standby(["hold", "show", node.id, "--json"])) as { hold: { endReason: string } };
    assert.equal(after.hold.endReason, "expired");
    assert.equal((JSON.parse(await standby(["holds", "--json"])) as { count: number }).count, 0);
  },
);

async function filesUnder(root: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(root, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await filesUnder(root, rel)));
    else out.push(rel);
  }
  return out;
}

t.run();
