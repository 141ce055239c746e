// Interchange with real XGBoost (from the cached venv): a model trained by Python xgboost on data with missing
// values is imported and must give XGBoost's margins (1e-6) and pred_contribs (1e-5); a model trained by us is
// exported and Python xgboost must predict our margins (1e-6).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isRodentError } from "../errors.js";
import { DEFAULT_PARAMS, fromXGBoostJSON, toXGBoostJSON, toXGBoostJSONText, trainModel } from "./index.js";
import { syntheticTable } from "./synthetic.fixture.js";

const VENV_BIN = process.env.RODENT_TEST_VENV_BIN ?? path.join(os.homedir(), ".cache/rodent-risk/venv/bin");
const PY = path.join(VENV_BIN, "python");
const STAMP = path.join(VENV_BIN, "..", ".stamp-v1");

const SCRIPT = `
import sys, json, numpy as np, xgboost as xgb
mode, d = sys.argv[1], sys.argv[2]
meta = json.load(open(d + "/meta.json"))
n, f = meta["n"], meta["f"]
X = np.fromfile(d + "/x.f32", dtype="<f4").reshape(n, f)
names = meta["names"]
if mode == "train":
    y = np.fromfile(d + "/y.u8", dtype=np.uint8).astype(np.float32)
    dm = xgb.DMatrix(X, label=y, missing=np.nan, feature_names=names)
    params = {"objective": "binary:logistic", "tree_method": "hist", "max_depth": 4, "eta": 0.3,
              "subsample": 0.8, "colsample_bytree": 0.8, "seed": 3, "nthread": 1, "max_bin": 64}
    b = xgb.train(params, dm, 25)
    b.save_model(d + "/xgb.json")
    b.predict(dm, output_margin=True).astype("<f4").tofile(d + "/xgb_margin.f32")
    b.predict(dm, pred_contribs=True).astype("<f4").tofile(d + "/xgb_contribs.f32")
else:
    b = xgb.Booster()
    b.load_model(d + "/ours.json")
    dm = xgb.DMatrix(X, missing=np.nan, feature_names=names)
    b.predict(dm, output_margin=True).astype("<f4").tofile(d + "/ours_margin_py.f32")
`;

async function waitForVenv(): Promise<void> {
  const t0 = Date.now();
  while (!existsSync(STAMP)) {
    if (Date.now() - t0 > 15 * 60_000) throw new Error(`python venv not ready: ${STAMP} missing`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

describe("XGBoost JSON interchange", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "rodent-xgb-"));
  const data = syntheticTable({ rows: 3000, features: 12, seed: 7, missing: 0.2 });
  const { table, label } = data;
  const F = table.columns.length;
  const rowMajor = new Float32Array(table.n * F);
  for (let r = 0; r < table.n; r++) for (let f = 0; f < F; f++) rowMajor[r * F + f] = table.columns[f][r];
  const row = (r: number) => rowMajor.subarray(r * F, (r + 1) * F);
  const f32 = (file: string) => {
    const b = readFileSync(path.join(dir, file));
    return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
  };

  beforeAll(async () => {
    await waitForVenv();
    writeFileSync(path.join(dir, "x.f32"), Buffer.from(rowMajor.buffer));
    writeFileSync(path.join(dir, "y.u8"), Buffer.from(label.buffer));
    writeFileSync(
      path.join(dir, "meta.json"),
      JSON.stringify({ n: table.n, f: F, names: table.schema.features.map((s) => s.name) }),
    );
    writeFileSync(path.join(dir, "fixture.py"), SCRIPT);
    execFileSync(PY, [path.join(dir, "fixture.py"), "train", dir], { stdio: "pipe" });
  }, 15 * 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("imports an XGBoost model and reproduces its margins within 1e-6", () => {
    const model = fromXGBoostJSON(JSON.parse(readFileSync(path.join(dir, "xgb.json"), "utf8")), table.schema);
    expect(model.trees.length).toBe(25);
    const want = f32("xgb_margin.f32");
    const got = model.predictMargin(table);
    let worst = 0;
    for (let i = 0; i < table.n; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
    expect(worst).toBeLessThanOrEqual(1e-6);
    for (let i = 0; i < 50; i++) expect(Math.abs(model.marginRow(row(i)) - want[i])).toBeLessThanOrEqual(1e-6);
  });

  it("TreeSHAP contributions match XGBoost's pred_contribs within 1e-5 and sum to the margin", () => {
    const model = fromXGBoostJSON(JSON.parse(readFileSync(path.join(dir, "xgb.json"), "utf8")), table.schema);
    const want = f32("xgb_contribs.f32");
    const margin = f32("xgb_margin.f32");
    for (let i = 0; i < 200; i++) {
      const c = model.contributions(row(i));
      let sum = 0;
      for (let k = 0; k <= F; k++) {
        expect(Math.abs(c[k] - want[i * (F + 1) + k])).toBeLessThanOrEqual(1e-5);
        sum += c[k];
      }
      expect(Math.abs(sum - margin[i])).toBeLessThanOrEqual(1e-5);
    }
  });

  it("exports our model so Python xgboost predicts the same margins within 1e-6", async () => {
    const model = await trainModel({
      train: { table, label },
      valid: { table, label },
      params: { ...DEFAULT_PARAMS, n_estimators: 30, max_depth: 5, eta: 0.3, early_stopping_rounds: 0 },
    });
    writeFileSync(path.join(dir, "ours.json"), toXGBoostJSONText(model));
    execFileSync(PY, [path.join(dir, "fixture.py"), "predict", dir], { stdio: "pipe" });
    const py = f32("ours_margin_py.f32");
    const ours = model.predictMargin(table);
    let worst = 0;
    for (let i = 0; i < table.n; i++) worst = Math.max(worst, Math.abs(ours[i] - py[i]));
    expect(worst).toBeLessThanOrEqual(1e-6);
    // and the round trip through the XGBoost format keeps every margin
    const back = fromXGBoostJSON(toXGBoostJSON(model), table.schema).predictMargin(table);
    expect(Array.from(back)).toEqual(Array.from(ours));
  });

  it("refuses other objectives and mismatched feature names", () => {
    const j = JSON.parse(readFileSync(path.join(dir, "xgb.json"), "utf8"));
    const wrongObj = structuredClone(j);
    wrongObj.learner.objective.name = "multi:softprob";
    expect(() => fromXGBoostJSON(wrongObj, table.schema)).toThrowError(
      expect.objectContaining({ code: "RODENT_ERR_MODEL" }),
    );
    const renamed = structuredClone(j);
    renamed.learner.feature_names[3] = "other";
    try {
      fromXGBoostJSON(renamed, table.schema);
      expect.unreachable();
    } catch (e) {
      expect(isRodentError(e, "RODENT_ERR_SCHEMA_MISMATCH")).toBe(true);
      expect((e as Error).message).toContain("feature 3");
    }
  });
});
