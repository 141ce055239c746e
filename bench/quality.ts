// Model quality on the synthetic NYC (scale 1, 2015–2024) for several seeds: ingest → features → time split
// (test = last 6 months, valid = the 6 before) → trainModel with default params → test AUC and lift@10% of each
// ISO week's inspections, against the oracle (the synth's true probabilities, joined by camis + date + type) and the
// baselines (rodent at the previous inspection, previous score, base rate = the schedule's random order).
// Targets (docs/benchmarks.md): AUC ≥ 0.97 × oracle, lift@10% ≥ 0.9 × oracle, better than every baseline.
// Also: the calibration chosen on the validation window (every candidate's out-of-fold Brier / ECE, and each
// candidate refitted on the whole window and scored on the test window, next to the old flat isotonic map), ties at
// the top, and days earlier (the Chicago measure) of the model, the baselines and the oracle; target ≥ 0.95 × oracle.
//   npx tsx bench/quality.ts [--seeds 1,2,3] [--nthread 2]
import { loadRecords } from "../src/data/index.js";
import { buildTrainingSet, isoOfDay, loadCity } from "../src/features/index.js";
import { fitBeta, fitIsotonicInterpolated, fitPlatt } from "../src/model/calibration.js";
import {
  applyCalibration,
  brier,
  type Calibration,
  type CalibrationSelection,
  calibrateMargin,
  DEFAULT_PARAMS,
  daysEarlier,
  ece,
  fitCalibration,
  fitIsotonic,
  isoWeekIndex,
  liftAtFraction,
  rocAuc,
  subsetLabels,
  subsetTable,
  timeSplit,
  trainModel,
} from "../src/model/index.js";
import { createLogger } from "../src/util/log.js";
import { benchCity } from "./features-city.js";

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? dflt) : dflt;
}

const log = createLogger("warn");
const seeds = arg("seeds", "1,2,3").split(",").map(Number);
const nthread = Number(arg("nthread", "2"));
const r4 = (v: number) => Math.round(v * 10_000) / 10_000;

