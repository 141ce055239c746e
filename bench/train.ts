// Side-by-side benchmark of our learner against Python XGBoost (tree_method="hist", same params, 2 threads) on the
// same exported train/valid/test tables: test AUC, training time, peak memory, scoring speed. Each learner runs in
// its own process, one after the other, RUNS times; medians are printed.
//   npx tsx bench/train.ts [--rows 600000] [--features 50] [--runs 3]
//   npx tsx bench/train.ts --store DIR --snapshot ID [--runs 3]
// The first form uses the synthetic classification table of src/model/synthetic.ts (nonlinear truth, missing
// values); the second the real feature table (src/features) of a snapshot in a local object store, e.g. the synthetic
// NYC ingested by the pipeline, split out of time (last 6 months test, 6 months before valid).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { LocalObjectStore } from "../src/data/object-store.js";
import { buildTrainingSet, type FeatureTable, loadCity } from "../src/features/index.js";
import { DEFAULT_PARAMS, rocAuc, subsetLabels, subsetTable, type TrainParams, timeSplit } from "../src/model/index.js";
import { syntheticTable } from "../src/model/synthetic.fixture.js";

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "600000" },
    features: { type: "string", default: "50" },
    runs: { type: "string", default: "3" },
    dir: { type: "string" },
    store: { type: "string" },
    snapshot: { type: "string" },
  },
});
const ROWS = Number(values.rows);
const F = Number(values.features);
const RUNS = Number(values.runs);
const fromSnapshot = Boolean(values.store && values.snapshot);
const dir = values.dir ?? path.join(os.tmpdir(), fromSnapshot ? "rodent-bench-train-city" : "rodent-bench-train");
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

type Tables = Record<"train" | "valid" | "test", { table: FeatureTable; label: Uint8Array }>;

// row-major float32 (NaN = missing) + uint8 labels, read by both learners
function writeTables(tables: Tables, meta: Record<string, unknown>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, { table, label }] of Object.entries(tables)) {
    const F = table.columns.length;
    const x = new Float32Array(table.n * F);
    for (let f = 0; f < F; f++) {
      const col = table.columns[f];
      for (let r = 0; r < table.n; r++) x[r * F + f] = col[r];
    }
    writeFileSync(path.join(dir, `${name}.x.f32`), Buffer.from(x.buffer));
    writeFileSync(path.join(dir, `${name}.y.u8`), Buffer.from(label.buffer, label.byteOffset, label.byteLength));
  }
  writeFileSync(path.join(dir, "meta.json"), JSON.stringify(meta));
}

const metaPath = path.join(dir, "meta.json");
const want = fromSnapshot
  ? { source: `${values.store}#${values.snapshot}` }
  : { source: "synthetic", rows: ROWS, features: F, seed: 2026 };
