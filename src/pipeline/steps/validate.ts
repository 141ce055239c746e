import { readManifest } from "../../data/index.js";
import { RodentError } from "../../errors.js";
import type { PipelineContext } from "../context.js";
import { cachedStep } from "../step-cache.js";
import type { StepResult } from "./step-result.js";

// The data stage validates every row on ingest (bad rows go to quarantine with a reason). This step decides
// whether the snapshot as a whole is fit to train on: inspections present, and no dataset mostly quarantined
// (which would mean a changed upstream format, not a few bad rows).

export const MAX_QUARANTINE_SHARE = 0.2;

export interface ValidateOutput {
  snapshot: string;
  qualityKey: string;
  datasets: Record<string, { rows: number; quarantined: number; quarantineShare: number; maxDate: string | null }>;
}

export async function validateStep(
  ctx: PipelineContext,
  input: { snapshot: string },
): Promise<StepResult<ValidateOutput>> {
  return cachedStep(
    ctx.cache,
    {
      step: "validate",
      inputs: input,
      params: { MAX_QUARANTINE_SHARE },
      codeVersion: ctx.code.version,
      force: ctx.force,
    },
    async () => {
      const m = await readManifest(ctx.store, input.snapshot);
      const datasets: ValidateOutput["datasets"] = {};
      const problems: string[] = [];
      for (const [name, d] of Object.entries(m.datasets)) {
        if (!d) continue;
        const share = d.rows + d.quarantined > 0 ? d.quarantined / (d.rows + d.quarantined) : 0;
        datasets[name] = { rows: d.rows, quarantined: d.quarantined, quarantineShare: share, maxDate: d.max_date };
        if (share > MAX_QUARANTINE_SHARE)
          problems.push(`${name}: ${(100 * share).toFixed(1)}% of rows quarantined (> ${100 * MAX_QUARANTINE_SHARE}%)`);
      }
      if (!m.datasets.inspections?.rows) problems.push("inspections: no rows");
      if (problems.length) {
        throw new RodentError(
          "RODENT_ERR_FILE_FORMAT",
          `snapshot ${input.snapshot} is not fit to train on: ${problems.join("; ")} (quality report: ${m.quality_key})`,
          { snapshot: input.snapshot, problems },
        );
      }
      return { snapshot: input.snapshot, qualityKey: m.quality_key, datasets };
    },
  );
}
