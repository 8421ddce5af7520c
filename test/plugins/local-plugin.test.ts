import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readdir, readFile, stat, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { suite } from "../lib/harness.js";
import { NODE_TAG, OWNER_TAG, type Instance, type Provider } from "../../common/provider.js";
import { ImageStore, Packer, nodeKey, type Manifest } from "../../plugins/local/index.js";
import { bootSpec, codeOf, isAlive, waitFor } from "../plugin-host/helpers.js";
import {
  clientOptions,
  daemonPids,
  endpointOf,
  localCommand,
  OWNER,
  run,
  scp,
  sftp,
  ssh,
  sshKeygen,
  startPluginHost,
  type HostUnderTest,
  type KeyFiles,
} from "./local-helpers.js";

/**
 * The local provider through the plugin host: the real plugin process, real
 * node daemons, and OpenSSH's own clients with strict host key checking.
 */
const t = suite("local provider", { timeoutMs: 90_000 });

interface Ctx {
  h: HostUnderTest;
  p: Provider;
  stateDir: string;
  key: KeyFiles;
}

/** A /24 of its own for each test, so tests (and a developer's own nodes) never compete for addresses. */
function randomRange(): string {
  return `127.${20 + Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 256)}.0/24`;
}

async function withLocal(settings: Record<string, unknown>, fn: (ctx: Ctx) => Promise<void>): Promise<void> {
  const h = await startPluginHost([{ name: "local", command: localCommand(), settings: { addressRange: randomRange(), ...settings } }]);
  try {
    assert.equal(h.host.status("local").health, "serving", h.host.status("local").lastError);
    const key = await sshKeygen(h.dir, "k1");
    await fn({ h, p: h.host.get("local"), stateDir: path.join(h.dir, "plugins", "local"), key });
  } finally {
    await h.close();
  }
}

async function running(p: Provider, nodeId: string): Promise<Instance> {
  return waitFor(`${nodeId} to run`, async () => {
    const instance = await p.getInstance(nodeId);
    if (instance.state === "error") throw new Error(`${nodeId} failed: ${instance.error}`);
    return instance.state === "running" && instance;
  });
}

t("a booted node answers OpenSSH's ssh with the host key it reported, for the boot's key only", async () => {
  await withLocal({}, async ({ h, p, key }) => {
    const booted = await p.boot(bootSpec("n-ssh", { image: "base", flavor: "", sshPublicKeys: [key.publicKey] }));
    assert.equal(booted.username, "root");
    assert.match(booted.addresses[0] ?? "", /^127\.\d+\.\d+\.\d+$/);
    assert.match(booted.hostKeys[0] ?? "", /^ssh-ed25519 AAAA/);
    const node = await running(p, "n-ssh");
    assert.deepEqual(node.hostKeys, booted.hostKeys);

    const ok = await ssh(h.dir, endpointOf(node), key, "echo ok");
    assert.equal(ok.stdout, "ok\n", ok.stderr);
    const where = await ssh(h.dir, endpointOf(node), key, 'pwd; echo "$HOME"; cat etc/standby-image');
    const [pwd, home, image] = where.stdout.trim().split("\n");
    assert.equal(pwd, home);
    assert.ok(pwd?.endsWith("/root"), pwd);
    assert.equal(image, "base");

    // Exit codes and stderr come through.
    const failing = await ssh(h.dir, endpointOf(node), key, "echo oops >&2; exit 3");
    assert.equal(failing.code, 3);
    assert.equal(failing.stderr.trim(), "oops");

    // Another key is refused; another host key makes the client refuse the node.
    const stranger = await sshKeygen(h.dir, "stranger");
    assert.notEqual((await ssh(h.dir, endpointOf(node), stranger, "echo ok")).code, 0);
    const otherHostKey = (await sshKeygen(h.dir, "fake-host")).publicKey;
    const spoofed = await ssh(h.dir, { ...endpointOf(node), hostKey: otherHostKey }, key, "echo ok");
    assert.notEqual(spoofed.code, 0);
    assert.match(spoofed.stderr, /host key/i);
  });
});

