import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { latestSnapshot, loadRecords } from "../../data/index.js";
import { LocalObjectStore } from "../../data/object-store.js";
import { PredictionLog, predictionLogFile } from "../../monitor/index.js";
import { cliEnv, cliRunner } from "../../test-support/cli.js";

// `rodent monitor …` as real processes on a small pipeline-trained synthetic city in a temp home.
const home = mkdtempSync(path.join(os.tmpdir(), "rodent-monitor-"));
const env = cliEnv(home, { RODENT_ARGO_SERVER: "" });

const rodent = cliRunner(env);

describe("rodent monitor (CLI)", () => {
  beforeAll(async () => {
    const r = await rodent(
      "pipeline",
      "run",
      "--json",
      "--synth-scale",
      "0.05",
      "--synth-from",
      "2022-01-01",
      "--synth-to",
      "2023-12-31",
    );
    expect(r.code, r.stderr).toBe(0);
  }, 300_000);

  it("drift (batch): the latest snapshot's restaurants against the champion's training profile", async () => {
    const r = await rodent("monitor", "drift", "--json");
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ mode: "batch", model: "1" });
    expect(doc.drift.n).toBeGreaterThan(200);
    expect(doc.drift.judged).toBe(true);
    expect(doc.drift.columns.length).toBeGreaterThan(10);
    // the champion's reference profile is the same snapshot's serving rows: nothing may drift
    expect(doc.drift.drifted).toEqual([]);
  }, 120_000);

  it("check: a performance drop fires once (dry run), then the cool-down holds", async () => {
    const policy = JSON.stringify({ signals: ["performance"], consecutive: 1, cooldownDays: 7 });
    const quiet = JSON.parse((await rodent("monitor", "check", "--dry-run", "--json", "--policy", policy)).stdout);
    expect(quiet.fire).toBe(false);
    const first = await rodent("monitor", "check", "--dry-run", "--json", "--policy", policy, "--performance-drop");
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ fire: true, launched: "dry-run" });
    const second = JSON.parse(
      (await rodent("monitor", "check", "--dry-run", "--json", "--policy", policy, "--performance-drop")).stdout,
    );
    expect(second.fire).toBe(false);
    expect(second.reason).toMatch(/already running|cool-down/);
  }, 180_000);

  it("check refuses a bad policy naming the field", async () => {
    const r = await rodent("monitor", "check", "--dry-run", "--policy", JSON.stringify({ consecutive: 0 }));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--policy: consecutive/);
  });

  it("outcomes: realised performance from logged predictions; a useless ranking is performance drift", async () => {
    const store = new LocalObjectStore(path.join(home, "store"));
    const snap = (await latestSnapshot(store))!;
    const truth = await loadRecords(store, snap.id, "truth");
    const since = "2023-07-01";
    const log = new PredictionLog(predictionLogFile(home));
    // What the service would have logged: a score for each restaurant the day before its inspection.
    // First the oracle's probabilities (a good ranking)…
    const later = truth.filter((t) => t.inspectionDate >= since);
    const dayBefore = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) - 86_400_000).toISOString();
    for (const t of later)
      log.add({
        ts: dayBefore(t.inspectionDate),
        camis: t.camis,
        modelVersion: "1",
        role: "champion",
        score: t.pTrue,
        featuresDate: t.inspectionDate,
      });
    log.close();
    const good = await rodent("monitor", "outcomes", "--json", "--since", since);
    expect(good.code, good.stderr).toBe(0);
    const g = JSON.parse(good.stdout);
    expect(g.overall.matched).toBeGreaterThan(100);
    expect(g.weeks.length).toBeGreaterThan(20);
    expect(g.overall.auc).toBeGreaterThan(0.75);
    expect(g.performance_drop).toBe(false);
    // …then a constant-order ranking logged later (the latest prediction before each inspection wins)
    const log2 = new PredictionLog(predictionLogFile(home));
    for (const [i, t] of later.entries())
      log2.add({
        ts: dayBefore(t.inspectionDate).replace("T00:00:00", "T12:00:00"),
        camis: t.camis,
        modelVersion: "1",
        role: "champion",
        score: (i * 7919) % 101,
        featuresDate: t.inspectionDate,
      });
    log2.close();
    const bad = JSON.parse((await rodent("monitor", "outcomes", "--json", "--since", since)).stdout);
    expect(bad.overall.auc).toBeLessThan(0.6);
    expect(bad.performance_drop).toBe(true);
  }, 180_000);
});
