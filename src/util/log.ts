import pino, { type Logger } from "pino";

export type { Logger };

/** Structured logs always go to stderr, so stdout stays free for --json documents. */
export function createLogger(level: string = "info", name = "rodent"): Logger {
  return pino({ name, level, base: { name } }, pino.destination({ fd: 2, sync: true }));
}

/** A logger that drops everything; for library calls in tests. */
export const silentLogger: Logger = pino({ level: "silent" });
