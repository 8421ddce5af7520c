import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { status as grpcStatus } from "@grpc/grpc-js";
import { InstanceState, Visibility, type Instance } from "../../gen/ts/standby/provider/v1/provider.js";
import { grpcStatusFromCode } from "../../common/status.js";
import { PLUGIN_EXIT_GRACE_MS, SOCKET_FILE_NAME } from "../../common/handshake.js";
import { StandbyError, type ErrorCode } from "../../common/errors.js";
import { NODE_TAG, OWNER_TAG } from "../../common/provider.js";
import { PluginSession, runWithoutEnvironment, type PluginTarget } from "./session.js";

/**
 * The provider conformance suite: the contract of docs/plugin-protocol.md
 * checked against a running plugin, in any language. Every check has a rule
 * name; a failure names the rule it broke and says what was seen. Checks that
 * need an earlier one that did not pass are reported blocked, not run.
 */

export type RuleStatus = "passed" | "failed" | "blocked";

export interface RuleResult {
  rule: string;
  title: string;
  status: RuleStatus;
  /** What was wrong (failed), or which rule it waited for (blocked). */
  message: string;
  ms: number;
}

export interface ConformanceReport {
  plugin: string;
  command: string[];
  passed: boolean;
  results: RuleResult[];
  /** The plugin's last stderr lines, for a failure's context. */
  stderrTail: string[];
}

export interface ConformanceOptions {
  /** Image (id or name) and flavor to boot; default the first ones the plugin lists. */
  image?: string;
  flavor?: string;
  /** Longest wait for RUNNING, for a delete to finish, for a snapshot. Default 60 s. */
  timeoutMs?: number;
  /** Called as each rule is decided (progress output). */
  onResult?: (result: RuleResult) => void;
}

/** A broken rule: the message says what the plugin did. */
class Violation extends Error {}

function fail(message: string): never {
  throw new Violation(message);
}

function codeName(code: ErrorCode | "ok"): string {
  return code === "ok" ? "OK" : (grpcStatus[grpcStatusFromCode(code)] ?? code);
}

function stateName(state: InstanceState): string {
  return InstanceState[state] ?? String(state);
}

interface Context {
  target: PluginTarget;
  opts: Required<Pick<ConformanceOptions, "timeoutMs">> & ConformanceOptions;
  workDir: string;
  stateDir: string;
  owner: string;
  /** A second scheduler's owner id, sharing the cloud (the owner.* rules). */
  other: string;
  runId: string;
  session: PluginSession | undefined;
  capabilities: string[];
  image: string;
  flavor: string;
  /** Node ids this run boots. */
  n1: string;
  n2: string;
  n3: string;
  /** The instance id the last Boot of n1 answered. */
  n1InstanceId: string;
  /** A node id that both owners boot (the owner.* rules). */
  shared: string;
  /** The instance the other owner's Boot of `shared` answered. */
  otherInstanceId: string;
}

interface Check {
  rule: string;
  title: string;
  needs: string[];
  run(ctx: Context): Promise<void>;
}

/** The shutdown rules' limit: the plugin host's grace at each step of a stop (§6). */
const EXIT_GRACE = `${PLUGIN_EXIT_GRACE_MS / 1_000} s`;

const session = (ctx: Context): PluginSession => ctx.session ?? fail("no plugin session");

/** Resolves to the code a call failed with, or "ok". */
async function outcome(promise: Promise<unknown>): Promise<ErrorCode | "ok"> {
  try {
    await promise;
    return "ok";
  } catch (err) {
    return StandbyError.from(err).code;
  }
}

async function expectCode(what: string, promise: Promise<unknown>, allowed: ErrorCode[]): Promise<void> {
  const got = await outcome(promise);
  if (!(allowed as string[]).includes(got)) fail(`${what} answered ${codeName(got)}; want ${allowed.map(codeName).join(" or ")}`);
}

async function ok<T>(what: string, promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (err) {
    const e = StandbyError.from(err);
    return fail(`${what} failed with ${codeName(e.code)}: ${e.message}`);
  }
}

function bootRequest(ctx: Context, nodeId: string, image = ctx.image, flavor = ctx.flavor) {
  return {
    nodeId,
    template: { image, flavor, setupScript: "", networks: [], sshPublicKeys: [], label: "conformance" },
    tags: { "conformance-run": ctx.runId },
  };
}