t("scp (SFTP and legacy), sftp and keys appended over SSH work on a node", async () => {
  await withLocal({}, async ({ h, p, key }) => {
    await p.boot(bootSpec("n-files", { image: "base", flavor: "", sshPublicKeys: [key.publicKey] }));
    const node = endpointOf(await running(p, "n-files"));
    const payload = path.join(h.dir, "payload.bin");
    await writeFile(payload, Buffer.alloc(3 * 1024 * 1024 + 17, 7));

    const up = await scp(h.dir, node, key, payload, ":uploaded.bin");
    assert.equal(up.code, 0, up.stderr);
    const legacy = await scp(h.dir, node, key, payload, ":legacy.bin", ["-O"]);
    assert.equal(legacy.code, 0, legacy.stderr);
    const sums = await ssh(h.dir, node, key, "sha256sum uploaded.bin legacy.bin | cut -c1-64");
    const [a, b] = sums.stdout.trim().split("\n");
    assert.equal(a, b);
    const down = await scp(h.dir, node, key, ":uploaded.bin", path.join(h.dir, "downloaded.bin"));
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(await readFile(path.join(h.dir, "downloaded.bin")), await readFile(payload));

    const batch = [
      "mkdir dir",
      `put ${payload} dir/put.bin`,
      "rename dir/put.bin dir/moved.bin",
      "ls dir",
      `get dir/moved.bin ${h.dir}/got.bin`,
      "rm legacy.bin",
    ].join("\n");
    const session = await sftp(h.dir, node, key, `${batch}\n`);
    assert.equal(session.code, 0, session.stderr);
    assert.match(session.stdout, /moved\.bin/);
    assert.deepEqual(await readFile(path.join(h.dir, "got.bin")), await readFile(payload));
    assert.equal((await ssh(h.dir, node, key, "test -e legacy.bin || echo gone")).stdout, "gone\n");

    // The scheduler's way of adding a claimer's key: append over SSH; it works at once.
    const claimer = await sshKeygen(h.dir, "claimer");
    const add = await ssh(h.dir, node, key, "cat >> ~/.ssh/authorized_keys", `${claimer.publicKey}\n`);
    assert.equal(add.code, 0, add.stderr);
    assert.equal((await ssh(h.dir, node, claimer, "echo claimed")).stdout, "claimed\n");
  });
});

t("a snapshot carries a node's changes to new nodes, never its keys, and leaves the original image alone", async () => {
  await withLocal({}, async ({ h, p, stateDir, key }) => {
    const packer = new Packer(1);
    const images = new ImageStore(path.join(stateDir, "images"), packer);
    try {
      const baseManifest = (await images.manifest("base")).entries;
      await p.boot(bootSpec("n-src", { image: "base", flavor: "", sshPublicKeys: [key.publicKey] }));
      const src = endpointOf(await running(p, "n-src"));
      const change = await ssh(
        h.dir,
        src,
        key,
        "echo added > added.txt && echo changed >> README.md && mkdir -p cache && head -c 100000 /dev/urandom > cache/blob",
      );
      assert.equal(change.code, 0, change.stderr);
      const blobSum = (await ssh(h.dir, src, key, "sha256sum cache/blob | cut -c1-64")).stdout.trim();

      const op = await p.createSnapshot({ nodeId: "n-src", imageName: "base-cached", visibility: "private", tags: { build: "1" } });
      const done = await waitFor("the snapshot", async () => {
        const o = await p.getOperation(op.id);
        return o.done && o;
      });
      assert.equal(done.error, "");
      const image = (await p.listImages()).find((i) => i.id === done.imageId);
      assert.equal(image?.name, "base-cached");
      assert.equal(image?.tags[OWNER_TAG], OWNER);
      assert.equal(image?.tags.build, "1");

      // No keys from the node in the image: not in the manifest, not in its files.
      const manifest: Manifest = await images.manifest(done.imageId);
      const paths = manifest.entries.map((e) => e.path);
      assert.ok(paths.includes("added.txt") && paths.includes("cache/blob"), paths.join(" "));
      assert.equal(paths.includes(".ssh/authorized_keys"), false);
      const hostKey = await readFile(path.join(stateDir, "nodes", nodeKey(OWNER, "n-src"), "host_key"), "utf8");
      const imageRoot = path.join(stateDir, "images", done.imageId, "root");
      for (const entry of manifest.entries.filter((e) => e.type === "file")) {
        const content = await readFile(path.join(imageRoot, entry.path), "utf8");
        assert.equal(content.includes(key.publicKey.split(" ")[1] ?? "?"), false, `${entry.path} holds the node's key`);
        assert.equal(content.includes(hostKey.split("\n")[1] ?? "?"), false, `${entry.path} holds the host key`);
      }
      assert.deepEqual(await images.verify(done.imageId), []);

      // A node from the new image has both changes, and only its own boot's keys.
      const other = await sshKeygen(h.dir, "k2");
      await p.boot(bootSpec("n-new", { image: "base-cached", flavor: "", sshPublicKeys: [other.publicKey] }));
      const fresh = await running(p, "n-new");
      assert.equal(fresh.image, done.imageId);
      const seen = await ssh(
        h.dir,
        endpointOf(fresh),
        other,
        "cat added.txt; tail -1 README.md; sha256sum cache/blob | cut -c1-64; cat .ssh/authorized_keys",
      );
      assert.deepEqual(seen.stdout.trim().split("\n"), ["added", "changed", blobSum, other.publicKey]);
      assert.notEqual((await ssh(h.dir, endpointOf(fresh), key, "echo ok")).code, 0, "the source node's key logs in to the new node");
      assert.notDeepEqual(fresh.hostKeys, (await p.getInstance("n-src")).hostKeys);

      // The original image is unchanged, and a node booted from it has neither change.
      assert.deepEqual(await images.verify("base"), []);
      assert.deepEqual((await images.manifest("base")).entries, baseManifest);
      await p.boot(bootSpec("n-old", { image: "base", flavor: "", sshPublicKeys: [key.publicKey] }));
      const old = endpointOf(await running(p, "n-old"));
      const untouched = await ssh(
        h.dir,
        old,
        key,
        "test -e added.txt && echo has-added; grep -c changed README.md; test -e cache && echo has-cache",
      );
      assert.equal(untouched.stdout.trim(), "0");

      // Deleting the image hides it at once; nodes that use it keep working.
      await p.deleteImage(done.imageId);
      await p.deleteImage(done.imageId);
      assert.equal(
        (await p.listImages()).some((i) => i.id === done.imageId),
        false,
      );
      assert.equal(await codeOf(p.boot(bootSpec("n-gone", { image: done.imageId, flavor: "" }))), "not-found");
      assert.equal((await ssh(h.dir, endpointOf(fresh), other, "cat added.txt")).stdout, "added\n");
      await p.deleteInstance("n-new");
      await waitFor("the deleted image's files to go", () => !existsSync(path.join(stateDir, "images", done.imageId)));
    } finally {
      await packer.close();
    }
  });
});

