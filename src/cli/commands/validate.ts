import type { Command } from "commander";
import { z } from "zod";
import { DATASETS, formatQualityTable, validateFiles } from "../../data/index.js";
import { RodentError } from "../../errors.js";
import { context, emit } from "../context.js";

/** `rodent validate PATH`: the quality report of files, without writing a snapshot. */
export function register(program: Command): void {
  program
    .command("validate")
    .description(
      "validate exported files (a folder with inspections/, rat-sightings/, weather/, truth/ or one file) without writing a snapshot",
    )
    .argument("<path>", "folder or file")
    .option("--dataset <name>", `dataset of a single file when its folder does not say (${DATASETS.join(", ")})`)
    .option("--json", "print one JSON document on stdout")
    .action(async (p: string, o: { dataset?: string; json?: boolean }) => {
      const { config, log } = context();
      const ds = z.enum(DATASETS).optional().safeParse(o.dataset);
      if (!ds.success)
        throw new RodentError(
          "RODENT_ERR_INVALID_ARGUMENT",
          `--dataset ${JSON.stringify(o.dataset)}: expected one of ${DATASETS.join(", ")}`,
          {
            argument: "dataset",
          },
        );
      const { quality } = await validateFiles({ path: p, dataset: ds.data, config, log });
      emit(o.json, quality, () => formatQualityTable(quality));
    });
}
