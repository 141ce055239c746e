import {
  buildServingSet,
  buildTrainingSet,
  FEATURE_SCHEMA,
  isoOfDay,
  loadCity,
  prepareCity,
  type ServingSet,
  type TrainingSet,
} from "../../features/index.js";
import type { PipelineContext } from "../context.js";
import { cachedStep } from "../step-cache.js";
import { decodeTrainingSet, encodeTrainingSet } from "../training-set-file.js";
import type { StepResult } from "./step-result.js";

export interface FeaturesOutput {
  snapshot: string;
  /** Object-store key of the encoded training set. */
  dataKey: string;
  /** Every active restaurant as of the day after the data (the rows the model will be asked about first):
   *  the monitor's reference profile is built on these, so live requests compare like with like. */
  servingKey?: string;
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
      const city = prepareCity(await loadCity(ctx.store, input.snapshot));
      const ts = buildTrainingSet(city, { log: ctx.log });
      const dataKey = `pipeline/features/${key}/training-set.bin`;
      await ctx.store.put(dataKey, encodeTrainingSet(ts));
      let last = 0;
      for (let i = 0; i < ts.day.length; i++) if (ts.day[i] > last) last = ts.day[i];
      const serving = buildServingSet(city, isoOfDay(last + 1), { log: ctx.log });
      const servingKey = `pipeline/features/${key}/serving-set.bin`;
      await ctx.store.put(servingKey, encodeTrainingSet(servingAsSet(serving)));
      let positives = 0;
      for (let i = 0; i < ts.label.length; i++) positives += ts.label[i];
      ctx.log.info({ snapshot: input.snapshot, rows: ts.table.n, positives }, "training table built");
      return {
        snapshot: input.snapshot,
        dataKey,
        servingKey,
        schemaVersion: ts.table.schema.version,
        rows: ts.table.n,
        positives,
        features: ts.table.schema.features.length,
      };
    },
  );
}

/** The serving table in the training-set file layout (labels and history columns unused). */
function servingAsSet(s: ServingSet): TrainingSet {
  const n = s.table.n;
  return {
    table: s.table,
    label: new Uint8Array(n),
    day: new Int32Array(n),
    camis: s.camis,
    inspectionType: s.camis.map(() => ""),
    borough: s.borough,
    prevRodent: new Float32Array(n).fill(Number.NaN),
    prevScore: new Float32Array(n).fill(Number.NaN),
  };
}

export async function loadServingTable(ctx: PipelineContext, f: FeaturesOutput) {
  if (!f.servingKey || !(await ctx.store.exists(f.servingKey))) return null;
  return decodeTrainingSet(await ctx.store.get(f.servingKey), f.servingKey).table;
}

export async function loadTrainingSet(ctx: PipelineContext, f: FeaturesOutput): Promise<TrainingSet> {
  return decodeTrainingSet(await ctx.store.get(f.dataKey), f.dataKey);
}