t("nodes outlive a SIGKILLed plugin, and the restarted plugin adopts them without duplicates", async () => {
  await withLocal({}, async ({ h, p, stateDir, key }) => {
    const ids = ["n-a", "n-b"];
    for (const id of ids) await p.boot(bootSpec(id, { image: "base", flavor: "", sshPublicKeys: [key.publicKey] }));
    const before = await Promise.all(ids.map((id) => running(p, id)));
    const daemons = daemonPids(h.dir);
    assert.equal(daemons.length, 2);
    const spares = await waitFor("a warm spare", () => {
      const pids = daemonPids(h.dir, "spares");
      return pids.length === 1 && pids;
    });

    const pluginPid = h.host.status("local").pid;
    process.kill(pluginPid, "SIGKILL");
    await waitFor("the plugin to die", () => !isAlive(pluginPid));
    // Nobody serves the provider now; the nodes still answer.
    for (const node of before) assert.equal((await ssh(h.dir, endpointOf(node), key, "echo alive")).stdout, "alive\n");

    await waitFor("the restarted plugin", () => {
      const s = h.host.status("local");
      return s.health === "serving" && s.pid !== pluginPid && s.pid > 0;
    });
    const listed = (await p.listInstances()).filter((i) => i.tags[OWNER_TAG] === OWNER);
    assert.deepEqual(listed.map((i) => i.nodeId).sort(), ids);
    assert.deepEqual(listed.map((i) => i.instanceId).sort(), before.map((i) => i.instanceId).sort());
    for (const id of ids) {
      const again = await p.boot(bootSpec(id, { image: "base", flavor: "", sshPublicKeys: [key.publicKey] }));
      assert.equal(again.instanceId, before.find((i) => i.nodeId === id)?.instanceId);
      assert.equal((await p.getInstance(id)).state, "running");
    }
    assert.deepEqual(daemonPids(h.dir), daemons, "daemons were replaced or added");
    assert.deepEqual(daemonPids(h.dir, "spares"), spares, "the warm spare was not adopted");

    // Delete: the daemon and the workspace go; delete is idempotent.
    await p.deleteInstance("n-a");
    await p.deleteInstance("n-a");
    assert.equal(await codeOf(p.getInstance("n-a")), "not-found");
    await waitFor("n-a's daemon to exit", () => daemonPids(h.dir).length === 1);
    await waitFor("n-a's directory to go", () => !existsSync(path.join(stateDir, "nodes", nodeKey(OWNER, "n-a"))));
    assert.notEqual((await ssh(h.dir, endpointOf(before[0]!), key, "echo alive")).code, 0);
    assert.equal((await p.listInstances()).length, 1);
  });
});

