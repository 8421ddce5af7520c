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

/**
 * `--ttl -1` as `--ttl=-1`: a value that looks like a negative number is the
 * option's value, not an unknown option, so the range check can name it.
 * Nothing after `--` is touched (standby run's remote command).
 */
function joinNegativeValues(args: string[], options: OptionSpecs): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") return out.concat(args.slice(i));
    const next = args[i + 1];
    const spec = arg.startsWith("--") ? options[arg.slice(2)] : undefined;
    if (spec?.type === "string" && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
      continue;
    }
    out.push(arg);
  }
  return out;
}

/** Strict parsing: unknown options and missing values are usage errors. */
export function parseCommandArgs(command: string, args: string[], options: OptionSpecs): Parsed {
  try {
    const { values, positionals } = parseArgs({ args: joinNegativeValues(args, options), options, allowPositionals: true, strict: true });
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

/** A whole number within [min, max] written as digits (no "1e3", no "0x10"), or undefined when the option is absent. */
export function int(
  values: Values,
  name: string,
  command: string,
  { min = 0, max = Number.MAX_SAFE_INTEGER }: { min?: number; max?: number } = {},
): number | undefined {
  const raw = str(values, name);
  if (raw === undefined) return undefined;
  const n = /^[+-]?\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
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

/** The ranges of the numbers the claim commands take, as the scheduler checks them (and as --help states them). */
export const PRIORITY_RANGE = { min: -1_000_000, max: 1_000_000 } as const;
export const TTL_RANGE = { min: 1, max: 86_400 } as const;
/** Seconds; a timer cannot wait longer than 2^31-1 ms. */
export const TIMEOUT_RANGE = { min: 1, max: 2_147_483 } as const;
