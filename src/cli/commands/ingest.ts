import type { Command } from "commander";
import { createObjectStore, formatQualityTable, ingest } from "../../data/index.js";
import { context, emit } from "../context.js";

/** `rodent ingest`: a source into a new immutable snapshot, then the quality report. */
export function register(program: Command): void {
  program
    .command("ingest")
    .description(
      "ingest a source into an immutable snapshot (validated; bad rows quarantined) and print the quality report",
    )
    .option("--source <source>", "socrata | dir:PATH (relative to the working directory) | synth[:SEED]", "synth:1")
    .option("--since <date>", "socrata only: pull rows dated on/after YYYY-MM-DD instead of from the last watermark")
    .option("--json", "print one JSON document on stdout")
    .action(async (o: { source: string; since?: string; json?: boolean }) => {
      const { config, log } = context();
      const store = createObjectStore(config);
      const r = await ingest({ store, config, log, source: o.source, since: o.since });
      emit(o.json, { snapshot: r.snapshot, reused: r.reused, datasets: r.datasets }, () =>
        [
          `snapshot ${r.snapshot}${r.reused ? " (identical snapshot already existed; reused)" : ""} in ${store.uri}`,
          formatQualityTable(r.quality),
        ].join("\n"),
      );
    });
}
