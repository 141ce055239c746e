// Interop with MLflow's own Python client: a run, model version and alias we write over REST must be found by
// MlflowClient, our artifact must download, and mlflow.xgboost.load_model("models:/…@champion") must predict.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import type { FeatureTable } from "../features/index.js";
import { DEFAULT_PARAMS, toXGBoostJSON, trainModel } from "../model/index.js";
import { writeMlflowModelDir } from "./mlflow-model-dir.js";
import { runsUri } from "./model-uri.js";
import { openMlflowTracking } from "./open.js";
import { TAGS } from "./types.js";

const exec = promisify(execFile);
const tmp = await fs.mkdtemp(path.join(os.tmpdir(), "rodent-mlflow-py-"));
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

async function python(script: string, env: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const bin = process.env.RODENT_TEST_VENV_BIN;
  if (!bin) throw new Error("RODENT_TEST_VENV_BIN is unset (test/global-setup.ts sets it)");
  const file = path.join(tmp, `${randomUUID()}.py`);
  await fs.writeFile(file, script);
  const { stdout } = await exec(path.join(bin, "python"), [file], {
    env: { ...process.env, ...env, PYTHONWARNINGS: "ignore" },
    timeout: 120_000,
    maxBuffer: 16 << 20,
  });
  // The last line is the script's JSON result; MLflow may log above it.
  return JSON.parse(stdout.trim().split("\n").pop()!);
}

