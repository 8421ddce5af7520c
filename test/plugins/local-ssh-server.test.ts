import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import ssh2 from "ssh2";
import { suite } from "../lib/harness.js";
import { startSshServer, type SshServer, type SshServerOptions } from "../../plugins/sdk/ssh-server.js";
import { generateEd25519Key, knownHostsLine, parseSshKey, publicKeyLine } from "../../common/ssh-keys.js";
import { probeSsh, sshExec } from "../../common/ssh-client.js";
import { waitFor } from "../plugin-host/helpers.js";
import { clientOptions, run, sftp, ssh, sshKeygen, type KeyFiles, type SshEndpoint } from "./local-helpers.js";

/**
 * The SDK's SSH server (plugins/sdk/ssh-server.ts) against OpenSSH's clients,
 * and the SDK's key and client helpers. The server runs in this process, so
 * every client runs asynchronously.
 */
const t = suite("sdk ssh server", { timeoutMs: 60_000 });

interface Ctx {
  dir: string;
  home: string;
  server: SshServer;
  endpoint: SshEndpoint;
  key: KeyFiles;
  authorized: string;
}

async function withServer(options: Partial<SshServerOptions>, fn: (ctx: Ctx) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), "sb-sshd-"));
  const home = path.join(dir, "home");
  await mkdir(path.join(home, ".ssh"), { recursive: true });
  const key = await sshKeygen(dir, "client");
  const authorized = path.join(home, ".ssh", "authorized_keys");
  await writeFile(authorized, `${key.publicKey}\n`);
  const hostKey = generateEd25519Key("test-host");
  const server = await startSshServer({
    host: `127.${20 + Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 256)}.9`,
    port: 0,
    hostKey: hostKey.privateKey,
    authorizedKeysFile: authorized,
    workDir: home,
    username: "ci",
    ...options,
  });
  try {
    const endpoint = { address: server.host, port: server.port, username: "ci", hostKey: server.hostPublicKey };
    await fn({ dir, home, server, endpoint, key, authorized });
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

t("commands run in the work directory with a clean environment, exit codes, stderr and stdin", async () => {
  process.env.STANDBY_TEST_SECRET = "must-not-leak";
  await withServer({ env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8" } }, async ({ dir, home, endpoint, key }) => {
    const env = await ssh(dir, endpoint, key, 'pwd; echo "$HOME $USER $LOGNAME $SHELL"; env');
    const [pwd, vars, ...rest] = env.stdout.trim().split("\n");
    assert.equal(pwd, home);
    assert.equal(vars, `${home} ci ci /bin/sh`);
    assert.ok(rest.some((line) => line.startsWith("SSH_CONNECTION=")));
    assert.equal(
      rest.some((line) => line.includes("must-not-leak")),
      false,
      "the server's environment leaked",
    );
    const failing = await ssh(dir, endpoint, key, "echo out; echo err >&2; exit 42");
    assert.deepEqual([failing.code, failing.stdout, failing.stderr], [42, "out\n", "err\n"]);
    const piped = await ssh(dir, endpoint, key, "wc -c", "x".repeat(100_000));
    assert.equal(piped.stdout.trim(), "100000");
  });
  delete process.env.STANDBY_TEST_SECRET;
});

t("authorized_keys is read at every login: added keys work at once, removed ones stop", async () => {
  await withServer({}, async ({ dir, endpoint, key, authorized }) => {
    const other = await sshKeygen(dir, "other");
    assert.notEqual((await ssh(dir, endpoint, other, "true")).code, 0);
    await writeFile(authorized, `# comment\n\nrestrict,from="127.0.0.0/8" ${other.publicKey}\n${key.publicKey}\n`);
    assert.equal((await ssh(dir, endpoint, other, "echo in")).stdout, "in\n");
    await writeFile(authorized, `${key.publicKey}\n`);
    assert.notEqual((await ssh(dir, endpoint, other, "true")).code, 0);
    // Only the configured user name.
    assert.notEqual((await ssh(dir, { ...endpoint, username: "root" }, key, "true")).code, 0);
  });
});

t("ssh -tt gets a pty; sizes and window changes reach it; signals reach the command", async () => {
  await withServer({}, async ({ dir, endpoint, key, server }) => {
    const tty = await ssh(dir, endpoint, key, "tty; exit 5");
    assert.equal(tty.stdout.trim(), "not a tty");
    const opts = await clientOptions(dir, endpoint, key);
    const withPty = await run("ssh", [...opts, "-tt", "-p", String(endpoint.port), `ci@${endpoint.address}`, "tty; exit 5"]);
    assert.match(withPty.stdout, /\/dev\/pts\/\d+/);
    assert.equal(withPty.code, 5);

    // ssh2's client can say the size: check stty sees it, and a window change.
    const privateKey = await readFile(key.privateFile, "utf8");
    const client = new ssh2.Client();
    await new Promise<void>((resolve, reject) => {
      client.on("ready", resolve).on("error", reject);
      client.connect({ host: endpoint.address, port: endpoint.port, username: "ci", privateKey });
    });
    try {
      const output = await new Promise<string>((resolve, reject) => {
        client.shell({ rows: 30, cols: 100, term: "xterm" }, (err, stream) => {
          if (err) return reject(err);
          let seen = "";
          stream.on("data", (d: Buffer) => {
            seen += d.toString();
            if (seen.includes("size=30 100") && !seen.includes("resized")) {
              stream.setWindow(40, 120, 0, 0);
              setTimeout(() => stream.write("echo resized; echo size=$(stty size)\n"), 300);
            }
            if (/size=40 120/.test(seen)) stream.end("exit\n");
          });
          stream.on("close", () => resolve(seen));
          stream.write("echo size=$(stty size)\n");
        });
      });
      assert.match(output, /size=30 100/);
      assert.match(output, /size=40 120/);

      const exit = await new Promise<{ code: number | null; signal: string | undefined }>((resolve, reject) => {
        client.exec("sleep 30", (err, stream) => {
          if (err) return reject(err);
          stream.on("exit", (code: number | null, signal?: string) => resolve({ code, signal }));
          stream.resume();
          setTimeout(() => stream.signal("KILL"), 200);
        });
      });
      assert.deepEqual(exit, { code: null, signal: "SIGKILL" });
      await waitFor("no session left", () => server.sessions() === 0);
    } finally {
      client.end();
    }
  });
});

t("a client that goes away takes its command with it", async () => {
  await withServer({}, async ({ dir, endpoint, key, server }) => {
    const opts = await clientOptions(dir, endpoint, key);
    // A duration of its own, so another run of this test on the machine does not confuse it.
    const seconds = String(1000 + Math.floor(Math.random() * 100_000));
    const client = spawn("ssh", [...opts, "-p", String(endpoint.port), `ci@${endpoint.address}`, `sleep ${seconds}`], { stdio: "ignore" });
    await waitFor("the command to start", () => server.sessions() === 1);
    client.kill("SIGKILL");
    await waitFor("the command to be hung up", async () => {
      for (const pid of (await readdir("/proc")).filter((p) => /^\d+$/.test(p))) {
        if ((await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")) === `sleep\u0000${seconds}\u0000`) return false;
      }
      return server.sessions() === 0;
    });
  });
});

t("sftp: listing, symlinks, no rename over an existing file, and a root it cannot leave", async () => {
  await withServer({}, async ({ dir, home, endpoint, key }) => {
    await writeFile(path.join(home, "a.txt"), "A");
    await writeFile(path.join(home, "b.txt"), "B");
    const session = await sftp(dir, endpoint, key, "ls -l\nln -s a.txt link\nrename a.txt b.txt\n");
    assert.notEqual(session.code, 0, "rename over an existing file succeeded");
    assert.match(session.stdout, /a\.txt/);
    assert.equal(await readFile(path.join(home, "link"), "utf8"), "A");
    assert.equal(await readFile(path.join(home, "b.txt"), "utf8"), "B");
  });
  const outside = await mkdtemp(path.join(tmpdir(), "sb-outside-"));
  try {
    await writeFile(path.join(outside, "secret"), "s");
    const jail = await mkdtemp(path.join(tmpdir(), "sb-jail-"));
    await mkdir(path.join(jail, "home"));
    await withServer({ sftpRoot: jail, workDir: path.join(jail, "home") }, async ({ dir, endpoint, key }) => {
      const pwd = await sftp(dir, endpoint, key, "pwd\nls /\n");
      assert.match(pwd.stdout, /Remote working directory: \/home/);
      const out = path.join(dir, "got");
      const escape = await sftp(dir, endpoint, key, `get /../../${path.basename(outside)}/secret ${out}\n`);
      assert.notEqual(escape.code, 0);
      await assert.rejects(readFile(out));
    });
    await rm(jail, { recursive: true, force: true });
  } finally {
    await rm(outside, { recursive: true, force: true });
  }
});

t("the SDK client runs commands with host key checking, and the probe wants an SSH banner", async () => {
  await withServer({}, async ({ endpoint, key, server }) => {
    const privateKey = await readFile(key.privateFile, "utf8");
    const target = { host: endpoint.address, port: endpoint.port, username: "ci", privateKey };
    const result = await sshExec({ ...target, hostKey: server.hostPublicKey }, "cat; echo done", { stdin: "in\n" });
    assert.deepEqual(result, { code: 0, signal: undefined, stdout: "in\ndone\n", stderr: "" });
    await assert.rejects(sshExec({ ...target, hostKey: generateEd25519Key().publicKey }, "true"), { reason: "host-key-mismatch" });
    await assert.rejects(sshExec({ ...target, privateKey: generateEd25519Key().privateKey }, "true"), { reason: "auth-failed" });
    await assert.rejects(sshExec({ ...target, port: 1 }, "true"), { reason: "unreachable" });
    assert.equal(await probeSsh(endpoint.address, endpoint.port), true);
    assert.equal(await probeSsh(endpoint.address, 1, 300), false);
  });
  // A port that accepts and stays silent is not SSH.
  const net = await import("node:net");
  const silent = net.createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  try {
    assert.equal(await probeSsh("127.0.0.1", (silent.address() as { port: number }).port, 300), false);
  } finally {
    silent.close();
  }
});

t("generated ed25519 keys always parse, sign and agree with OpenSSH", async () => {
  for (let i = 0; i < 1500; i++) {
    const pair = generateEd25519Key(`k${i}`);
    const key = parseSshKey(pair.privateKey);
    assert.equal(`${publicKeyLine(key)} k${i}`, pair.publicKey);
    assert.equal(parseSshKey(pair.publicKey).verify(Buffer.from("x"), key.sign(Buffer.from("x"))), true);
  }
  const dir = await mkdtemp(path.join(tmpdir(), "sb-keys-"));
  try {
    const pair = generateEd25519Key("openssh");
    await writeFile(path.join(dir, "k"), pair.privateKey, { mode: 0o600 });
    const derived = await run("ssh-keygen", ["-y", "-f", path.join(dir, "k")]);
    assert.equal(derived.stdout.trim(), pair.publicKey);
    assert.equal(knownHostsLine("127.0.0.9", 22, pair.publicKey), `127.0.0.9 ${publicKeyLine(pair.publicKey)}`);
    assert.equal(knownHostsLine("127.0.0.9", 2222, pair.publicKey), `[127.0.0.9]:2222 ${publicKeyLine(pair.publicKey)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

t.run();
