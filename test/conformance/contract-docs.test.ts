import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { PLUGIN_EXIT_GRACE_MS } from "../../common/handshake.js";
import { SHUTDOWN_TIMEOUT_MS } from "../../plugins/sdk/index.js";
import { DEFAULT_TIMEOUTS } from "../../server/plugin-host/options.js";
import { REPO_ROOT } from "../lib/cluster.js";
import { suite } from "../lib/harness.js";
import { CHECKS } from "./suite.js";

/**
 * The conformance suite, the plugin host and the SDK against the contract's
 * words: docs/plugin-protocol.md's sections that the rules cite, the links
 * between the docs, and the one shutdown grace that all of them state.
 */
const t = suite("the plugin contract's docs and code agree");

const DOCS = path.join(REPO_ROOT, "docs");
const read = (file: string): string => readFileSync(path.join(DOCS, file), "utf8");
const docFiles = readdirSync(DOCS).filter((f) => f.endsWith(".md"));
const PROVIDER_PROTO = "proto/standby/provider/v1/provider.proto";

/** The numbered sections of docs/plugin-protocol.md ("## 6. Lifetime and shutdown"), by number. */
function sections(): Map<number, { heading: string; text: string }> {
  const found = new Map<number, { heading: string; text: string }>();
  const parts = read("plugin-protocol.md").split(/^## /m).slice(1);
  for (const part of parts) {
    const heading = part.slice(0, part.indexOf("\n"));
    const m = /^(\d+)\. (.+)$/.exec(heading);
    if (m) found.set(Number(m[1]), { heading: m[2] as string, text: part });
  }
  return found;
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

const anchors = (file: string): Set<string> =>
  new Set([...read(file).matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug((m[1] as string).trim())));

/**
 * What each rule that cites the contract is about, as the heading of the
 * section it must cite. A rule that cites a section but is not here fails:
 * say which section it is about.
 */
const ABOUT: Record<string, string[]> = {
  "start.outside-scheduler": ["Start"],
  handshake: ["Handshake"],
  "stdout.clean": ["Handshake"],
  "auth.secret": ["Authentication"],
  health: ["Health"],
  describe: ["Describe and Configure"],
  "configure.first": ["Describe and Configure"],
  configure: ["Describe and Configure"],
  images: ["Instances, images and quota"],
  "get.not-found": ["Idempotency"],
  "boot.invalid-argument": ["Status codes"],
  "boot.unknown-image": ["Status codes"],
  "boot.unknown-flavor": ["Status codes"],
  boot: ["Idempotency"],
  "boot.idempotent": ["Idempotency"],
  "status.transitions": ["Instances, images and quota"],
  "list.tags": ["Tags and leak cleanup"],
  quota: ["Instances, images and quota", "Capabilities"],
  snapshot: ["Instances, images and quota", "Capabilities"],
  "delete.idempotent": ["Idempotency"],
  "delete.not-found-after": ["Idempotency"],
  "owner.list": ["Tags and leak cleanup"],
  "owner.node-id": ["Tags and leak cleanup", "Idempotency"],
  "shutdown.stdin-eof": ["Lifetime and shutdown"],
  "shutdown.sigterm": ["Lifetime and shutdown"],
};

t("every (§N) in a rule's title names a numbered section of docs/plugin-protocol.md", () => {
  const known = sections();
  assert.ok(known.size >= 10, `found only ${known.size} numbered sections`);
  for (const check of CHECKS) {
    for (const m of check.title.matchAll(/§(\d+)/g)) {
      const n = Number(m[1]);
      assert.ok(known.has(n), `rule ${check.rule} cites §${n}, which docs/plugin-protocol.md does not have`);
    }
  }
});

t("each rule cites the sections it is about, by their current numbers", () => {
  const known = sections();
  for (const check of CHECKS) {
    const cited = [...check.title.matchAll(/§(\d+)/g)].map((m) => known.get(Number(m[1]))?.heading ?? `§${m[1]}`);
    if (cited.length === 0) continue;
    const want = ABOUT[check.rule];
    assert.ok(want, `rule ${check.rule} cites ${cited.join(", ")}: add it to ABOUT with the sections it is about`);
    assert.deepEqual(cited, want, `rule ${check.rule} cites ${cited.join(", ")}; it is about ${want.join(", ")}`);
  }
});

t("every §N in the docs and in the plugin contract's proto names a section of docs/plugin-protocol.md", () => {
  const known = sections();
  const texts = [
    ...docFiles.map((file) => ({ file, text: read(file) })),
    { file: PROVIDER_PROTO, text: readFileSync(path.join(REPO_ROOT, PROVIDER_PROTO), "utf8") },
  ];
  for (const { file, text } of texts) {
    for (const m of text.matchAll(/§(\d+)/g)) {
      assert.ok(known.has(Number(m[1])), `${file} cites §${m[1]}, which docs/plugin-protocol.md does not have`);
    }
  }
});

t("every link to a heading of a doc (file.md#anchor, #anchor) finds that heading", () => {
  for (const file of docFiles) {
    for (const m of read(file).matchAll(/\]\(([\w-]*\.md)?#([^)\s]+)\)/g)) {
      const target = m[1] ?? file;
      if (!docFiles.includes(target)) continue;
      assert.ok(anchors(target).has(m[2] as string), `${file} links to ${target}#${m[2]}, which has no such heading`);
    }
  }
});

t("the plugin host waits the contract's grace at each step, and the SDK exits before it", () => {
  assert.equal(DEFAULT_TIMEOUTS.stopGraceMs, PLUGIN_EXIT_GRACE_MS);
  assert.equal(DEFAULT_TIMEOUTS.termGraceMs, PLUGIN_EXIT_GRACE_MS);
  assert.ok(
    SHUTDOWN_TIMEOUT_MS < PLUGIN_EXIT_GRACE_MS,
    `the SDK's shutdown bound ${SHUTDOWN_TIMEOUT_MS} ms is not below the grace ${PLUGIN_EXIT_GRACE_MS} ms`,
  );
});

t("the conformance suite's shutdown rules allow exactly the contract's grace", () => {
  const seconds = `${PLUGIN_EXIT_GRACE_MS / 1_000} s`;
  for (const rule of ["shutdown.stdin-eof", "shutdown.sigterm"]) {
    const check = CHECKS.find((c) => c.rule === rule);
    assert.ok(check, `no rule ${rule}`);
    assert.match(check.title, new RegExp(`within ${seconds} `), `${rule}: ${check.title}`);
  }
});

t("every doc states the contract's grace wherever it says how soon a plugin exits or is killed", () => {
  const n = PLUGIN_EXIT_GRACE_MS / 1_000;
  const sdk = SHUTDOWN_TIMEOUT_MS / 1_000;
  let stated = 0;
  for (const file of docFiles) {
    const text = read(file).replace(/\*\*/g, "").replace(/\s+/g, " ");
    for (const sentence of text.split(/(?<=[.;])\s/)) {
      if (!/\bexit|SIGTERM|SIGKILL|stdin EOF/i.test(sentence)) continue;
      assert.doesNotMatch(sentence, /\b(a few|one|two|three|four|five|ten) seconds\b/, `${file} says it in words: "${sentence}"`);
      for (const m of sentence.matchAll(/\b(?:within|waiting|waits) (\d+(?:\.\d+)?) s\b|\band (\d+(?:\.\d+)?) s more\b/g)) {
        const value = Number(m[1] ?? m[2]);
        if (value === sdk && /SDK/.test(sentence)) continue;
        assert.equal(value, n, `${file}: "${sentence}"`);
        stated++;
      }
    }
  }
  assert.ok(stated >= 4, `the grace is stated only ${stated} times in docs/`);
});

t.run();
