import { pino, type Logger as PinoLogger } from "pino";

/**
 * Structured JSON logs. Secrets (credentials, tokens, private keys) never go
 * in; the fields below are censored anyway, should one slip into a log call.
 */
export type Logger = PinoLogger;

/** Field names whose values never reach a log line, at the top level or one level down. */
const SECRET_FIELDS = ["secret", "secrets", "password", "token", "claimToken", "leaseToken", "privateKey", "authorization", "credentials"];
const REDACT = {
  paths: SECRET_FIELDS.flatMap((f) => [f, `*.${f}`]),
  censor: "[redacted]",
};

// pino merges each line's fields into what the mixin returns: always a fresh object.
const noContext = (): Record<string, string> => ({});
let logContext: () => Record<string, string> = noContext;

/**
 * Fields added to every log line from now on, e.g. the current trace and
 * span ids (set by server/telemetry when tracing is on). Loggers created
 * before the call get them too.
 */
export function setLogContext(fn: (() => Record<string, string>) | undefined): void {
  logContext = fn ?? noContext;
}

export function createLogger(options: { level?: string; name?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const level = options.level ?? process.env.STANDBY_LOG_LEVEL ?? "info";
  const base = { name: options.name ?? "standby" };
  const settings = { level, base, redact: REDACT, mixin: () => logContext() };
  return options.destination ? pino(settings, options.destination as unknown as pino.DestinationStream) : pino(settings);
}

/** A logger that drops everything, for tests that do not look at logs. */
export const silentLogger: Logger = pino({ level: "silent" });
