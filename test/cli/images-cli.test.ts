import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildsTable, familiesTable, size } from "../../clients/cli/images.js";
import { ImageBuild, ImageBuildState, ImageFamily } from "../../gen/ts/standby/v1/standby.js";
import { suite } from "../lib/harness.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, "../../clients/cli/main.js");

function standby(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, STANDBY_ADDR: "127.0.0.1:1", STANDBY_LEASE_TOKEN: "", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const t = suite("standby image commands");

t("sizes read like an operator writes them", () => {
  assert.equal(size(0), "");
  assert.equal(size(512), "512 B");
  assert.equal(size(1_500_000), "1.5 MB");
  assert.equal(size(12_400_000_000), "12 GB");
});

t("the images tables show each family per provider, and each build's state, size, verification and failure", () => {
  const now = new Date("2026-01-02T06:00:00Z");
  const good = ImageBuild.fromPartial({
    id: "b-2",
    family: "jammy-cached",
    provider: "here",
    state: ImageBuildState.IMAGE_BUILD_STATE_PROMOTED,
    source: "scheduled",
    createdAt: new Date("2026-01-02T03:00:00Z"),
    verifiedAt: new Date("2026-01-02T03:05:00Z"),
    sizeBytes: 2_000_000_000,
    imageId: "img-2",
    current: true,
  });
  const bad = ImageBuild.fromPartial({
    id: "b-3",
    family: "jammy-cached",
    provider: "here",
    state: ImageBuildState.IMAGE_BUILD_STATE_FAILED,
    source: "manual",
    createdAt: new Date("2026-01-02T05:00:00Z"),
    failureReason: "setup: the setup script exited with 3 (E: Unable to locate package)",
  });
  const family = ImageFamily.fromPartial({
    name: "jammy-cached",
    schedule: "0 3 * * *",
    keep: 2,
    verify: true,
    providers: [{ provider: "here", currentBuildId: "b-2", nextBuildAt: new Date("2026-01-03T03:00:00Z") }],
    builds: [bad, good],
  });
  assert.equal(
    familiesTable([family], now),
    "FAMILY        PROVIDER  CURRENT  NEXT BUILD  SCHEDULE   KEEP  PAUSED\n" +
      "jammy-cached  here      b-2      in 21h      0 3 * * *  2     -\n",
  );
  const lines = buildsTable([bad, good], now).split("\n");
  assert.match(lines[0] ?? "", /^BUILD +FAMILY +PROVIDER +STATE +SOURCE +AGE +SIZE +VERIFIED +IMAGE +FAILURE$/);
  assert.match(lines[1] ?? "", /^b-3 .* failed +manual +60m .*setup: the setup script exited with 3 \(E: Unable to locate package\)$/);
  assert.match(lines[2] ?? "", /^b-2 .* promoted \(current\) +scheduled +3h +2\.0 GB +2h ago +img-2 +-$/);
});

t("image verbs and snapshot check their arguments before calling the scheduler", async () => {
  const noVerb = await standby(["image"]);
  assert.equal(noVerb.code, 2);
  assert.match(noVerb.stderr, /"image" needs a verb: build or show or log or pause or resume or delete/);
  const noImage = await standby(["snapshot", "n-1", "--lease", "lt"]);
  assert.equal(noImage.code, 2);
  assert.match(noImage.stderr, /--image NAME is required/);
  const noLease = await standby(["snapshot", "n-1", "--image", "jammy-cached"]);
  assert.equal(noLease.code, 2);
  assert.match(noLease.stderr, /--lease TOKEN \(or env STANDBY_LEASE_TOKEN\) is required/);
  // The lease comes from the environment too; then the call is made (and finds no scheduler here).
  const viaEnv = await standby(["snapshot", "n-1", "--image", "jammy-cached"], { STANDBY_LEASE_TOKEN: "lt-1" });
  assert.equal(viaEnv.code, 1);
  assert.match(viaEnv.stderr, /UNAVAILABLE/);
  const help = await standby(["snapshot", "--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /usage: standby snapshot NODE --image NAME/);
});

t.run();
