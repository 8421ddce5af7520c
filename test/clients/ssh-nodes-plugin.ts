import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import ssh2 from "ssh2";
import { StandbyError } from "../../common/errors.js";
import { NODE_TAG, OWNER_TAG, type BootSpec, type Flavor, type ImageInfo, type Instance } from "../../common/provider.js";
import {
  createPluginLogger,
  servePlugin,
  type PluginConfig,
  type PluginDescription,
  type PluginImplementation,
} from "../../plugins/sdk/index.js";
import { publicKeyLine } from "../../common/ssh-keys.js";
import { startSshServer, type SshServer } from "../../plugins/sdk/ssh-server.js";

/**
 * A provider plugin for the Java client's SSH tests: every node is a real SSH
 * server (plugins/sdk/ssh-server.ts, the one the local provider's nodes run)
 * on 127.0.0.1 with its own port, home directory and host key, so the whole
 * path runs for real: the scheduler's ready check and key hand-over over SSH,
 * then the launcher's JSch connection verifying the pinned key.
 *
 * settings.hostKeyType picks the nodes' host key: "ecdsa" (P-256, default)
 * or "ed25519". Each node has exactly one, so whatever the scheduler pins is
 * what every client negotiates.
 */

const { utils } = ssh2;
const log = createPluginLogger("ssh-nodes");

interface TestNode {
  instance: Instance;
  server: SshServer;
  dir: string;
}

class SshNodes implements PluginImplementation {
  private nodes = new Map<string, TestNode>();
  private booting = new Map<string, Promise<Instance>>();
  private ownerId = "";
  private hostKeyType: "ecdsa" | "ed25519" = "ecdsa";

  describe(): PluginDescription {
    return { name: "ssh-nodes", version: "test", capabilities: [] };
  }

  configure(config: PluginConfig): void {
    const type = (config.settings as { hostKeyType?: unknown }).hostKeyType ?? "ecdsa";
    if (type !== "ecdsa" && type !== "ed25519") throw StandbyError.invalidArgument("settings.hostKeyType", '"ecdsa" or "ed25519"');
    this.hostKeyType = type;
    this.ownerId = config.ownerId;
  }

  boot(spec: BootSpec): Promise<Instance> {
    const known = this.nodes.get(spec.nodeId);
    if (known) return Promise.resolve(known.instance);
    let pending = this.booting.get(spec.nodeId);
    if (!pending) {
      pending = this.start(spec).finally(() => this.booting.delete(spec.nodeId));
      this.booting.set(spec.nodeId, pending);
    }
    return pending;
  }

  private async start(spec: BootSpec): Promise<Instance> {
    const dir = await mkdtemp(path.join(tmpdir(), "standby-ssh-node-"));
    await mkdir(path.join(dir, ".ssh"), { mode: 0o700 });
    const authorizedKeys = path.join(dir, ".ssh", "authorized_keys");
    await writeFile(authorizedKeys, spec.sshPublicKeys.map((k) => `${k}\n`).join(""), { mode: 0o600 });
    const pair = this.hostKeyType === "ecdsa" ? utils.generateKeyPairSync("ecdsa", { bits: 256 }) : utils.generateKeyPairSync("ed25519");
    const server = await startSshServer({
      host: "127.0.0.1",
      port: 0,
      hostKey: pair.private,
      authorizedKeysFile: authorizedKeys,
      username: "ci",
      workDir: dir,
      logger: log,
    });
    const instance: Instance = {
      nodeId: spec.nodeId,
      instanceId: `sshnode-${server.port}`,
      state: "running",
      addresses: ["127.0.0.1"],
      sshPort: server.port,
      username: "ci",
      hostKeys: [publicKeyLine(pair.public)],
      tags: { ...spec.tags, [OWNER_TAG]: this.ownerId, [NODE_TAG]: spec.nodeId },
      image: spec.image,
      flavor: spec.flavor,
      createdAt: Date.now(),
      error: "",
    };
    this.nodes.set(spec.nodeId, { instance, server, dir });
    return instance;
  }

  getInstance(nodeId: string): Instance {
    const node = this.nodes.get(nodeId);
    if (!node) throw new StandbyError("not-found", `no instance for node ${nodeId}`);
    return node.instance;
  }

  async deleteInstance(nodeId: string): Promise<void> {
    const node = this.nodes.get(nodeId);
    if (!node) return;
    this.nodes.delete(nodeId);
    await node.server.close();
    await rm(node.dir, { recursive: true, force: true });
  }

  listInstances(): Instance[] {
    return [...this.nodes.values()].map((n) => n.instance);
  }

  listFlavors(): Flavor[] {
    return [{ name: "small", cores: 1, ramMb: 1024, diskGb: 0 }];
  }

  listImages(): ImageInfo[] {
    return [{ id: "ubuntu-jammy", name: "ubuntu-jammy", createdAt: 0, tags: {}, visibility: "public", sizeBytes: 0 }];
  }

  async close(): Promise<void> {
    for (const id of [...this.nodes.keys()]) await this.deleteInstance(id);
  }
}

await servePlugin(new SshNodes(), { logger: log });