async function configure(ctx: Context, ownerId = ctx.owner): Promise<void> {
  await ok(
    ownerId === ctx.owner ? "Configure" : `Configure with the second owner id ${ownerId}`,
    session(ctx).call(
      "configure",
      { settings: ctx.target.settings, secrets: ctx.target.secrets, ownerId, providerName: "conformance" },
      60_000,
    ),
  );
}

/**
 * Runs fn with the plugin configured as the second owner (a second scheduler
 * sharing the cloud account: a second Configure replaces the first, §4), then
 * configures it back as this run's owner, whatever happened.
 */
async function asOtherOwner<T>(ctx: Context, fn: (s: PluginSession) => Promise<T>): Promise<T> {
  await configure(ctx, ctx.other);
  try {
    return await fn(session(ctx));
  } finally {
    await configure(ctx);
  }
}

async function poll<T>(what: string, timeoutMs: number, fn: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + timeoutMs;
  let delay = 50;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > end) fail(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 1_000);
  }
}

/** The second owner boots the shared node id (idempotent: again, the same instance). */
async function bootAsOtherOwner(ctx: Context): Promise<void> {
  const { instance } = await asOtherOwner(ctx, (s) =>
    ok(`Boot of ${ctx.shared} by the second owner`, s.call("boot", bootRequest(ctx, ctx.shared), 120_000)),
  );
  if (!instance?.instanceId) fail(`Boot of ${ctx.shared} by the second owner answered no instance`);
  ctx.otherInstanceId = instance.instanceId;
}

const ofNode = (instances: Instance[], nodeId: string): Instance[] =>
  instances.filter((i) => i.nodeId === nodeId || i.tags[NODE_TAG] === nodeId);

