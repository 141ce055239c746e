// Side-by-side benchmark of our learner against Python XGBoost (tree_method="hist", same params, 2 threads) on the
// same exported train/valid/test tables: test AUC, training time, peak memory, scoring speed. Each learner runs in
// its own process, one after the other, RUNS times; medians are printed.
//   npx tsx bench/train.ts [--rows 600000] [--features 50] [--runs 3]
// Uses the synthetic classification table of src/model/synthetic.ts (nonlinear truth, missing values) until a real
// feature table is wired in.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_PARAMS, rocAuc, type TrainParams } from "../src/model/index.js";
import { syntheticTable } from "../src/model/synthetic.js";

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "600000" },
    features: { type: "string", default: "50" },
    runs: { type: "string", default: "3" },
    dir: { type: "string", default: path.join(os.tmpdir(), "rodent-bench-train") },
  },
});
const ROWS = Number(values.rows);
const F = Number(values.features);
const RUNS = Number(values.runs);
const dir = values.dir!;
const PY = path.join(
  process.env.RODENT_TEST_VENV_BIN ?? path.join(os.homedir(), ".cache/rodent-risk/venv/bin"),
  "python",
);
const here = path.dirname(new URL(import.meta.url).pathname);

const params: TrainParams = {
  ...DEFAULT_PARAMS,
  n_estimators: 300,
  max_depth: 6,
  eta: 0.1,
  subsample: 0.8,
  colsample_bytree: 0.8,
  early_stopping_rounds: 30,
  nthread: 2,
};

// 80 / 10 / 10 split of one synthetic population, written row-major float32 (NaN = missing) for both learners
const sizes = { train: Math.round(ROWS * 0.8), valid: Math.round(ROWS * 0.1), test: ROWS - 2 * Math.round(ROWS * 0.1) };
const metaPath = path.join(dir, "meta.json");
const meta = { features: F, ...sizes, seed: 2026 };
let testLabel: Uint8Array;
if (existsSync(metaPath) && readFileSync(metaPath, "utf8") === JSON.stringify(meta)) {
  testLabel = new Uint8Array(readFileSync(path.join(dir, "test.y.u8")));
} else {
  mkdirSync(dir, { recursive: true });
  const t = performance.now();
  let seed = meta.seed;
  for (const [name, n] of Object.entries(sizes)) {
    const s = syntheticTable({ rows: n, features: F, seed: seed++, missing: 0.1 });
    const x = new Float32Array(n * F);
    for (let f = 0; f < F; f++) {
      const col = s.table.columns[f];
      for (let r = 0; r < n; r++) x[r * F + f] = col[r];
    }
    writeFileSync(path.join(dir, `${name}.x.f32`), Buffer.from(x.buffer));
    writeFileSync(path.join(dir, `${name}.y.u8`), Buffer.from(s.label.buffer));
  }
  writeFileSync(metaPath, JSON.stringify(meta));
  testLabel = new Uint8Array(readFileSync(path.join(dir, "test.y.u8")));
  console.error(
    `data: ${ROWS} rows × ${F} features written to ${dir} in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
}
const paramsPath = path.join(dir, "params.json");
writeFileSync(paramsPath, JSON.stringify(params));

const readF64 = (file: string) => {
  const b = readFileSync(path.join(dir, file));
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

type Run = Record<string, number> & { auc: number };
const xgbRuns: Run[] = [];
const ourRuns: Run[] = [];
for (let run = 0; run < RUNS; run++) {
  const xo = path.join(dir, "xgb_out.json");
  execFileSync(PY, [path.join(here, "python/train_xgb.py"), dir, paramsPath, xo], { stdio: "inherit" });
  const x = JSON.parse(readFileSync(xo, "utf8"));
  xgbRuns.push({ ...x, auc: rocAuc(testLabel, readF64("xgb_test_proba.f64")) });
  const oo = path.join(dir, "ours_out.json");
  execFileSync(process.execPath, ["--import", "tsx", path.join(here, "train-ours.ts"), dir, paramsPath, oo], {
    stdio: "inherit",
  });
  const o = JSON.parse(readFileSync(oo, "utf8"));
  ourRuns.push({ ...o, auc: rocAuc(testLabel, readF64("ours_test_proba.f64")) });
  console.error(
    `run ${run + 1}/${RUNS}: xgboost ${x.train_seconds.toFixed(1)} s auc ${xgbRuns[run].auc.toFixed(4)} | ours ${o.train_seconds.toFixed(1)} s auc ${ourRuns[run].auc.toFixed(4)}`,
  );
}
const m = (rs: Run[], k: string) => median(rs.map((r) => r[k]));
const rows: [string, string, string][] = [
  ["test AUC", m(xgbRuns, "auc").toFixed(4), m(ourRuns, "auc").toFixed(4)],
  ["training time (s)", m(xgbRuns, "train_seconds").toFixed(1), m(ourRuns, "train_seconds").toFixed(1)],
  ["trees kept", String(m(xgbRuns, "best_iteration") + 1), String(m(ourRuns, "trees"))],
  ["peak memory (MB)", m(xgbRuns, "peak_rss_mb").toFixed(0), m(ourRuns, "peak_rss_mb").toFixed(0)],
  ["batch scoring (rows/s)", m(xgbRuns, "batch_rows_per_s").toFixed(0), m(ourRuns, "batch_rows_per_s").toFixed(0)],
  ["single-row scoring (µs)", "-", m(ourRuns, "single_row_us").toFixed(2)],
  ["TreeSHAP per row (µs)", "-", m(ourRuns, "treeshap_us").toFixed(1)],
  ["Saabas per row (µs)", "-", m(ourRuns, "saabas_us").toFixed(2)],
];
const summary = {
  data: { rows: ROWS, features: F, ...sizes },
  params,
  runs: RUNS,
  xgboost_version: xgbRuns[0].xgboost_version,
  medians: Object.fromEntries(rows.map(([k, a, b]) => [k, { xgboost: a, ours: b }])),
  auc_gap: m(ourRuns, "auc") - m(xgbRuns, "auc"),
  time_ratio: m(ourRuns, "train_seconds") / m(xgbRuns, "train_seconds"),
};
console.log(`\nmedians of ${RUNS} runs, ${ROWS} rows × ${F} features, nthread=${params.nthread} for XGBoost`);
console.log(`${"".padEnd(26)}${"xgboost".padStart(14)}${"ours".padStart(14)}`);
for (const [k, a, b] of rows) console.log(`${k.padEnd(26)}${a.padStart(14)}${b.padStart(14)}`);
console.log(`AUC gap ${summary.auc_gap.toFixed(4)}, time ratio ${summary.time_ratio.toFixed(2)}×`);
writeFileSync(path.join(dir, "summary.json"), JSON.stringify(summary, null, 2));
