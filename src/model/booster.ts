// The boosting loop: quantize once, then per round gradients (through the Objective, on both threads) → sampled rows
// and features → one depth-wise tree → margins updated incrementally (train through the bin codes, validation
// through the float thresholds). With validation rows, early stopping keeps the trees up to the best round of the
// eval metric, and a calibration may be fitted on those rows' margins (calibration.ts: Platt, beta or interpolated
// isotonic, chosen out of fold); never on training rows.
import { RodentError } from "../errors.js";
import type { FeatureTable } from "../features/index.js";
import type { Logger } from "../util/log.js";
import { weightedRocAuc } from "./binary-metrics.js";
import { fitCalibration } from "./calibration.js";
import { type Cuts, computeCuts, MISSING_BIN } from "./cuts.js";
import { type EvalMetric, type EvalMetricName, evalMetricFor, logloss } from "./eval-metric.js";
import { type GrownTree, growTree, HistogramPool } from "./grower.js";
import { HistEngine } from "./hist-engine.js";
import { histogramSize } from "./histogram.js";
import { rocAuc } from "./metrics.js";
import { Model } from "./model.js";
import { type Objective, type ObjectiveName, type ObjectiveSpec, objectiveFor } from "./objective.js";
import type { TrainParams } from "./params.js";
import type { QuantizedMatrix } from "./quantize.js";
import { quantize } from "./quantize.js";
import { Mulberry32, sampleRows } from "./random.js";
import { trainProgress } from "./train-progress.js";
import type { Tree } from "./tree.js";

export { logloss };

/** Rows to learn from or to watch: a feature table, one label per row and, optionally, one weight per row. */
export interface TrainSet {
  table: FeatureTable;
  /** binary:logistic: 0 or 1; count:poisson: counts ≥ 0; reg:squarederror: any finite number */
  label: Uint8Array | Float32Array | Float64Array;
  /** sample weights (finite, ≥ 0, not all 0): a row's gradient, hessian and metric term count this many times */
  weight?: Float32Array | Float64Array;
}

