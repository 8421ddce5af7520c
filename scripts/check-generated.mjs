// Fails when gen/ is not exactly what `buf generate` makes from proto/ now:
// someone changed a .proto (or a generator option or version) and did not
// run `npm run generate`, or edited generated code by hand.
//
// It generates into a temporary directory (`buf generate --output`), using the
// same buf.gen.yaml, and compares every `out` directory the template names
// with the checked-in one. The working tree is never written.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const template = parse(readFileSync(path.join(root, "buf.gen.yaml"), "utf8"));
const outs = [...new Set((template?.plugins ?? []).map((p) => p.out).filter(Boolean))];
if (outs.length === 0) {
  console.error("check-generated: buf.gen.yaml names no plugin output directory");
  process.exit(2);
}

function listFiles(dir) {
  const files = [];
  const walk = (d, prefix) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), rel);
      else files.push(rel);
    }
  };
  walk(dir, "");
  return files.sort();
}

const tmp = mkdtempSync(path.join(tmpdir(), "standby-gen-"));
const problems = [];
try {
  const buf = path.join(root, "node_modules", ".bin", "buf");
  const run = spawnSync(buf, ["generate", "--template", "buf.gen.yaml", "--output", tmp], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (run.error || run.status !== 0) {
    console.error(`check-generated: buf generate failed (${run.error?.message ?? `exit ${run.status}`})`);
    process.exit(1);
  }
  for (const out of outs) {
    const want = listFiles(path.join(tmp, out));
    const have = listFiles(path.join(root, out));
    const haveSet = new Set(have);
    const wantSet = new Set(want);
    for (const f of want) {
      const rel = `${out}/${f}`;
      if (!haveSet.has(f)) problems.push(`missing   ${rel}`);
      else if (!readFileSync(path.join(tmp, out, f)).equals(readFileSync(path.join(root, out, f)))) {
        problems.push(`differs   ${rel}`);
      }
    }
    for (const f of have) if (!wantSet.has(f)) problems.push(`extra     ${out}/${f}`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

if (problems.length > 0) {
  console.error("check-generated: generated code is out of date with proto/ and buf.gen.yaml:");
  for (const p of problems) console.error(`  ${p}`);
  console.error("Run `npm run generate` and commit the result.");
  process.exit(1);
}
console.log(`check-generated: ${outs.join(", ")} match proto/`);
