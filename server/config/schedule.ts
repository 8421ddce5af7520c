import { parseDuration } from "./duration.js";

/**
 * When a family is rebuilt: a 5-field cron expression in UTC ("0 3 * * *":
 * every night at 03:00 UTC), a macro (@daily, @hourly, @weekly, @monthly,
 * @yearly), or an interval ("24h", "12h30m"): that long after the previous
 * build started.
 *
 * The cron grammar is Vixie cron's: minute hour day-of-month month
 * day-of-week; `*`, lists (`1,15`), ranges (`1-5`), steps (`*\/15`, `8-18/2`),
 * month and weekday names (jan, mon), 0 or 7 for Sunday. When both
 * day-of-month and day-of-week are restricted, a day matching either runs.
 */
export type ScheduleSpec = { kind: "cron"; text: string; cron: Cron } | { kind: "interval"; text: string; everyMs: number };

export interface Cron {
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  days: ReadonlySet<number>;
  months: ReadonlySet<number>;
  weekdays: ReadonlySet<number>;
  /** Whether the field was "*" (matters for the day rule). */
  anyDay: boolean;
  anyWeekday: boolean;
}

const MACROS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/** Parses a schedule; throws an Error whose message says what is wrong. */
export function parseSchedule(text: string): ScheduleSpec {
  const trimmed = text.trim();
  if (trimmed.startsWith("@") || trimmed.split(/\s+/).length === 5) return { kind: "cron", text: trimmed, cron: parseCron(trimmed) };
  let everyMs: number;
  try {
    everyMs = parseDuration(trimmed);
  } catch {
    throw new Error(
      `"${text}" is neither a cron expression ("0 3 * * *": five fields, minute hour day month weekday, in UTC) nor an interval ("24h")`,
    );
  }
  if (everyMs < 60_000) throw new Error(`an interval of "${text}" is shorter than a minute`);
  return { kind: "interval", text: trimmed, everyMs };
}

export function parseCron(text: string): Cron {
  const expanded = MACROS[text.trim().toLowerCase()] ?? text.trim();
  if (expanded.startsWith("@")) throw new Error(`unknown macro "${text}" (use @yearly, @monthly, @weekly, @daily, @hourly)`);
  const fields = expanded.split(/\s+/);
  if (fields.length !== 5)
    throw new Error(`"${text}" has ${fields.length} fields; a cron expression has five: minute hour day-of-month month day-of-week`);
  const [minute, hour, day, month, weekday] = fields as [string, string, string, string, string];
  const weekdays = parseField(weekday, "day-of-week", 0, 7, WEEKDAYS);
  if (weekdays.has(7)) {
    weekdays.delete(7);
    weekdays.add(0);
  }
  const cron: Cron = {
    minutes: parseField(minute, "minute", 0, 59),
    hours: parseField(hour, "hour", 0, 23),
    days: parseField(day, "day-of-month", 1, 31),
    months: parseField(month, "month", 1, 12, MONTHS, 1),
    weekdays,
    anyDay: day === "*",
    anyWeekday: weekday === "*",
  };
  // "0 0 31 2 *" parses but never runs.
  const probe = Date.UTC(2000, 0, 1);
  if (nextCron(cron, probe) === undefined) throw new Error(`"${text}" never runs`);
  return cron;
}

function parseField(text: string, field: string, min: number, max: number, names: string[] = [], nameBase = 0): Set<number> {
  const values = new Set<number>();
  const value = (token: string): number => {
    const named = names.indexOf(token.toLowerCase());
    if (named >= 0) return named + nameBase;
    if (!/^\d+$/.test(token)) throw new Error(`${field}: "${token}" is not a number${names.length > 0 ? " or a name" : ""}`);
    const n = Number(token);
    if (n < min || n > max) throw new Error(`${field}: ${n} is outside ${min}-${max}`);
    return n;
  };
  for (const part of text.split(",")) {
    if (part === "") throw new Error(`${field}: empty list item in "${text}"`);
    const [range = "", stepText] = part.split("/");
    if (part.split("/").length > 2) throw new Error(`${field}: "${part}" has more than one step`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) < 1) throw new Error(`${field}: step "${stepText}" must be a whole number from 1`);
      step = Number(stepText);
    }
    let from: number;
    let to: number;
    if (range === "*") {
      from = min;
      to = max === 7 ? 6 : max;
    } else if (range.includes("-")) {
      const [a = "", b = ""] = range.split("-");
      from = value(a);
      to = value(b);
      if (to < from) throw new Error(`${field}: range "${range}" runs backwards`);
    } else {
      from = value(range);
      // "5/15" means from 5 to the end in steps of 15.
      to = stepText !== undefined ? (max === 7 ? 6 : max) : from;
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

const MINUTE = 60_000;

/** The first minute strictly after `after` (epoch ms, UTC) that the cron matches; undefined if none within 8 years. */
export function nextCron(cron: Cron, after: number): number | undefined {
  const d = new Date(Math.floor(after / MINUTE) * MINUTE + MINUTE);
  const limit = after + 8 * 366 * 24 * 60 * MINUTE;
  while (d.getTime() <= limit) {
    if (!cron.months.has(d.getUTCMonth() + 1)) {
      d.setUTCMonth(d.getUTCMonth() + 1, 1);
      d.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!dayMatches(cron, d)) {
      d.setUTCDate(d.getUTCDate() + 1);
      d.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!cron.hours.has(d.getUTCHours())) {
      d.setUTCHours(d.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (!cron.minutes.has(d.getUTCMinutes())) {
      d.setUTCMinutes(d.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    return d.getTime();
  }
  return undefined;
}

function dayMatches(cron: Cron, d: Date): boolean {
  const day = cron.days.has(d.getUTCDate());
  const weekday = cron.weekdays.has(d.getUTCDay());
  if (cron.anyDay && cron.anyWeekday) return true;
  if (cron.anyDay) return weekday;
  if (cron.anyWeekday) return day;
  return day || weekday;
}

/** When a build after one that started at `lastStart` is due. */
export function nextRun(spec: ScheduleSpec, lastStart: number): number {
  if (spec.kind === "interval") return lastStart + spec.everyMs;
  return nextCron(spec.cron, lastStart) ?? Number.POSITIVE_INFINITY;
}
