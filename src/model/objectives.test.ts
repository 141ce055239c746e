// Training goes through the Objective: another loss grows other trees, the worker thread runs the same loss on its
// half of the rows (bit-identical models on 1 and 2 threads), weights act as repeated rows, and a Poisson model
// travels to Python XGBoost and back with the same margins.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import type { FeatureTable } from "../features/index.js";
import { DEFAULT_PARAMS, fromXGBoostJSON, toXGBoostJSONText, trainModel } from "./index.js";
import { rng } from "./random.js";
import { syntheticSchema } from "./synthetic.fixture.js";

/** A count target: y ~ Poisson(exp(0.3 + 0.6 x0 − 0.4 x1 + 0.5 [x2 > 0])), 10% of x0 missing. */
function countTable(rows: number, seed: number): { table: FeatureTable; label: Float32Array } {
  const r = rng(seed);
  const F = 6;
  const columns = Array.from({ length: F }, () => new Float32Array(rows));
  const label = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    for (let f = 0; f < F; f++) columns[f][i] = 2 * r() - 1;
    const mu = Math.exp(0.3 + 0.6 * columns[0][i] - 0.4 * columns[1][i] + (columns[2][i] > 0 ? 0.5 : 0));
    if (r() < 0.1) columns[0][i] = Number.NaN;
    // Poisson draw by inversion (mu stays below 10)
    let k = 0;
    let p = Math.exp(-mu);
    let c = p;
    const u = r();
    while (u > c && k < 100) {
      k++;
      p *= mu / k;
      c += p;
    }
    label[i] = k;
  }
  return { table: { schema: syntheticSchema(F), n: rows, columns }, label };
}

const params = { ...DEFAULT_PARAMS, n_estimators: 20, max_depth: 3, eta: 0.3, early_stopping_rounds: 0 };

describe("objectives through the learner", () => {
  const train = countTable(4000, 1);
  const binary = { table: train.table, label: Uint8Array.from(train.label, (y) => (y > 0 ? 1 : 0)) };

  it("another objective grows other trees, and each fits its own target", async () => {
    const logistic = await trainModel({ train: binary, params });
    const poisson = await trainModel({ train, params, objective: "count:poisson" });
    const squared = await trainModel({ train, params, objective: "reg:squarederror" });
    const firstTree = (m: typeof logistic) => Array.from(m.trees[0].threshold);
    expect(firstTree(poisson)).not.toEqual(firstTree(logistic));
    expect(firstTree(squared)).not.toEqual(firstTree(poisson));
    expect(poisson.toJSON().objective).toBe("count:poisson");
    // predictions are on the target's scale: counts, not probabilities
    const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / a.length;
    const yMean = mean(train.label);
    expect(mean(poisson.predictProba(train.table))).toBeCloseTo(yMean, 0);
    expect(Math.min(...poisson.predictProba(train.table))).toBeGreaterThan(0);
    expect(poisson.baseScore).toBeCloseTo(yMean, 5);
    expect(Math.max(...logistic.predictProba(train.table))).toBeLessThan(1);
    // no validation rows: every tree kept, nothing calibrated, no valid_* figures invented
    expect(poisson.trees.length).toBe(20);
    expect(poisson.calibration).toEqual({ kind: "none" });
    expect(poisson.meta.training).not.toHaveProperty("valid_rows");
  });

  it("runs the loss on the worker's half of the rows too: 1 and 2 threads give the same model", async () => {
    // 20,000 rows: above the engine's threshold for splitting the gradients between the threads
    const big = countTable(20_000, 2);
    const weight = Float32Array.from({ length: big.table.n }, (_, i) => 1 + (i % 3));
    for (const objective of ["count:poisson", "reg:squarederror"] as const) {
      const p = { ...params, n_estimators: 8, subsample: 0.8 };
      const one = await trainModel({ train: { ...big, weight }, params: { ...p, nthread: 1 }, objective });
      const two = await trainModel({ train: { ...big, weight }, params: { ...p, nthread: 2 }, objective });
      expect((two.meta.training as { threads: number }).threads).toBe(2);
      expect(Array.from(two.predictMargin(big.table))).toEqual(Array.from(one.predictMargin(big.table)));
    }
  });

  it("a weight of 2 is the row twice", async () => {
    // values on a grid of 0.1: fewer distinct values than bins, so both tables get the same cuts (the cuts are
    // quantiles of the rows, unweighted)
    const small = countTable(600, 3);
    for (const c of small.table.columns) for (let i = 0; i < c.length; i++) c[i] = Math.round(c[i] * 10) / 10;
    const twice = [0, 5, 17, 230];
    const weight = new Float32Array(small.table.n).fill(1);
    for (const r of twice) weight[r] = 2;
    const rows = [...Array.from({ length: small.table.n }, (_, i) => i), ...twice];
    const repeated = {
      table: {
        ...small.table,
        n: rows.length,
        columns: small.table.columns.map((c) => Float32Array.from(rows, (r) => c[r])),
      },
      label: Float32Array.from(rows, (r) => small.label[r]),
    };
    const p = { ...params, subsample: 1, colsample_bytree: 1, n_estimators: 5 };
    const a = await trainModel({ train: { ...small, weight }, params: p, objective: "reg:squarederror" });
    const b = await trainModel({ train: repeated, params: p, objective: "reg:squarederror" });
    const ma = a.predictMargin(small.table);
    const mb = b.predictMargin(small.table);
    for (let i = 0; i < ma.length; i++) expect(Math.abs(ma[i] - mb[i])).toBeLessThan(1e-5);
  });

  it("names the field when labels, weights or options do not fit", async () => {
    await expect(trainModel({ train: { ...train }, params })).rejects.toThrow(/train\.label\[\d+\]: \d+ is not 0 or 1/);
    const badWeight = new Float32Array(train.table.n).fill(1);
    badWeight[7] = -1;
    await expect(
      trainModel({ train: { ...train, weight: badWeight }, params, objective: "count:poisson" }),
    ).rejects.toThrow(/train\.weight\[7\]: -1 is not a finite weight/);
    await expect(trainModel({ train: binary, params: { ...params, early_stopping_rounds: 5 } })).rejects.toThrow(
      /early_stopping_rounds: 5 needs validation rows/,
    );
    await expect(trainModel({ train: binary, params, calibrate: true })).rejects.toThrow(/calibrate: needs validation/);
    await expect(
      trainModel({ train, valid: train, params, objective: "count:poisson", evalMetric: "auc" }),
    ).rejects.toThrow(/eval_metric: auc needs 0\/1 labels/);
  });
});

