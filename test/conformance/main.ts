#!/usr/bin/env node
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { discoverPlugins, parseConformanceConfig, readDocument, splitCommand, targetOf, type DiscoveredPlugin } from "./discover.js";
import { CHECKS, formatReport, runConformance, type ConformanceReport } from "./suite.js";

const USAGE = `usage: npm run conformance -- [--plugin "COMMAND"] [options]

Runs the provider conformance suite (docs/plugin-protocol.md) against a plugin
program in any language, or, without --plugin, against every plugin in
plugins/ (each with the settings in its conformance.json).

  --plugin "COMMAND"  the command line that starts the plugin, e.g. "./my-plugin --verbose"
  --settings FILE     the provider settings to Configure with (JSON or YAML)
  --secrets FILE      the secrets to Configure with (JSON or YAML, string values)
  --config FILE       a conformance.json (settings, secrets, env, image, flavor, timeoutMs)
  --image ID          image to boot (default: the first the plugin lists)
  --flavor NAME       flavor to boot (default: the first the plugin lists)
  --timeout SECONDS   longest wait for RUNNING, deletes and snapshots (default 60)
  --json              print the reports as JSON
  --list              print the rules and exit
  -h, --help

Exit code: 0 every rule passed, 1 a rule was broken, 2 a usage error.
`;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

function usage(message: string): never {
  process.stderr.write(`conformance: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function parse() {
  try {
    return parseArgs({
      options: {
        plugin: { type: "string" },
        settings: { type: "string" },
        secrets: { type: "string" },
        config: { type: "string" },
        image: { type: "string" },
        flavor: { type: "string" },
        timeout: { type: "string" },
        json: { type: "boolean" },
        list: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (err) {
    return usage((err as Error).message);
  }
}

function plugins(values: ReturnType<typeof parse>): DiscoveredPlugin[] {
  if (!values.plugin) {
    for (const flag of ["settings", "secrets", "config", "image", "flavor"] as const) {
      if (values[flag] !== undefined) usage(`--${flag} needs --plugin (plugins in plugins/ take theirs from conformance.json)`);
    }
    const found = discoverPlugins(repoRoot);
    if (found.length === 0) usage("no plugins found in plugins/");
    return found;
  }
  const command = splitCommand(values.plugin);
  if (command.length === 0) usage("--plugin is empty");
  const config = parseConformanceConfig(values.config ? readDocument(values.config) : {}, values.config ?? "options");
  if (values.settings) config.settings = readDocument(values.settings) as Record<string, unknown>;
  if (values.secrets) config.secrets = readDocument(values.secrets) as Record<string, string>;
  if (typeof config.settings !== "object" || config.settings === null || Array.isArray(config.settings))
    usage("--settings must hold an object");
  config.command = command;
  if (values.image) config.image = values.image;
  if (values.flavor) config.flavor = values.flavor;
  if (values.timeout) {
    const seconds = Number(values.timeout);
    if (!Number.isFinite(seconds) || seconds <= 0) usage(`--timeout must be a positive number of seconds, not "${values.timeout}"`);
    config.timeoutMs = Math.round(seconds * 1000);
  }
  const { target, options } = targetOf(values.plugin, config, process.cwd());
  // The plugin runs in a fresh working directory; relative paths on the command line mean this one.
  target.command = command.map((part) => (!path.isAbsolute(part) && part.includes("/") && existsSync(part) ? path.resolve(part) : part));
  return [{ name: target.name, target, options }];
}

const values = parse();
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (values.list) {
  for (const check of CHECKS) process.stdout.write(`${check.rule}: ${check.title}\n`);
  process.exit(0);
}

let found: DiscoveredPlugin[];
try {
  found = plugins(values);
} catch (err) {
  usage((err as Error).message);
}
const reports: ConformanceReport[] = [];
for (const plugin of found) {
  const report = await runConformance(plugin.target, plugin.options);
  reports.push(report);
  if (!values.json) process.stdout.write(`${formatReport(report)}\n\n`);
}
if (values.json) process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
const broken = reports.filter((r) => !r.passed);
if (!values.json) {
  process.stdout.write(
    broken.length === 0
      ? `${reports.length} plugin(s) conform\n`
      : `${broken.length} of ${reports.length} plugin(s) break the contract: ${broken.map((r) => r.plugin).join(", ")}\n`,
  );
}
process.exit(broken.length === 0 ? 0 : 1);
