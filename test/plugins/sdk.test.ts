import assert from "node:assert/strict";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { credentials, Metadata, status, type ServiceError } from "@grpc/grpc-js";
import { service as healthService } from "grpc-health-check";
import { suite } from "../lib/harness.js";
import { readFakeCloud } from "../../plugins/fake/state.js";
import { BootRequest, ProviderServiceClient, ProviderServiceService } from "../../gen/ts/standby/provider/v1/provider.js";
import {
  ENV_SECRET,
  ENV_SOCKET_DIR,
  fromServiceError,
  parseHandshake,
  SECRET_METADATA_KEY,
  toStatus,
  codeFromGrpcStatus,
  grpcStatusFromCode,
  instanceFromProto,
  instanceToProto,
  bootSpecFromProto,
  bootSpecToProto,
} from "../../plugins/sdk/index.js";
import { StandbyError, type ErrorCode } from "../../common/errors.js";
import type { Instance } from "../../common/provider.js";

/** The SDK's side of the contract, spoken to directly (no plugin host). */
const t = suite("plugin sdk");

const FAKE_MAIN = fileURLToPath(new URL("../../plugins/fake/main.js", import.meta.url));

interface Running {
  child: ChildProcessWithoutNullStreams;
  dir: string;
  secret: string;
  stdout: string[];
  stderr: string[];
  handshake: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  client: ProviderServiceClient;
  call<M extends keyof typeof ProviderServiceService>(method: M, request: unknown, secret?: string): Promise<unknown>;
  cleanup(): Promise<void>;
}

