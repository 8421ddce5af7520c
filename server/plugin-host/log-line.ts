/** The levels a plugin's log line is logged at, as the scheduler's logger names them. */
export type PluginLogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal";

/** A plugin's JSON log line, read: its level, message and the rest of its fields. */
export interface PluginLogEntry {
  level: PluginLogLevel;
  msg: string;
  /** The trace ids, which stay top-level in our line, where log search expects them. */
  trace: { trace_id: string; span_id: string } | Record<string, never>;
  /** Every other field of the plugin's line. */
  fields: Record<string, unknown>;
}

/** pino's (and bunyan's) numeric levels. */
const NUMERIC: Record<number, PluginLogLevel> = { 10: "trace", 20: "debug", 30: "info", 40: "warn", 50: "error", 60: "fatal" };

/**
 * Level names as other languages' loggers write them, lower-cased: Go's slog
 * (DEBUG, INFO, WARN, ERROR, also "WARN+2"), hclog (trace … error), zap
 * (dpanic, panic, fatal), logrus (warning, panic), Python's logging and
 * structlog (warning, critical), syslog words (notice, crit, alert, emerg).
 */
const NAMED: Record<string, PluginLogLevel> = {
  trace: "trace",
  debug: "debug",
  info: "info",
  notice: "info",
  warn: "warn",
  warning: "warn",
  error: "error",
  err: "error",
  fatal: "fatal",
  critical: "fatal",
  crit: "fatal",
  panic: "fatal",
  dpanic: "fatal",
  alert: "fatal",
  emerg: "fatal",
  emergency: "fatal",
};

/** Message keys, in the order they are looked for: pino/slog/zap, logrus/Python, hclog, structlog. */
const MESSAGE_KEYS = ["msg", "message", "@message", "event"] as const;
/** Level keys: most loggers, then hclog. */
const LEVEL_KEYS = ["level", "@level"] as const;
/** Fields the scheduler's own line carries anyway (or that only repeat the plugin's process). */
const DROPPED_KEYS = ["time", "timestamp", "@timestamp", "ts", "pid", "hostname"];

function levelOf(value: unknown): PluginLogLevel | undefined {
  if (typeof value === "number") return NUMERIC[value];
  if (typeof value !== "string") return undefined;
  // slog writes levels between the named ones as "WARN+2", "INFO-4".
  return NAMED[
    value
      .trim()
      .toLowerCase()
      .replace(/[+-]\d+$/, "")
  ];
}

/**
 * Reads one stderr line of a plugin that logs JSON (pino, Go's slog, hclog,
 * zap, logrus, Python's logging or structlog). Undefined for anything else,
 * which is logged as it is: a line that is no JSON object, or one without a
 * level we know or a string message.
 */
export function parsePluginLogLine(line: string): PluginLogEntry | undefined {
  if (!line.startsWith("{")) return undefined;
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return undefined;
  const record = entry as Record<string, unknown>;
  const levelKey = LEVEL_KEYS.find((key) => levelOf(record[key]) !== undefined);
  const messageKey = MESSAGE_KEYS.find((key) => typeof record[key] === "string");
  if (levelKey === undefined || messageKey === undefined) return undefined;
  const level = levelOf(record[levelKey]) as PluginLogLevel;
  const msg = record[messageKey] as string;
  const fields: Record<string, unknown> = { ...record };
  for (const key of [levelKey, messageKey, ...DROPPED_KEYS]) delete fields[key];
  const { trace_id, span_id } = fields;
  let trace: PluginLogEntry["trace"] = {};
  if (typeof trace_id === "string" && typeof span_id === "string") {
    trace = { trace_id, span_id };
    delete fields.trace_id;
    delete fields.span_id;
  }
  return { level, msg, trace, fields };
}
