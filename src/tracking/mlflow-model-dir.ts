import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import YAML from "yaml";

/** What the MLmodel file records about the environment the model is meant for. */
export interface MlflowModelMeta {
  /** Defaults to the version inside the XGBoost JSON ("version": [3, 4, 1]), else "3.4.1". */
  xgbVersion?: string;
  /** Python the model targets (python_env.yaml / conda.yaml). Default "3.12". */
  pythonVersion?: string;
  /** MLflow version written into MLmodel. Default "3.17.2" (the one our tests run). */
  mlflowVersion?: string;
  runId?: string;
  modelUuid?: string;
  createdAt?: Date;
  /** Dataset snapshot the model was trained on; written to MLmodel metadata as rodent_snapshot_id. */
  snapshot?: string;
  /** Feature schema version; written to MLmodel metadata as rodent_feature_schema_version. */
  featureSchemaVersion?: string;
  /** Free-form metadata stored under MLmodel's `metadata:` (e.g. feature schema version, snapshot id). */
  metadata?: Record<string, string>;
}

export const MLMODEL_DATA_FILE = "model.json";
export const RODENT_ARTIFACT_FILE = "rodent-model.json";

/**
 * Write an MLflow model folder with the `xgboost` flavor, the layout `mlflow.xgboost.save_model` produces
 * (MLflow 3.x): MLmodel, model.json (XGBoost's JSON model format, which xgboost.Booster.load_model reads),
 * requirements.txt, conda.yaml, python_env.yaml — plus rodent-model.json, our own artifact with calibration and
 * feature schema, which MLflow ignores. `mlflow.xgboost.load_model` and `mlflow.pyfunc.load_model` both load it.
 * `xgbJson` may be the document or its text (written as is).
 */
export async function writeMlflowModelDir(
  dir: string,
  xgbJson: object | string,
  ourArtifact: object,
  meta: MlflowModelMeta = {},
): Promise<void> {
  const xgbText = typeof xgbJson === "string" ? xgbJson : xgboostJsonText(xgbJson);
  const xv = (typeof xgbJson === "string" ? JSON.parse(xgbJson) : xgbJson).version as unknown;
  const xgbVersion = meta.xgbVersion ?? (Array.isArray(xv) && xv.length === 3 ? xv.join(".") : "3.4.1");
  const python = meta.pythonVersion ?? "3.12";
  const mlflowVersion = meta.mlflowVersion ?? "3.17.2";
  const created = meta.createdAt ?? new Date();
  // MLflow writes utc_time_created as Python's str(datetime.utcnow()): "YYYY-MM-DD HH:MM:SS.ffffff".
  const utc = `${created.toISOString().replace("T", " ").replace("Z", "")}000`;
  const mlmodel: Record<string, unknown> = {
    artifact_path: "model",
    flavors: {
      python_function: {
        data: MLMODEL_DATA_FILE,
        env: { conda: "conda.yaml", virtualenv: "python_env.yaml" },
        loader_module: "mlflow.xgboost",
        python_version: python,
      },
      xgboost: {
        code: null,
        data: MLMODEL_DATA_FILE,
        model_class: "xgboost.core.Booster",
        model_format: "json",
        xgb_version: xgbVersion,
      },
    },
    mlflow_version: mlflowVersion,
    model_uuid: meta.modelUuid ?? randomUUID().replace(/-/g, ""),
    utc_time_created: utc,
  };
  if (meta.runId) mlmodel.run_id = meta.runId;
  mlmodel.metadata = {
    rodent_artifact: RODENT_ARTIFACT_FILE,
    ...(meta.snapshot ? { rodent_snapshot_id: meta.snapshot } : {}),
    ...(meta.featureSchemaVersion ? { rodent_feature_schema_version: meta.featureSchemaVersion } : {}),
    ...meta.metadata,
  };

  const requirements = [`mlflow==${mlflowVersion}`, `xgboost==${xgbVersion}`, "numpy"];
  const conda = {
    channels: ["conda-forge"],
    dependencies: [`python=${python}`, "pip", { pip: requirements }],
    name: "mlflow-env",
  };
  const pythonEnv = {
    python,
    build_dependencies: ["pip", "setuptools", "wheel"],
    dependencies: ["-r requirements.txt"],
  };

  await fs.mkdir(dir, { recursive: true });
  const files: [string, string][] = [
    [MLMODEL_DATA_FILE, xgbText],
    [RODENT_ARTIFACT_FILE, JSON.stringify(ourArtifact)],
    ["requirements.txt", `${requirements.join("\n")}\n`],
    ["conda.yaml", YAML.stringify(conda)],
    ["python_env.yaml", YAML.stringify(pythonEnv)],
    // MLmodel last: its presence marks the folder complete.
    ["MLmodel", YAML.stringify(mlmodel)],
  ];
  for (const [name, text] of files) await fs.writeFile(path.join(dir, name), text);
}

// XGBoost's JSON reader refuses an integer literal where its schema has a float array ("Invalid cast, from
// Integer to Number"), and JSON.stringify writes 1.0 as "1". These are the float arrays of a tree
// (dmlc/xgboost doc/model.schema); they are written with a decimal point.
const XGB_FLOAT_ARRAYS = new Set(["base_weights", "loss_changes", "split_conditions", "sum_hessian", "weight_drop"]);

/** An XGBoost JSON document as text that Booster.load_model accepts. */
export function xgboostJsonText(doc: object): string {
  const held: number[][] = [];
  const text = JSON.stringify(doc, (key, value) =>
    XGB_FLOAT_ARRAYS.has(key) && Array.isArray(value) ? `@@xgbfloat${held.push(value as number[]) - 1}@@` : value,
  );
  return text.replace(
    /"@@xgbfloat(\d+)@@"/g,
    (_, i) => `[${held[Number(i)].map((v) => (Number.isInteger(v) ? v.toFixed(1) : String(v))).join(",")}]`,
  );
}
