// `npm run breaking`: fails when proto/ breaks the last published contract,
// by buf's rules in buf.yaml (`breaking: use: [FILE]`).
//
// What "the last published contract" is, in this order:
//   1. STANDBY_BREAKING_AGAINST=<git ref>, when set (e.g. a release tag);
//   2. on a branch other than main, when main exists: the merge-base with main
//      (everything the branch changes, committed or not);
//   3. on main (or a detached HEAD) with uncommitted changes under proto/ or
//      to buf.yaml: HEAD;
//   4. otherwise the parent of the newest commit that changed proto/ or
//      buf.yaml: the contract before its latest change (what CI checks on a
//      fresh clone of main; commits after it that leave proto/ alone do not
//      hide that change).
// When there is no such commit (the first commit, a shallow clone without the
// parent, not a git checkout) or it has no proto/ yet, there is no previous
// contract to break: the script says so and exits 0.
//
// The old contract is taken with `git archive` into a temporary directory, so
// the working tree and the index are never touched.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function git(args, options = {}) {
  const r = spawnSync("git", args, { cwd: root, encoding: "utf8", maxBuffer: 1 << 30, ...options });
  return { ok: !r.error && r.status === 0, out: typeof r.stdout === "string" ? r.stdout.trim() : r.stdout, err: r.stderr };
}

function nothingToCompare(why) {
  console.log(`buf-breaking: no previous contract (${why}); nothing to compare`);
  process.exit(0);
}

if (!git(["rev-parse", "--is-inside-work-tree"]).ok) nothingToCompare("not a git checkout");

function chooseAgainst() {
  const explicit = process.env.STANDBY_BREAKING_AGAINST;
  if (explicit) return { ref: explicit, why: "STANDBY_BREAKING_AGAINST" };
  const branch = git(["symbolic-ref", "--quiet", "--short", "HEAD"]);
  if (branch.ok && branch.out !== "main" && git(["rev-parse", "--verify", "--quiet", "main^{commit}"]).ok) {
    const base = git(["merge-base", "HEAD", "main"]);
    if (base.ok) return { ref: base.out, why: `merge-base of ${branch.out} and main` };
  }
  const dirty = git(["status", "--porcelain", "--", "proto", "buf.yaml"]);
  if (dirty.ok && dirty.out !== "") return { ref: "HEAD", why: "uncommitted changes against HEAD" };
  const last = git(["log", "-1", "--format=%H", "HEAD", "--", "proto", "buf.yaml"]);
  if (last.ok && last.out !== "") {
    const short = last.out.slice(0, 12);
    return { ref: `${short}~1`, why: `the contract before ${short}, its latest change` };
  }
  return { ref: "HEAD~1", why: "the previous commit" };
}

const against = chooseAgainst();
const sha = git(["rev-parse", "--verify", "--quiet", `${against.ref}^{commit}`]);
if (!sha.ok) nothingToCompare(`${against.ref} does not exist: first commit or shallow clone`);
if (!git(["cat-file", "-e", `${sha.out}:proto`]).ok) nothingToCompare(`${against.ref} has no proto/`);

const tmp = mkdtempSync(path.join(tmpdir(), "standby-breaking-"));
let status;
try {
  const paths = ["proto"];
  if (git(["cat-file", "-e", `${sha.out}:buf.yaml`]).ok) paths.push("buf.yaml");
  const archive = spawnSync("git", ["archive", "--format=tar", sha.out, ...paths], {
    cwd: root,
    maxBuffer: 1 << 30,
  });
  if (archive.error || archive.status !== 0) {
    throw new Error(`git archive failed: ${archive.error?.message ?? archive.stderr.toString()}`);
  }
  const untar = spawnSync("tar", ["-x", "-C", tmp], { input: archive.stdout });
  if (untar.error || untar.status !== 0) {
    throw new Error(`tar failed: ${untar.error?.message ?? untar.stderr.toString()}`);
  }
  console.log(`buf-breaking: comparing proto/ with ${against.ref} (${sha.out.slice(0, 12)}, ${against.why})`);
  const buf = path.join(root, "node_modules", ".bin", "buf");
  const run = spawnSync(buf, ["breaking", "proto", "--against", path.join(tmp, "proto")], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (run.error) throw run.error;
  status = run.status ?? 1;
  console.log(status === 0 ? "buf-breaking: no breaking changes" : "buf-breaking: breaking changes (see above)");
} catch (err) {
  console.error(`buf-breaking: ${err instanceof Error ? err.message : String(err)}`);
  status = 2;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(status);
