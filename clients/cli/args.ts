import { parseArgs, type ParseArgsConfig } from "node:util";

/** A mistake in how the CLI was called: exit code 2 and the command's usage. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose usage to show, if known. */
    readonly command?: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

export type OptionSpecs = NonNullable<ParseArgsConfig["options"]>;
export type Values = Record<string, string | boolean | string[] | undefined>;

export interface Parsed {
  values: Values;
  positionals: string[];
}

/** Strict parsing: unknown options and missing values are usage errors. */
export function parseCommandArgs(command: string, args: string[], options: OptionSpecs): Parsed {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values as Values, positionals };
  } catch (err) {
    // Drop parseArgs' hint about positionals starting with "-": commands
    // here take none, and the usage follows anyway.
    const message = (err instanceof Error ? err.message : String(err))
      .split("\n")
      .filter((line) => !/^To specify a positional argument/.test(line))
      .join("\n");
    throw new UsageError(message.replace(/\.$/, ""), command);
  }
}

export function str(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === "string" ? v : undefined;
}

export function strs(values: Values, name: string): string[] {
  const v = values[name];
  if (Array.isArray(v)) return v;
  return typeof v === "string" ? [v] : [];
}

export function bool(values: Values, name: string): boolean {
  return values[name] === true;
}

/** A whole number within [min, max], or undefined when the option is absent. */
export function int(
  values: Values,
  name: string,
  command: string,
  { min = 0, max = Number.MAX_SAFE_INTEGER }: { min?: number; max?: number } = {},
): number | undefined {
  const raw = str(values, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `${min}..${max}`;
    throw new UsageError(`--${name} must be a whole number ${range}, not "${raw}"`, command);
  }
  return n;
}

/** Exactly the named positionals, in order. */
export function positionals(parsed: Parsed, command: string, names: string[]): string[] {
  if (parsed.positionals.length < names.length) {
    throw new UsageError(`missing ${names.slice(parsed.positionals.length).join(" ")}`, command);
  }
  if (parsed.positionals.length > names.length) {
    throw new UsageError(`unexpected argument "${parsed.positionals[names.length] ?? ""}"`, command);
  }
  return parsed.positionals;
}
