import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { writeMlflowModelDir, xgboostJsonText } from "./mlflow-model-dir.js";

const tmp = await fs.mkdtemp(path.join(os.tmpdir(), "rodent-mlmodel-"));
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

const xgb = {
  learner: {
    gradient_booster: {
      model: {
        trees: [{ split_conditions: [0.5, 1, 0], base_weights: [0, -0.25, 2], left_children: [1, -1, -1] }],
      },
    },
  },
  version: [3, 4, 1],
};

describe("writeMlflowModelDir", () => {
  it("writes an MLmodel with the xgboost and python_function flavors beside both artifacts", async () => {
    const dir = path.join(tmp, "m1");
    await writeMlflowModelDir(
      dir,
      xgb,
      { tag: "rodent-risk/gbdt-model" },
      {
        runId: "r1",
        snapshot: "snap-1",
        featureSchemaVersion: "2026.11-1",
        createdAt: new Date("2026-01-02T03:04:05.678Z"),
      },
    );
    expect((await fs.readdir(dir)).sort()).toEqual(
      [
        "MLmodel",
        "code",
        "conda.yaml",
        "model.json",
        "python_env.yaml",
        "requirements.txt",
        "rodent-model.json",
      ].sort(),
    );
    expect(await fs.readdir(path.join(dir, "code"))).toEqual(["rodent_risk_pyfunc.py"]);
    const ml = YAML.parse(await fs.readFile(path.join(dir, "MLmodel"), "utf8"));
    expect(ml.flavors.xgboost).toEqual({
      code: null,
      data: "model.json",
      model_class: "xgboost.core.Booster",
      model_format: "json",
      xgb_version: "3.4.1",
    });
    // pyfunc = the service's calibrated numbers through our loader module; xgboost = the raw booster
    expect(ml.flavors.python_function).toMatchObject({
      loader_module: "rodent_risk_pyfunc",
      code: "code",
      data: "rodent-model.json",
      env: { conda: "conda.yaml", virtualenv: "python_env.yaml" },
    });
    // without our artifact's feature schema there is no signature to write
    expect(ml.signature).toBeUndefined();
    expect(ml.utc_time_created).toBe("2026-01-02 03:04:05.678000");
    expect(ml.model_uuid).toMatch(/^[0-9a-f]{32}$/);
    expect(ml.run_id).toBe("r1");
    expect(ml.metadata).toMatchObject({ rodent_snapshot_id: "snap-1", rodent_feature_schema_version: "2026.11-1" });
    expect(JSON.parse(await fs.readFile(path.join(dir, "rodent-model.json"), "utf8"))).toEqual({
      tag: "rodent-risk/gbdt-model",
    });
    expect(await fs.readFile(path.join(dir, "requirements.txt"), "utf8")).toContain("xgboost==3.4.1");
  });

  it("writes the signature from the artifact's feature schema and an input example in MLflow's format", async () => {
    const dir = path.join(tmp, "m3");
    const artifact = {
      format: "rodent-risk/gbdt-model",
      schema: { version: "s1", features: [{ name: "rats_30d" }, { name: "prev1_rodent" }] },
    };
    await writeMlflowModelDir(dir, xgb, artifact, { inputExample: [Float32Array.of(3, Number.NaN), [0, 1]] });
    const ml = YAML.parse(await fs.readFile(path.join(dir, "MLmodel"), "utf8"));
    expect(JSON.parse(ml.signature.inputs)).toEqual([
      { type: "double", name: "rats_30d", required: true },
      { type: "double", name: "prev1_rodent", required: true },
    ]);
    expect(JSON.parse(ml.signature.outputs)).toEqual([
      { type: "tensor", "tensor-spec": { dtype: "float64", shape: [-1] } },
    ]);
    expect(ml.saved_input_example_info).toEqual({
      artifact_path: "input_example.json",
      pandas_orient: "split",
      serving_input_path: "serving_input_example.json",
      type: "dataframe",
    });
    const example = {
      columns: ["rats_30d", "prev1_rodent"],
      data: [
        [3, null],
        [0, 1],
      ],
    };
    expect(JSON.parse(await fs.readFile(path.join(dir, "input_example.json"), "utf8"))).toEqual(example);
    expect(JSON.parse(await fs.readFile(path.join(dir, "serving_input_example.json"), "utf8"))).toEqual({
      dataframe_split: example,
    });
  });

  it("writes whole-valued floats of XGBoost's float arrays with a decimal point", () => {
    const text = xgboostJsonText(xgb);
    expect(text).toContain('"split_conditions":[0.5,1.0,0.0]');
    expect(text).toContain('"base_weights":[0.0,-0.25,2.0]');
    expect(text).toContain('"left_children":[1,-1,-1]');
    expect(JSON.parse(text)).toEqual(xgb);
  });

  it("writes a given JSON text unchanged", async () => {
    const dir = path.join(tmp, "m2");
    const text = '{"learner":{},"version":[3,2,0]}';
    await writeMlflowModelDir(dir, text, {});
    expect(await fs.readFile(path.join(dir, "model.json"), "utf8")).toBe(text);
    expect(YAML.parse(await fs.readFile(path.join(dir, "MLmodel"), "utf8")).flavors.xgboost.xgb_version).toBe("3.2.0");
  });
});
