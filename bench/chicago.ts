// The learner as a library on a real outside table: the City of Chicago's food-inspection modelling data
// (DATA/foodInspect-intermediate.csv of its public food-inspections-evaluation repository: canvass inspections
// 2011-09 .. 2013-08, one row per inspection, with the establishment's past violations). Target: a critical
// violation found (criticalCount > 0), as in Chicago's own model. The columns that describe the inspection's own
// outcome (counts of this inspection's violations, results, pass_flag) and the ids are left out. --target fail
// predicts a failed inspection instead.
//
// Both learners get the same rows: ours through the table API (train() on the raw CSV columns: categorical strings,
// "NA"s and all), Python XGBoost (tree_method=hist, same parameters, bench/python/train_xgb.py) through the matrix
// our encoder builds from the training rows. Repeated k-fold cross-validation, and a time split (train before
// 2013-03-01, test after), each with early stopping on a share of the training rows. Prints both test AUCs.
// The data is not in this repository (public, but not ours to ship); pass its path:
//   npx tsx bench/chicago.ts --csv PATH/foodInspect-intermediate.csv [--folds 5] [--repeats 3]
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_PARAMS, holdOut, readCsv, rocAuc, type Table, type TrainParams, train } from "../src/model/index.js";
import { Mulberry32 } from "../src/model/random.js";
import { encodeTable, fitEncoding, numericColumn, rowCount, schemaOf, takeRows } from "../src/model/table-encoder.js";

const { values } = parseArgs({
  options: {
    csv: { type: "string" },
    folds: { type: "string", default: "5" },
    repeats: { type: "string", default: "3" },
    dir: { type: "string", default: path.join(os.tmpdir(), "rodent-bench-chicago") },
    target: { type: "string", default: "critical" },
  },
});
if (!values.csv) {
  console.error("usage: npx tsx bench/chicago.ts --csv PATH/foodInspect-intermediate.csv [--folds 5] [--repeats 3]");
  process.exit(2);
}
const FOLDS = Number(values.folds);
const REPEATS = Number(values.repeats);
const dir = values.dir as string;
mkdirSync(dir, { recursive: true });
const PY = path.join(
  process.env.RODENT_TEST_VENV_BIN ?? path.join(os.homedir(), ".cache/rodent-risk/venv/bin"),
  "python",
);
const here = path.dirname(new URL(import.meta.url).pathname);

const raw = await readCsv(values.csv);
const n = rowCount(raw);
// the target: any critical violation at this inspection, as Chicago's model has it (--target critical), or a
// failed inspection (--target fail)
const critical = numericColumn(raw, "criticalCount", "label");
const results = raw.results as string[];
const target =
  values.target === "fail" ? results.map((r) => (r === "Fail" ? 1 : 0)) : Array.from(critical, (c) => (c > 0 ? 1 : 0));
const data: Table = { ...raw, [values.target === "fail" ? "failed" : "critical_found"]: target };
const FEATURES = [
  "facility_type",
  "risk",
  "inspection_type",
  "pastFail",
  "pastCritical",
  "pastSerious",
  "pastMinor",
  "timeSinceLast",
  "firstRecord",
];
const LABEL = values.target === "fail" ? "failed" : "critical_found";
const params: TrainParams = {
  ...DEFAULT_PARAMS,
  n_estimators: 500,
  max_depth: 3,
  eta: 0.05,
  subsample: 0.8,
  colsample_bytree: 0.8,
  early_stopping_rounds: 30,
  nthread: 2,
};
writeFileSync(path.join(dir, "params.json"), JSON.stringify(params));

/** Writes an encoded table the way bench/python/train_xgb.py reads it (row-major float32, uint8 labels). */
function writeSet(name: string, t: Table, enc: ReturnType<typeof fitEncoding>): void {
  const ft = encodeTable(enc, t);
  const F = ft.columns.length;
  const x = new Float32Array(ft.n * F);
  for (let f = 0; f < F; f++) for (let r = 0; r < ft.n; r++) x[r * F + f] = ft.columns[f][r];
  writeFileSync(path.join(dir, `${name}.x.f32`), Buffer.from(x.buffer));
  writeFileSync(path.join(dir, `${name}.y.u8`), Buffer.from(Uint8Array.from(numericColumn(t, LABEL, "label"))));
}

interface Result {
  ours: number;
  xgboost: number;
  oursTrees: number;
  xgbTrees: number;
}

