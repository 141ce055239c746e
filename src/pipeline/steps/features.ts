import { buildTrainingSet, FEATURE_SCHEMA, loadCity, type TrainingSet } from "../../features/index.js";
import type { PipelineContext } from "../context.js";
import { cachedStep } from "../step-cache.js";
import { decodeTrainingSet, encodeTrainingSet } from "../training-set-file.js";
import type { StepResult } from "./step-result.js";

export interface FeaturesOutput {
  snapshot: string;
  /** Object-store key of the encoded training set. */
  dataKey: string;
  schemaVersion: string;
  rows: number;
  positives: number;
  features: number;
}

/** Build the point-in-time training table of a snapshot and store it for train/evaluate. */
export async function featuresStep(
  ctx: PipelineContext,
  input: { snapshot: string },
): Promise<StepResult<FeaturesOutput>> {
  return cachedStep(
    ctx.cache,
    {
      step: "features",
      inputs: { snapshot: input.snapshot, schema: FEATURE_SCHEMA.version },
      codeVersion: ctx.code.version,
      force: ctx.force,
      valid: (o) => ctx.store.exists(o.dataKey),
    },
    async (key) => {
      const city = await loadCity(ctx.store, input.snapshot);
      const ts = buildTrainingSet(city, { log: ctx.log });
      const dataKey = `pipeline/features/${key}/training-set.bin`;
      await ctx.store.put(dataKey, encodeTrainingSet(ts));
      let positives = 0;
      for (let i = 0; i < ts.label.length; i++) positives += ts.label[i];
      ctx.log.info({ snapshot: input.snapshot, rows: ts.table.n, positives }, "training table built");
      return {
        snapshot: input.snapshot,
        dataKey,
        schemaVersion: ts.table.schema.version,
        rows: ts.table.n,
        positives,
        features: ts.table.schema.features.length,
      };
    },
  );
}

export async function loadTrainingSet(ctx: PipelineContext, f: FeaturesOutput): Promise<TrainingSet> {
  return decodeTrainingSet(await ctx.store.get(f.dataKey), f.dataKey);
}
