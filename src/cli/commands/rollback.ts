import type { Command } from "commander";
import { formatPlanMoves, openPipelineContext, rollback } from "../../pipeline/index.js";
import { context, emit } from "../context.js";

/** `rodent rollback`: the previous champion comes back (or a canary/challenger alias is removed). */
export function register(program: Command): void {
  program
    .command("rollback")
    .description("undo the last promotion: champion ← previous (other aliases: removed)")
    .option("--alias <alias>", "alias to roll back", "champion")
    .option("--dry-run", "print the plan, change nothing")
    .option("--json", "print one JSON document on stdout")
    .action(async (o: { alias: string; dryRun?: boolean; json?: boolean }) => {
      const { config, log } = context();
      const ctx = await openPipelineContext(config, log);
      try {
        const p = await rollback(ctx, { alias: o.alias, dryRun: o.dryRun });
        emit(
          o.json,
          { alias: p.alias, version: p.version, dry_run: Boolean(o.dryRun), moves: p.moves, warnings: p.warnings },
          () => formatPlanMoves(p, Boolean(o.dryRun)),
        );
      } finally {
        await ctx.close();
      }
    });
}
