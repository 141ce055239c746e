import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config/index.js";
import { LocalObjectStore, readManifest, writeSyntheticCity } from "../../data/index.js";
import { TRIGGER_STATE_KEY } from "../../monitor/index.js";
import { MODEL_NAME, openPipelineContext } from "../../pipeline/index.js";
import { cliEnv, cliRunner } from "../../test-support/cli.js";
import { silentLogger } from "../../util/log.js";

// `rodent monitor …` as real processes, on a deployment of EXPORTED FILES (dir:), never on the demo's synth:1:
// a small city written to a folder, ingested with `pipeline run --source dir:…` (issue 13: the source rule, the dry
// run, data-time windows and the outcomes backfill, as an operator would run them).
const home = mkdtempSync(path.join(os.tmpdir(), "rodent-monitor-"));
const files = mkdtempSync(path.join(os.tmpdir(), "rodent-monitor-files-"));
const env = cliEnv(home, { RODENT_ARGO_SERVER: "" });
const rodent = cliRunner(env);
const store = new LocalObjectStore(path.join(home, "store"));
const SOURCE = `dir:${files}`;
const daysBefore = (iso: string, n: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);

describe("rodent monitor (CLI) on a dir: deployment", () => {
  beforeAll(async () => {
    // Three years, so the population 52 weeks earlier and the 311 stream's year-earlier weeks exist.
    await writeSyntheticCity(
      files,
      {
        seed: 5,
        from: "2021-01-01",
        to: "2023-12-31",
        scale: 0.05,
        scenario: "none",
        dataDir: path.resolve("../shared/data"),
      },
      silentLogger,
    );
    const r = await rodent("pipeline", "run", "--json", "--source", SOURCE);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ source: SOURCE, champion: { version: "1" } });
  }, 300_000);

  it("drift: the population vs 52 weeks earlier and the 311 stream, with one verdict", async () => {
    const r = await rodent("monitor", "drift", "--json");
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ mode: "batch", model: "1" });
    // The data date is the day after the newest inspection; its window is the week (Monday) it falls in.
    expect(doc.data_date >= "2023-12-28" && doc.data_date <= "2024-01-01").toBe(true);
    expect(new Date(`${doc.week}T00:00:00Z`).getUTCDay()).toBe(1);
    expect(doc.population.reference.basis).toMatch(/52 weeks earlier/);
    expect(doc.population.reference.asOf).toBe(daysBefore(doc.data_date, 364));
    expect(doc.population.columns.some((c: { test: string }) => c.test === "chi2")).toBe(true);
    expect(doc.stream.judged).toBe(true);
    expect(doc.stream.boroughs).toHaveLength(5);
    expect(["ok", "watch", "act"]).toContain(doc.verdict.level);
    expect(doc.verdict.reasons.length).toBeGreaterThan(0);
    expect(doc.drift).toEqual(doc.population);
  }, 120_000);

  it("check: another source than the champion's fails closed, before anything is recorded", async () => {
    const bad = await cliRunner({ ...env, RODENT_SOURCE: "synth:1" })("monitor", "check", "--json");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/RODENT_ERR_SOURCE_MISMATCH/);
    expect(bad.stderr).toMatch(/champion v1 was trained on dir:/);
    expect(await store.exists(TRIGGER_STATE_KEY)).toBe(false);
  }, 120_000);

  it("check: a dry run decides and records nothing; windows are weeks of data, not calls", async () => {
    const policy = JSON.stringify({ signals: ["performance"], consecutive: 2, cooldownDays: 7 });
    const dry = await rodent("monitor", "check", "--dry-run", "--json", "--trigger", policy, "--performance-drop");
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ fire: false, streak: 1, dry_run: true, launched: null });
    expect(await store.exists(TRIGGER_STATE_KEY)).toBe(false);
    // Two real checks on the same data, seconds apart: one window, so "2 consecutive windows" is not met.
    for (let i = 0; i < 2; i++) {
      const r = await rodent("monitor", "check", "--json", "--trigger", policy, "--performance-drop");
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ fire: false, streak: 1, source: SOURCE });
    }
    const state = JSON.parse((await store.get(TRIGGER_STATE_KEY)).toString("utf8"));
    expect(state.windows).toHaveLength(1);
  }, 180_000);

  it("check: a retrain it starts trains on the deployment's source (dir:), never the demo's synth:1", async () => {
    const policy = JSON.stringify({ signals: ["performance"], consecutive: 1, cooldownDays: 0 });
    const r = await rodent("monitor", "check", "--json", "--trigger", policy, "--performance-drop");
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ fire: true, source: SOURCE, signals: ["performance"] });
    expect(doc.launched).toMatch(/^snapshot snap-/);
    const ctx = await openPipelineContext(
      loadConfig({ RODENT_HOME: home, RODENT_DATA_DIR: path.resolve("../shared/data"), RODENT_LOG_LEVEL: "silent" }),
      silentLogger,
    );
    try {
      const versions = await ctx.registry.listModelVersions(MODEL_NAME);
      for (const v of versions) {
        expect(v.tags["rodent.source"]).toBe(SOURCE);
        expect((await readManifest(ctx.store, v.tags["rodent.snapshot_id"]!)).source).toBe(SOURCE);
      }
    } finally {
      await ctx.close();
    }
  }, 300_000);

  it("outcomes: history is scored with the champion of its time (backfill), new logged predictions join in data time", async () => {
    const r = await rodent("monitor", "outcomes", "--json", "--since", "2023-07-01");
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.weeks.length).toBeGreaterThan(20);
    expect(doc.overall.matched).toBeGreaterThan(100);
    expect(doc.overall.matched_backfill).toBe(doc.overall.matched); // nothing was served: all backfilled
    expect(doc.backfill.enabled).toBe(true);
    expect(doc.backfill.models.map((m: { version: string }) => m.version)).toContain("1");
    expect(doc.overall.auc).toBeGreaterThan(0.6);
    const none = JSON.parse(
      (await rodent("monitor", "outcomes", "--json", "--since", "2023-07-01", "--no-backfill")).stdout,
    );
    expect(none.overall.matched).toBe(0);
  }, 180_000);
});
