// The boosting loop: quantize once, then per round gradients → sampled rows and features → one depth-wise tree →
// margins updated incrementally (train through the bin codes, validation through the float thresholds).
// Early stopping keeps the trees up to the best validation logloss; the calibration (calibration.ts: chosen among
// Platt, beta and interpolated isotonic) is then fitted on the validation window's margins.
import { RodentError } from "../errors.js";
import type { FeatureTable } from "../features/schema.js";
import type { Logger } from "../util/log.js";
import { fitCalibration } from "./calibration.js";
import { type Cuts, computeCuts, MISSING_BIN } from "./cuts.js";
import { type GrownTree, growTree, HistogramPool } from "./grower.js";
import { HistEngine } from "./hist-engine.js";
import { histogramSize } from "./histogram.js";
import { rocAuc } from "./metrics.js";
import { Model } from "./model.js";
import { logisticObjective, sigmoid } from "./objective.js";
import type { TrainParams } from "./params.js";
import type { QuantizedMatrix } from "./quantize.js";
import { quantize } from "./quantize.js";
import { Mulberry32, sampleRows } from "./random.js";
import { trainProgress } from "./train-progress.js";
import type { Tree } from "./tree.js";

export interface TrainInput {
  train: { table: FeatureTable; label: Uint8Array };
  valid: { table: FeatureTable; label: Uint8Array };
  params: TrainParams;
  log?: Logger;
  meta?: { trainingSnapshot?: string };
  /** report train/valid loss and AUC every this many rounds (default 10) */
  evalEvery?: number;
}

export function logloss(label: Uint8Array, margin: Float64Array): number {
  let s = 0;
  for (let i = 0; i < label.length; i++) {
    const p = Math.min(Math.max(sigmoid(margin[i]), 1e-15), 1 - 1e-15);
    s -= label[i] ? Math.log(p) : Math.log(1 - p);
  }
  return label.length ? s / label.length : Number.NaN;
}

/**
 * Adds a new tree's leaf values to the training margins: the sampled rows through the grower's partition (each
 * leaf owns a segment of rows; on the worker thread when there is one), the others meanwhile by walking the bin
 * codes with the split the grower chose.
 */
function addTreeTrain(engine: HistEngine, m: QuantizedMatrix, grown: GrownTree, rest: Uint32Array, nRest: number) {
  const { tree, splitBin, begin, end } = grown;
  const { left, right, feature, defaultLeft, threshold } = tree;
  const segments: { begin: number; end: number; value: number }[] = [];
  for (let node = 0; node < left.length; node++) {
    if (left[node] === -1 && end[node] > begin[node]) {
      segments.push({ begin: begin[node], end: end[node], value: threshold[node] });
    }
  }
  const margin = engine.margin;
  engine.addLeaves(segments, () => {
    const N = m.n;
    const bins = m.bins;
    for (let k = 0; k < nRest; k++) {
      const r = rest[k];
      let n = 0;
      while (left[n] !== -1) {
        const b = bins[feature[n] * N + r];
        n = b === MISSING_BIN ? (defaultLeft[n] ? left[n] : right[n]) : b <= splitBin[n] ? left[n] : right[n];
      }
      margin[r] += threshold[n];
    }
  });
}

function addTreeFloat(table: FeatureTable, tree: Tree, margin: Float64Array): void {
  const cols = table.columns;
  const { left, right, feature, defaultLeft, threshold } = tree;
  for (let r = 0; r < table.n; r++) {
    let n = 0;
    while (left[n] !== -1) {
      const v = cols[feature[n]][r];
      n = Number.isNaN(v) ? (defaultLeft[n] ? left[n] : right[n]) : v < threshold[n] ? left[n] : right[n];
    }
    margin[r] += threshold[n];
  }
}

function checkInput(input: TrainInput): void {
  const { train, valid } = input;
  const F = train.table.columns.length;
  if (train.table.n === 0) throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", "training set has no rows");
  if (valid.table.n === 0) throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", "validation set has no rows");
  if (train.label.length !== train.table.n || valid.label.length !== valid.table.n) {
    throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", "label length differs from the table's row count");
  }
  if (valid.table.columns.length !== F || F !== train.table.schema.features.length) {
    throw new RodentError("RODENT_ERR_SCHEMA_MISMATCH", "training and validation tables have different features");
  }
}

export async function trainModel(input: TrainInput): Promise<Model> {
  checkInput(input);
  const { train, params: p } = input;
  const t0 = performance.now();
  const F = train.table.columns.length;
  const cuts = computeCuts(train.table, p.max_bin);
  // depth-wise growth keeps at most one histogram per node of the widest level alive (2^(max_depth-1))
  const histograms = Math.min(64, 2 ** Math.max(0, p.max_depth - 1) + 1);
  const engine = new HistEngine({ n: train.table.n, nFeatures: F, nthread: p.nthread, histograms });
  try {
    return await boost(input, cuts, quantize(train.table, cuts, engine.bins), engine, t0);
  } finally {
    engine.close();
  }
}