describe("MLflow Python client reads what we log", () => {
  it("finds the champion, downloads our artifact and loads the xgboost flavor", async () => {
    const uri = process.env.RODENT_TEST_MLFLOW_URI;
    if (!uri) throw new Error("RODENT_TEST_MLFLOW_URI is unset: run without RODENT_TEST_NO_SERVERS");

    // A tiny real XGBoost model in XGBoost's JSON format, plus its own predictions as the reference.
    const xgbFile = path.join(tmp, "xgb.json");
    const ref = await python(`
import json, numpy as np, xgboost as xgb
rng = np.random.RandomState(7)
X = rng.rand(200, 4).astype(np.float32); y = (X[:, 0] + 0.3 * X[:, 1] > 0.7).astype(int)
b = xgb.train({"objective": "binary:logistic", "max_depth": 2, "eta": 0.5, "nthread": 1}, xgb.DMatrix(X, label=y), 5)
b.save_model(${JSON.stringify(xgbFile)})
Q = np.array([[0.1, 0.1, 0.5, 0.5], [0.9, 0.8, 0.1, 0.2], [0.5, np.nan, 0.3, 0.3]], dtype=np.float32)
print(json.dumps({"pred": b.predict(xgb.DMatrix(Q)).tolist(), "query": [[None if np.isnan(v) else float(v) for v in r] for r in Q]}))
`);
    const xgbJson = JSON.parse(await fs.readFile(xgbFile, "utf8"));

    const { tracker, registry } = openMlflowTracking({ uri });
    const name = `rodent-risk-${randomUUID().slice(0, 8)}`;
    const exp = await tracker.getOrCreateExperiment(`${name}-exp`);
    const run = await tracker.createRun({
      experimentId: exp,
      name: "train-interop",
      tags: {
        [TAGS.gitCommit]: "0123456789abcdef0123456789abcdef01234567",
        [TAGS.sourceName]: "rodent pipeline run",
        [TAGS.user]: "rodent",
        [TAGS.snapshotId]: "snap-abcdefabcdef",
        [TAGS.featureSchemaVersion]: "2026.11-1",
      },
    });
    await tracker.logParams(run.runId, { max_depth: 2, eta: 0.5 });
    await tracker.logMetrics(run.runId, { auc: 0.9, lift_at_10: 3.1 });
    const ours = { tag: "rodent-risk/gbdt-model", version: 1, calibration: { a: 1, b: 0 } };
    const modelDir = path.join(tmp, "model");
    await writeMlflowModelDir(modelDir, xgbJson, ours, {
      runId: run.runId,
      snapshot: "snap-abcdefabcdef",
      featureSchemaVersion: "2026.11-1",
    });
    await tracker.logArtifacts(run.runId, modelDir, "model");
    await tracker.endRun(run.runId, "FINISHED");
    await registry.createRegisteredModel(name);
    const mv = await registry.createModelVersion({ name, source: runsUri(run.runId, "model"), runId: run.runId });
    await registry.setAlias(name, "champion", mv.version, { expect: null });

    const out = await python(
      `
import json, os, numpy as np, xgboost as xgb, mlflow, mlflow.xgboost
from mlflow import MlflowClient
c = MlflowClient()
name = ${JSON.stringify(name)}
mv = c.get_model_version_by_alias(name, "champion")
run = c.get_run(mv.run_id)
local = mlflow.artifacts.download_artifacts(run_id=mv.run_id, artifact_path="model/rodent-model.json", dst_path=${JSON.stringify(path.join(tmp, "dl"))})
ours = json.load(open(local))
model = mlflow.xgboost.load_model(f"models:/{name}@champion")
Q = np.array(json.loads(${JSON.stringify(JSON.stringify(ref.query))}), dtype=np.float32)
pred = model.predict(xgb.DMatrix(Q)).tolist()
print(json.dumps({"version": mv.version, "aliases": list(mv.aliases), "run_id": mv.run_id, "source": mv.source,
  "ours": ours, "pred": pred, "type": type(model).__name__, "params": run.data.params, "metrics": run.data.metrics,
  "tags": run.data.tags, "status": run.info.status, "run_name": run.info.run_name}))
`,
      { MLFLOW_TRACKING_URI: uri },
    );

    expect(out.version).toBe(mv.version);
    expect(out.aliases).toEqual(["champion"]);
    expect(out.run_id).toBe(run.runId);
    expect(out.source).toBe(`runs:/${run.runId}/model`);
    expect(out.ours).toEqual(ours);
    expect(out.type).toBe("Booster");
    const pred = out.pred as number[];
    expect(pred).toHaveLength(3);
    for (const [i, p] of (ref.pred as number[]).entries()) expect(pred[i]).toBeCloseTo(p, 6);
    expect(out.params).toEqual({ max_depth: "2", eta: "0.5" });
    expect(out.metrics).toEqual({ auc: 0.9, lift_at_10: 3.1 });
    expect(out.tags).toMatchObject({
      "mlflow.runName": "train-interop",
      "mlflow.source.git.commit": "0123456789abcdef0123456789abcdef01234567",
      "rodent.snapshot_id": "snap-abcdefabcdef",
      "rodent.feature_schema_version": "2026.11-1",
    });
    expect(out.status).toBe("FINISHED");
    expect(out.run_name).toBe("train-interop");
  }, 240_000); // three Python processes that import mlflow: a minute each on a loaded 2-core machine

  it("loads our own learner's trees (src/model toXGBoostJSON) with mlflow.xgboost and predicts the same", async () => {
    const uri = process.env.RODENT_TEST_MLFLOW_URI;
    if (!uri) throw new Error("RODENT_TEST_MLFLOW_URI is unset: run without RODENT_TEST_NO_SERVERS");
    const schema = {
      version: "test-1",
      features: ["sightings_30d", "prior_rodent", "days_since"].map((name) => ({
        name,
        kind: "numeric" as const,
        description: name,
      })),
    };
    // Deterministic small data (LCG), with missing values in one column.
    let seed = 12345;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const table = (n: number): { table: FeatureTable; label: Uint8Array } => {
      const cols = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
      const label = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        cols[0][i] = Math.floor(rnd() * 10);
        cols[1][i] = rnd() < 0.3 ? 1 : 0;
        cols[2][i] = rnd() < 0.1 ? Number.NaN : rnd() * 365;
        label[i] = cols[0][i] / 10 + 0.4 * cols[1][i] + 0.2 * rnd() > 0.7 ? 1 : 0;
      }
      return { table: { schema, n, columns: cols }, label };
    };
    const model = await trainModel({
      train: table(600),
      valid: table(200),
      params: { ...DEFAULT_PARAMS, n_estimators: 12, max_depth: 3, nthread: 1, early_stopping_rounds: 50 },
    });
    const query = table(6).table;
    const margin = model.predictMargin(query);
    const expected = Array.from(margin, (m) => 1 / (1 + Math.exp(-m)));

    const { tracker, registry } = openMlflowTracking({ uri });
    const name = `rodent-risk-${randomUUID().slice(0, 8)}`;
    const run = await tracker.createRun({ experimentId: await tracker.getOrCreateExperiment(`${name}-exp`) });
    const modelDir = path.join(tmp, "own-model");
    await writeMlflowModelDir(modelDir, toXGBoostJSON(model), model.toJSON(), { runId: run.runId });
    await tracker.logArtifacts(run.runId, modelDir, "model");
    await tracker.endRun(run.runId, "FINISHED");
    await registry.createRegisteredModel(name);
    const mv = await registry.createModelVersion({ name, source: runsUri(run.runId, "model"), runId: run.runId });
    await registry.setAlias(name, "champion", mv.version);

    const rows = Array.from({ length: query.n }, (_, i) =>
      query.columns.map((c) => (Number.isNaN(c[i]) ? null : c[i])),
    );
    const out = await python(
      `
import json, numpy as np, xgboost as xgb, mlflow.xgboost
m = mlflow.xgboost.load_model(${JSON.stringify(`models:/${name}@champion`)})
Q = np.array(json.loads(${JSON.stringify(JSON.stringify(rows))}), dtype=np.float32)
print(json.dumps({"pred": m.predict(xgb.DMatrix(Q, feature_names=m.feature_names)).tolist(), "names": m.feature_names,
  "trees": m.num_boosted_rounds()}))
`,
      { MLFLOW_TRACKING_URI: uri },
    );
    expect(out.names).toEqual(schema.features.map((f) => f.name));
    expect(out.trees).toBe(model.trees.length);
    const pred = out.pred as number[];
    expect(pred).toHaveLength(query.n);
    for (const [i, p] of expected.entries()) expect(pred[i]).toBeCloseTo(p, 5);
  }, 240_000);
});
