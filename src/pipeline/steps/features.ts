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
import { timeSplit } from "../../model/index.js";
import type { PipelineContext } from "../context.js";
import { SPLIT } from "../split.js";
import { cachedStep } from "../step-cache.js";
import { decodeTrainingSet, encodeTrainingSet } from "../training-set-file.js";
import type { StepResult } from "./step-result.js";

export interface FeaturesOutput {
  snapshot: string;
  /** Object-store key of the encoded training set. */
  dataKey: string;
  /** Every active restaurant as of the day the fitted data ends (the test window's start): the population a
   *  model's reference profile describes, never the serving table it is later compared with (issue 13 §3). */
  profileKey?: string;
  profileAsOf?: string;
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
      let profileKey: string | undefined;
      let profileAsOf: string | undefined;
      if (ts.table.n > 0) {
        profileAsOf = isoOfDay(timeSplit(ts.day, SPLIT).testStart);
        profileKey = `pipeline/features/${key}/profile-set.bin`;
        await ctx.store.put(profileKey, encodeTrainingSet(servingAsSet(buildServingSet(city, profileAsOf))));
      }
      let positives = 0;
      for (let i = 0; i < ts.label.length; i++) positives += ts.label[i];
      ctx.log.info({ snapshot: input.snapshot, rows: ts.table.n, positives }, "training table built");
      return {
        snapshot: input.snapshot,
        dataKey,
        profileKey,
        profileAsOf,
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

export async function loadProfileTable(ctx: PipelineContext, f: FeaturesOutput) {
  if (!f.profileKey || !f.profileAsOf || !(await ctx.store.exists(f.profileKey))) return null;
  return { table: decodeTrainingSet(await ctx.store.get(f.profileKey), f.profileKey).table, asOf: f.profileAsOf };
}

export async function loadTrainingSet(ctx: PipelineContext, f: FeaturesOutput): Promise<TrainingSet> {
  return decodeTrainingSet(await ctx.store.get(f.dataKey), f.dataKey);
}
