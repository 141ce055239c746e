// Pins the learner's output: the same data and params must give the same model bytes (trees, base score,
// calibration, params, schema, training counts) and the same served numbers (calibrated probabilities, XGBoost
// JSON export) across refactors. The hashes were recorded on the learner before the objective went through the
// Objective interface and the worker became a module (commit 1095419); a change that moves any bit of a model
// fails here. Timing figures and the creation time are left out: they differ on every run. `model` and `proba` were
// pinned again when the calibration became an out-of-fold choice (calibration.ts); `xgboost` (the
// trees) and `rounds` did not move.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DEFAULT_PARAMS, type Model, type TrainParams, toXGBoostJSONText, trainModel } from "./index.js";
import { syntheticTable } from "./synthetic.fixture.js";

function fingerprint(model: Model, probe: Float64Array): { model: string; proba: string; xgboost: string } {
  const json = model.toJSON();
  const training = { ...(json.meta.training as Record<string, unknown>) };
  for (const k of ["seconds", "quantize_seconds", "phase_seconds"]) delete training[k];
  const stable = { ...json, meta: { ...json.meta, createdAt: "", training } };
  const sha = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex").slice(0, 16);
  return {
    model: sha(JSON.stringify(stable)),
    proba: sha(new Uint8Array(probe.buffer, probe.byteOffset, probe.byteLength)),
    xgboost: sha(toXGBoostJSONText(model)),
  };
}

async function trainFixed(params: Partial<TrainParams>, seed: number, missing: number, rows = 6000) {
  const set = (rows: number, s: number) => syntheticTable({ rows, features: 15, seed: s, missing });
  const model = await trainModel({
    train: set(rows, seed),
    valid: set(2000, seed + 1),
    params: { ...DEFAULT_PARAMS, ...params },
    meta: { trainingSnapshot: "snap-fixed" },
  });
  const rounds = (model.meta.training as { rounds: number }).rounds;
  return { ...fingerprint(model, model.predictProba(set(1500, seed + 2).table)), rounds };
}

describe("model bytes are pinned", () => {
  it("default params on two threads (row and column sampling, early stopping armed)", async () => {
    expect(await trainFixed({ n_estimators: 40, nthread: 2 }, 101, 0.1)).toEqual({
      model: "7dea0e98ce9164e4",
      proba: "b4a337af5e35f96c",
      xgboost: "d166c037cf77f9ba",
      rounds: 40,
    });
  });
  it("scale_pos_weight, shallow trees, one thread, early stopping that stops", async () => {
    const params = {
      n_estimators: 200,
      max_depth: 3,
      eta: 0.3,
      scale_pos_weight: 3,
      early_stopping_rounds: 5,
      min_child_weight: 2,
      lambda: 2,
      gamma: 0.1,
      subsample: 0.7,
      colsample_bytree: 0.6,
      nthread: 1,
      max_bin: 64,
    };
    expect(await trainFixed(params, 202, 0.3)).toEqual({
      model: "dc5d54a849168dac",
      proba: "52cee260ce644e35",
      xgboost: "54e12d5ba4a0de88",
      rounds: 42,
    });
  });
  it("20,000 rows on two threads: the worker computes half of the gradients and leaf updates", async () => {
    expect(await trainFixed({ n_estimators: 12, nthread: 2, max_depth: 5 }, 303, 0.1, 20_000)).toEqual({
      model: "c966997b3b64dcf1",
      proba: "52501caf96037ebe",
      xgboost: "ba32c81be4b9b55d",
      rounds: 12,
    });
  });
});
