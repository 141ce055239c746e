import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isRodentError } from "../errors.js";
import { decideGate, type GateMetrics } from "./gate.js";
import { DEFAULT_GATE_POLICY, loadGatePolicy, parseGatePolicy } from "./gate-policy.js";

function slice(auc: number, lift: number, ece = 0.01, positives = 100) {
  return { auc, ece, lift_at: { "5": lift, "10": lift, "20": lift }, n: 1000, positives };
}
function metrics(auc: number, lift: number, ece = 0.01, boroughs: Record<string, number> = {}): GateMetrics {
  const by_borough: GateMetrics["by_borough"] = {};
  for (const [b, a] of Object.entries(boroughs)) by_borough[b] = slice(a, lift, ece);
  return { ...slice(auc, lift, ece, 500), by_borough };
}

describe("decideGate", () => {
  it("with no champion, only the floors apply", () => {
    const d = decideGate(metrics(0.7, 2.0), null, DEFAULT_GATE_POLICY);
    expect(d.passed).toBe(true);
    expect(d.checks.map((c) => c.name)).toEqual(["floor.auc", "floor.lift_at_10", "floor.ece"]);
    expect(d.reasons.join(" ")).toMatch(/no champion/);
  });

  it("refuses below each floor, naming the metric and numbers", () => {
    const d = decideGate(metrics(0.55, 1.2, 0.08), null, DEFAULT_GATE_POLICY);
    expect(d.passed).toBe(false);
    expect(d.reasons).toHaveLength(3);
    expect(d.reasons[0]).toBe("auc 0.55 < 0.6 (floor)");
    expect(d.reasons[1]).toMatch(/^lift_at_10 1.2 < 1.5/);
    expect(d.reasons[2]).toMatch(/^ece 0.08 > 0.05/);
  });

  it("floor bounds are inclusive", () => {
    const d = decideGate(metrics(0.6, 1.5, 0.05), null, DEFAULT_GATE_POLICY);
    expect(d.passed).toBe(true);
  });

  it("a NaN metric fails its check", () => {
    const d = decideGate(metrics(Number.NaN, 2), null, DEFAULT_GATE_POLICY);
    expect(d.passed).toBe(false);
    expect(d.checks.find((c) => c.name === "floor.auc")!.passed).toBe(false);
  });

  it("against a champion: within tolerance passes, beyond it refuses", () => {
    const champ = metrics(0.8, 3.0, 0.01, { Bronx: 0.8 });
    expect(decideGate(metrics(0.795, 2.95, 0.02, { Bronx: 0.78 }), champ, DEFAULT_GATE_POLICY).passed).toBe(true);
    const worse = decideGate(metrics(0.78, 3.0, 0.01, { Bronx: 0.8 }), champ, DEFAULT_GATE_POLICY);
    expect(worse.passed).toBe(false);
    expect(worse.reasons).toEqual(["auc 0.78 < 0.79 (champion 0.8 with tolerance)"]);
  });

  it("a borough worse beyond its tolerance refuses even when overall is better", () => {
    const champ = metrics(0.8, 3.0, 0.01, { Bronx: 0.8, Queens: 0.8 });
    const d = decideGate(metrics(0.85, 3.5, 0.01, { Bronx: 0.76, Queens: 0.9 }), champ, DEFAULT_GATE_POLICY);
    expect(d.passed).toBe(false);
    expect(d.reasons).toHaveLength(1);
    expect(d.reasons[0]).toMatch(/^auc in Bronx 0.76 < 0.77/);
  });

  it("boroughs with too few positives are skipped, with a note", () => {
    const champ = metrics(0.8, 3.0, 0.01, { Bronx: 0.8 });
    const cand = metrics(0.8, 3.0, 0.01, { Bronx: 0.5 });
    cand.by_borough.Bronx.positives = 5;
    const d = decideGate(cand, champ, DEFAULT_GATE_POLICY);
    expect(d.passed).toBe(true);
    expect(d.skipped[0]).toMatch(/Bronx: 5 positives/);
  });

  it("lift and ece are compared with the champion too", () => {
    const champ = metrics(0.8, 3.0, 0.01);
    const d = decideGate(metrics(0.8, 2.8, 0.04), champ, DEFAULT_GATE_POLICY);
    expect(d.passed).toBe(false);
    expect(d.checks.filter((c) => !c.passed).map((c) => c.name)).toEqual(["champion.lift_at_10", "champion.ece"]);
  });
});

describe("gate policy", () => {
  it("defaults match docs/architecture.md (Gates)", () => {
    expect(DEFAULT_GATE_POLICY).toEqual({
      floors: { auc: 0.6, lift_at_10: 1.5, ece: 0.05 },
      tolerance: { auc: 0.01, borough_auc: 0.03, lift_at_10: 0.1, ece: 0.02 },
      min_borough_positives: 30,
    });
  });

  it("partial files take the defaults for the rest; YAML and JSON both load", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "gate-"));
    const y = path.join(dir, "gates.yaml");
    writeFileSync(y, "floors:\n  auc: 0.7\ntolerance:\n  borough_auc: 0.05\n");
    const p = loadGatePolicy(y);
    expect(p.floors).toEqual({ auc: 0.7, lift_at_10: 1.5, ece: 0.05 });
    expect(p.tolerance.borough_auc).toBe(0.05);
    const j = path.join(dir, "gates.json");
    writeFileSync(j, JSON.stringify({ min_borough_positives: 10 }));
    expect(loadGatePolicy(j).min_borough_positives).toBe(10);
  });

  it("rejects unknown and out-of-range fields, naming them", () => {
    try {
      parseGatePolicy({ floors: { auc: 1.5 } });
      expect.unreachable();
    } catch (e) {
      expect(isRodentError(e, "RODENT_ERR_INVALID_ARGUMENT")).toBe(true);
      expect((e as Error).message).toMatch(/floors\.auc/);
    }
    expect(() => parseGatePolicy({ flors: {} })).toThrow(/flors|unrecognized/i);
  });

  it("a missing file is NOT_FOUND", () => {
    try {
      loadGatePolicy("/nonexistent/gates.yaml");
      expect.unreachable();
    } catch (e) {
      expect(isRodentError(e, "RODENT_ERR_NOT_FOUND")).toBe(true);
    }
  });
});
