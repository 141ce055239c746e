import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { buildReferenceProfile, isoOfDay } from "../../features/index.js";
import {
  type CalibrationSelection,
  type EvalMetrics,
  evaluateScores,
  parseParams,
  subsetTable,
  type TrainParams,
  timeSplit,
  toXGBoostJSON,
  trainModel,
} from "../../model/index.js";
import { writeMlflowModelDir } from "../../tracking/index.js";
import { runUser } from "../code-version.js";
import type { PipelineContext } from "../context.js";
import {
  type BaselineMetrics,
  baselineMetrics,
  flattenMetrics,
  type OracleMetrics,
  oracleMetrics,
  pick,
} from "../evaluation-report.js";
import { roundHistory } from "../round-history.js";
import { SOURCE_TAG, snapshotSource } from "../source-rule.js";
import { SPLIT } from "../split.js";
import { cachedStep } from "../step-cache.js";
import { type FeaturesOutput, loadProfileTable, loadTrainingSet } from "./features.js";
import type { StepResult } from "./step-result.js";

export const EXPERIMENT_NAME = "rodent-risk";
export { SPLIT };

export interface WindowInfo {
  rows: number;
  positives: number;
  from: string | null;
  to: string | null;
}

/** What `rodent train --json` prints and evaluation.json holds (issue 3 §4 keys plus context). */
export interface TrainReport {
  run: string;
  snapshot: string;
  feature_schema_version: string;
  params: TrainParams;
  windows: { train: WindowInfo; valid: WindowInfo; test: WindowInfo };
  /** The calibration the served probabilities go through, and how it was chosen on the validation window. */
  calibration: { method: string; selection: CalibrationSelection | null };
  test: EvalMetrics;
  baselines: Record<string, BaselineMetrics>;
  oracle: OracleMetrics | null;
}

function windowInfo(day: Int32Array, label: Uint8Array, rows: Int32Array): WindowInfo {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  let pos = 0;
  for (let i = 0; i < rows.length; i++) {
    const d = day[rows[i]];
    if (d < lo) lo = d;
    if (d > hi) hi = d;
    pos += label[rows[i]];
  }
  return {
    rows: rows.length,
    positives: pos,
    from: rows.length ? isoOfDay(lo) : null,
    to: rows.length ? isoOfDay(hi) : null,
  };
}

/**
 * Train on a snapshot's training table (time split: train / valid for early stopping and calibration / test),
 * evaluate on the test window against the baselines and the oracle, and log everything to a tracker run:
 * params, per-round losses, metrics, tags, the MLflow model folder at `model/` and `evaluation.json`.
 */
