import { type Config, loadConfig } from "../config/index.js";
import { createLogger, type Logger } from "../util/log.js";

/** What every command gets: validated config and a stderr logger. Built once per process. */
export interface CliContext {
  config: Config;
  log: Logger;
}

let ctx: CliContext | undefined;
export function context(): CliContext {
  if (!ctx) {
    const config = loadConfig();
    ctx = { config, log: createLogger(config.logLevel) };
  }
  return ctx;
}

/** Print a command's result: one JSON document on stdout with --json, else a human summary. */
export function emit(json: boolean | undefined, doc: unknown, human: () => string): void {
  if (json) process.stdout.write(`${JSON.stringify(doc)}\n`);
  else process.stdout.write(`${human()}\n`);
}
