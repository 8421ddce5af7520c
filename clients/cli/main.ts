#!/usr/bin/env node
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { status } from "@grpc/grpc-js";
import { DEFAULT_ADDRESS, StandbyClientError } from "../typescript/client.js";
import { bool, parseCommandArgs, str, UsageError } from "./args.js";
import {
  clientFactory,
  commandHelp,
  commandUsage,
  COMMANDS,
  exitCodeFor,
  findCommand,
  GLOBAL_OPTIONS,
  topHelp,
  verbsOf,
  type Command,
} from "./commands.js";
import type { Stdio } from "./context.js";

/**
 * `standby`: plural nouns list (`nodes`), a singular noun and a verb act
 * (`node delete ID`); `claim` alone claims. Exit codes: 0 done, 1 the server
 * said no (or a claim failed or timed out), 2 a usage error (including the
 * server's INVALID_ARGUMENT), 130 interrupted.
 */

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Default: the process's own. */
  stdio?: Stdio;
}

/**
 * "noun verb" when the table has that two-word command, else the first word
 * alone. A noun that only takes verbs ("node") without one is a usage error
 * that lists its verbs.
 */
function resolve(argv: string[]): { command: Command | undefined; rest: string[]; name: string } {
  const [first = "", second = "", ...more] = argv;
  const pair = findCommand(`${first} ${second}`);
  if (pair && !second.startsWith("-")) return { command: pair, rest: more, name: pair.name };
  const single = findCommand(first);
  const verbs = verbsOf(first);
  if (!single && verbs.length > 0) {
    const plural = findCommand(`${first}s`) ? ` ("${first}s" lists them)` : "";
    throw new UsageError(`"${first}" needs a verb: ${verbs.join(" or ")}${plural}`, first);
  }
  return { command: single, rest: argv.slice(1), name: first };
}

/**
 * Global options given before the command (`standby --addr A --json labels`),
 * as git and kubectl take them; after the command they are parsed with the
 * command's own options. Returns them and what follows them.
 */
function leadingGlobals(argv: string[]): { globals: string[]; rest: string[] } {
  const globals: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--") || arg === "--" || arg === "--help") break;
    const name = arg.slice(2).split("=")[0]!;
    const spec = GLOBAL_OPTIONS[name];
    if (!spec) throw new UsageError(`unknown option "${arg}" before the command (global options: --addr, --json, --help)`);
    globals.push(arg);
    if (spec.type === "string" && !arg.includes("=")) {
      const value = argv[i + 1];
      if (value === undefined) throw new UsageError(`option "${arg}" needs a value`);
      globals.push(value);
      i++;
    }
  }
  return { globals, rest: argv.slice(i) };
}

export async function main(argv: string[], io: Io): Promise<number> {
  const { out, err } = io;
  let globals: string[];
  try {
    ({ globals, rest: argv } = leadingGlobals(argv));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`standby: ${e.message}\n${usageFor(undefined)}`);
    return 2;
  }
  const first = argv[0];
  if (first === undefined) {
    err(topHelp());
    return 2;
  }
  if (first === "--help" || first === "-h" || first === "help") {
    const topic = first === "help" ? argv.slice(1).join(" ") : "";
    const c = topic ? findCommand(topic) : undefined;
    if (topic && !c) {
      err(`standby: no command "${topic}"\n${TOP_USAGE}`);
      return 2;
    }
    out(c ? commandHelp(c) : topHelp());
    return 0;
  }

  let command: Command | undefined;
  let addr = io.env.STANDBY_ADDR || DEFAULT_ADDRESS;
  let factory: ReturnType<typeof clientFactory> | undefined;
  const interrupt = new AbortController();
  const onSignal = (): void => {
    // A second Ctrl-C does not wait for the cleanup of the first.
    if (interrupt.signal.aborted) process.exit(130);
    interrupt.abort();
  };
  try {
    const resolved = resolve(argv);
    command = resolved.command;
    if (!command) {
      throw new UsageError(
        resolved.name.startsWith("-") ? `a command comes first, not "${resolved.name}"` : `unknown command "${resolved.name}"`,
      );
    }
    const parsed = parseCommandArgs(command.name, [...globals, ...resolved.rest], { ...GLOBAL_OPTIONS, ...command.options });
    if (bool(parsed.values, "help")) {
      out(commandHelp(command));
      return 0;
    }
    addr = str(parsed.values, "addr") ?? addr;
    const clients = clientFactory(addr);
    factory = clients;
    if (command.interruptible) {
      // Commands that wait clean up on Ctrl-C (cancel the claim, release the
      // node) before exiting. `serve` installs its own handlers; everything
      // else just dies.
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
    }
    return await command.run({
      parsed,
      json: bool(parsed.values, "json"),
      addr,
      out,
      err,
      stdio: io.stdio ?? { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
      client: () => clients.get(),
      signal: interrupt.signal,
    });
  } catch (e) {
    if (e instanceof UsageError) {
      err(`standby: ${e.message}\n${usageFor(e.command ?? command?.name)}`);
      return 2;
    }
    if (e instanceof StandbyClientError || isGrpcLike(e)) {
      const se = StandbyClientError.from(e);
      // The server's message names the field at fault; say which one when it does not.
      const hint =
        se.code === status.UNAVAILABLE
          ? ` (is the scheduler running at ${addr}?)`
          : se.field !== undefined && !se.details.includes(se.field)
            ? ` (field ${se.field})`
            : "";
      err(`standby: ${se.codeName}: ${se.details}${hint}\n`);
      return exitCodeFor(se.code);
    }
    err(`standby: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    factory?.close();
  }
}

/** After a usage error: the usage line of a command or of a noun's commands ("node"), and where to read more. */
function usageFor(name: string | undefined): string {
  if (name === undefined) return TOP_USAGE;
  const c = findCommand(name);
  if (c) return `${commandUsage(c)}\n"standby ${c.name} --help" for more.\n`;
  const forms = COMMANDS.filter((x) => x.name.startsWith(`${name} `)).map(commandUsage);
  return forms.length > 0 ? `${forms.join("\n")}\n` : TOP_USAGE;
}

const TOP_USAGE = 'usage: standby COMMAND [options]; "standby --help" lists the commands.\n';

function isGrpcLike(e: unknown): boolean {
  return e instanceof Error && typeof (e as { code?: unknown }).code === "number" && "details" in e;
}

/** Run only when executed (also through the npm bin symlink), not when imported by tests. */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const io: Io = {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    env: process.env,
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`standby: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
