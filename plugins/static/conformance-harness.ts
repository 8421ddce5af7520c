#!/usr/bin/env node
import { randomInt } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createPluginLogger, ENV_STATE_DIR, servePlugin, type PluginConfig } from "../sdk/index.js";
import { startSshServer } from "../sdk/ssh-server.js";
import { generateEd25519Key } from "../../common/ssh-keys.js";
import { StaticHosts } from "./cloud.js";

/**
 * The static-hosts plugin with machines to hand out, for the conformance
 * suite (plugins/static/conformance.json runs this through
 * conformance-harness.sh). It starts a few SSH servers of the SDK in this
 * process, each on its own loopback address with its own host key and home
 * directory, and serves the real StaticHosts plugin with those hosts and its
 * key added to whatever Configure brings. Addresses, ports and keys are kept
 * in the state directory, so a restarted harness serves the same "machines".
 * Not for production: a real deployment lists real machines.
 */
const HOSTS = 3;

interface Fixture {
  base: string;
  pluginKey: { privateKey: string; publicKey: string };
  hosts: { address: string; port: number; hostKey: { privateKey: string; publicKey: string } }[];
}

const stateDir = process.env[ENV_STATE_DIR];
if (!stateDir) {
  process.stderr.write(`conformance harness: ${ENV_STATE_DIR} is not set (run it through the conformance suite)\n`);
  process.exit(1);
}
const fixtureFile = path.join(stateDir, "conformance-hosts.json");
let fixture: Fixture;
try {
  fixture = JSON.parse(readFileSync(fixtureFile, "utf8")) as Fixture;
} catch {
  const base = `127.${randomInt(20, 220)}.${randomInt(0, 256)}`;
  fixture = {
    base,
    pluginKey: generateEd25519Key("conformance-plugin"),
    hosts: Array.from({ length: HOSTS }, (_, i) => ({ address: `${base}.${i + 1}`, port: 0, hostKey: generateEd25519Key(`host${i + 1}`) })),
  };
}

for (const [i, host] of fixture.hosts.entries()) {
  const home = path.join(stateDir, "conformance-hosts", `host${i + 1}`);
  mkdirSync(path.join(home, ".ssh"), { recursive: true });
  writeFileSync(path.join(home, ".ssh", "authorized_keys"), `${fixture.pluginKey.publicKey}\n`, { flag: "a" });
  const server = await startSshServer({
    host: host.address,
    port: host.port,
    hostKey: host.hostKey.privateKey,
    authorizedKeysFile: path.join(home, ".ssh", "authorized_keys"),
    workDir: home,
  });
  host.port = server.port;
}
writeFileSync(fixtureFile, JSON.stringify(fixture), { mode: 0o600 });

const logger = createPluginLogger("static");
const plugin = new StaticHosts({ version: "conformance", logger });
const configure = plugin.configure.bind(plugin);
plugin.configure = (config: PluginConfig) =>
  configure({
    ...config,
    settings: {
      ...config.settings,
      hosts: fixture.hosts.map((h, i) => ({
        name: `host${i + 1}`,
        address: h.address,
        port: h.port,
        username: "ci",
        hostKey: h.hostKey.publicKey,
      })),
    },
    secrets: { ...config.secrets, sshPrivateKey: fixture.pluginKey.privateKey },
  });
await servePlugin(plugin, { logger });
