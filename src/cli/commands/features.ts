import type { Command } from "commander";
import { featuresStep, openPipelineContext } from "../../pipeline/index.js";
import { context, emit } from "../context.js";

/** `rodent features --snapshot ID`: build (or reuse) a snapshot's point-in-time training table. */
export function register(program: Command): void {
  program
    .command("features")
    .description("build the point-in-time training table of a snapshot (reused when built already)")
    .requiredOption("--snapshot <id>", "snapshot id (see `rodent snapshots`)")
    .option("--force", "rebuild even when the table exists")
    .option("--json", "print one JSON document on stdout")
    .action(async (o: { snapshot: string; force?: boolean; json?: boolean }) => {
      const { config, log } = context();
      const ctx = await openPipelineContext(config, log, { force: o.force });
      try {
        const r = await featuresStep(ctx, { snapshot: o.snapshot });
        const f = r.output;
        emit(
          o.json,
          {
            snapshot: f.snapshot,
            status: r.status,
            rows: f.rows,
            positives: f.positives,
            features: f.features,
            schema_version: f.schemaVersion,
            key: f.dataKey,
          },
          () =>
            `${r.status} features of ${f.snapshot}: ${f.rows} inspections (${f.positives} with rodents), ${f.features} features, schema ${f.schemaVersion} → ${f.dataKey}`,
        );
      } finally {
        await ctx.close();
      }
    });
}
