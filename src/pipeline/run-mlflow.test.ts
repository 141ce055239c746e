import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../config/index.js";
import { silentLogger } from "../util/log.js";
import { openPipelineContext } from "./context.js";
import { MODEL_NAME } from "./promotion.js";
import { runPipeline } from "./run.js";

// The same loop against the real MLflow server the test setup starts (RODENT_TEST_MLFLOW_URI).
describe("runPipeline (MLflow backend)", () => {
  it("registers a champion on MLflow, and a rerun reuses every step", async () => {
    const uri = process.env.RODENT_TEST_MLFLOW_URI;
    expect(
      uri,
      "RODENT_TEST_MLFLOW_URI is set by test/global-setup.ts (run without RODENT_TEST_NO_SERVERS)",
    ).toBeTruthy();
    const home = mkdtempSync(path.join(os.tmpdir(), "rodent-pipe-mlflow-"));
    const config = loadConfig({
      RODENT_HOME: home,
      RODENT_DATA_DIR: path.resolve("../shared/data"),
      RODENT_TRACKING_URI: uri,
      RODENT_LOG_LEVEL: "silent",
    });
    const opts = {
      config,
      log: silentLogger,
      source: "synth:2",
      synth: { scale: 0.06, from: "2022-01-01", to: "2023-12-31" },
    };
    // The MLflow server is shared by the whole suite: other tests may register versions of rodent-risk too,
    // so compare with what was there before rather than expecting version 1.
    const ctx = await openPipelineContext(config, silentLogger);
    await ctx.registry.createRegisteredModel(MODEL_NAME);
    const before = (await ctx.registry.listModelVersions(MODEL_NAME)).length;
    await ctx.close();

    const r = await runPipeline(opts);
    expect(r.candidate?.gate.passed).toBe(true);
    expect(r.champion).toEqual({ version: r.candidate?.version });
    const again = await runPipeline(opts);
    expect(again.steps.every((s) => s.status === "reused")).toBe(true);
    expect(again.champion).toEqual(r.champion);

    const c2 = await openPipelineContext(config, silentLogger);
    try {
      expect((await c2.registry.listModelVersions(MODEL_NAME)).length).toBe(before + 1);
      const champ = await c2.registry.getAlias(MODEL_NAME, "champion");
      expect(champ?.version).toBe(r.candidate?.version);
      const run = await c2.tracker.getRun(champ!.runId);
      expect(run.tags["rodent.snapshot_id"]).toBe(r.snapshot);
      expect(run.metrics.test_auc).toBeGreaterThan(0.6);
      const hist = await c2.tracker.getMetricHistory(champ!.runId, "train_logloss");
      expect(hist.length).toBeGreaterThan(1);
    } finally {
      await c2.close();
    }
  }, 300_000);
});
