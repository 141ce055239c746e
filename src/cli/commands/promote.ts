import type { Command } from "commander";
import { RodentError } from "../../errors.js";
import {
  formatPlanMoves,
  isPromoteTarget,
  openPipelineContext,
  PROMOTE_TARGETS,
  promoteStep,
} from "../../pipeline/index.js";
import { context, emit } from "../context.js";

/** `rodent promote VERSION --to ALIAS`: compare-and-set of the alias; of two racing promotions one wins. */
export function register(program: Command): void {
  program
    .command("promote")
    .description("point an alias (staging → canary → champion) at a version; champion keeps the old one as `previous`")
    .argument("<version>", "model version number")
    .requiredOption("--to <alias>", PROMOTE_TARGETS.join(" | "))
    .option("--expect <version>", "only if the alias points at this version now ('none' = unset); else conflict")
    .option("--dry-run", "print the plan, change nothing")
    .option("--json", "print one JSON document on stdout")
    .action(async (version: string, o: { to: string; expect?: string; dryRun?: boolean; json?: boolean }) => {
      if (!isPromoteTarget(o.to)) {
        throw new RodentError(
          "RODENT_ERR_INVALID_ARGUMENT",
          `--to ${o.to}: expected one of ${PROMOTE_TARGETS.join(", ")}`,
        );
      }
      const { config, log } = context();
      const ctx = await openPipelineContext(config, log);
      try {
        const expect = o.expect === undefined ? undefined : o.expect === "none" ? null : o.expect;
        const r = await promoteStep(ctx, { version, to: o.to, expect, dryRun: o.dryRun });
        const p = r.output;
        emit(
          o.json,
          {
            version: p.version,
            alias: p.alias,
            noop: p.noop,
            dry_run: Boolean(o.dryRun),
            moves: p.moves,
            warnings: p.warnings,
          },
          () => (p.noop ? `${p.alias} already points at version ${p.version}` : formatPlanMoves(p, Boolean(o.dryRun))),
        );
      } finally {
        await ctx.close();
      }
    });
}