/** One comparison: both learners on the same train / valid / test rows. */
async function compare(trainRows: Table, validRows: Table, testRows: Table): Promise<Result> {
  const model = await train(trainRows, { label: LABEL, features: FEATURES, valid: validRows, params });
  const yTest = Uint8Array.from(numericColumn(testRows, LABEL, "label"));
  const ours = rocAuc(yTest, model.predict(testRows));
  const enc = fitEncoding(trainRows, { label: LABEL, features: FEATURES });
  writeSet("train", trainRows, enc);
  writeSet("valid", validRows, enc);
  writeSet("test", testRows, enc);
  const sizes = { train: rowCount(trainRows), valid: rowCount(validRows), test: rowCount(testRows) };
  writeFileSync(path.join(dir, "meta.json"), JSON.stringify({ features: model.model.nFeatures, ...sizes }));
  const out = path.join(dir, "xgb_out.json");
  execFileSync(PY, [path.join(here, "python/train_xgb.py"), dir, path.join(dir, "params.json"), out], {
    stdio: "inherit",
    env: { ...process.env, OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? "PASSIVE" },
  });
  const xo = JSON.parse(readFileSync(out, "utf8"));
  const b = readFileSync(path.join(dir, "xgb_test_proba.f64"));
  const xgboost = rocAuc(yTest, new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)));
  return { ours, xgboost, oursTrees: model.model.trees.length, xgbTrees: xo.best_iteration + 1 };
}

const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(mean(xs.map((v) => (v - mean(xs)) ** 2)));

// repeated k-fold: rows shuffled per repeat (seeded), fold k is the test set, 20 % of the rest validates
const cv: Result[] = [];
for (let rep = 0; rep < REPEATS; rep++) {
  const g = new Mulberry32(1000 + rep);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(g.next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  for (let k = 0; k < FOLDS; k++) {
    const test = order.filter((_, i) => i % FOLDS === k).sort((a, b) => a - b);
    const rest = order.filter((_, i) => i % FOLDS !== k).sort((a, b) => a - b);
    const split = holdOut(takeRows(data, rest), 0.2, 7 + rep * FOLDS + k);
    const r = await compare(split.rest, split.held, takeRows(data, test));
    cv.push(r);
    console.error(
      `repeat ${rep + 1} fold ${k + 1}: AUC ours ${r.ours.toFixed(4)} | xgboost ${r.xgboost.toFixed(4)} (trees ${r.oursTrees} | ${r.xgbTrees})`,
    );
  }
}

// time split: the last six months are the test
const dates = data.inspection_date as string[];
const before = dates.flatMap((d, i) => (d < "2013-03-01" ? [i] : []));
const after = dates.flatMap((d, i) => (d >= "2013-03-01" ? [i] : []));
const ts = holdOut(takeRows(data, before), 0.2, 11);
const time = await compare(ts.rest, ts.held, takeRows(data, after));

const positives = (data[LABEL] as number[]).reduce((s, v) => s + v, 0);
console.log(
  `\nChicago food inspections (${values.csv}): ${n} rows, target ${LABEL}: ${positives} positive (${((100 * positives) / n).toFixed(1)} %), ${FEATURES.length} columns → ${schemaOf(fitEncoding(data, { label: LABEL, features: FEATURES })).features.length} features`,
);
console.log(`${"".padEnd(44)}${"xgboost".padStart(12)}${"ours".padStart(12)}`);
const line = (k: string, a: string, b: string) => console.log(`${k.padEnd(44)}${a.padStart(12)}${b.padStart(12)}`);
line(
  `test AUC, ${REPEATS}×${FOLDS}-fold CV (mean)`,
  mean(cv.map((r) => r.xgboost)).toFixed(4),
  mean(cv.map((r) => r.ours)).toFixed(4),
);
line("  sd over folds", sd(cv.map((r) => r.xgboost)).toFixed(4), sd(cv.map((r) => r.ours)).toFixed(4));
line("  trees kept (mean)", mean(cv.map((r) => r.xgbTrees)).toFixed(1), mean(cv.map((r) => r.oursTrees)).toFixed(1));
line(
  `test AUC, time split (${before.length} before / ${after.length} from 2013-03-01)`,
  time.xgboost.toFixed(4),
  time.ours.toFixed(4),
);
const diffs = cv.map((r) => r.ours - r.xgboost);
console.log(
  `paired difference ours − xgboost over ${cv.length} folds: mean ${mean(diffs).toFixed(4)}, sd ${sd(diffs).toFixed(4)}`,
);
