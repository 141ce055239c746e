import type { Command } from "commander";
import {
  collect,
  featuresStep,
  formatTrainReport,
  openPipelineContext,
  parseAssignments,
  trainStep,
} from "../../pipeline/index.js";
import { context, emit } from "../context.js";

/** `rodent train --snapshot ID`: time-split training, test-window evaluation vs baselines and oracle, logged run. */
export function register(program: Command): void {
  program
    .command("train")
    .description("train on a snapshot (last 6 months test, 6 before validation) and evaluate on the test window")
    .requiredOption("--snapshot <id>", "snapshot id")
    .option("--param <name=value>", "training parameter override (repeatable)", collect, [])
    .option("--force", "retrain even when a run with the same inputs exists")
    .option("--json", "print one JSON document on stdout")
    .action(async (o: { snapshot: string; param: string[]; force?: boolean; json?: boolean }) => {
      const { config, log } = context();
      const params = parseAssignments(o.param);
      const ctx = await openPipelineContext(config, log, { force: o.force });
      try {
        const f = await featuresStep(ctx, { snapshot: o.snapshot });
        const r = await trainStep(ctx, { features: f.output, params });
        emit(o.json, { ...r.output, status: r.status }, () =>
          [formatTrainReport(r.output), "", r.status === "reused" ? "(reused an identical earlier run)" : ""].join(
            "\n",
          ),
        );
      } finally {
        await ctx.close();
      }
    });
}
