import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { StandbyError } from "../../common/errors.js";
import { fieldPath } from "../../common/zod-issues.js";
import { configSchema, type Config } from "./schema.js";

export interface LoadedConfig {
  config: Config;
  /** The file it came from; relative paths in it are resolved against its folder. */
  path: string;
}

/** Formats zod's issues as "providers[1].name: message" lines. */
function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues.map((issue) => `${fieldPath(issue.path) || "(root)"}: ${issue.message}`).join("\n");
}

/** Validates a parsed document; throws invalid-argument naming every bad field. */
export function parseConfig(doc: unknown, source = "config"): Config {
  const result = configSchema.safeParse(doc ?? {});
  if (!result.success) {
    throw new StandbyError("invalid-argument", `${source} is invalid:\n${describeIssues(result.error.issues)}`);
  }
  return result.data;
}

export async function loadConfig(path: string): Promise<LoadedConfig> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, "utf8");
  } catch (err) {
    throw new StandbyError("invalid-argument", `cannot read config ${absolute}: ${(err as Error).message}`, { cause: err });
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new StandbyError("invalid-argument", `${absolute} is not valid YAML: ${(err as Error).message}`, { cause: err });
  }
  const config = parseConfig(doc, absolute);
  return { config: resolvePaths(config, dirname(absolute)), path: absolute };
}

/** Relative paths in the file mean "relative to the file". */
function resolvePaths(config: Config, base: string): Config {
  const db =
    config.server.db.startsWith("sqlite:") && !config.server.db.startsWith("sqlite::memory:")
      ? `sqlite:${resolve(base, config.server.db.slice("sqlite:".length))}`
      : config.server.db;
  return { ...config, server: { ...config.server, db, stateDir: resolve(base, config.server.stateDir) } };
}
