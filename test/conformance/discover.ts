import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { ConformanceOptions } from "./suite.js";
import type { PluginTarget } from "./session.js";

/**
 * What a plugin folder may say about how to test it, in
 * plugins/<name>/conformance.json. Everything is optional.
 */
export const conformanceConfigSchema = z.strictObject({
  /** The provider settings to Configure with (a fake cloud needs a stateFile; relative paths land in a fresh directory). */
  settings: z.record(z.string(), z.unknown()).default({}),
  secrets: z.record(z.string(), z.string()).default({}),
  env: z.record(z.string(), z.string()).default({}),
  /** argv that starts the plugin, for plugins not built into dist/plugins/<name>/main.js; relative paths from the repository root. */
  command: z.array(z.string().min(1)).min(1).optional(),
  /** Image and flavor to boot (default: the first listed). */
  image: z.string().min(1).optional(),
  flavor: z.string().min(1).optional(),
  /** Longest wait for RUNNING, deletes and snapshots, ms. */
  timeoutMs: z.number().int().min(1).optional(),
});
export type ConformanceConfig = z.output<typeof conformanceConfigSchema>;

export interface DiscoveredPlugin {
  name: string;
  target: PluginTarget;
  options: ConformanceOptions;
}

/** Reads a JSON or YAML file. */
export function readDocument(file: string): unknown {
  const text = readFileSync(file, "utf8");
  return /\.ya?ml$/i.test(file) ? parseYaml(text) : (JSON.parse(text) as unknown);
}

export function parseConformanceConfig(doc: unknown, source: string): ConformanceConfig {
  const result = conformanceConfigSchema.safeParse(doc ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new Error(`${source}: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`);
}

/** A plugin under test from a conformance config; command defaults to the built plugin of that name. */
export function targetOf(name: string, config: ConformanceConfig, repoRoot: string): { target: PluginTarget; options: ConformanceOptions } {
  const command = config.command
    ? config.command.map((part, i) => (i > 0 || !part.includes("/") || path.isAbsolute(part) ? part : path.resolve(repoRoot, part)))
    : [process.execPath, path.join(repoRoot, "dist", "plugins", name, "main.js")];
  const options: ConformanceOptions = {};
  if (config.image) options.image = config.image;
  if (config.flavor) options.flavor = config.flavor;
  if (config.timeoutMs) options.timeoutMs = config.timeoutMs;
  return { target: { name, command, settings: config.settings, secrets: config.secrets, env: config.env }, options };
}

/**
 * Every plugin in plugins/: a folder (other than the SDK) with a main.ts or
 * main.js, or with a conformance.json that names its command.
 */
export function discoverPlugins(repoRoot: string): DiscoveredPlugin[] {
  const root = path.join(repoRoot, "plugins");
  const found: DiscoveredPlugin[] = [];
  for (const name of readdirSync(root).sort()) {
    const dir = path.join(root, name);
    if (name === "sdk" || !statSync(dir).isDirectory()) continue;
    const configFile = path.join(dir, "conformance.json");
    const config = parseConformanceConfig(existsSync(configFile) ? readDocument(configFile) : {}, configFile);
    const hasMain = existsSync(path.join(dir, "main.ts")) || existsSync(path.join(dir, "main.js"));
    if (!hasMain && !config.command) continue;
    found.push({ name, ...targetOf(name, config, repoRoot) });
  }
  return found;
}

/** Splits a command line the way a shell would split words (quotes and backslashes; no expansion). */
export function splitCommand(text: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else word += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (ch === "\\" && i + 1 < text.length && '"\\$`'.includes(text[i + 1] as string)) word += text[++i];
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === "\\" && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unbalanced ${quote} in the command`);
  if (inWord) words.push(word);
  return words;
}
