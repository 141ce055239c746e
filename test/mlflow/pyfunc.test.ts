// MLflow gives the service's numbers (docs/model.md, MLflow flavors): a model trained and logged by the pipeline to the real MLflow
// server the suite starts, loaded with MLflow's own Python client. Its python_function flavor must answer what
// POST /v1/predict answers for the same real serving rows (within 1e-6), its xgboost flavor stays the raw booster,
// the signature lists the feature schema, the input example predicts, and the run carries mlflow.user.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { FEATURE_SCHEMA } from "../../src/features/index.js";
import { MODEL_NAME, runPipelineDetailed } from "../../src/pipeline/index.js";
import { buildApp } from "../../src/serve/app.js";
import { ModelHost } from "../../src/serve/model-host.js";
import { sourcesFromConfig } from "../../src/serve/sources.js";
import { silentLogger } from "../../src/util/log.js";

const exec = promisify(execFile);
const tmp = await fs.mkdtemp(path.join(os.tmpdir(), "rodent-pyfunc-"));
const ROWS = 300;

let app: FastifyInstance;
let version: string;
let runId: string;
let uri: string;

async function python(script: string): Promise<Record<string, unknown>> {
  const bin = process.env.RODENT_TEST_VENV_BIN;
  if (!bin) throw new Error("RODENT_TEST_VENV_BIN is unset (test/global-setup.ts sets it)");
  const file = path.join(tmp, `${randomUUID()}.py`);
  await fs.writeFile(file, script);
  const { stdout } = await exec(path.join(bin, "python"), [file], {
    env: { ...process.env, MLFLOW_TRACKING_URI: uri, PYTHONWARNINGS: "ignore" },
    timeout: 180_000,
    maxBuffer: 64 << 20,
  });
  return JSON.parse(stdout.trim().split("\n").pop()!);
}

beforeAll(async () => {
  const u = process.env.RODENT_TEST_MLFLOW_URI;
  if (!u) throw new Error("RODENT_TEST_MLFLOW_URI is unset: run without RODENT_TEST_NO_SERVERS");
  uri = u;
  const config = loadConfig({
    RODENT_HOME: path.join(tmp, "home"),
    RODENT_DATA_DIR: path.resolve("../shared/data"),
    RODENT_TRACKING_URI: uri,
    RODENT_LOG_LEVEL: "silent",
  });
  // The suite's MLflow server is shared: whatever the gate says about this candidate against another test's
  // champion, its version is registered, and this test pins it (never the moving alias).
  const r = await runPipelineDetailed({
    config,
    log: silentLogger,
    source: "synth:3",
    synth: { scale: 0.05, from: "2022-01-01", to: "2023-12-31" },
    promote: false,
  });
  version = r.result.candidate!.version;
  runId = r.details.train!.run;
  const { models, city } = await sourcesFromConfig(config, silentLogger);
  const host = new ModelHost({
    models,
    city,
    modelName: MODEL_NAME,
    champion: { version },
    canaryAlias: null,
    canaryShare: 0,
    schema: FEATURE_SCHEMA,
    log: silentLogger,
  });
  await host.refresh();
  app = await buildApp({ host, closeHost: true, pressure: { maxEventLoopDelay: 0 } });
}, 600_000);

afterAll(async () => {
  await app?.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

describe("the logged MLflow model, through MLflow's Python client", () => {
  it("pyfunc predict equals POST /v1/predict within 1e-6 on real serving rows; xgboost stays the raw booster", async () => {
    const state = (app as unknown as { modelHost: ModelHost }).modelHost.state;
    const table = state.city!.set.table;
    expect(state.champion!.ref.version).toBe(version);
    const n = Math.min(ROWS, table.n);
    const names = FEATURE_SCHEMA.features.map((f) => f.name);
    const rows = Array.from({ length: n }, (_, i) =>
      Object.fromEntries(
        names.map((name, j) => [name, Number.isNaN(table.columns[j][i]) ? null : table.columns[j][i]]),
      ),
    );
    const r = await app.inject({ method: "POST", url: "/v1/predict", payload: { rows } });
    expect(r.statusCode, r.body).toBe(200);
    const served: number[] = r.json().predictions.map((p: { probability: number }) => p.probability);
    const margins = Array.from(state.champion!.model.predictMargin(table).subarray(0, n));
    const rowsFile = path.join(tmp, "rows.json");
    await fs.writeFile(rowsFile, JSON.stringify({ columns: names, data: rows.map((o) => names.map((k) => o[k])) }));

    const out = await python(`
import json, numpy as np, pandas as pd, xgboost as xgb, mlflow, mlflow.pyfunc, mlflow.xgboost
from mlflow import MlflowClient
from mlflow.models import Model
uri = "models:/${MODEL_NAME}/${version}"
doc = json.load(open(${JSON.stringify(rowsFile)}))
df = pd.DataFrame(doc["data"], columns=doc["columns"], dtype="float64")
m = mlflow.pyfunc.load_model(uri)
pred = np.asarray(m.predict(df), dtype=np.float64)
booster = mlflow.xgboost.load_model(uri)
raw = booster.predict(xgb.DMatrix(df.to_numpy(dtype=np.float32), feature_names=doc["columns"]))
sig = m.metadata.get_input_schema()
local = mlflow.artifacts.download_artifacts(artifact_uri=uri, dst_path=${JSON.stringify(path.join(tmp, "dl"))})
example = Model.load(local).load_input_example(local)
run = MlflowClient().get_run(${JSON.stringify(runId)})
print(json.dumps({
  "pyfunc": pred.tolist(), "raw": raw.astype(np.float64).tolist(),
  "loader": m.metadata.flavors["python_function"]["loader_module"],
  "inputs": [[c.name, c.type.name, c.required] for c in sig.inputs],
  "example_rows": len(example), "example_pred": np.asarray(m.predict(example)).tolist(),
  "user": run.data.tags.get("mlflow.user"), "run_user": run.info.user_id,
}))
`);
    const pyfunc = out.pyfunc as number[];
    expect(pyfunc).toHaveLength(n);
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(pyfunc[i] - served[i]));
    expect(worst).toBeLessThan(1e-6);
    // The xgboost flavor is the raw booster: σ(margin), not the calibrated probability.
    const raw = out.raw as number[];
    for (let i = 0; i < n; i++) expect(Math.abs(raw[i] - 1 / (1 + Math.exp(-margins[i])))).toBeLessThan(1e-6);
    const gap = Math.max(...raw.map((p, i) => Math.abs(p - served[i])));
    expect(gap).toBeGreaterThan(1e-4); // the calibration does something, so the two flavors differ
    expect(out.loader).toBe("rodent_risk_pyfunc");
    expect(out.inputs).toEqual(names.map((name) => [name, "double", true]));
    expect(out.example_rows).toBe(5);
    for (const p of out.example_pred as number[]) expect(p > 0 && p < 1).toBe(true);
    expect(out.user).toBe(os.userInfo().username);
    expect(out.run_user).toBe(os.userInfo().username);
  }, 300_000);
});