async function boost(
  input: TrainInput,
  cuts: Cuts,
  qm: QuantizedMatrix,
  engine: HistEngine,
  t0: number,
): Promise<Model> {
  const { train, valid, params: p, log } = input;
  const F = train.table.columns.length;
  const n = train.table.n;
  const tQuantize = performance.now() - t0;
  const obj = logisticObjective(p.scale_pos_weight);
  const baseScore = Math.fround(obj.initEstimation(train.label));
  const model0 = new Model(train.table.schema, p, [], baseScore, { kind: "none" }, { createdAt: "" });
  const baseMargin = model0.baseMargin;
  // margins, labels and gradients live in the engine's shared memory: both threads compute them
  const trainMargin = engine.margin.fill(baseMargin);
  engine.label.set(train.label);
  const validMargin = new Float64Array(valid.table.n).fill(baseMargin);
  const gen = new Mulberry32(p.seed);
  const pool = new HistogramPool(histogramSize(F), () => engine.allocHistogram());
  const sampleBuf = new Uint32Array(n);
  const restBuf = new Uint32Array(n);
  const featureIdx = Array.from({ length: F }, (_, i) => i);
  const nCols = Math.max(1, Math.floor(p.colsample_bytree * F + 1e-9));
  const evalEvery = Math.max(1, input.evalEvery ?? 10);
  const progress = trainProgress(log, { total: p.n_estimators, everyRounds: evalEvery });
  // train loss and AUC on a fixed strided sample keep the periodic report cheap on big tables
  const aucRows = n > 100_000 ? Math.ceil(n / 100_000) : 1;
  const trees: Tree[] = [];
  let best = -1;
  let bestLoss = Number.POSITIVE_INFINITY;
  let lastReport: Record<string, number> = {};
  // where a round's time goes (model.meta.training.phase_seconds; the bench prints it)
  const phases: Record<"gradient" | "sample" | "grow" | "update" | "evaluate", number> = {
    gradient: 0,
    sample: 0,
    grow: 0,
    update: 0,
    evaluate: 0,
  };
  let lap = performance.now();
  const clock = (phase: keyof typeof phases) => {
    const now = performance.now();
    phases[phase] += now - lap;
    lap = now;
  };
  for (let round = 0; round < p.n_estimators; round++) {
    lap = performance.now();
    // binary:logistic (the one objective, obj above) computed by the engine on both threads
    engine.gradients(p.scale_pos_weight);
    clock("gradient");
    const k = p.subsample < 1 ? sampleRows(gen, n, p.subsample, sampleBuf, restBuf) : n;
    if (k === n) for (let i = 0; i < n; i++) sampleBuf[i] = i;
    let features: Int32Array;
    if (nCols < F) {
      for (let i = F - 1; i > 0; i--) {
        const j = Math.floor(gen.next() * (i + 1));
        const t = featureIdx[i];
        featureIdx[i] = featureIdx[j];
        featureIdx[j] = t;
      }
      features = Int32Array.from(featureIdx.slice(0, nCols)).sort();
    } else features = Int32Array.from(featureIdx.keys());
    clock("sample");
    const grown = growTree(qm, cuts, engine.gh, sampleBuf.subarray(0, k), features, p, pool, engine);
    const tree = grown.tree;
    trees.push(tree);
    clock("grow");
    addTreeTrain(engine, qm, grown, restBuf, n - k);
    clock("update");
    addTreeFloat(valid.table, tree, validMargin);
    const vl = logloss(valid.label, validMargin);
    if (vl < bestLoss) {
      bestLoss = vl;
      best = round;
    }
    const stop = p.early_stopping_rounds > 0 && round - best >= p.early_stopping_rounds;
    const full = (round + 1) % evalEvery === 0 || stop || round === p.n_estimators - 1;
    if (full) {
      const sub = aucRows > 1 ? strided(train.label, trainMargin, aucRows) : { y: train.label, m: trainMargin };
      lastReport = {
        train_logloss: logloss(sub.y, sub.m),
        train_auc: rocAuc(sub.y, sub.m),
        valid_logloss: vl,
        valid_auc: rocAuc(valid.label, validMargin),
      };
      progress.round(
        {
          round,
          trainLogloss: lastReport.train_logloss,
          trainAuc: lastReport.train_auc,
          validLogloss: vl,
          validAuc: lastReport.valid_auc,
          bestRound: best,
        },
        true,
      );
    } else progress.round({ round, validLogloss: vl, bestRound: best }, false);
    clock("evaluate");
    if (stop) break;
    // let log lines and signals through between rounds
    if (round % 20 === 19) await new Promise((r) => setImmediate(r));
  }
  // without early stopping every tree is kept (as XGBoost does); with it, the trees up to the best round
  const kept = p.early_stopping_rounds > 0 ? trees.slice(0, best + 1) : trees;
  const model = new Model(train.table.schema, p, kept, baseScore, { kind: "none" }, { createdAt: "" });
  const vm = model.forest.marginTable(valid.table);
  model.calibration = fitCalibration(vm, valid.label);
  const trainSeconds = (performance.now() - t0) / 1000;
  model.meta = {
    createdAt: new Date().toISOString(),
    ...(input.meta?.trainingSnapshot ? { trainingSnapshot: input.meta.trainingSnapshot } : {}),
    training: {
      rows: n,
      valid_rows: valid.table.n,
      features: F,
      rounds: trees.length,
      best_iteration: best,
      trees: kept.length,
      valid_logloss: bestLoss,
      valid_auc: rocAuc(valid.label, vm),
      seconds: Number(trainSeconds.toFixed(3)),
      quantize_seconds: Number((tQuantize / 1000).toFixed(3)),
      threads: engine.threads,
      phase_seconds: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, Number((v / 1000).toFixed(3))])),
    },
  };
  progress.done({ rounds: trees.length, best_round: best + 1, valid_logloss: bestLoss, ...lastReport });
  return model;
}

function strided(y: Uint8Array, m: Float64Array, step: number) {
  const k = Math.floor(y.length / step);
  const ys = new Uint8Array(k);
  const ms = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    ys[i] = y[i * step];
    ms[i] = m[i * step];
  }
  return { y: ys, m: ms };
}
