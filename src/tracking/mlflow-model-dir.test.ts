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
      ["MLmodel", "conda.yaml", "model.json", "python_env.yaml", "requirements.txt", "rodent-model.json"].sort(),
    );
    const ml = YAML.parse(await fs.readFile(path.join(dir, "MLmodel"), "utf8"));
    expect(ml.flavors.xgboost).toEqual({
      code: null,
      data: "model.json",
      model_class: "xgboost.core.Booster",
      model_format: "json",
      xgb_version: "3.4.1",
    });
    expect(ml.flavors.python_function).toMatchObject({
      loader_module: "mlflow.xgboost",
      data: "model.json",
      env: { conda: "conda.yaml", virtualenv: "python_env.yaml" },
    });
    expect(ml.utc_time_created).toBe("2026-01-02 03:04:05.678000");
    expect(ml.model_uuid).toMatch(/^[0-9a-f]{32}$/);
    expect(ml.run_id).toBe("r1");
    expect(ml.metadata).toMatchObject({ rodent_snapshot_id: "snap-1", rodent_feature_schema_version: "2026.11-1" });
    expect(JSON.parse(await fs.readFile(path.join(dir, "rodent-model.json"), "utf8"))).toEqual({
      tag: "rodent-risk/gbdt-model",
    });
    expect(await fs.readFile(path.join(dir, "requirements.txt"), "utf8")).toContain("xgboost==3.4.1");
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