t("a warm spare becomes the next node and is replaced; spares stop with the plugin, nodes do not", async () => {
  await withLocal({ warmSpares: 2 }, async ({ h, p, key }) => {
    const spares = await waitFor("two warm spares", () => {
      const pids = daemonPids(h.dir, "spares");
      return pids.length === 2 && pids;
    });
    await p.boot(bootSpec("n-warm", { image: "base", flavor: "", sshPublicKeys: [key.publicKey] }));
    const node = await running(p, "n-warm");
    const [daemon] = daemonPids(h.dir);
    assert.ok(daemon !== undefined && spares.includes(daemon), "the node did not come from a spare");
    assert.equal((await ssh(h.dir, endpointOf(node), key, "echo warm")).stdout, "warm\n");
    await waitFor("the spare to be replaced", () => daemonPids(h.dir, "spares").length === 2);
    await h.host.stop();
    await waitFor("the spares to stop", () => daemonPids(h.dir, "spares").length === 0);
    assert.deepEqual(daemonPids(h.dir), [daemon]);
    assert.equal((await ssh(h.dir, endpointOf(node), key, "echo still")).stdout, "still\n");
  });
  await withLocal({ warmSpares: 0 }, async ({ h, p }) => {
    await p.boot(bootSpec("n-cold", { image: "empty", flavor: "" }));
    await running(p, "n-cold");
    assert.deepEqual(daemonPids(h.dir, "spares"), []);
    assert.equal(daemonPids(h.dir).length, 1);
  });
  // A spare whose plugin stopped looking after it (its heartbeat is old) goes by itself.
  await withLocal({}, async ({ h, stateDir }) => {
    await waitFor("a warm spare", () => daemonPids(h.dir, "spares").length === 1);
    const old = new Date(Date.now() - 3_600_000);
    await utimes(path.join(stateDir, "spares", "heartbeat"), old, old);
    await waitFor("the orphaned spare to exit", () => daemonPids(h.dir, "spares").length === 0, 20_000);
  });
});

t("boot is idempotent under concurrency, addresses are unique, list carries owner and node tags", async () => {
  await withLocal({ maxNodes: 3 }, async ({ p }) => {
    const same = await Promise.all(Array.from({ length: 8 }, () => p.boot(bootSpec("n-same", { image: "empty", flavor: "" }))));
    assert.equal(new Set(same.map((i) => i.instanceId)).size, 1);
    const others = await Promise.all(
      ["n-x", "n-y"].map((id) => p.boot(bootSpec(id, { image: "empty", flavor: "", tags: { team: "ci" } }))),
    );
    const all = [same[0]!, ...others];
    assert.equal(new Set(all.map((i) => i.addresses[0])).size, 3);
    assert.equal(await codeOf(p.boot(bootSpec("n-over", { image: "empty", flavor: "" }))), "resource-exhausted");
    const listed = await p.listInstances();
    assert.equal(listed.length, 3);
    for (const i of listed) {
      assert.equal(i.tags[OWNER_TAG], OWNER);
      assert.equal(i.tags[NODE_TAG], i.nodeId);
    }
    assert.equal(listed.find((i) => i.nodeId === "n-x")?.tags.team, "ci");
    assert.deepEqual((await p.getQuota()).usedInstances, 3);
    assert.equal(await codeOf(p.boot(bootSpec("n-img", { image: "no-such-image", flavor: "" }))), "not-found");
    assert.equal(await codeOf(p.boot(bootSpec("n-fl", { image: "empty", flavor: "huge" }))), "not-found");
    for (const i of listed) await p.deleteInstance(i.nodeId);
    assert.deepEqual(await p.listInstances(), []);
  });
});

