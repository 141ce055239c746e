import { beforeAll, describe, expect, it } from "vitest";
import { isRodentError } from "../errors.js";
import { DEFAULT_PARAMS, loadModel, MODEL_FORMAT, type Model, rocAuc, trainModel } from "./index.js";
import { type SyntheticSet, syntheticSchema, syntheticTable } from "./synthetic.fixture.js";

let model: Model;
let test: SyntheticSet;

beforeAll(async () => {
  test = syntheticTable({ rows: 2000, features: 12, seed: 23 });
  model = await trainModel({
    train: syntheticTable({ rows: 4000, features: 12, seed: 21 }),
    valid: syntheticTable({ rows: 1500, features: 12, seed: 22 }),
    params: { ...DEFAULT_PARAMS, n_estimators: 40, max_depth: 4 },
    meta: { trainingSnapshot: "snap-000000000001" },
  });
});

function expectCode(fn: () => unknown, code: string, msg?: RegExp) {
  try {
    fn();
  } catch (e) {
    expect(isRodentError(e)).toBe(true);
    expect((e as { code: string }).code).toBe(code);
    if (msg) expect((e as Error).message).toMatch(msg);
    return;
  }
  throw new Error("expected a throw");
}

describe("Model artifact", () => {
  it("round-trips through JSON with identical scores, calibration and meta", () => {
    const json = JSON.stringify(model.toJSON());
    const back = loadModel(json);
    expect(back.toJSON().format).toBe(MODEL_FORMAT);
    expect(Array.from(back.predictProba(test.table))).toEqual(Array.from(model.predictProba(test.table)));
    expect(back.meta.trainingSnapshot).toBe("snap-000000000001");
    expect(back.params).toEqual(model.params);
  });
  it("predictRow equals predictProba; calibrated probabilities stay in [0, 1] and keep the ranking", () => {
    const p = model.predictProba(test.table);
    const row = new Float32Array(12);
    for (let r = 0; r < 20; r++) {
      for (let f = 0; f < 12; f++) row[f] = test.table.columns[f][r];
      expect(model.predictRow(row)).toBe(p[r]);
    }
    for (const v of p) expect(v >= 0 && v <= 1).toBe(true);
    expect(rocAuc(test.label, p)).toBeGreaterThan(0.7);
  });
  it("loadModel refuses other tags, versions and corrupt structure with RODENT_ERR_MODEL", () => {
    const good = model.toJSON();
    expectCode(() => loadModel("{not json"), "RODENT_ERR_MODEL", /not valid JSON/);
    expectCode(() => loadModel({ ...good, format: "other/model" }), "RODENT_ERR_MODEL", /format/);
    expectCode(() => loadModel({ ...good, version: 2 }), "RODENT_ERR_MODEL", /version 2/);
    const cyclic = structuredClone(good);
    cyclic.trees[0].left_children[0] = 0;
    expectCode(() => loadModel(cyclic), "RODENT_ERR_MODEL", /trees\[0\] node 0 has invalid children/);
    const short = structuredClone(good);
    short.trees[1].split_conditions.pop();
    expectCode(() => loadModel(short), "RODENT_ERR_MODEL", /trees\[1\]\.split_conditions has/);
    const badFeature = structuredClone(good);
    badFeature.trees[0].split_indices[0] = 99;
    expectCode(() => loadModel(badFeature), "RODENT_ERR_MODEL", /feature 99/);
    expectCode(() => loadModel({ ...good, base_score: 1.5 }), "RODENT_ERR_MODEL", /base_score/);
  });
  it("assertSchema names the first mismatch", () => {
    const s = syntheticSchema(12);
    expect(() => model.assertSchema(s)).not.toThrow();
    const renamed = structuredClone(s);
    renamed.features[4].name = "rats_0.1mi";
    expectCode(() => model.assertSchema(renamed), "RODENT_ERR_SCHEMA_MISMATCH", /feature 4: .*"x4".*"rats_0.1mi"/);
    expectCode(
      () => model.assertSchema(syntheticSchema(11)),
      "RODENT_ERR_SCHEMA_MISMATCH",
      /feature 11: .*missing "x11"/,
    );
    expectCode(() => model.assertSchema(syntheticSchema(12, "v2")), "RODENT_ERR_SCHEMA_MISMATCH", /version/);
    expectCode(
      () => model.predictProba({ schema: renamed, n: 1, columns: test.table.columns }),
      "RODENT_ERR_SCHEMA_MISMATCH",
    );
  });
});
