import { Cron as Croner } from "croner";
import { parseDuration } from "./duration.js";

/**
 * When a family is rebuilt: a 5-field cron expression ("0 3 * * *": every
 * night at 03:00), in UTC or in the family's time zone; a macro (@daily,
 * @hourly, @weekly, @monthly, @yearly); or an interval ("24h", "12h30m"): that
 * long after the previous build started.
 *
 * Cron expressions are read by croner, with Vixie cron's rules: minute hour
 * day-of-month month day-of-week; `*`, lists (`1,15`), ranges (`1-5`), steps
 * (`*\/15`, `8-18/2`, `5/15`), month and weekday names (jan, mon), 0 or 7 for
 * Sunday; when both day fields are restricted, a day matching either runs.
 * croner's extensions work too (`L` for the last day of the month, `mon#2`
 * for the second Monday). In a time zone with daylight saving time, a
 * fixed-time job (no `*` or step in minute and hour) whose time falls in the
 * spring gap runs when the gap ends, and in the autumn's repeated hour runs
 * once; other jobs skip the gap and run in both repeated hours (Vixie's
 * rules).
 */
export type ScheduleSpec = { kind: "cron"; text: string; cron: Cron } | { kind: "interval"; text: string; everyMs: number };

/** A parsed cron expression (croner's), which computes runs from any given time: virtual time works. */
export type Cron = Croner;

export const DEFAULT_TIMEZONE = "UTC";

const MACROS = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

/**
 * Parses a schedule; throws an Error whose message says what is wrong. A time
 * zone (IANA, "Europe/Berlin"; default UTC) applies to cron expressions only.
 */
export function parseSchedule(text: string, timezone?: string): ScheduleSpec {
  const trimmed = text.trim();
  if (trimmed.startsWith("@") || trimmed.split(/\s+/).length === 5)
    return { kind: "cron", text: trimmed, cron: parseCron(trimmed, timezone) };
  let everyMs: number;
  try {
    everyMs = parseDuration(trimmed);
  } catch {
    throw new Error(
      `"${text}" is neither a cron expression ("0 3 * * *": five fields, minute hour day month weekday) nor an interval ("24h")`,
    );
  }
  if (everyMs < 60_000) throw new Error(`an interval of "${text}" is shorter than a minute`);
  if (timezone !== undefined) throw new Error(`an interval ("${trimmed}") runs the same in every time zone: drop the time zone`);
  return { kind: "interval", text: trimmed, everyMs };
}

/** Throws unless the name is a time zone this runtime knows ("UTC", "Europe/Berlin"). */
export function checkTimezone(timezone: string): void {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
  } catch {
    throw new Error(`"${timezone}" is not a time zone (use an IANA name such as Europe/Berlin, or UTC)`);
  }
}

export function parseCron(text: string, timezone: string = DEFAULT_TIMEZONE): Cron {
  checkTimezone(timezone);
  const trimmed = text.trim();
  const macro = trimmed.startsWith("@") ? trimmed.toLowerCase() : undefined;
  if (macro !== undefined && !MACROS.includes(macro))
    throw new Error(`unknown macro "${text}" (use @yearly, @monthly, @weekly, @daily, @hourly)`);
  let cron: Cron;
  try {
    // No function: croner only computes runs, it schedules nothing.
    cron = new Croner(macro ?? trimmed, {
      timezone,
      mode: "5-part",
      // "5/15": from 5 in steps of 15, as Vixie cron reads it.
      sloppyRanges: true,
      // Vixie cron's rule for which jobs are fixed-time across DST changes.
      fixedTimeRule: "no-wildcard",
      domAndDow: false,
      paused: true,
    });
  } catch (err) {
    throw new Error(explainCron(trimmed) ?? (err as Error).message.replace(/^CronPattern: /, ""), { cause: err });
  }
  // "0 0 31 2 *" parses but never runs.
  if (nextCron(cron, Date.UTC(2000, 0, 1)) === undefined) throw new Error(`"${text}" never runs`);
  return cron;
}

/** The first minute strictly after `after` (epoch ms) that the cron matches; undefined if it never does. */
export function nextCron(cron: Cron, after: number): number | undefined {
  return cron.nextRun(new Date(after))?.getTime();
}

/** When a build after one that started at `lastStart` is due. */
export function nextRun(spec: ScheduleSpec, lastStart: number): number {
  if (spec.kind === "interval") return lastStart + spec.everyMs;
  return nextCron(spec.cron, lastStart) ?? Number.POSITIVE_INFINITY;
}

const FIELDS: { name: string; min: number; max: number; names?: string[]; nameBase?: number }[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31 },
  {
    name: "month",
    min: 1,
    max: 12,
    names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
    nameBase: 1,
  },
  { name: "day-of-week", min: 0, max: 7, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] },
];

/**
 * Says, in an operator's words, what is wrong with a cron expression croner
 * refused (croner's own messages count days from 0 and months from 0).
 * Undefined when it finds nothing: then croner's message is shown.
 */
function explainCron(text: string): string | undefined {
  const fields = text.split(/\s+/);
  if (fields.length !== 5)
    return `"${text}" has ${fields.length} fields; a cron expression has five: minute hour day-of-month month day-of-week`;
  for (const [i, field] of FIELDS.entries()) {
    const problem = explainField(fields[i] ?? "", field);
    if (problem) return `${field.name}: ${problem}`;
  }
  return undefined;
}

function explainField(text: string, field: (typeof FIELDS)[number]): string | undefined {
  const value = (token: string): string | undefined => {
    if (field.names?.includes(token.toLowerCase()) || token === "*") return undefined;
    if (!/^\d+$/.test(token)) return `"${token}" is not a number${field.names ? " or a name" : ""}`;
    const n = Number(token);
    return n < field.min || n > field.max ? `${n} is outside ${field.min}-${field.max}` : undefined;
  };
  const number = (token: string): number => {
    const named = field.names?.indexOf(token.toLowerCase()) ?? -1;
    return named >= 0 ? named + (field.nameBase ?? 0) : Number(token);
  };
  for (const part of text.split(",")) {
    if (part === "") return `empty list item in "${text}"`;
    const [range = "", step, ...more] = part.split("/");
    if (more.length > 0) return `"${part}" has more than one step`;
    if (step !== undefined && (!/^\d+$/.test(step) || Number(step) < 1)) return `step "${step}" must be a whole number from 1`;
    const [from = "", to, ...rest] = range.split("-");
    if (rest.length > 0) return `"${range}" is not a range`;
    const problem = value(from) ?? (to === undefined ? undefined : value(to));
    if (problem) return problem;
    if (to !== undefined && number(to) < number(from)) return `range "${range}" runs backwards`;
  }
  return undefined;
}
