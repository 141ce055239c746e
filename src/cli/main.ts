#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { isRodentError } from "../errors.js";
import { COMMANDS } from "./commands/index.js";

// The entry only assembles commands (one per file in ./commands) and owns the one top-level catch.
async function main(argv: string[]): Promise<number> {
  const program = new Command("rodent")
    .description("rodent-risk: rank NYC restaurants by the risk that their next inspection finds rodents")
    .version(process.env.npm_package_version ?? "0.1.0")
    .showHelpAfterError()
    .exitOverride();
  for (const register of COMMANDS) register(program);
  try {
    await program.parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (isRodentError(e)) {
      process.stderr.write(`error [${e.code}]: ${e.message}\n  next: ${e.hint}\n`);
      return e.code === "RODENT_ERR_INTERNAL" ? 70 : e.code === "RODENT_ERR_GATE" ? 3 : 2;
    }
    process.stderr.write(`internal error (a bug; please report it):\n${(e as Error)?.stack ?? String(e)}\n`);
    return 1;
  }
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`${e?.stack ?? e}\n`);
    process.exitCode = 1;
  },
);
