import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import YAML from "yaml";
import { PYFUNC_MODULE, PYFUNC_SOURCE } from "./mlflow-pyfunc.js";

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
  /**
   * A few real rows in the feature schema's order (NaN = missing), logged as the model's input example
   * (input_example.json and serving_input_example.json, as MLflow writes them).
   */
  inputExample?: ArrayLike<number>[];
}

export const MLMODEL_DATA_FILE = "model.json";
export const RODENT_ARTIFACT_FILE = "rodent-model.json";
/** Folder of the python_function flavor's loader module (MLmodel's `code`). */
export const PYFUNC_CODE_DIR = "code";

/** The feature names of our artifact (its `schema.features`), or null for anything else. */
function featureNames(artifact: object): string[] | null {
  const schema = (artifact as { schema?: { features?: { name?: unknown }[] } }).schema;
  if (!schema || !Array.isArray(schema.features)) return null;
  const names = schema.features.map((f) => f?.name);
  return names.every((n): n is string => typeof n === "string") ? names : null;
}

/**
 * Write an MLflow model folder (MLflow 3.x layout) with two flavors over the same trees:
 *  - `xgboost`: model.json (XGBoost's JSON model format), the raw booster: `mlflow.xgboost.load_model` gives
 *    uncalibrated probabilities, as `mlflow.xgboost.save_model` would;
 *  - `python_function`: the loader module `code/rodent_risk_pyfunc.py` (mlflow-pyfunc.ts) over rodent-model.json,
 *    our artifact with feature schema and calibration: `mlflow.pyfunc.load_model(...).predict(df)` gives the
 *    service's calibrated probabilities.
 * With our artifact, MLmodel carries the signature (every feature a required double column, NaN = missing; a
 * float64 probability out) and, given `meta.inputExample`, an input example. Also requirements.txt, conda.yaml,
 * python_env.yaml. `xgbJson` may be the document or its text (written as is).
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
        code: PYFUNC_CODE_DIR,
        data: RODENT_ARTIFACT_FILE,
        env: { conda: "conda.yaml", virtualenv: "python_env.yaml" },
        loader_module: PYFUNC_MODULE,
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
  const names = featureNames(ourArtifact);
  if (names) {
    // MLflow stores the schemas as JSON text inside the YAML. "double" so pandas' float64 columns pass as they are
    // (the loader casts to float32, as XGBoost does); "required": every feature must be there, NaN = missing.
    mlmodel.signature = {
      inputs: JSON.stringify(names.map((name) => ({ type: "double", name, required: true }))),
      outputs: JSON.stringify([{ type: "tensor", "tensor-spec": { dtype: "float64", shape: [-1] } }]),
      params: null,
    };
  }
  const example =
    names && meta.inputExample?.length
      ? {
          columns: names,
          data: meta.inputExample.map((r) => Array.from(r, (v) => (Number.isFinite(v) ? v : null))),
        }
      : null;
  if (example) {
    mlmodel.saved_input_example_info = {
      artifact_path: "input_example.json",
      pandas_orient: "split",
      serving_input_path: "serving_input_example.json",
      type: "dataframe",
    };
  }
  mlmodel.metadata = {
    rodent_artifact: RODENT_ARTIFACT_FILE,
    ...(meta.snapshot ? { rodent_snapshot_id: meta.snapshot } : {}),
    ...(meta.featureSchemaVersion ? { rodent_feature_schema_version: meta.featureSchemaVersion } : {}),
    ...meta.metadata,
  };

  const requirements = [`mlflow==${mlflowVersion}`, `xgboost==${xgbVersion}`, "numpy", "pandas"];
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

  await fs.mkdir(path.join(dir, PYFUNC_CODE_DIR), { recursive: true });
  const files: [string, string][] = [
    [MLMODEL_DATA_FILE, xgbText],
    [RODENT_ARTIFACT_FILE, JSON.stringify(ourArtifact)],
    [`${PYFUNC_CODE_DIR}/${PYFUNC_MODULE}.py`, PYFUNC_SOURCE],
    ...(example
      ? ([
          ["input_example.json", JSON.stringify(example)],
          ["serving_input_example.json", JSON.stringify({ dataframe_split: example }, null, 2)],
        ] as [string, string][])
      : []),
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
