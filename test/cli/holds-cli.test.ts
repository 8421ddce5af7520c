import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Hold, ListHoldsResponse, Node, NodeState } from "../../gen/ts/standby/v1/standby.js";
import { holdsTable, until } from "../../clients/cli/holds.js";
import { nodeDetails } from "../../clients/cli/format.js";
import { suite } from "../lib/harness.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, "../../clients/cli/main.js");

/** The built CLI as a child process, pointed at an address nothing listens on (usage errors never call it). */
function standby(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, STANDBY_ADDR: "127.0.0.1:1" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const t = suite("standby CLI: hold commands");

t("hold commands check their arguments before calling the scheduler (exit 2 with the usage)", async () => {
  const cases: [string[], RegExp][] = [
    [["release", "lt-1", "--outcome", "failure", "--reason", "why"], /--reason goes with --hold DURATION/],
    [["release", "lt-1", "--outcome", "failure", "--hold", "soon"], /--hold must be a duration/],
    [["hold"], /missing NODE/],
    [["hold", "n-1", "--for", "forever"], /--for must be a duration/],
    [["hold", "add-key", "n-1"], /--key FILE.pub is required/],
    [["hold", "snapshot", "n-1", "--visibility", "everyone"], /--visibility must be shared, private or public/],
    [["hold-rule"], /"hold-rule" needs a verb: add or delete/],
    [["hold-rule", "add", "--label", "jammy"], /--count N is required/],
    [["hold-rule", "add", "--count", "0"], /--count must be a whole number/],
  ];
  for (const [args, message] of cases) {
    const r = await standby(args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(" "));
    assert.match(r.stderr, /usage: standby/);
  }
});

t("add-key refuses a private key file and never sends it", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "standby-cli-holds-"));
  try {
    const file = path.join(dir, "id_ed25519");
    writeFileSync(file, "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n");
    const r = await standby(["hold", "add-key", "n-1", "--key", file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /is a private key; pass its \.pub file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

t("help lists the hold commands and explains release --hold", async () => {
  const top = await standby(["--help"]);
  for (const name of [
    "holds",
    "hold ",
    "hold show",
    "hold release",
    "hold add-key",
    "hold snapshot",
    "hold-rules",
    "hold-rule add",
    "hold-rule delete",
  ]) {
    assert.ok(top.stdout.includes(`  ${name}`), `${name} in the help`);
  }
  const release = await standby(["release", "--help"]);
  assert.match(release.stdout, /--hold DURATION\s+keep the nodes for diagnosis/);
});

t("the holds table shows node, reason, requester, expiry and address, and a summary line", () => {
  const now = new Date("2026-03-01T10:00:00Z");
  const hold = Hold.fromPartial({
    node: Node.fromPartial({
      id: "n-1",
      label: "jammy",
      provider: "east",
      state: NodeState.NODE_STATE_HELD,
      addresses: ["10.0.0.5"],
      sshPort: 22,
      holdRequester: "alice",
    }),
    reason: "segfault",
    requester: "alice",
    expiresAt: new Date("2026-03-01T13:00:00Z"),
    keys: [{ fingerprint: "SHA256:x", publicKey: "k", addedBy: "dan" }],
  });
  const text = holdsTable(ListHoldsResponse.fromPartial({ holds: [hold], count: 1, nextExpiry: new Date("2026-03-01T13:00:00Z") }), now);
  const [header, row, summary] = text.split("\n");
  assert.match(header ?? "", /^NODE\s+LABEL\s+PROVIDER\s+REASON\s+REQUESTER\s+EXPIRES\s+ADDRESS\s+KEYS\s+SNAPSHOTS$/);
  assert.match(row ?? "", /^n-1\s+jammy\s+east\s+segfault\s+alice\s+2026-03-01T13:00:00.000Z \(in 3h\)\s+10\.0\.0\.5:22\s+1\s+0$/);
  assert.equal(summary, "1 held; next expiry 2026-03-01T13:00:00.000Z (in 3h)");
  assert.equal(until(new Date("2026-03-01T09:59:00Z"), now), "overdue");
  assert.match(nodeDetails(hold.node!), /hold requester:\s+alice$/m);
});

t.run();