t("failureRate, noNetworkRate and bootDelayMs make nodes fail, stay silent, or boot late", async () => {
  await withLocal({ failureRate: 1 }, async ({ p }) => {
    const node = await p.boot(bootSpec("n-fail", { image: "empty", flavor: "" }));
    assert.equal(node.state, "error");
    assert.match(node.error, /simulated/);
    await p.deleteInstance("n-fail");
    assert.equal(await codeOf(p.getInstance("n-fail")), "not-found");
  });
  await withLocal({ noNetworkRate: 1, bootDelayMs: 0 }, async ({ h, p, key }) => {
    const node = await p.boot(bootSpec("n-silent", { image: "empty", flavor: "", sshPublicKeys: [key.publicKey] }));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal((await p.getInstance("n-silent")).state, "booting");
    const attempt = await ssh(h.dir, endpointOf(node), key, "echo ok");
    assert.notEqual(attempt.code, 0);
  });
  await withLocal({ bootDelayMs: 1500 }, async ({ p }) => {
    const started = Date.now();
    await p.boot(bootSpec("n-late", { image: "empty", flavor: "" }));
    assert.equal((await p.getInstance("n-late")).state, "booting");
    await running(p, "n-late");
    assert.ok(Date.now() - started >= 1400, `ran after ${Date.now() - started} ms`);
  });
});