interface Scores {
  auc: number;
  lift10: number;
}
const results: Record<string, unknown>[] = [];
for (const seed of seeds) {
  const t0 = performance.now();
  const { store, snapshot } = await benchCity(seed, log);
  const city = await loadCity(store, snapshot);
  const set = buildTrainingSet(city);
  const truth = await loadRecords(store, snapshot, "truth");
  const pTrue = new Map<string, number>();
  for (const t of truth) pTrue.set(`${t.camis}|${t.inspectionDate}|${t.inspectionType}`, t.pTrue);

  const split = timeSplit(set.day, { testMonths: 6, validMonths: 6 });
  const part = (rows: Int32Array) => ({ table: subsetTable(set.table, rows), label: subsetLabels(set.label, rows) });
  const tTrain = performance.now();
  const model = await trainModel({
    train: part(split.train),
    valid: part(split.valid),
    params: { ...DEFAULT_PARAMS, nthread },
  });
  const trainSeconds = (performance.now() - tTrain) / 1000;

  const test = split.test;
  const y = subsetLabels(set.label, test);
  const weeks = new Int32Array(test.length);
  for (let i = 0; i < test.length; i++) weeks[i] = isoWeekIndex(set.day[test[i]]);
  const ours = model.predictProba(subsetTable(set.table, test));
  const oracle = new Float64Array(test.length);
  const prevRodent = new Float64Array(test.length);
  const prevScore = new Float64Array(test.length);
  let missingTruth = 0;
  for (let i = 0; i < test.length; i++) {
    const k = test[i];
    const p = pTrue.get(`${set.camis[k]}|${isoOfDay(set.day[k])}|${set.inspectionType[k]}`);
    if (p === undefined) missingTruth++;
    oracle[i] = p ?? 0;
    // no previous inspection ranks below every known value
    prevRodent[i] = Number.isNaN(set.prevRodent[k]) ? -1 : set.prevRodent[k];
    prevScore[i] = Number.isNaN(set.prevScore[k]) ? -1 : set.prevScore[k];
  }
  const score = (p: ArrayLike<number>): Scores => ({
    auc: r4(rocAuc(y, p)),
    lift10: r4(liftAtFraction(y, p, weeks, 0.1)),
  });
  // Calibration: the chosen map, every candidate refitted on the whole validation window and scored on the test
  // window, and the old flat isotonic map for comparison.
  const validTable = subsetTable(set.table, split.valid);
  const validLabel = subsetLabels(set.label, split.valid);
  const vm = model.predictMargin(validTable);
  const tm = model.predictMargin(subsetTable(set.table, test));
  const sig = (z: number) => 1 / (1 + Math.exp(-z));
  const maps: Record<string, Calibration> = {
    none: { kind: "none" },
    platt: fitPlatt(vm, validLabel),
    beta: fitBeta(vm, validLabel),
    "isotonic-interpolated": fitIsotonicInterpolated(vm, validLabel),
    "isotonic (old, flat)": fitIsotonic(Float64Array.from(vm, sig), validLabel),
  };
  const tieAtTop = (q: Float64Array, k: number) => {
    const top = Float64Array.from(q).sort().reverse().subarray(0, k);
    let run = 1;
    let longest = 1;
    for (let i = 1; i < top.length; i++) {
      run = top[i] === top[i - 1] ? run + 1 : 1;
      longest = Math.max(longest, run);
    }
    return longest;
  };
  const calib: Record<string, unknown> = {};
  for (const [name, c] of Object.entries(maps)) {
    const q = Float64Array.from(tm, (z) =>
      c.kind === "isotonic" ? applyCalibration(c, sig(z)) : calibrateMargin(c, z),
    );
    calib[name] = {
      test_brier: r4(brier(y, q) * 10) / 10,
      test_ece: r4(ece(y, q).ece),
      test_auc: r4(rocAuc(y, q)),
      max: r4(Math.max(...q)),
      longest_tie_top100: tieAtTop(q, 100),
    };
  }
  const chosen = fitCalibration(vm, validLabel) as Calibration & { selection?: CalibrationSelection };
  let exactlyZeroOrOne = 0;
  for (const v of ours) if (v === 0 || v === 1) exactlyZeroOrOne++;
  const days = (p: ArrayLike<number>) => {
    const d = daysEarlier(y, p, subsetLabels(set.day, test) as Int32Array);
    return {
      mean: r4(d.mean),
      median: r4(d.median),
      sd: r4(d.sd),
      later: r4(d.later),
      first_half_share: r4(d.first_half_share),
      actual_first_half_share: r4(d.actual_first_half_share),
    };
  };
  const de = { ours: days(ours), oracle: days(oracle), prev_rodent: days(prevRodent), prev_score: days(prevScore) };
  const s = {
    ours: score(ours),
    oracle: score(oracle),
    prev_rodent: score(prevRodent),
    prev_score: score(prevScore),
    base_rate: score(new Float64Array(test.length)),
  };
  let positives = 0;
  for (let i = 0; i < y.length; i++) positives += y[i];
  const row = {
    seed,
    snapshot,
    rows: { train: split.train.length, valid: split.valid.length, test: test.length },
    test_positive_rate: r4(positives / test.length),
    missing_truth: missingTruth,
    ...s,
    calibration: {
      chosen: chosen.kind,
      selection: chosen.selection ?? null,
      test: calib,
      served_exactly_0_or_1: exactlyZeroOrOne,
      auc_calibrated_minus_raw: rocAuc(y, ours) - rocAuc(y, Float64Array.from(tm, sig)),
    },
    days_earlier: de,
    days_earlier_ratio: r4(de.ours.mean / de.oracle.mean),
    auc_ratio: r4(s.ours.auc / s.oracle.auc),
    lift10_ratio: r4(s.ours.lift10 / s.oracle.lift10),
    train_seconds: Math.round(trainSeconds),
    trees: (model.meta as Record<string, unknown>).bestIteration ?? null,
    seconds: Math.round((performance.now() - t0) / 1000),
  };
  results.push(row);
  console.error(
    `seed ${seed}: ours auc ${s.ours.auc} lift@10 ${s.ours.lift10} | oracle ${s.oracle.auc} / ${s.oracle.lift10} | ` +
      `ratio ${row.auc_ratio} / ${row.lift10_ratio} | prev_rodent ${s.prev_rodent.auc} / ${s.prev_rodent.lift10} | ` +
      `prev_score ${s.prev_score.auc} / ${s.prev_score.lift10} | base ${s.base_rate.auc} / ${s.base_rate.lift10}`,
  );
  console.error(
    `seed ${seed}: calibration ${chosen.kind} | days earlier ours ${row.days_earlier.ours.mean} oracle ${row.days_earlier.oracle.mean} ratio ${row.days_earlier_ratio}`,
  );
  console.error(JSON.stringify(row.calibration));
}
const mean = (f: (r: Record<string, unknown>) => number) => r4(results.reduce((a, r) => a + f(r), 0) / results.length);
const summary = {
  bench: "quality",
  seeds,
  mean_auc_ratio: mean((r) => r.auc_ratio as number),
  mean_lift10_ratio: mean((r) => r.lift10_ratio as number),
  mean_days_earlier_ratio: mean((r) => r.days_earlier_ratio as number),
  targets: { auc_ratio: 0.97, lift10_ratio: 0.9, days_earlier_ratio: 0.95 },
  results,
};
console.log(JSON.stringify(summary));
