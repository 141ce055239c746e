import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config/index.js";
import { isRodentError } from "../errors.js";
import { readProfile } from "../features/index.js";
import { silentLogger } from "../util/log.js";
import { openPipelineContext } from "./context.js";
import { loadRunModel } from "./model-loader.js";
import { MODEL_NAME } from "./promotion.js";
import { PipelineFailure, runPipeline, runPipelineDetailed } from "./run.js";
import { featuresStep } from "./steps/features.js";
import { ingestStep } from "./steps/ingest.js";
import { registerStep } from "./steps/register.js";
import { trainStep } from "./steps/train.js";

// The CT loop end to end on a small synthetic city (embedded tracking in a temp RODENT_HOME).
const SMALL_CITY = { scale: 0.06, from: "2022-01-01", to: "2023-12-31" };
const ALL_STEPS = ["ingest", "validate", "features", "train", "evaluate", "register", "promote"];

describe("runPipeline (embedded)", () => {
  const home = mkdtempSync(path.join(os.tmpdir(), "rodent-pipe-"));
  const config = loadConfig({
    RODENT_HOME: home,
    RODENT_DATA_DIR: path.resolve("../shared/data"),
    RODENT_LOG_LEVEL: "silent",
  });
  const opts = { config, log: silentLogger, source: "synth:1", synth: SMALL_CITY };
  let first: Awaited<ReturnType<typeof runPipelineDetailed>>;

  beforeAll(async () => {
    first = await runPipelineDetailed(opts);
  }, 300_000);

  it("registers version 1 as champion on a fresh home", () => {
    const r = first.result;
    expect(Object.keys(r).sort()).toEqual(["candidate", "champion", "snapshot", "source", "steps"]);
    expect(r.source).toBe("synth:1");
    expect(r.snapshot).toMatch(/^snap-[0-9a-f]{12}$/);
    expect(r.steps).toEqual(ALL_STEPS.map((name) => ({ name, status: "ran" })));
    expect(r.candidate?.version).toBe("1");
    expect(r.candidate?.gate.passed).toBe(true);
    expect(r.champion).toEqual({ version: "1" });
    const t = first.details.train!;
    expect(t.test.auc).toBeGreaterThan(0.6);
    expect(t.oracle).not.toBeNull();
    expect(Object.keys(t.baselines).sort()).toEqual(["previous_rodent", "previous_score", "status_quo"]);
  });

  it("logs params, per-round losses, tags and the model folder to the run", async () => {
    const ctx = await openPipelineContext(config, silentLogger);
    try {
      const run = await ctx.tracker.getRun(first.details.train!.run);
      expect(run.info.status).toBe("FINISHED");
      expect(run.tags["rodent.snapshot_id"]).toBe(first.result.snapshot);
      expect(run.tags["rodent.feature_schema_version"]).toBeTruthy();
      expect(run.tags["mlflow.source.git.commit"]).toMatch(/^[0-9a-f]{40}$/);
      expect(run.params.max_depth).toBeTruthy();
      expect(run.metrics.test_auc).toBeCloseTo(first.details.train!.test.auc, 10);
      expect(run.tags["mlflow.user"]).toBeTruthy();
      expect(run.metrics.test_days_earlier_mean).toBeCloseTo(first.details.train!.test.days_earlier.mean, 10);
      expect(run.metrics.oracle_days_earlier_mean).toBeGreaterThan(0);
      expect(run.metrics.baseline_previous_rodent_days_earlier_later).toBeGreaterThanOrEqual(0);
      expect(run.params.calibration).toBe(first.details.train!.calibration.method);
      expect(run.metrics["gate.floor.auc.threshold"]).toBe(0.6);
      const hist = await ctx.tracker.getMetricHistory(run.info.runId, "valid_logloss");
      expect(hist.length).toBeGreaterThan(1);
      expect(hist.map((p) => p.step)).toEqual(hist.map((_, i) => i + 1));
      const files = (await ctx.tracker.listArtifacts(run.info.runId, "model")).map((a) => a.path).sort();
      expect(files).toEqual(expect.arrayContaining(["model/MLmodel", "model/model.json", "model/rodent-model.json"]));
      const root = (await ctx.tracker.listArtifacts(run.info.runId)).map((a) => a.path);
      expect(root).toEqual(expect.arrayContaining(["evaluation.json", "gate.json"]));
      const v1 = await ctx.registry.getModelVersion(MODEL_NAME, "1");
      expect(v1.source).toBe(`runs:/${run.info.runId}/model`);
      expect(v1.tags["rodent.gate"]).toBe("passed");
      // every model records its source: on the run, the version and inside the artifact
      expect(run.tags["rodent.source"]).toBe("synth:1");
      expect(v1.tags["rodent.source"]).toBe("synth:1");
      // The reference profile describes the population where the fitted data ends, never the table it is later
      // compared with, and says so (issue 13 §3).
      const model = await loadRunModel(ctx.tracker, run.info.runId);
      const profile = readProfile(model.meta)!;
      expect(profile.asOf).toBe(run.params.test_from);
      expect(profile.basis).toMatch(
        /every active restaurant as of \d{4}-\d{2}-\d{2}, the day the data the model was fitted on ends/,
      );
      expect(model.meta.source).toBe("synth:1");
    } finally {
      await ctx.close();
    }
  });

  it("a second run on the same snapshot reuses every step and registers nothing new", async () => {
    const r = await runPipeline(opts);
    expect(r.snapshot).toBe(first.result.snapshot);
    expect(r.steps).toEqual(ALL_STEPS.map((name) => ({ name, status: "reused" })));
    expect(r.candidate?.version).toBe("1");
    expect(r.champion).toEqual({ version: "1" });
    const ctx = await openPipelineContext(config, silentLogger);
    try {
      expect(await ctx.registry.listModelVersions(MODEL_NAME)).toHaveLength(1);
    } finally {
      await ctx.close();
    }
  });

  it("a weak candidate is refused with its numbers, registered without an alias, and the champion stays", async () => {
    const { result: r, details } = await runPipelineDetailed({
      ...opts,
      params: { max_depth: "1", n_estimators: "2" },
    });
    expect(r.steps.map((s) => s.name)).toEqual(ALL_STEPS.slice(0, 6)); // no promote step
    expect(r.steps.find((s) => s.name === "train")?.status).toBe("ran");
    expect(r.candidate?.version).toBe("2");
    expect(r.candidate?.gate.passed).toBe(false);
    expect(r.candidate?.gate.reasons.length).toBeGreaterThan(0);
    expect(r.candidate?.gate.reasons.join(" ")).toMatch(/\d\.\d+ [<>] \d\.\d+/);
    expect(r.champion).toEqual({ version: "1" });
    // compared against the champion on the same rows
    expect(details.evaluate?.champion?.version).toBe("1");
    expect(details.evaluate?.metrics.champion?.n).toBe(details.evaluate?.metrics.candidate.n);
    const ctx = await openPipelineContext(config, silentLogger);
    try {
      const v2 = await ctx.registry.getModelVersion(MODEL_NAME, "2");
      expect(v2.aliases).toEqual([]);
      expect(v2.tags["rodent.gate"]).toBe("refused");
      expect(JSON.parse(v2.tags["rodent.gate_reasons"]!)).toEqual(r.candidate?.gate.reasons);
      expect((await ctx.registry.getAlias(MODEL_NAME, "champion"))?.version).toBe("1");
    } finally {
      await ctx.close();
    }
  });

  it("a failing step leaves nothing registered and the champion untouched", async () => {
    try {
      await runPipeline({ ...opts, params: { max_depth: "0" } });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PipelineFailure);
      const f = e as PipelineFailure;
      expect(f.code).toBe("RODENT_ERR_INVALID_ARGUMENT");
      expect(f.result.steps.at(-1)).toEqual({ name: "train", status: "failed" });
      expect(f.result.champion).toEqual({ version: "1" });
    }
    const ctx = await openPipelineContext(config, silentLogger);
    try {
      expect(await ctx.registry.listModelVersions(MODEL_NAME)).toHaveLength(2);
    } finally {
      await ctx.close();
    }
  });

  describe("the source rule (issue 13 §1)", () => {
    it("with no source given, a retrain uses the champion's source, not the demo default", async () => {
      const { result, details } = await runPipelineDetailed({ ...opts, source: undefined });
      expect(result.source).toBe("synth:1");
      expect(details.sourceOrigin).toBe("champion");
      expect(result.snapshot).toBe(first.result.snapshot);
    });

    it("a retrain on another source fails closed before ingesting, by flag or by RODENT_SOURCE", async () => {
      const ctx = await openPipelineContext(config, silentLogger);
      const before = (await ctx.store.list("snapshots/")).length;
      const versions = (await ctx.registry.listModelVersions(MODEL_NAME)).length;
      await ctx.close();
      const other = loadConfig({ ...envOf(home), RODENT_SOURCE: "synth:2" });
      for (const o of [
        { ...opts, source: "synth:2" },
        { ...opts, source: undefined, config: other },
      ]) {
        const e = await runPipeline(o).then(
          () => null,
          (x: unknown) => x,
        );
        expect(e).toBeInstanceOf(PipelineFailure);
        const f = e as PipelineFailure;
        expect(f.code).toBe("RODENT_ERR_SOURCE_MISMATCH");
        expect(f.message).toMatch(/synth:2.*champion v1 was trained on synth:1/);
        expect(f.result.steps).toEqual([{ name: "ingest", status: "failed" }]);
        expect(f.result.champion).toEqual({ version: "1" });
      }
      const after = await openPipelineContext(config, silentLogger);
      try {
        expect((await after.store.list("snapshots/")).length).toBe(before);
        expect(await after.registry.listModelVersions(MODEL_NAME)).toHaveLength(versions);
      } finally {
        await after.close();
      }
    });

    it("register (Argo's separate step) refuses a run trained on another source; an explicit switch is allowed", async () => {
      const ctx = await openPipelineContext(config, silentLogger);
      try {
        const ing = await ingestStep(ctx, { source: "synth:3", synth: { ...SMALL_CITY, scale: 0.02 } });
        const feats = await featuresStep(ctx, { snapshot: ing.output.snapshot });
        const trained = await trainStep(ctx, { features: feats.output, params: { n_estimators: "5" } });
        const run = await ctx.tracker.getRun(trained.output.run);
        expect(run.tags["rodent.source"]).toBe("synth:3");
        const versions = (await ctx.registry.listModelVersions(MODEL_NAME)).length;
        const e = await registerStep(ctx, { run: trained.output.run, gate: { passed: true, reasons: [] } }).then(
          () => null,
          (x: unknown) => x,
        );
        expect(isRodentError(e, "RODENT_ERR_SOURCE_MISMATCH")).toBe(true);
        expect(await ctx.registry.listModelVersions(MODEL_NAME)).toHaveLength(versions);
        const ok = await registerStep(ctx, {
          run: trained.output.run,
          gate: { passed: false, reasons: ["test"] },
          allowSourceChange: true,
        });
        expect((await ctx.registry.getModelVersion(MODEL_NAME, ok.output.version)).tags["rodent.source"]).toBe(
          "synth:3",
        );
        expect((await ctx.registry.getAlias(MODEL_NAME, "champion"))?.version).toBe("1");
      } finally {
        await ctx.close();
      }
    }, 120_000);
  });
});

function envOf(home: string) {
  return { RODENT_HOME: home, RODENT_DATA_DIR: path.resolve("../shared/data"), RODENT_LOG_LEVEL: "silent" };
}