t("with namespaces a node sees only its own processes and has its node id as hostname", async () => {
  await withLocal({}, async ({ h, p, key, stateDir }) => {
    const configured = h.entries.find((e) => e.msg === "local provider configured");
    const caps = configured?.plugin as { isolation?: string } | undefined;
    assert.ok(caps, "the plugin logs what it detected");
    if (caps.isolation !== "namespaces") {
      console.log("skipped: namespaces unavailable here");
      return;
    }
    await p.boot(bootSpec("n-ns", { image: "empty", flavor: "", sshPublicKeys: [key.publicKey], setupScript: "echo set-up > setup.txt" }));
    const node = endpointOf(await running(p, "n-ns"));
    const seen = await ssh(h.dir, node, key, "hostname; cat setup.txt; ps -e -o pid= | wc -l; grep -c ' overlay ' /proc/self/mountinfo");
    const [hostname, setup, processes, overlays] = seen.stdout
      .trim()
      .split("\n")
      .map((s) => s.trim());
    assert.equal(hostname, "n-ns");
    assert.equal(setup, "set-up");
    assert.ok(Number(processes) < 10, `${processes} processes visible`);
    assert.equal(overlays, "1");
    // The overlay is the node's own: the host does not see it mounted.
    const hostMounts = await readFile("/proc/self/mountinfo", "utf8");
    assert.equal(hostMounts.includes(path.join(stateDir, "nodes")), false);
    // A job's background process, gone from its session, dies with the node.
    const seconds = String(1000 + Math.floor(Math.random() * 100_000));
    await ssh(h.dir, node, key, `setsid sleep ${seconds} > /dev/null 2>&1 < /dev/null &`);
    const sleeping = async (): Promise<string[]> => {
      const found: string[] = [];
      for (const pid of (await readdir("/proc")).filter((p) => /^\d+$/.test(p))) {
        if ((await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")) === `sleep\u0000${seconds}\u0000`) found.push(pid);
      }
      return found;
    };
    assert.equal((await sleeping()).length, 1, "the job's background process did not start");
    await p.deleteInstance("n-ns");
    assert.deepEqual(await sleeping(), [], `sleep ${seconds} outlived its node`);
  });
});

t("the copy placement without namespaces works too, snapshots included", async () => {
  await withLocal({ placement: "copy", isolation: "none", addressRange: "127.11.0.0/24" }, async ({ h, p, key }) => {
    await p.boot(bootSpec("n-copy", { image: "base", flavor: "", sshPublicKeys: [key.publicKey] }));
    const node = await running(p, "n-copy");
    assert.match(node.addresses[0] ?? "", /^127\.11\.0\./);
    const endpoint = endpointOf(node);
    assert.equal((await ssh(h.dir, endpoint, key, "echo copy >> README.md && cat etc/standby-image")).stdout, "base\n");
    const op = await p.createSnapshot({ nodeId: "n-copy", imageName: "copied", visibility: "private", tags: {} });
    const done = await waitFor("the snapshot", async () => {
      const o = await p.getOperation(op.id);
      return o.done && o;
    });
    assert.equal(done.error, "");
    await p.boot(bootSpec("n-copy2", { image: "copied", flavor: "", sshPublicKeys: [key.publicKey] }));
    const second = endpointOf(await running(p, "n-copy2"));
    assert.equal((await ssh(h.dir, second, key, "tail -1 README.md")).stdout, "copy\n");
    const pids = daemonPids(h.dir);
    await p.deleteInstance("n-copy");
    await p.deleteInstance("n-copy2");
    await waitFor("the daemons to exit", () => pids.every((pid) => !isAlive(pid)));
  });
});

/** ssh offering only the host key algorithm `algorithm`, trusting only `hostKey`. */
async function sshWithAlgorithm(dir: string, node: Instance, hostKey: string, key: KeyFiles, algorithm: string, command: string) {
  const opts = await clientOptions(dir, { ...endpointOf(node), hostKey }, key);
  return run("ssh", [
    ...opts,
    "-o",
    `HostKeyAlgorithms=${algorithm}`,
    "-p",
    String(node.sshPort),
    `${node.username}@${node.addresses[0] ?? ""}`,
    command,
  ]);
}

t("with ecdsaHostKey a node also has an ECDSA host key: both are reported, and it presents whichever the client asks for", async () => {
  await withLocal({ ecdsaHostKey: true }, async ({ h, p, key, stateDir }) => {
    const booted = await p.boot(bootSpec("n-ecdsa", { image: "base", flavor: "", sshPublicKeys: [key.publicKey] }));
    assert.equal(booted.hostKeys.length, 2);
    const [ed25519, ecdsa] = booted.hostKeys as [string, string];
    assert.match(ed25519, /^ssh-ed25519 AAAA/, "ed25519 stays first: the scheduler checks with the first key");
    assert.match(ecdsa, /^ecdsa-sha2-nistp256 AAAA/);
    const node = await running(p, "n-ecdsa");
    assert.deepEqual(node.hostKeys, booted.hostKeys);

    const viaEcdsa = await sshWithAlgorithm(h.dir, node, ecdsa, key, "ecdsa-sha2-nistp256", "echo ecdsa-ok");
    assert.equal(viaEcdsa.stdout, "ecdsa-ok\n", viaEcdsa.stderr);
    const viaEd25519 = await sshWithAlgorithm(h.dir, node, ed25519, key, "ssh-ed25519", "echo ed25519-ok");
    assert.equal(viaEd25519.stdout, "ed25519-ok\n", viaEd25519.stderr);
    // Pinning the ECDSA key of another host is refused like any other wrong key.
    const other = await p.boot(bootSpec("n-ecdsa-2", { image: "base", flavor: "", sshPublicKeys: [key.publicKey] }));
    const wrong = await sshWithAlgorithm(h.dir, node, other.hostKeys[1] ?? "", key, "ecdsa-sha2-nistp256", "echo no");
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /host key/i);

    // The private key sits beside the ed25519 one, readable by the plugin's user only, never in the workspace.
    const file = path.join(stateDir, "nodes", nodeKey(OWNER, "n-ecdsa"), "host_key_ecdsa");
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.match(await readFile(file, "utf8"), /^-----BEGIN EC PRIVATE KEY-----/);
    const workspace = await ssh(h.dir, endpointOf(node), key, "grep -rl 'PRIVATE KEY' . || true");
    assert.equal(workspace.stdout, "");
  });
});

t("without the setting a node has only its ed25519 host key: a client that knows only ECDSA cannot connect", async () => {
  await withLocal({}, async ({ h, p, key }) => {
    await p.boot(bootSpec("n-plain", { image: "base", flavor: "", sshPublicKeys: [key.publicKey] }));
    const node = await running(p, "n-plain");
    assert.equal(node.hostKeys.length, 1);
    assert.match(node.hostKeys[0] ?? "", /^ssh-ed25519 /);
    const r = await sshWithAlgorithm(h.dir, node, node.hostKeys[0] ?? "", key, "ecdsa-sha2-nistp256", "echo no");
    assert.equal(r.code, 255, "ssh could not negotiate a host key");
    assert.equal(r.stdout, "");
  });
});

t("a node whose daemon died says where its log is kept, and the log is there after the node is deleted", async () => {
  await withLocal({ warmSpares: 0 }, async ({ h, p }) => {
    await p.boot(bootSpec("n-dies", { image: "empty", flavor: "" }));
    await running(p, "n-dies");
    const [daemon] = daemonPids(h.dir);
    assert.ok(daemon !== undefined);
    process.kill(daemon, "SIGKILL");
    const failed = await waitFor("n-dies to fail", async () => {
      const i = await p.getInstance("n-dies");
      return i.state === "error" && i;
    });
    const kept = /its log is kept at (\S+)\)/.exec(failed.error)?.[1];
    assert.ok(kept, failed.error);
    await p.deleteInstance("n-dies");
    assert.equal(await codeOf(p.getInstance("n-dies")), "not-found");
    assert.match(await readFile(kept, "utf8"), /== daemon\.log\n/);
  });
});

t.run();