const VENV_BIN = process.env.RODENT_TEST_VENV_BIN ?? path.join(os.homedir(), ".cache/rodent-risk/venv/bin");
const PY = path.join(VENV_BIN, "python");

const SCRIPT = `
import sys, json, numpy as np, xgboost as xgb
d = sys.argv[1]
meta = json.load(open(d + "/meta.json"))
X = np.fromfile(d + "/x.f32", dtype="<f4").reshape(meta["n"], meta["f"])
b = xgb.Booster()
b.load_model(d + "/ours.json")
dm = xgb.DMatrix(X, missing=np.nan, feature_names=meta["names"])
b.predict(dm, output_margin=True).astype("<f4").tofile(d + "/margin_py.f32")
`;

describe("count:poisson with Python XGBoost", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "rodent-poisson-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("exports a Poisson model that XGBoost predicts with the same margins, and imports it back", async () => {
    if (!existsSync(PY)) throw new Error(`python venv missing at ${PY}: run bash scripts/tools.sh python`);
    const { table, label } = countTable(3000, 4);
    const model = await trainModel({ train: { table, label }, params, objective: "count:poisson" });
    const F = table.columns.length;
    const x = new Float32Array(table.n * F);
    for (let r = 0; r < table.n; r++) for (let f = 0; f < F; f++) x[r * F + f] = table.columns[f][r];
    writeFileSync(path.join(dir, "x.f32"), Buffer.from(x.buffer));
    writeFileSync(
      path.join(dir, "meta.json"),
      JSON.stringify({ n: table.n, f: F, names: table.schema.features.map((s) => s.name) }),
    );
    writeFileSync(path.join(dir, "ours.json"), toXGBoostJSONText(model));
    writeFileSync(path.join(dir, "predict.py"), SCRIPT);
    // async: a blocking call would starve the vitest worker's RPC on a busy machine
    await promisify(execFile)(PY, [path.join(dir, "predict.py"), dir]);
    const b = readFileSync(path.join(dir, "margin_py.f32"));
    const py = new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
    const ours = model.predictMargin(table);
    let worst = 0;
    for (let i = 0; i < table.n; i++) worst = Math.max(worst, Math.abs(ours[i] - py[i]));
    expect(worst).toBeLessThanOrEqual(1e-5);
    const back = fromXGBoostJSON(JSON.parse(readFileSync(path.join(dir, "ours.json"), "utf8")), table.schema);
    expect(back.objective.name).toBe("count:poisson");
    expect(Array.from(back.predictMargin(table))).toEqual(Array.from(ours));
  });
});
