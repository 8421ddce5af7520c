import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { suite } from "../lib/harness.js";

const t = suite("scheduler layout");

/** The sources (this test runs from dist/test/scheduler). */
const root = fileURLToPath(new URL("../../../server/scheduler", import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

t("no file of the scheduler passes 400 lines: a bigger one holds several concerns and is split by concern", () => {
  const files = sources(root);
  assert.ok(files.length > 20, `only ${files.length} files found under ${root}`);
  const long = files
    .map((f) => ({ file: f.slice(root.length + 1), lines: readFileSync(f, "utf8").split("\n").length - 1 }))
    .filter((f) => f.lines > 400);
  assert.deepEqual(long, []);
});

t.run();