export const CHECKS: readonly Check[] = [
  {
    rule: "start.outside-scheduler",
    title: "started without STANDBY_PLUGIN_SECRET and STANDBY_PLUGIN_SOCKET_DIR, it explains on stderr and exits non-zero (§1)",
    needs: [],
    async run(ctx) {
      const r = await runWithoutEnvironment(ctx.target, ctx.workDir);
      if (!r.exit) fail("still running 10 s after a start without the scheduler's environment");
      if (r.exit.spawnError) fail(`cannot run ${ctx.target.command.join(" ")}: ${r.exit.spawnError.message}`);
      if (r.exit.code === 0) fail("exited with code 0; want a failure (1)");
      if (r.stdout.some((line) => line.startsWith("standby-plugin|"))) fail("printed a handshake anyway");
      if (r.stderr.length === 0) fail("exited without a word on stderr");
    },
  },
  {
    rule: "handshake",
    title: "binds <STANDBY_PLUGIN_SOCKET_DIR>/plugin.sock, then prints standby-plugin|1|unix|<path> on stdout (§2)",
    needs: [],
    async run(ctx) {
      try {
        ctx.session = await PluginSession.start(ctx.target, { workDir: ctx.workDir, stateDir: ctx.stateDir });
      } catch (err) {
        fail((err as Error).message);
      }
      const s = session(ctx);
      const want = path.join(s.socketDir, SOCKET_FILE_NAME);
      if (s.handshake?.address !== want) fail(`announced socket ${s.handshake?.address ?? "?"}; want ${want}`);
    },
  },
  {
    rule: "stdout.clean",
    title: "prints nothing on stdout but the handshake; logs go to stderr (§2)",
    needs: ["handshake"],
    async run(ctx) {
      const junk = session(ctx).stdoutBefore;
      if (junk.length > 0) fail(`printed ${junk.length} line(s) before the handshake, first: "${junk[0] ?? ""}"`);
    },
  },
  {
    rule: "auth.secret",
    title: "refuses calls without the per-start secret, or with another, with UNAUTHENTICATED (§3)",
    needs: ["handshake"],
    async run(ctx) {
      const s = session(ctx);
      for (const [what, secret] of [
        ["without x-standby-plugin-secret", undefined],
        ["with a wrong secret", `${s.secret}x`],
      ] as const) {
        for (const method of ["describe", "listInstances"] as const) {
          const got = await s.callWithSecret(method, {}, secret);
          if (got !== "unauthenticated")
            fail(`${method === "describe" ? "Describe" : "ListInstances"} ${what} answered ${codeName(got)}; want UNAUTHENTICATED`);
        }
      }
    },
  },
  {
    rule: "health",
    title: 'serves grpc.health.v1 and reports service "" SERVING (§5)',
    needs: ["handshake"],
    async run(ctx) {
      let got: string;
      try {
        got = await session(ctx).health();
      } catch (err) {
        return fail(`the health check failed: ${(err as Error).message}`);
      }
      if (got !== "SERVING") fail(`health of "" is ${got}; want SERVING`);
    },
  },
  {
    rule: "describe",
    title: "Describe answers before Configure with a name, a version and protocol_version 1 (§4)",
    needs: ["handshake"],
    async run(ctx) {
      const d = await ok("Describe", session(ctx).call("describe", {}));
      if (!d.name) fail("Describe answered without a name");
      if (!d.version) fail("Describe answered without a version");
      if (d.protocolVersion !== 1) fail(`Describe says protocol_version ${d.protocolVersion}; want 1`);
      ctx.capabilities = [...d.capabilities];
    },
  },
  {
    rule: "configure.first",
    title: "answers calls before Configure with FAILED_PRECONDITION (§4)",
    needs: ["handshake"],
    async run(ctx) {
      await expectCode("ListInstances before Configure", session(ctx).call("listInstances", {}), ["failed-precondition"]);
    },
  },
  {
    rule: "configure",
    title: "accepts Configure with the given settings and secrets (§4)",
    needs: ["handshake"],
    async run(ctx) {
      await configure(ctx);
    },
  },
  {
    rule: "flavors",
    title: "lists at least one flavor, each with a unique name, cores ≥ 1 and RAM ≥ 1 MB",
    needs: ["configure"],
    async run(ctx) {
      const { flavors } = await ok("ListFlavors", session(ctx).call("listFlavors", {}));
      if (flavors.length === 0) fail("ListFlavors answered none");
      const names = new Set<string>();
      for (const f of flavors) {
        if (!f.name) fail("a flavor has no name");
        if (names.has(f.name)) fail(`flavor "${f.name}" is listed twice`);
        names.add(f.name);
        if (f.cores < 1 || f.ramMb < 1) fail(`flavor "${f.name}" has ${f.cores} cores and ${f.ramMb} MB RAM`);
      }
      const chosen = ctx.opts.flavor ?? flavors[0]?.name ?? "";
      if (!names.has(chosen)) fail(`the flavor to test with, "${chosen}", is not listed`);
      ctx.flavor = chosen;
    },
  },
  {
    rule: "images",
    title: "lists at least one image, each with an id and a name (§10)",
    needs: ["configure"],
    async run(ctx) {
      const { images } = await ok("ListImages", session(ctx).call("listImages", {}));
      if (images.length === 0) fail("ListImages answered none");
      for (const i of images) if (!i.id || !i.name) fail(`an image lacks an id or a name: ${JSON.stringify({ id: i.id, name: i.name })}`);
      ctx.image = ctx.opts.image ?? images[0]?.id ?? "";
    },
  },
  {
    rule: "get.not-found",
    title: "GetInstance of a node id without an instance answers NOT_FOUND (§9)",
    needs: ["configure"],
    async run(ctx) {
      await expectCode("GetInstance of a node never booted", session(ctx).call("getInstance", { nodeId: `${ctx.n1}-never` }), [
        "not-found",
      ]);
    },
  },
  {
    rule: "boot.invalid-argument",
    title: "Boot without a node id answers INVALID_ARGUMENT (§7)",
    needs: ["flavors", "images"],
    async run(ctx) {
      await expectCode("Boot with an empty node_id", session(ctx).call("boot", bootRequest(ctx, "")), ["invalid-argument"]);
    },
  },
  {
    rule: "boot.unknown-image",
    title: "Boot from an image that does not exist answers NOT_FOUND or INVALID_ARGUMENT and creates nothing (§7)",
    needs: ["flavors", "images"],
    async run(ctx) {
      const node = `${ctx.n1}-noimage`;
      await expectCode("Boot from a made-up image", session(ctx).call("boot", bootRequest(ctx, node, `no-such-image-${ctx.runId}`)), [
        "not-found",
        "invalid-argument",
      ]);
      await expectCode("GetInstance after a refused Boot", session(ctx).call("getInstance", { nodeId: node }), ["not-found"]);
    },
  },
  {
    rule: "boot.unknown-flavor",
    title: "Boot with a flavor that does not exist answers NOT_FOUND or INVALID_ARGUMENT and creates nothing (§7)",
    needs: ["flavors", "images"],
    async run(ctx) {
      const node = `${ctx.n1}-noflavor`;
      await expectCode(
        "Boot with a made-up flavor",
        session(ctx).call("boot", bootRequest(ctx, node, ctx.image, `no-such-flavor-${ctx.runId}`)),
        ["not-found", "invalid-argument"],
      );
      await expectCode("GetInstance after a refused Boot", session(ctx).call("getInstance", { nodeId: node }), ["not-found"]);
    },
  },
  {
    rule: "boot",
    title: "Boot answers the node's instance, BOOTING or RUNNING, once the cloud has accepted it (§9)",
    needs: ["flavors", "images"],
    async run(ctx) {
      const { instance } = await ok("Boot", session(ctx).call("boot", bootRequest(ctx, ctx.n1), 120_000));
      if (!instance) fail("Boot answered without an instance");
      if (instance.nodeId !== ctx.n1) fail(`Boot of ${ctx.n1} answered node_id "${instance.nodeId}"`);
      if (!instance.instanceId) fail("Boot answered an instance without an instance_id");
      if (instance.state !== InstanceState.INSTANCE_STATE_BOOTING && instance.state !== InstanceState.INSTANCE_STATE_RUNNING) {
        fail(`Boot answered state ${stateName(instance.state)}${instance.error ? ` (${instance.error})` : ""}; want BOOTING or RUNNING`);
      }
      ctx.n1InstanceId = instance.instanceId;
    },
  },
  {
    rule: "boot.idempotent",
    title: "Boot is idempotent on node_id: again, concurrently, and after a plugin restart, one instance per node (§9)",
    needs: ["boot"],
    async run(ctx) {
      const again = await ok("a second Boot", session(ctx).call("boot", bootRequest(ctx, ctx.n1), 120_000));
      if (again.instance?.instanceId !== ctx.n1InstanceId) {
        fail(
          `a second Boot of ${ctx.n1} answered instance ${again.instance?.instanceId ?? "none"}; the first answered ${ctx.n1InstanceId}`,
        );
      }
      const racing = await ok(
        "concurrent Boots",
        Promise.all(Array.from({ length: 5 }, () => session(ctx).call("boot", bootRequest(ctx, ctx.n2), 120_000))),
      );
      const ids = new Set(racing.map((r) => r.instance?.instanceId));
      if (ids.size !== 1) fail(`5 concurrent Boots of ${ctx.n2} answered ${ids.size} different instances`);
      const { instances } = await ok("ListInstances", session(ctx).call("listInstances", {}));
      for (const node of [ctx.n1, ctx.n2]) {
        const n = ofNode(instances, node).length;
        if (n !== 1) fail(`ListInstances shows ${n} instances for node ${node}; want 1`);
      }
      // The plugin's memory is not the truth: after a restart the cloud still knows the instance.
      await session(ctx).stop("stdin");
      ctx.session = undefined;
      try {
        ctx.session = await PluginSession.start(ctx.target, { workDir: ctx.workDir, stateDir: ctx.stateDir });
      } catch (err) {
        fail(`could not start the plugin again: ${(err as Error).message}`);
      }
      await configure(ctx);
      const after = await ok("Boot after a restart", session(ctx).call("boot", bootRequest(ctx, ctx.n1), 120_000));
      if (after.instance?.instanceId !== ctx.n1InstanceId) {
        const was = ctx.n1InstanceId;
        ctx.n1InstanceId = after.instance?.instanceId ?? "";
        fail(`after a plugin restart, Boot of ${ctx.n1} answered instance ${after.instance?.instanceId ?? "none"}; before it, ${was}`);
      }
    },
  },
  {
    rule: "status.transitions",
    title: "GetInstance shows BOOTING, then RUNNING, and never goes back (§10)",
    needs: ["boot"],
    async run(ctx) {
      if (!ctx.session) fail("no plugin session (the restart in boot.idempotent failed)");
      let running = false;
      const seen: string[] = [];
      await poll(`${ctx.n1} reaching RUNNING`, ctx.opts.timeoutMs, async () => {
        const { instance } = await ok("GetInstance", session(ctx).call("getInstance", { nodeId: ctx.n1 }));
        if (!instance) fail("GetInstance answered without an instance");
        const state = instance.state;
        if (seen.at(-1) !== stateName(state)) seen.push(stateName(state));
        if (instance.nodeId !== ctx.n1) fail(`GetInstance of ${ctx.n1} answered node_id "${instance.nodeId}"`);
        if (state === InstanceState.INSTANCE_STATE_ERROR) fail(`the instance went to ERROR: ${instance.error || "(no error message)"}`);
        if (state === InstanceState.INSTANCE_STATE_BOOTING && running) fail(`went back from RUNNING to BOOTING (${seen.join(" → ")})`);
        if (state !== InstanceState.INSTANCE_STATE_BOOTING && state !== InstanceState.INSTANCE_STATE_RUNNING) {
          fail(`a booting instance is in state ${stateName(state)} (${seen.join(" → ")})`);
        }
        if (state === InstanceState.INSTANCE_STATE_RUNNING) running = true;
        return running ? true : undefined;
      });
      // Still RUNNING a moment later.
      const { instance } = await ok("GetInstance", session(ctx).call("getInstance", { nodeId: ctx.n1 }));
      if (instance?.state !== InstanceState.INSTANCE_STATE_RUNNING) fail(`went from RUNNING to ${stateName(instance?.state ?? 0)}`);
    },
  },
  {
    rule: "list.tags",
    title: "ListInstances shows each instance with node_id and the tags standby-owner, standby-node and those of the request (§8)",
    needs: ["boot"],
    async run(ctx) {
      if (!ctx.session) fail("no plugin session");
      const { instances } = await ok("ListInstances", session(ctx).call("listInstances", {}));
      for (const node of [ctx.n1, ctx.n2]) {
        const [instance] = ofNode(instances, node);
        if (!instance) fail(`ListInstances does not show node ${node}'s instance`);
        const want = { [OWNER_TAG]: ctx.owner, [NODE_TAG]: node, "conformance-run": ctx.runId };
        const missing = Object.entries(want).filter(([k, v]) => instance.tags[k] !== v);
        if (missing.length > 0) {
          fail(
            `node ${node}'s instance is listed without ${missing.map(([k, v]) => `${k}=${v}`).join(", ")} (its tags: ${JSON.stringify(instance.tags)})`,
          );
        }
        if (instance.nodeId !== node) fail(`node ${node}'s instance is listed with node_id "${instance.nodeId}"`);
      }
    },
  },
  {
    rule: "quota",
    title: 'GetQuota answers (capability "quota"), or UNIMPLEMENTED without the capability (§10, §13)',
    needs: ["configure", "describe"],
    async run(ctx) {
      if (!ctx.session) fail("no plugin session");
      if (!ctx.capabilities.includes("quota")) {
        await expectCode("GetQuota without the quota capability", session(ctx).call("getQuota", {}), ["unimplemented"]);
        return;
      }
      const q = await ok("GetQuota", session(ctx).call("getQuota", {}));
      for (const [max, used, what] of [
        [q.maxInstances, q.usedInstances, "instances"],
        [q.maxCores, q.usedCores, "cores"],
        [q.maxRamMb, q.usedRamMb, "RAM"],
      ] as const) {
        if (max > 0 && used > max) fail(`GetQuota says ${used} ${what} used of ${max}`);
      }
    },
  },
  {
    rule: "snapshot",
    title:
      "CreateSnapshot makes an image (GetOperation until done, listed, bootable, DeleteImage idempotent), or UNIMPLEMENTED without the capability; a shared one without shared-images is FAILED_PRECONDITION (§10, §13)",
    needs: ["status.transitions", "describe"],
    async run(ctx) {
      const s = session(ctx);
      const request = {
        nodeId: ctx.n1,
        imageName: `conformance-${ctx.runId}`,
        visibility: Visibility.VISIBILITY_PRIVATE,
        tags: { "conformance-run": ctx.runId },
      };
      if (!ctx.capabilities.includes("snapshot")) {
        await expectCode("CreateSnapshot without the snapshot capability", s.call("createSnapshot", request), ["unimplemented"]);
        return;
      }
      if (!ctx.capabilities.includes("shared-images")) {
        await expectCode(
          "CreateSnapshot with VISIBILITY_SHARED without the shared-images capability",
          s.call(
            "createSnapshot",
            { ...request, imageName: `${request.imageName}-shared`, visibility: Visibility.VISIBILITY_SHARED },
            120_000,
          ),
          ["failed-precondition"],
        );
      }
      const { operation } = await ok("CreateSnapshot", s.call("createSnapshot", request, 120_000));
      if (!operation?.id) fail("CreateSnapshot answered without an operation id");
      const done = await poll("the snapshot operation", ctx.opts.timeoutMs, async () => {
        const { operation: op } = await ok("GetOperation", s.call("getOperation", { id: operation.id }));
        return op?.done ? op : undefined;
      });
      if (done.error) fail(`the snapshot failed: ${done.error}`);
      if (!done.imageId) fail("a finished snapshot operation has no image_id");
      await expectCode("GetOperation of a made-up id", s.call("getOperation", { id: `no-such-op-${ctx.runId}` }), ["not-found"]);
      const { images } = await ok("ListImages", s.call("listImages", {}));
      const image = images.find((i) => i.id === done.imageId);
      if (!image) fail(`ListImages does not show the new image ${done.imageId}`);
      if (image.tags[OWNER_TAG] !== ctx.owner)
        fail(`the new image is not tagged ${OWNER_TAG}=${ctx.owner} (its tags: ${JSON.stringify(image.tags)})`);
      const boot = await ok("Boot from the new image", s.call("boot", bootRequest(ctx, ctx.n3, done.imageId), 120_000));
      if (!boot.instance?.instanceId) fail("Boot from the new image answered no instance");
      await ok("DeleteInstance", s.call("deleteInstance", { nodeId: ctx.n3 }, 120_000));
      await ok("DeleteImage", s.call("deleteImage", { imageId: done.imageId }, 120_000));
      await ok("a second DeleteImage of the same image", s.call("deleteImage", { imageId: done.imageId }, 120_000));
      await poll("the deleted image to leave ListImages", ctx.opts.timeoutMs, async () => {
        const listed = await ok("ListImages", s.call("listImages", {}));
        return listed.images.some((i) => i.id === done.imageId) ? undefined : true;
      });
    },
  },
  {
    rule: "delete.idempotent",
    title: "DeleteInstance succeeds, again for the same node, and for a node that never had an instance (§9)",
    needs: ["boot"],
    async run(ctx) {
      const s = session(ctx);
      await ok("DeleteInstance", s.call("deleteInstance", { nodeId: ctx.n1 }, 120_000));
      await ok("a second DeleteInstance of the same node", s.call("deleteInstance", { nodeId: ctx.n1 }, 120_000));
      await ok("DeleteInstance of a node that never had an instance", s.call("deleteInstance", { nodeId: `${ctx.n1}-never` }, 120_000));
    },
  },
  {
    rule: "delete.not-found-after",
    title: "after DeleteInstance, GetInstance answers NOT_FOUND, possibly after a while in DELETING, and the list lets go of it (§9)",
    needs: ["boot"],
    async run(ctx) {
      const s = session(ctx);
      // delete.idempotent may have failed before its first delete went through.
      await outcome(s.call("deleteInstance", { nodeId: ctx.n1 }, 120_000));
      await poll(`${ctx.n1} to be NOT_FOUND`, ctx.opts.timeoutMs, async () => {
        try {
          const { instance } = await s.call("getInstance", { nodeId: ctx.n1 });
          if (instance && instance.state !== InstanceState.INSTANCE_STATE_DELETING) {
            fail(`after DeleteInstance the instance is ${stateName(instance.state)}; want DELETING, then NOT_FOUND`);
          }
          return undefined;
        } catch (err) {
          if (err instanceof Violation) throw err;
          const code = StandbyError.from(err).code;
          if (code === "not-found") return true;
          return fail(`GetInstance after DeleteInstance answered ${codeName(code)}`);
        }
      });
      const { instances } = await ok("ListInstances", s.call("listInstances", {}));
      const left = ofNode(instances, ctx.n1).filter((i) => i.state !== InstanceState.INSTANCE_STATE_DELETING);
      if (left.length > 0)
        fail(`ListInstances still shows ${ctx.n1} as ${stateName(left[0]?.state ?? 0)} after GetInstance said NOT_FOUND`);
    },
  },
  {
    rule: "owner.list",
    title: "ListInstances tells another owner's instances apart: never with a node_id, never tagged with this owner (§8)",
    needs: ["boot"],
    async run(ctx) {
      await bootAsOtherOwner(ctx);
      const { instances } = await ok("ListInstances", session(ctx).call("listInstances", {}));
      for (const i of instances) {
        const taggedOwner = i.tags[OWNER_TAG];
        if (i.instanceId === ctx.otherInstanceId && taggedOwner === ctx.owner)
          fail(
            `ListInstances shows the second owner's instance ${i.instanceId} tagged ${OWNER_TAG}=${ctx.owner}; it was booted by ${ctx.other}`,
          );
        if (i.nodeId !== "" && (i.instanceId === ctx.otherInstanceId || (taggedOwner !== undefined && taggedOwner !== ctx.owner))) {
          fail(
            `ListInstances shows instance ${i.instanceId} of owner ${taggedOwner ?? ctx.other} with node_id "${i.nodeId}"; node_id is only for this owner's instances (${ctx.owner})`,
          );
        }
        if (i.nodeId === ctx.shared) fail(`ListInstances shows node ${ctx.shared} as this owner's, but only the second owner booted it`);
      }
    },
  },
  {
    rule: "owner.node-id",
    title:
      "GetInstance, Boot and DeleteInstance find a node by owner and node id: another owner's instance of the same node id is never touched (§8, §9)",
    needs: ["boot"],
    async run(ctx) {
      // Boot is idempotent: the instance owner.list booted, if it did.
      await bootAsOtherOwner(ctx);
      const s = session(ctx);
      let found: Instance | undefined;
      try {
        found = (await s.call("getInstance", { nodeId: ctx.shared })).instance;
      } catch (err) {
        const code = StandbyError.from(err).code;
        if (code !== "not-found")
          fail(`GetInstance of ${ctx.shared}, which only the second owner booted, answered ${codeName(code)}; want NOT_FOUND`);
      }
      if (found) {
        fail(
          found.instanceId === ctx.otherInstanceId
            ? `GetInstance of ${ctx.shared} found the second owner's instance ${ctx.otherInstanceId}; this owner has none`
            : `GetInstance of ${ctx.shared}, which only the second owner booted, answered instance ${found.instanceId}; want NOT_FOUND`,
        );
      }
      const { instance: ours } = await ok(`Boot of ${ctx.shared} by this owner`, s.call("boot", bootRequest(ctx, ctx.shared), 120_000));
      if (!ours?.instanceId) fail(`Boot of ${ctx.shared} answered no instance`);
      if (ours.instanceId === ctx.otherInstanceId)
        fail(`Boot of ${ctx.shared} by this owner answered the second owner's instance ${ctx.otherInstanceId}; want a new one`);
      await ok(`DeleteInstance of ${ctx.shared} by this owner`, s.call("deleteInstance", { nodeId: ctx.shared }, 120_000));
      await poll(`this owner's ${ctx.shared} to be NOT_FOUND`, ctx.opts.timeoutMs, async () =>
        (await outcome(s.call("getInstance", { nodeId: ctx.shared }))) === "not-found" ? true : undefined,
      );
      await asOtherOwner(ctx, async (other) => {
        let theirs: Instance | undefined;
        try {
          theirs = (await other.call("getInstance", { nodeId: ctx.shared })).instance;
        } catch (err) {
          const code = StandbyError.from(err).code;
          fail(
            `after this owner deleted its ${ctx.shared}, the second owner's GetInstance of it answered ${codeName(code)}: its instance went too`,
          );
        }
        if (theirs?.instanceId !== ctx.otherInstanceId)
          fail(
            `the second owner's GetInstance of ${ctx.shared} answered instance ${theirs?.instanceId ?? "none"}; it booted ${ctx.otherInstanceId}`,
          );
        if (theirs.state === InstanceState.INSTANCE_STATE_DELETING)
          fail(`after this owner deleted its ${ctx.shared}, the second owner's instance ${ctx.otherInstanceId} is DELETING`);
        await ok(`the second owner's DeleteInstance of ${ctx.shared}`, other.call("deleteInstance", { nodeId: ctx.shared }, 120_000));
      });
    },
  },
  {
    rule: "shutdown.stdin-eof",
    title: `exits by itself within ${EXIT_GRACE} when its stdin closes (the scheduler is gone) (§6)`,
    needs: ["handshake"],
    async run(ctx) {
      if (!ctx.session) fail("no plugin session");
      await cleanUp(ctx);
      const { exitedOnItsOwn } = await session(ctx).stop("stdin");
      ctx.session = undefined;
      if (!exitedOnItsOwn) fail(`still running ${EXIT_GRACE} after its stdin closed`);
    },
  },
  {
    rule: "shutdown.sigterm",
    title: `exits by itself within ${EXIT_GRACE} of SIGTERM (§6)`,
    needs: ["handshake"],
    async run(ctx) {
      try {
        ctx.session = await PluginSession.start(ctx.target, { workDir: ctx.workDir, stateDir: ctx.stateDir });
      } catch (err) {
        fail(`could not start the plugin again: ${(err as Error).message}`);
      }
      const { exitedOnItsOwn } = await session(ctx).stop("sigterm");
      ctx.session = undefined;
      if (!exitedOnItsOwn) fail(`still running ${EXIT_GRACE} after SIGTERM`);
    },
  },
];

