import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { silentLogger } from "../../common/log.js";
import { Spares, type SpareRecord } from "../../plugins/local/spares.js";
import { isRunning, processStart, stopGroup } from "../../plugins/local/nodes.js";
import { suite } from "../lib/harness.js";
import { waitFor } from "../plugin-host/helpers.js";

const t = suite("local provider: warm spares");

/** A pool of one spare in a fresh directory, without namespaces (so the test needs no root). */
async function withSpares(fn: (spares: Spares, dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), "standby-spares-"));
  const spares = new Spares(path.join(dir, "spares"), { count: 1, isolation: "none" }, process.env, silentLogger);
  try {
    await spares.init();
    await fn(spares, dir);
  } finally {
    await spares.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A process standing for a node's daemon that was a spare: its own process
 * group, alive until stopped.
 */
async function nodeDaemonStandIn(): Promise<{ pid: number; pidStart: number; stop: () => Promise<void> }> {
  const child = spawn("sleep", ["60"], { detached: true, stdio: "ignore" });
  child.unref();
  const pid = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.once("spawn", () => resolve(child.pid!));
  });
  const pidStart = processStart(pid)!;
  return { pid, pidStart, stop: () => stopGroup(pid, pidStart, 200) };
}

t("a spare handed to a node is never offered again, even while its directory is half removed", async () => {
  await withSpares(async (spares, dir) => {
    const first = await waitFor("a warm spare", () => spares.take());
    const nodeDir = path.join(dir, "node-a");
    await mkdir(nodeDir);
    await spares.assign(first, nodeDir);
    const spareDir = path.join(spares.dir, first.id);
    await waitFor("the spare to take its assignment", () => !existsSync(spareDir));
    const daemon = await nodeDaemonStandIn();
    try {
      // What another boot could see while the node's daemon removes its
      // spare directory: the record of a live process, and no assign file.
      await mkdir(spareDir);
      await writeFile(path.join(spareDir, "spare.json"), JSON.stringify({ ...first, pid: daemon.pid, pidStart: daemon.pidStart }));
      const next = await waitFor("another warm spare", () => spares.take());
      assert.notEqual(next.id, first.id, "a node's daemon was offered as a free spare");
      await spares.release(next);
    } finally {
      await daemon.stop();
    }
  });
});

t("a spare whose hand-over failed because its directory vanished is not stopped: it may be a node's daemon by now", async () => {
  await withSpares(async (spares) => {
    const daemon = await nodeDaemonStandIn();
    try {
      const vanished: SpareRecord = {
        id: "spare-000000000000",
        pid: daemon.pid,
        pidStart: daemon.pidStart,
        isolation: "none",
        createdAt: 0,
      };
      await spares.release(vanished);
      assert.ok(isRunning(daemon.pid, daemon.pidStart), "releasing a spare whose directory was gone stopped its process");
    } finally {
      await daemon.stop();
    }
  });
});

t.run();
