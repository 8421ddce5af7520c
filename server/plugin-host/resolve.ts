import { existsSync } from "node:fs";
import path from "node:path";
import { StandbyError } from "../../common/errors.js";

/** How a provider's configuration names its plugin: exactly one of the two. */
export interface PluginCommandSpec {
  /** A plugin shipped with standby ("fake"): dist/plugins/<name>/main.js run by this node. */
  plugin?: string | undefined;
  /** The command (argv) that starts an external plugin, used as given. */
  command?: string[] | undefined;
}

/** The argv that starts a provider's plugin. */
export function resolvePluginCommand(spec: PluginCommandSpec, repoRoot: string): string[] {
  if ((spec.plugin === undefined) === (spec.command === undefined)) {
    throw StandbyError.invalidArgument("plugin", "set exactly one of plugin or command");
  }
  if (spec.command !== undefined) {
    if (spec.command.length === 0 || !spec.command[0]) throw StandbyError.invalidArgument("command", "must name a program");
    return [...spec.command];
  }
  const name = spec.plugin ?? "";
  if (!/^[a-z][a-z0-9-]*$/.test(name)) {
    throw StandbyError.invalidArgument("plugin", `"${name}" is not a plugin name (lowercase letters, digits, dashes)`);
  }
  const main = path.join(repoRoot, "dist", "plugins", name, "main.js");
  if (!existsSync(main)) {
    throw new StandbyError(
      "failed-precondition",
      `plugin "${name}": ${main} does not exist (unknown plugin, or not built: npm run build)`,
      {
        field: "plugin",
      },
    );
  }
  return [process.execPath, main];
}