/** Deletes what the run booted (best effort). */
async function cleanUp(ctx: Context): Promise<void> {
  const s = ctx.session;
  if (!s) return;
  for (const nodeId of [ctx.n1, ctx.n2, ctx.n3, ctx.shared]) await outcome(s.call("deleteInstance", { nodeId }, 30_000));
  if (ctx.otherInstanceId) await outcome(asOtherOwner(ctx, (other) => other.call("deleteInstance", { nodeId: ctx.shared }, 30_000)));
}

/** Runs every check against one plugin. Never throws for the plugin's faults: they are in the report. */
export async function runConformance(target: PluginTarget, options: ConformanceOptions = {}): Promise<ConformanceReport> {
  const workDir = await mkdtemp(path.join(tmpdir(), "standby-conformance-"));
  const stateDir = path.join(workDir, "plugin-state");
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const runId = randomBytes(4).toString("hex");
  const ctx: Context = {
    target,
    opts: { timeoutMs: 60_000, ...options },
    workDir,
    stateDir,
    owner: `conformance-${runId}`,
    other: `conformance-${runId}-other`,
    runId,
    session: undefined,
    capabilities: [],
    image: options.image ?? "",
    flavor: options.flavor ?? "",
    n1: `cf-${runId}-1`,
    n2: `cf-${runId}-2`,
    n3: `cf-${runId}-3`,
    n1InstanceId: "",
    shared: `cf-${runId}-shared`,
    otherInstanceId: "",
  };
  const results: RuleResult[] = [];
  let stderrTail: string[] = [];
  try {
    for (const check of CHECKS) {
      const blocker = check.needs.find((rule) => results.find((r) => r.rule === rule)?.status !== "passed");
      let result: RuleResult;
      if (blocker) {
        result = {
          rule: check.rule,
          title: check.title,
          status: "blocked",
          message: `not run: needs ${blocker}, which did not pass`,
          ms: 0,
        };
      } else {
        const started = Date.now();
        try {
          await check.run(ctx);
          result = { rule: check.rule, title: check.title, status: "passed", message: "", ms: Date.now() - started };
        } catch (err) {
          const message = err instanceof Violation ? err.message : `the check itself failed: ${(err as Error).stack ?? String(err)}`;
          result = { rule: check.rule, title: check.title, status: "failed", message, ms: Date.now() - started };
        }
      }
      if (ctx.session) stderrTail = ctx.session.stderr.slice(-10);
      results.push(result);
      options.onResult?.(result);
    }
  } finally {
    if (ctx.session) {
      await cleanUp(ctx).catch(() => undefined);
      await ctx.session.stop("kill").catch(() => undefined);
    }
    await rm(workDir, { recursive: true, force: true });
  }
  return { plugin: target.name, command: target.command, passed: results.every((r) => r.status === "passed"), results, stderrTail };
}

/** One line per rule, then the verdict; failures name the rule they broke. */
export function formatReport(report: ConformanceReport): string {
  const mark: Record<RuleStatus, string> = { passed: "ok  ", failed: "FAIL", blocked: "skip" };
  const lines = [`conformance of ${report.plugin} (${report.command.join(" ")})`];
  for (const r of report.results) {
    lines.push(`  ${mark[r.status]} ${r.rule}: ${r.title}`);
    if (r.status !== "passed") lines.push(`         ${r.status === "failed" ? `broke ${r.rule}: ` : ""}${r.message}`);
  }
  const failed = report.results.filter((r) => r.status === "failed").map((r) => r.rule);
  const blocked = report.results.filter((r) => r.status === "blocked").length;
  if (!report.passed && report.stderrTail.length > 0)
    lines.push("  the plugin's last stderr lines:", ...report.stderrTail.map((l) => `    ${l}`));
  lines.push(
    report.passed
      ? `  PASS: ${report.results.length} rules`
      : `  FAIL: ${failed.length} rule(s) broken (${failed.join(", ")})${blocked ? `, ${blocked} not run` : ""}`,
  );
  return lines.join("\n");
}
