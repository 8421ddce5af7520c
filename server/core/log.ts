import { pino, type Logger as PinoLogger } from "pino";

/** Structured JSON logs. Secrets (credentials, tokens, private keys) never go in. */
export type Logger = PinoLogger;

export function createLogger(options: { level?: string; name?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const level = options.level ?? process.env.STANDBY_LOG_LEVEL ?? "info";
  const base = { name: options.name ?? "standby" };
  return options.destination
    ? pino({ level, base }, options.destination as unknown as pino.DestinationStream)
    : pino({ level, base });
}

/** A logger that drops everything, for tests that do not look at logs. */
export const silentLogger: Logger = pino({ level: "silent" });
