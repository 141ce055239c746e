import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { LocalObjectStore } from "../../data/index.js";
import { acquireRunLock } from "../../pipeline/index.js";
import { cliEnv, cliRunner } from "../../test-support/cli.js";
import { openEmbeddedTracking } from "../../tracking/index.js";

// The pipeline commands as real processes (tsx on the sources), on a small synthetic city in a temp home.
const home = mkdtempSync(path.join(os.tmpdir(), "rodent-cli-"));
const env = cliEnv(home);

const rodent = cliRunner(env);

const SMALL = ["--synth-scale", "0.06", "--synth-from", "2022-01-01", "--synth-to", "2023-12-31"];

describe("rodent pipeline / train / evaluate / promote / rollback / model (CLI)", () => {
  let doc: {
    snapshot: string;
    steps: { name: string; status: string }[];
    candidate: { version: string; gate: { passed: boolean; reasons: string[] } } | null;
    champion: { version: string } | null;
  };

  beforeAll(async () => {
    const r = await rodent("pipeline", "run", "--json", ...SMALL);
    expect(r.code, r.stderr).toBe(0);
    doc = JSON.parse(r.stdout);
  }, 300_000);

  it("pipeline run --json prints exactly the documented keys and ends with a champion", () => {
    expect(Object.keys(doc).sort()).toEqual(["candidate", "champion", "snapshot", "source", "steps"]);
    for (const s of doc.steps) {
      expect(Object.keys(s).sort()).toEqual(["name", "status"]);
      expect(["ran", "reused", "failed"]).toContain(s.status);
    }
    expect(doc.steps.map((s) => s.name)).toEqual([
      "ingest",
      "validate",
      "features",
      "train",
      "evaluate",
      "register",
      "promote",
    ]);
    expect(Object.keys(doc.candidate!).sort()).toEqual(["gate", "version"]);
    expect(Object.keys(doc.candidate!.gate).sort()).toEqual(["passed", "reasons"]);
    expect(doc.champion).toEqual({ version: "1" });
  });

  it("train --snapshot --json prints the evaluation keys", async () => {
    const r = await rodent("train", "--snapshot", doc.snapshot, "--json");
    expect(r.code, r.stderr).toBe(0);
    const t = JSON.parse(r.stdout);
    // "reused" when no commit landed in between (the code version keys the step); either way the same keys.
    expect(["ran", "reused"]).toContain(t.status);
    expect(typeof t.run).toBe("string");
    for (const k of ["auc", "pr_auc", "brier", "ece", "precision_at", "lift_at", "by_borough"])
      expect(t.test).toHaveProperty(k);
    expect(Object.keys(t.test.lift_at).sort()).toEqual(["10", "20", "5"]);
    expect(Object.keys(t.test.precision_at).sort()).toEqual(["10", "20", "5"]);
    expect(Object.keys(t.baselines).sort()).toEqual(["previous_rodent", "previous_score", "status_quo"]);
    for (const b of Object.values(t.baselines) as { auc: number; lift_at: Record<string, number> }[]) {
      expect(typeof b.auc).toBe("number");
      expect(typeof b.lift_at["10"]).toBe("number");
    }
    expect(t.oracle.auc).toBeGreaterThan(0.5);
    // The business measure, for the model, every baseline and the oracle (issue 14 §4).
    const keys = ["actual_first_half_share", "first_half_share", "later", "mean", "median", "positives", "sd"];
    for (const d of [t.test, ...Object.values(t.baselines), t.oracle] as { days_earlier: Record<string, number> }[]) {
      expect(Object.keys(d.days_earlier).sort()).toEqual(keys);
      for (const k of keys) expect(Number.isFinite(d.days_earlier[k]), k).toBe(true);
    }
    expect(t.test.days_earlier.mean).toBeGreaterThan(0);
    expect(t.baselines.status_quo.days_earlier.mean).toBe(0);
    expect(t.oracle.days_earlier.mean).toBeGreaterThan(0);
    expect(["none", "platt", "beta", "isotonic-interpolated"]).toContain(t.calibration.method);
    // the readable table without --json
    const h = await rodent("train", "--snapshot", doc.snapshot);
    expect(h.stdout).toMatch(/previous_rodent/);
    expect(h.stdout).toMatch(/lift@10%/);
    expect(h.stdout).toMatch(/days earlier/);
    expect(h.stdout).toMatch(/calibration: /);
  }, 60_000);

  it("evaluate --candidate 1 --against champion --json gives the gate and both numbers", async () => {
    const r = await rodent("evaluate", "--candidate", "1", "--against", "champion", "--json");
    expect(r.code, r.stderr).toBe(0);
    const e = JSON.parse(r.stdout);
    expect(e.gate.passed).toBe(true);
    expect(e.window.snapshot).toBe(doc.snapshot);
    expect(e.gate.checks.length).toBeGreaterThanOrEqual(3);
    expect(e.metrics.candidate.days_earlier.mean).toBeGreaterThan(0);
    expect(Object.keys(e.baselines).sort()).toEqual(["previous_rodent", "previous_score", "status_quo"]);
    expect(e.oracle.days_earlier.positives).toBeGreaterThan(0);
  }, 60_000);

  it("two simultaneous promotions: one wins, the other reports the conflict; rollback restores", async () => {
    // Two more passing versions of the same run (registry-level setup; what matters here is the alias race).
    const t = openEmbeddedTracking(path.join(home, "registry.sqlite"), new LocalObjectStore(path.join(home, "store")));
    const v1 = await t.registry.getModelVersion("rodent-risk", "1");
    for (let i = 0; i < 2; i++)
      await t.registry.createModelVersion({
        name: "rodent-risk",
        source: v1.source,
        runId: v1.runId,
        tags: { "rodent.gate": "passed", "rodent.gate_reasons": "[]" },
      });
    await t.close();

    const [a, b] = await Promise.all([
      rodent("promote", "2", "--to", "champion", "--expect", "1", "--json"),
      rodent("promote", "3", "--to", "champion", "--expect", "1", "--json"),
    ]);
    const codes = [a.code, b.code].sort();
    expect(codes[0]).toBe(0);
    expect(codes[1]).not.toBe(0);
    const winner = a.code === 0 ? "2" : "3";
    const loser = a.code === 0 ? b : a;
    expect(loser.stderr).toMatch(/RODENT_ERR_CONFLICT/);
    expect(loser.stderr).toMatch(/someone else moved it first/);

    const show = JSON.parse((await rodent("model", "show", "champion", "--json")).stdout);
    expect(show.version).toBe(winner);
    for (const k of ["name", "version", "aliases", "run", "metrics"]) expect(show).toHaveProperty(k);
    expect(show.aliases).toContain("champion");
    expect(typeof show.metrics.test_auc).toBe("number");
    const prev = JSON.parse((await rodent("model", "show", "previous", "--json")).stdout);
    expect(prev.version).toBe("1");

    const rb = await rodent("rollback", "--json");
    expect(rb.code, rb.stderr).toBe(0);
    expect(JSON.parse(rb.stdout).version).toBe("1");
    expect(JSON.parse((await rodent("model", "show", "--json")).stdout).version).toBe("1");
  }, 120_000);

  it("while another process holds the run lock, pipeline run refuses and a scheduled tick skips", async () => {
    const lock = await acquireRunLock(home, "test holder");
    try {
      const [run, tick] = await Promise.all([
        rodent("pipeline", "run", "--json", ...SMALL),
        rodent("schedule", "--once", "--json"),
      ]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/RODENT_ERR_LOCKED/);
      expect(run.stderr).toContain(`pid ${process.pid}`);
      expect(tick.code, tick.stderr).toBe(0);
      expect(JSON.parse(tick.stdout.trim())).toMatchObject({ status: "skipped-locked" });
    } finally {
      await lock.release();
    }
  }, 60_000);
});