const cached = existsSync(metaPath) ? JSON.parse(readFileSync(metaPath, "utf8")) : null;
if (!cached || JSON.stringify(cached.want) !== JSON.stringify(want)) {
  const t = performance.now();
  let tables: Tables;
  let extra: Record<string, unknown> = {};
  if (fromSnapshot) {
    const store = new LocalObjectStore(values.store!);
    const city = await loadCity(store, values.snapshot!);
    const tf = performance.now();
    const set = buildTrainingSet(city);
    extra = { feature_build_seconds: (performance.now() - tf) / 1000 };
    const split = timeSplit(set.day, { testMonths: 6, validMonths: 6 });
    const part = (rows: Int32Array) => ({ table: subsetTable(set.table, rows), label: subsetLabels(set.label, rows) });
    tables = { train: part(split.train), valid: part(split.valid), test: part(split.test) };
  } else {
    // 80 / 10 / 10 of one synthetic population
    const sizes = { train: Math.round(ROWS * 0.8), valid: Math.round(ROWS * 0.1) };
    const test = ROWS - sizes.train - sizes.valid;
    const mk = (n: number, seed: number) => syntheticTable({ rows: n, features: F, seed, missing: 0.1 });
    tables = { train: mk(sizes.train, 2026), valid: mk(sizes.valid, 2027), test: mk(test, 2028) };
  }
  writeTables(tables, {
    want,
    features: tables.train.table.columns.length,
    schema: tables.train.table.schema,
    train: tables.train.table.n,
    valid: tables.valid.table.n,
    test: tables.test.table.n,
    ...extra,
  });
  console.error(`data: tables written to ${dir} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
const meta = JSON.parse(readFileSync(metaPath, "utf8"));
const testLabel = new Uint8Array(readFileSync(path.join(dir, "test.y.u8")));
const sizes = { train: meta.train, valid: meta.valid, test: meta.test };
const paramsPath = path.join(dir, "params.json");
writeFileSync(paramsPath, JSON.stringify(params));

const readF64 = (file: string) => {
  const b = readFileSync(path.join(dir, file));
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

type Run = Record<string, number> & { auc: number };
const ourPhases: Record<string, number>[] = [];
const xgbRuns: Run[] = [];
const ourRuns: Run[] = [];
for (let run = 0; run < RUNS; run++) {
  const xo = path.join(dir, "xgb_out.json");
  // passive OpenMP waits: on a shared, oversubscribed machine spinning threads only burn the other core
  execFileSync(PY, [path.join(here, "python/train_xgb.py"), dir, paramsPath, xo], {
    stdio: "inherit",
    env: { ...process.env, OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? "PASSIVE" },
  });
  const x = JSON.parse(readFileSync(xo, "utf8"));
  xgbRuns.push({ ...x, auc: rocAuc(testLabel, readF64("xgb_test_proba.f64")) });
  const oo = path.join(dir, "ours_out.json");
  execFileSync(process.execPath, ["--import", "tsx", path.join(here, "train-ours.ts"), dir, paramsPath, oo], {
    stdio: "inherit",
  });
  const o = JSON.parse(readFileSync(oo, "utf8"));
  const { training, ...figures } = o;
  ourPhases.push(training.phase_seconds);
  ourRuns.push({ ...figures, rounds: training.rounds, auc: rocAuc(testLabel, readF64("ours_test_proba.f64")) });
  console.error(
    `run ${run + 1}/${RUNS}: xgboost ${x.train_seconds.toFixed(1)} s (cpu ${x.train_cpu_seconds.toFixed(1)} s) auc ${xgbRuns[run].auc.toFixed(4)} | ours ${o.train_seconds.toFixed(1)} s (cpu ${o.train_cpu_seconds.toFixed(1)} s) auc ${ourRuns[run].auc.toFixed(4)} | load ${os.loadavg()[0].toFixed(1)}`,
  );
  // every run is kept as it finishes, so an interrupted bench still leaves its figures
  writeFileSync(path.join(dir, "runs.json"), JSON.stringify({ xgboost: xgbRuns, ours: ourRuns }, null, 2));
}
const m = (rs: Run[], k: string) => median(rs.map((r) => r[k]));
const rows: [string, string, string][] = [
  ["test AUC", m(xgbRuns, "auc").toFixed(4), m(ourRuns, "auc").toFixed(4)],
  ["training time (s)", m(xgbRuns, "train_seconds").toFixed(1), m(ourRuns, "train_seconds").toFixed(1)],
  ["training CPU time (s)", m(xgbRuns, "train_cpu_seconds").toFixed(1), m(ourRuns, "train_cpu_seconds").toFixed(1)],
  ["trees kept", String(m(xgbRuns, "best_iteration") + 1), String(m(ourRuns, "trees"))],
  // early stopping ends each learner after its own number of rounds: time per round compares the work itself
  ["rounds run", String(m(xgbRuns, "rounds")), String(m(ourRuns, "rounds"))],
  [
    "training ms per round",
    ((1000 * m(xgbRuns, "train_seconds")) / m(xgbRuns, "rounds")).toFixed(1),
    ((1000 * m(ourRuns, "train_seconds")) / m(ourRuns, "rounds")).toFixed(1),
  ],
  ["peak memory (MB)", m(xgbRuns, "peak_rss_mb").toFixed(0), m(ourRuns, "peak_rss_mb").toFixed(0)],
  ["batch scoring (rows/s)", m(xgbRuns, "batch_rows_per_s").toFixed(0), m(ourRuns, "batch_rows_per_s").toFixed(0)],
  ["batch scoring (rows/CPU-s)", "-", m(ourRuns, "batch_rows_per_cpu_s").toFixed(0)],
  ["single-row scoring (µs)", "-", m(ourRuns, "single_row_us").toFixed(2)],
  ["single-row (CPU µs)", "-", m(ourRuns, "single_row_cpu_us").toFixed(2)],
  ["300×depth-6 single (CPU µs)", "-", m(ourRuns, "fixed300_single_row_cpu_us").toFixed(2)],
  ["300×depth-6 batch (rows/CPU-s)", "-", m(ourRuns, "fixed300_batch_rows_per_cpu_s").toFixed(0)],
  ["TreeSHAP per row (CPU µs)", "-", m(ourRuns, "treeshap_cpu_us").toFixed(1)],
  ["Saabas per row (CPU µs)", "-", m(ourRuns, "saabas_cpu_us").toFixed(2)],
];
const summary = {
  data: { source: want.source, features: meta.features, ...sizes, feature_build_seconds: meta.feature_build_seconds },
  params,
  runs: RUNS,
  xgboost_version: xgbRuns[0].xgboost_version,
  medians: Object.fromEntries(rows.map(([k, a, b]) => [k, { xgboost: a, ours: b }])),
  auc_gap: m(ourRuns, "auc") - m(xgbRuns, "auc"),
  time_ratio: m(ourRuns, "train_seconds") / m(xgbRuns, "train_seconds"),
  cpu_time_ratio: m(ourRuns, "train_cpu_seconds") / m(xgbRuns, "train_cpu_seconds"),
  per_round_ratio:
    m(ourRuns, "train_seconds") / m(ourRuns, "rounds") / (m(xgbRuns, "train_seconds") / m(xgbRuns, "rounds")),
  ours_phase_seconds: ourPhases,
  load_average: os.loadavg(),
};
console.log(
  `\nmedians of ${RUNS} runs, ${want.source}: train ${sizes.train} / valid ${sizes.valid} / test ${sizes.test} rows × ${meta.features} features, nthread=${params.nthread} for XGBoost`,
);
console.log(`${"".padEnd(32)}${"xgboost".padStart(14)}${"ours".padStart(14)}`);
for (const [k, a, b] of rows) console.log(`${k.padEnd(32)}${a.padStart(14)}${b.padStart(14)}`);
console.log(
  `AUC gap ${summary.auc_gap.toFixed(4)}, wall-time ratio ${summary.time_ratio.toFixed(2)}× (per round ${summary.per_round_ratio.toFixed(2)}×), CPU-time ratio ${summary.cpu_time_ratio.toFixed(2)}×, load average ${os
    .loadavg()
    .map((v) => v.toFixed(1))
    .join(" ")}`,
);
writeFileSync(path.join(dir, "summary.json"), JSON.stringify(summary, null, 2));