async function startFake(env: Record<string, string | undefined> = {}): Promise<Running> {
  const dir = await mkdtemp(path.join(tmpdir(), "sb-sdk-"));
  const secret = "s3cret-for-tests";
  const child = spawn(process.execPath, [FAKE_MAIN], {
    env: { PATH: process.env.PATH, [ENV_SECRET]: secret, [ENV_SOCKET_DIR]: dir, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  let out = "";
  const handshake = new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      const lines = out.split("\n");
      out = lines.pop() ?? "";
      stdout.push(...lines);
      if (stdout.length > 0) resolve(stdout[0] as string);
    });
    void exited.then(() => reject(new Error(`exited before the handshake: ${stderr.join("\n")}`)));
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => stderr.push(...chunk.split("\n").filter(Boolean)));
  const line = await handshake;
  const socket = parseHandshake(line)?.address ?? "";
  const client = new ProviderServiceClient(`unix:${socket}`, credentials.createInsecure());
  return {
    child,
    dir,
    secret,
    stdout,
    stderr,
    handshake: line,
    exited,
    client,
    call(method, request, withSecret = secret) {
      const def = ProviderServiceService[method];
      const metadata = new Metadata();
      if (withSecret) metadata.set(SECRET_METADATA_KEY, withSecret);
      return new Promise((resolve, reject) =>
        client.makeUnaryRequest(
          def.path,
          def.requestSerialize as (v: unknown) => Buffer,
          def.responseDeserialize as (b: Buffer) => unknown,
          request,
          metadata,
          { deadline: Date.now() + 5_000 },
          (err: ServiceError | null, res?: unknown) => (err ? reject(err) : resolve(res)),
        ),
      );
    },
    async cleanup() {
      client.close();
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function grpcCode(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
  } catch (err) {
    return (err as ServiceError).code;
  }
  throw new Error("expected a failure");
}

t("exits with code 1 and a clear message when its environment is missing", async () => {
  const child = spawn(process.execPath, [FAKE_MAIN], { env: { PATH: process.env.PATH }, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
  assert.equal(code, 1);
  assert.equal(stdout, "");
  assert.match(stderr, /STANDBY_PLUGIN_SECRET and STANDBY_PLUGIN_SOCKET_DIR are not set/);
});

t("prints exactly one handshake line naming a bound socket in its directory", async () => {
  const r = await startFake();
  try {
    assert.equal(r.handshake, `standby-plugin|1|unix|${path.join(r.dir, "plugin.sock")}`);
    assert.ok(existsSync(path.join(r.dir, "plugin.sock")));
    await r.call("describe", {});
    await r.call("configure", { settings: { stateFile: path.join(r.dir, "cloud.json") }, secrets: {}, ownerId: "o", providerName: "p" });
    await r.call("listInstances", {});
    assert.deepEqual(r.stdout, [r.handshake]);
    assert.ok(r.stderr.length > 0, "logs go to stderr");
  } finally {
    await r.cleanup();
  }
});

t("refuses calls without the right secret", async () => {
  const r = await startFake();
  try {
    assert.equal(await grpcCode(r.call("describe", {}, "")), status.UNAUTHENTICATED);
    assert.equal(await grpcCode(r.call("describe", {}, "wrong")), status.UNAUTHENTICATED);
    assert.equal(await grpcCode(r.call("listInstances", {}, "s3cret-for-test")), status.UNAUTHENTICATED);
  } finally {
    await r.cleanup();
  }
});

t("answers Describe before Configure and refuses everything else", async () => {
  const r = await startFake();
  try {
    const description = (await r.call("describe", {})) as { name: string; protocolVersion: number };
    assert.equal(description.name, "fake");
    assert.equal(description.protocolVersion, 1);
    assert.equal(await grpcCode(r.call("listInstances", {})), status.FAILED_PRECONDITION);
    assert.equal(await grpcCode(r.call("boot", { nodeId: "n", tags: {} })), status.FAILED_PRECONDITION);
  } finally {
    await r.cleanup();
  }
});

t("bad settings are INVALID_ARGUMENT naming the field, carried back to the host", async () => {
  const r = await startFake();
  try {
    const err = await r.call("configure", { settings: { failureRate: 2 }, secrets: {}, ownerId: "o", providerName: "p" }).then(
      () => assert.fail("configure succeeded"),
      (e: ServiceError) => e,
    );
    assert.equal(err.code, status.INVALID_ARGUMENT);
    const mapped = fromServiceError(err);
    assert.equal(mapped.code, "invalid-argument");
    assert.equal(mapped.field, "settings.stateFile");
    const typo = await r
      .call("configure", { settings: { stateFile: "/tmp/x.json", bootLatency: 5 }, secrets: {}, ownerId: "o", providerName: "p" })
      .then(
        () => assert.fail("configure succeeded"),
        (e: ServiceError) => fromServiceError(e),
      );
    assert.equal(typo.field, "settings.bootLatency");
    const nested = await r
      .call("configure", {
        settings: { stateFile: "/tmp/x.json", flavors: [{ name: "a", cores: 0, ramMb: 1 }] },
        secrets: {},
        ownerId: "o",
        providerName: "p",
      })
      .then(
        () => assert.fail("configure succeeded"),
        (e: ServiceError) => fromServiceError(e),
      );
    assert.equal(nested.field, "settings.flavors[0].cores");
    const unwritable = await r
      .call("configure", { settings: { stateFile: "/nonexistent/dir/cloud.json" }, secrets: {}, ownerId: "o", providerName: "p" })
      .then(
        () => assert.fail("configure succeeded"),
        (e: ServiceError) => fromServiceError(e),
      );
    assert.equal(unwritable.code, "failed-precondition");
    assert.match(unwritable.message, /does not exist/);
  } finally {
    await r.cleanup();
  }
});

t("serves grpc.health.v1", async () => {
  const r = await startFake();
  try {
    const check = healthService["Check"];
    assert.ok(check);
    const response = await new Promise<{ status: string }>((resolve, reject) =>
      r.client.makeUnaryRequest(
        check.path,
        check.requestSerialize,
        check.responseDeserialize as (b: Buffer) => { status: string },
        { service: "" },
        new Metadata(),
        {},
        (err: ServiceError | null, res?: { status: string }) => (err ? reject(err) : resolve(res as { status: string })),
      ),
    );
    assert.equal(response.status, "SERVING");
  } finally {
    await r.cleanup();
  }
});

t("exits when its stdin reaches EOF, removing its socket", async () => {
  const r = await startFake();
  try {
    r.child.stdin.end();
    const exit = await r.exited;
    assert.equal(exit.code, 0);
    assert.equal(existsSync(path.join(r.dir, "plugin.sock")), false);
  } finally {
    await r.cleanup();
  }
});

t("shuts down gracefully on SIGTERM, flushing the cloud state", async () => {
  const r = await startFake();
  try {
    const stateFile = path.join(r.dir, "cloud.json");
    await r.call("configure", { settings: { stateFile }, secrets: {}, ownerId: "o", providerName: "p" });
    await r.call("boot", BootRequest.fromPartial({ nodeId: "n-1", template: { image: "ubuntu-jammy", flavor: "small" } }));
    r.child.kill("SIGTERM");
    const exit = await r.exited;
    assert.equal(exit.code, 0);
    assert.equal((await readFakeCloud(stateFile)).instances.length, 1);
    assert.ok(r.stderr.some((l) => l.includes("SIGTERM")));
  } finally {
    await r.cleanup();
  }
});

t("parses handshake lines strictly", () => {
  assert.equal(parseHandshake("hello"), undefined);
  assert.equal(parseHandshake("standby-pluginX|1|unix|/a"), undefined);
  assert.deepEqual(parseHandshake("standby-plugin|1|unix|/tmp/a/plugin.sock\r"), {
    protocolVersion: 1,
    network: "unix",
    address: "/tmp/a/plugin.sock",
  });
  assert.throws(() => parseHandshake("standby-plugin|2|unix|/a"), /protocol version 2/);
  assert.throws(() => parseHandshake("standby-plugin|1|tcp|127.0.0.1:5"), /network/);
  assert.throws(() => parseHandshake("standby-plugin|1|unix|relative.sock"), /absolute/);
  assert.throws(() => parseHandshake("standby-plugin|1|unix"), /malformed/);
});

t("maps every error code to a status and back", () => {
  const codes: ErrorCode[] = [
    "invalid-argument",
    "not-found",
    "already-exists",
    "failed-precondition",
    "resource-exhausted",
    "unavailable",
    "deadline-exceeded",
    "unauthenticated",
    "permission-denied",
    "unimplemented",
    "aborted",
    "cancelled",
    "internal",
  ];
  for (const code of codes) assert.equal(codeFromGrpcStatus(grpcStatusFromCode(code)), code);
  let logged: unknown;
  const hidden = toStatus(new Error("password=hunter2"), (err) => (logged = err));
  assert.equal(hidden.code, status.INTERNAL);
  assert.doesNotMatch(String(hidden.details), /hunter2/);
  assert.ok(logged instanceof Error);
  const known = toStatus(new StandbyError("resource-exhausted", "quota"), () => assert.fail("logged a known error"));
  assert.deepEqual([known.code, known.details], [status.RESOURCE_EXHAUSTED, "quota"]);
});

t("converts instances and boot specs without loss", () => {
  const instance: Instance = {
    nodeId: "n",
    instanceId: "i",
    state: "deleting",
    addresses: ["10.0.0.1", "fe80::1"],
    sshPort: 2222,
    username: "u",
    hostKeys: ["ssh-ed25519 AAAA"],
    tags: { a: "b" },
    image: "img",
    flavor: "f",
    createdAt: 1_700_000_000_123,
    error: "",
  };
  assert.deepEqual(instanceFromProto(instanceToProto(instance)), instance);
  const spec = {
    nodeId: "n",
    label: "jammy",
    image: "img",
    flavor: "f",
    setupScript: "echo hi",
    networks: ["net"],
    sshPublicKeys: ["k"],
    tags: { x: "y" },
  };
  assert.deepEqual(bootSpecFromProto(bootSpecToProto(spec)), spec);
  assert.equal(instanceFromProto({ ...instanceToProto(instance), state: 0 }).state, "error");
});

t.run();