export interface TrainInput {
  train: TrainSet;
  /** validation rows for early stopping and calibration (never the training rows); optional */
  valid?: TrainSet;
  params: TrainParams;
  /** the loss (default binary:logistic) */
  objective?: ObjectiveName;
  /** the validation metric early stopping watches (default: logloss, poisson-nloglik or rmse by objective) */
  evalMetric?: EvalMetricName;
  /**
   * fit a calibration on the validation rows (binary:logistic only; calibration.ts chooses the map). Default: on when unweighted validation
   * rows are given and the objective is binary:logistic, as the app's pipeline wants calibrated probabilities; the
   * table API (train() in table.ts) asks for it explicitly instead.
   */
  calibrate?: boolean;
  log?: Logger;
  meta?: { trainingSnapshot?: string };
  /** report train/valid loss and AUC every this many rounds (default 10) */
  evalEvery?: number;
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

function bad(field: string, msg: string): never {
  throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", `${field}: ${msg}`, { field });
}

function checkSet(set: TrainSet, name: "train" | "valid", obj: Objective): void {
  const { table, label, weight } = set;
  if (table.n === 0) bad(`${name}.table`, "has no rows");
  if (table.columns.length !== table.schema.features.length) {
    bad(`${name}.table`, `has ${table.columns.length} columns, its schema ${table.schema.features.length} features`);
  }
  table.columns.forEach((c, f) => {
    if (c.length !== table.n) bad(`${name}.table.columns[${f}]`, `has ${c.length} values for ${table.n} rows`);
  });
  if (label.length !== table.n) bad(`${name}.label`, `has ${label.length} values for ${table.n} rows`);
  const wrong = obj.checkLabel(label);
  if (wrong) bad(`${name}.label[${wrong.row}]`, `${wrong.reason} (objective ${obj.name})`);
  if (weight) {
    if (weight.length !== table.n) bad(`${name}.weight`, `has ${weight.length} values for ${table.n} rows`);
    let sum = 0;
    for (let i = 0; i < weight.length; i++) {
      if (!(weight[i] >= 0) || !Number.isFinite(weight[i]))
        bad(`${name}.weight[${i}]`, `${weight[i]} is not a finite weight ≥ 0`);
      sum += weight[i];
    }
    if (!(sum > 0)) bad(`${name}.weight`, "every weight is 0");
  }
}

function checkInput(input: TrainInput, obj: Objective): void {
  const { train, valid, params: p } = input;
  checkSet(train, "train", obj);
  if (valid) {
    checkSet(valid, "valid", obj);
    if (valid.table.columns.length !== train.table.columns.length) {
      throw new RodentError("RODENT_ERR_SCHEMA_MISMATCH", "training and validation tables have different features");
    }
  } else {
    if (p.early_stopping_rounds > 0) {
      bad("early_stopping_rounds", `${p.early_stopping_rounds} needs validation rows: pass valid, or set it to 0`);
    }
    if (input.calibrate) bad("calibrate", "needs validation rows (calibration is never fitted on training rows)");
  }
  if (input.calibrate && obj.name !== "binary:logistic") {
    bad("calibrate", `calibrates probabilities: it needs objective binary:logistic, not ${obj.name}`);
  }
  if (input.calibrate && valid?.weight) {
    bad("calibrate", "calibration does not take weights: leave valid.weight out, or calibrate: false");
  }
}

export async function trainModel(input: TrainInput): Promise<Model> {
  const spec: ObjectiveSpec = {
    name: input.objective ?? "binary:logistic",
    scalePosWeight: input.params.scale_pos_weight,
  };
  const obj = objectiveFor(spec);
  checkInput(input, obj);
  const metric = evalMetricFor(input.evalMetric, obj);
  const { train, params: p } = input;
  const t0 = performance.now();
  const F = train.table.columns.length;
  const cuts = computeCuts(train.table, p.max_bin);
  // depth-wise growth keeps at most one histogram per node of the widest level alive (2^(max_depth-1))
  const histograms = Math.min(64, 2 ** Math.max(0, p.max_depth - 1) + 1);
  const engine = new HistEngine({
    n: train.table.n,
    nFeatures: F,
    nthread: p.nthread,
    histograms,
    objective: spec,
    weighted: Boolean(train.weight),
  });
  try {
    return await boost(input, metric, cuts, quantize(train.table, cuts, engine.bins), engine, t0);
  } finally {
    engine.close();
  }
}

async function boost(
  input: TrainInput,
  metric: EvalMetric,
  cuts: Cuts,
  qm: QuantizedMatrix,
  engine: HistEngine,
  t0: number,
): Promise<Model> {
  const { train, valid, params: p, log } = input;
  const F = train.table.columns.length;
  const n = train.table.n;
  const tQuantize = performance.now() - t0;
  const obj = engine.objective;
  const binary = obj.name === "binary:logistic";
  const baseScore = Math.fround(obj.initEstimation(train.label, train.weight));
  const model0 = new Model(train.table.schema, p, [], baseScore, { kind: "none" }, { createdAt: "" }, obj.name);
  const baseMargin = model0.baseMargin;
  // margins, labels, weights and gradients live in the engine's shared memory: both threads compute them
  const trainMargin = engine.margin.fill(baseMargin);
  engine.label.set(train.label);
  if (train.weight) engine.weight?.set(train.weight);
  const validMargin = valid ? new Float64Array(valid.table.n).fill(baseMargin) : null;
  const validWeight = valid?.weight ?? null;
  const gen = new Mulberry32(p.seed);
  const pool = new HistogramPool(histogramSize(F), () => engine.allocHistogram());
  const sampleBuf = new Uint32Array(n);
  const restBuf = new Uint32Array(n);
  const featureIdx = Array.from({ length: F }, (_, i) => i);
  const nCols = Math.max(1, Math.floor(p.colsample_bytree * F + 1e-9));
  const evalEvery = Math.max(1, input.evalEvery ?? 10);
  const progress = trainProgress(log, { total: p.n_estimators, everyRounds: evalEvery, metric: metric.name });
  // train metrics on a fixed strided sample keep the periodic report cheap on big tables
  const aucRows = n > 100_000 ? Math.ceil(n / 100_000) : 1;
  const trees: Tree[] = [];
  const better = metric.maximize ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
  let best = -1;
  let bestScore = metric.maximize ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
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
    // the objective's gradients, computed by the engine on both threads
    engine.gradients();
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
    let vs = Number.NaN;
    if (valid && validMargin) {
      addTreeFloat(valid.table, tree, validMargin);
      vs = metric.score(valid.label, validMargin, validWeight);
      if (better(vs, bestScore)) {
        bestScore = vs;
        best = round;
      }
    } else best = round;
    const stop = valid !== undefined && p.early_stopping_rounds > 0 && round - best >= p.early_stopping_rounds;
    const full = (round + 1) % evalEvery === 0 || stop || round === p.n_estimators - 1;
    if (full) {
      const sub = aucRows > 1 ? strided(train.label, trainMargin, aucRows) : { y: train.label, m: trainMargin };
      // the train figure is unweighted on the strided sample: a progress signal, not a result
      lastReport = { [`train_${metric.name}`]: metric.score(sub.y, sub.m, null) };
      if (binary) lastReport.train_auc = rocAuc(binaryLabel(sub.y), sub.m);
      if (valid && validMargin) {
        lastReport[`valid_${metric.name}`] = vs;
        if (binary) lastReport.valid_auc = rocAuc(binaryLabel(valid.label), validMargin);
      }
      progress.round(
        {
          round,
          train: lastReport[`train_${metric.name}`],
          trainAuc: lastReport.train_auc,
          valid: valid ? vs : undefined,
          validAuc: lastReport.valid_auc,
          bestRound: best,
        },
        true,
      );
    } else progress.round({ round, valid: valid ? vs : undefined, bestRound: best }, false);
    clock("evaluate");
    if (stop) break;
    // let log lines and signals through between rounds
    if (round % 20 === 19) await new Promise((r) => setImmediate(r));
  }
  // without early stopping every tree is kept (as XGBoost does); with it, the trees up to the best round
  const kept = valid && p.early_stopping_rounds > 0 ? trees.slice(0, best + 1) : trees;
  const model = new Model(train.table.schema, p, kept, baseScore, { kind: "none" }, { createdAt: "" }, obj.name);
  let validFigures: Record<string, number> = {};
  if (valid) {
    const vm = model.forest.marginTable(valid.table);
    // default: calibrate binary models on unweighted validation rows (the calibration fit takes no weights)
    if (input.calibrate ?? (binary && !validWeight)) {
      model.calibration = fitCalibration(vm, binaryLabel(valid.label));
    }
    validFigures = { [`valid_${metric.name}`]: bestScore };
    if (binary) {
      validFigures.valid_auc = validWeight
        ? weightedRocAuc(valid.label, vm, validWeight)
        : rocAuc(binaryLabel(valid.label), vm);
    }
  }
  const trainSeconds = (performance.now() - t0) / 1000;
  // the keys of the app's default (binary:logistic, logloss, unweighted) stay as they were: artifacts compare
  const defaults = binary && metric.name === "logloss" && !train.weight && !validWeight;
  model.meta = {
    createdAt: new Date().toISOString(),
    ...(input.meta?.trainingSnapshot ? { trainingSnapshot: input.meta.trainingSnapshot } : {}),
    training: {
      rows: n,
      ...(valid ? { valid_rows: valid.table.n } : {}),
      features: F,
      rounds: trees.length,
      best_iteration: valid ? best : trees.length - 1,
      trees: kept.length,
      ...validFigures,
      seconds: Number(trainSeconds.toFixed(3)),
      quantize_seconds: Number((tQuantize / 1000).toFixed(3)),
      threads: engine.threads,
      phase_seconds: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, Number((v / 1000).toFixed(3))])),
      ...(defaults ? {} : { eval_metric: metric.name, weighted: Boolean(train.weight) }),
    },
  };
  progress.done({
    rounds: trees.length,
    best_round: best + 1,
    ...(valid ? { [`valid_${metric.name}`]: bestScore } : {}),
    ...lastReport,
  });
  return model;
}

function binaryLabel(label: ArrayLike<number>): Uint8Array {
  return label instanceof Uint8Array ? label : Uint8Array.from(label as ArrayLike<number>, (v) => (v ? 1 : 0));
}

function strided(y: Uint8Array | Float32Array | Float64Array, m: Float64Array, step: number) {
  const k = Math.floor(y.length / step);
  const ys = new (y.constructor as new (k: number) => typeof y)(k);
  const ms = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    ys[i] = y[i * step];
    ms[i] = m[i * step];
  }
  return { y: ys, m: ms };
}