export async function trainStep(
  ctx: PipelineContext,
  input: { features: FeaturesOutput; params?: Record<string, string> },
): Promise<StepResult<TrainReport>> {
  const params = parseParams(input.params ?? {});
  const { features } = input;
  return cachedStep(
    ctx.cache,
    {
      step: "train",
      inputs: { snapshot: features.snapshot, features: features.dataKey, split: SPLIT },
      params,
      codeVersion: ctx.code.version,
      force: ctx.force,
      valid: async (o) => {
        try {
          return (await ctx.tracker.getRun(o.run)).info.status === "FINISHED";
        } catch {
          return false;
        }
      },
    },
    async (key) => {
      const ts = await loadTrainingSet(ctx, features);
      const split = timeSplit(ts.day, SPLIT);
      const experimentId = await ctx.tracker.getOrCreateExperiment(EXPERIMENT_NAME);
      const tags: Record<string, string> = {
        "mlflow.source.name": "rodent train",
        "mlflow.source.type": "JOB",
        "mlflow.user": runUser(),
        "rodent.snapshot_id": features.snapshot,
        "rodent.feature_schema_version": ts.table.schema.version,
        "rodent.step_key": key,
        "rodent.code_version": ctx.code.version,
      };
      if (ctx.code.gitCommit) tags["mlflow.source.git.commit"] = ctx.code.gitCommit;
      // Every model records the source it learned from (issue 13 §1): register refuses another source's model.
      const source = await snapshotSource(ctx.store, features.snapshot);
      if (source) tags[SOURCE_TAG] = source;
      const run = await ctx.tracker.createRun({ experimentId, name: `train-${features.snapshot}`, tags });
      const runId = run.runId;
      const tmp = await mkdtemp(path.join(os.tmpdir(), "rodent-train-"));
      try {
        const windows = {
          train: windowInfo(ts.day, ts.label, split.train),
          valid: windowInfo(ts.day, ts.label, split.valid),
          test: windowInfo(ts.day, ts.label, split.test),
        };
        await ctx.tracker.logBatch(runId, {
          params: {
            ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])),
            split_test_months: String(SPLIT.testMonths),
            split_valid_months: String(SPLIT.validMonths),
            train_rows: String(windows.train.rows),
            valid_rows: String(windows.valid.rows),
            test_rows: String(windows.test.rows),
            test_from: String(windows.test.from),
            test_to: String(windows.test.to),
          },
        });
        const trainSet = { table: subsetTable(ts.table, split.train), label: pick(ts.label, split.train) };
        const validSet = { table: subsetTable(ts.table, split.valid), label: pick(ts.label, split.valid) };
        const trainTable = trainSet.table;
        const model = await trainModel({
          train: trainSet,
          valid: validSet,
          params,
          log: ctx.log,
          meta: { trainingSnapshot: features.snapshot },
        });
        const history = roundHistory(model, { train: trainSet, valid: validSet });
        // Never fit or choose on the test window: it is scored once, here, after training is over.
        const testScore = model.predictProba(subsetTable(ts.table, split.test));
        const test = evaluateScores({
          label: pick(ts.label, split.test),
          score: testScore,
          day: pick(ts.day, split.test),
          borough: pick(ts.borough, split.test),
        });
        const baselines = baselineMetrics(ts, split.test);
        const oracle = await oracleMetrics(ctx.store, features.snapshot, ts, split.test);
        const report: TrainReport = {
          run: runId,
          snapshot: features.snapshot,
          feature_schema_version: ts.table.schema.version,
          params,
          windows,
          calibration: {
            method: model.calibration.kind,
            selection: "selection" in model.calibration ? (model.calibration.selection ?? null) : null,
          },
          test,
          baselines,
          oracle,
        };
        // The monitor compares the rows the service is asked about (every active restaurant as of a day) with the
        // same kind of rows at training time; training rows (past inspections) differ by construction.
        // The reference profile (issue 13 §3): every active restaurant as of the day the fitted data ends (the
        // test window's start), never the serving table it will be compared with; the training rows otherwise.
        const pop = await loadProfileTable(ctx, features);
        const refTable = pop?.table ?? trainTable;
        model.meta.reference_profile = buildReferenceProfile(refTable, model.predictProba(refTable), {
          basis: pop
            ? `every active restaurant as of ${pop.asOf}, the day the data the model was fitted on ends`
            : "the training rows (past inspections) the model learned from",
          asOf: pop?.asOf ?? null,
        });
        model.meta.metrics = {
          test: {
            auc: test.auc,
            lift_at: test.lift_at,
            ece: test.ece,
            brier: test.brier,
            days_earlier: test.days_earlier,
          },
          window: windows.test,
        };
        model.meta.run_id = runId;
        if (source) model.meta.source = source;

        const modelDir = path.join(tmp, "model");
        // The input example: the first rows the service would score (or, without a serving table, training rows).
        const exampleRows = Array.from({ length: Math.min(5, refTable.n) }, (_, i) =>
          Float64Array.from(refTable.columns, (c) => c[i]),
        );
        await writeMlflowModelDir(modelDir, toXGBoostJSON(model), model.toJSON(), {
          runId,
          snapshot: features.snapshot,
          featureSchemaVersion: ts.table.schema.version,
          inputExample: exampleRows,
        });
        await ctx.tracker.logArtifacts(runId, modelDir, "model");
        const evalFile = path.join(tmp, "evaluation.json");
        await writeFile(evalFile, JSON.stringify(report, null, 2));
        await ctx.tracker.logArtifact(runId, evalFile);

        await ctx.tracker.logBatch(runId, { params: { calibration: model.calibration.kind } });
        const metrics = [
          ...history,
          ...Object.entries({
            ...flattenMetrics("test", test),
            ...Object.fromEntries(
              Object.entries(baselines).flatMap(([name, m]) => Object.entries(flattenMetrics(`baseline_${name}`, m))),
            ),
            ...(oracle ? flattenMetrics("oracle", oracle) : {}),
            // every calibration candidate's out-of-fold scores on the validation window
            ...Object.fromEntries(
              Object.entries(report.calibration.selection?.candidates ?? {}).flatMap(([m, c]) => [
                [`calibration_${m.replace(/-/g, "_")}_valid_brier`, c.brier],
                [`calibration_${m.replace(/-/g, "_")}_valid_ece`, c.ece],
              ]),
            ),
          }).map(([k, value]) => ({ key: k, value, step: 0 })),
        ];
        // MLflow's log-batch takes at most 1000 metrics per call.
        for (let i = 0; i < metrics.length; i += 900) {
          await ctx.tracker.logBatch(runId, { metrics: metrics.slice(i, i + 900) });
        }
        await ctx.tracker.endRun(runId, "FINISHED");
        ctx.log.info(
          { run: runId, auc: test.auc, lift_at_10: test.lift_at["10"], oracle_auc: oracle?.auc ?? null },
          "trained and evaluated",
        );
        return report;
      } catch (e) {
        await ctx.tracker.endRun(runId, "FAILED").catch(() => {});
        throw e;
      } finally {
        await rm(tmp, { recursive: true, force: true });
      }
    },
  );
}
