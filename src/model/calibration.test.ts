import { describe, expect, it } from "vitest";
import {
  applyCalibration,
  type Calibration,
  calibrateMargin,
  checkCalibration,
  fitBeta,
  fitCalibration,
  fitIsotonic,
  fitIsotonicInterpolated,
  fitPlatt,
} from "./calibration.js";
import { ece, rocAuc } from "./metrics.js";
import { rng } from "./random.js";

/** Margins z ~ N(μ, σ) and labels drawn from a known truth q = f(z). */
function draw(n: number, seed: number, truth: (z: number) => number, mu = -1.5, sigma = 1.3) {
  const r = rng(seed);
  const margin = new Float64Array(n);
  const label = new Uint8Array(n);
  const q = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = Math.max(r(), 1e-12);
    const z = mu + sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
    margin[i] = z;
    q[i] = truth(z);
    label[i] = r() < q[i] ? 1 : 0;
  }
  return { margin, label, q };
}
const sig = (x: number) => 1 / (1 + Math.exp(-x));
const apply = (c: Calibration, m: Float64Array) => Float64Array.from(m, (z) => calibrateMargin(c, z));

describe("calibration maps", () => {
  it("Platt recovers a known logistic map of the margin", () => {
    const { margin, label } = draw(40_000, 1, (z) => sig(0.6 * z - 0.4));
    const c = fitPlatt(margin, label);
    expect(c.kind).toBe("platt");
    if (c.kind !== "platt") return;
    expect(c.a).toBeCloseTo(0.6, 1);
    expect(c.b).toBeCloseTo(-0.4, 1);
    expect(checkCalibration(c)).toBe(true);
  });

  it("beta calibration keeps a, b ≥ 0 and fits an asymmetric truth better than Platt", () => {
    // truth: logit q = 1.4·ln p − 0.3·ln(1 − p) − 0.2 with p = σ(z): beta's own family
    const t = (z: number) => sig(1.4 * Math.log(sig(z)) - 0.3 * Math.log(1 - sig(z)) - 0.2);
    const fit = draw(40_000, 2, t);
    const test = draw(40_000, 3, t);
    const beta = fitBeta(fit.margin, fit.label);
    const platt = fitPlatt(fit.margin, fit.label);
    expect(beta.kind === "beta" && beta.a >= 0 && beta.b >= 0).toBe(true);
    const err = (c: Calibration) => {
      const q = apply(c, test.margin);
      let s = 0;
      for (let i = 0; i < q.length; i++) s += Math.abs(q[i] - test.q[i]);
      return s / q.length;
    };
    expect(err(beta)).toBeLessThan(err(platt));
    expect(err(beta)).toBeLessThan(0.01);
  });

  it("interpolated isotonic: knots strictly increase, nothing is 0 or 1, no plateau at the top", () => {
    // A top block of pure positives and a bottom block of pure negatives, as a small validation window has.
    const margin = Float64Array.from([-6, -5, -4, -1, -0.5, 0, 0.5, 1, 4, 5, 6]);
    const label = Uint8Array.from([0, 0, 0, 0, 1, 0, 1, 1, 1, 1, 1]);
    const c = fitIsotonicInterpolated(margin, label);
    expect(c.kind).toBe("isotonic-interpolated");
    if (c.kind !== "isotonic-interpolated") return;
    expect(checkCalibration(c)).toBe(true);
    for (let j = 1; j < c.x.length; j++) {
      expect(c.x[j]).toBeGreaterThan(c.x[j - 1]);
      expect(c.y[j]).toBeGreaterThan(c.y[j - 1]);
    }
    // Distinct margins above the last knot still get distinct, increasing probabilities below 1.
    const top = [6, 7, 8, 10].map((z) => calibrateMargin(c, z));
    for (let i = 1; i < top.length; i++) expect(top[i]).toBeGreaterThan(top[i - 1]);
    for (const z of [-1e3, -40, -6, 0, 6, 40, 1e3]) {
      const q = calibrateMargin(c, z);
      expect(q > 0 && q < 1).toBe(true);
    }
    expect(calibrateMargin(c, 1e3)).toBeCloseTo(c.hi, 12);
    expect(calibrateMargin(c, -1e3)).toBeCloseTo(c.lo, 12);
    expect(c.hi).toBeLessThan(1);
  });

  it("legacy step maps still apply, clamped off 0 and 1; 'none' passes through unless fitted with bounds", () => {
    const legacy = fitIsotonic([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], Uint8Array.from([0, 1, 0, 0, 1, 1]));
    expect(legacy).toEqual({ kind: "isotonic", x: [0.1, 0.2, 0.4, 0.5, 0.6], y: [0, 1 / 3, 1 / 3, 1, 1] });
    expect(checkCalibration(legacy)).toBe(true);
    expect(applyCalibration(legacy, 0.45)).toBeCloseTo((1 / 3 + 1) / 2, 12);
    expect(applyCalibration(legacy, 0.01)).toBe(1e-6);
    expect(applyCalibration(legacy, 0.99)).toBe(1 - 1e-6);
    // A bare "none" is the identity (uncalibrated models, other objectives); a fitted one keeps off 0 and 1.
    expect(applyCalibration({ kind: "none" }, 0.3)).toBe(0.3);
    expect(applyCalibration({ kind: "none" }, 4.5)).toBe(4.5);
    const fitted: Calibration = { kind: "none", lo: 0.001, hi: 0.999 };
    expect(calibrateMargin(fitted, 50)).toBeLessThan(1);
    expect(calibrateMargin(fitted, -800)).toBeGreaterThan(0);
    expect(applyCalibration(fitted, 0.3)).toBeCloseTo(calibrateMargin(fitted, Math.log(0.3 / 0.7)), 12);
  });

  it("refuses maps that are not increasing or not bounded inside (0, 1)", () => {
    const bad: unknown[] = [
      { kind: "isotonic", x: [0.1, 0.2], y: [0.5, 0.4] },
      { kind: "platt", a: -1, b: 0, lo: 0.01, hi: 0.99 },
      { kind: "platt", a: 1, b: 0, lo: 0, hi: 1 },
      { kind: "beta", a: 0, b: 0, c: 1, lo: 0.01, hi: 0.99 },
      { kind: "isotonic-interpolated", x: [0, 0], y: [-1, 1], slope: 1, lo: 0.01, hi: 0.99 },
      { kind: "isotonic-interpolated", x: [0, 1], y: [1, 1], slope: 1, lo: 0.01, hi: 0.99 },
      { kind: "isotonic-interpolated", x: [0, 1], y: [0, 1], slope: 0, lo: 0.01, hi: 0.99 },
      { kind: "spline" },
    ];
    for (const c of bad) expect(checkCalibration(c), JSON.stringify(c)).toBe(false);
  });
});

describe("fitCalibration (chosen on the validation window)", () => {
  it("scores every candidate out of fold, picks by Brier then ECE, and the choice calibrates held-out rows", () => {
    // An over-confident raw score: the truth is σ(0.5·z − 0.3).
    const t = (z: number) => sig(0.5 * z - 0.3);
    const valid = draw(20_000, 4, t, -1.5, 2.5);
    const test = draw(20_000, 5, t, -1.5, 2.5);
    const c = fitCalibration(valid.margin, valid.label);
    expect(checkCalibration(c)).toBe(true);
    const sel = (c as { selection?: { chosen: string; candidates: Record<string, { brier: number; ece: number }> } })
      .selection;
    expect(sel).toBeDefined();
    expect(Object.keys(sel!.candidates).sort()).toEqual(["beta", "isotonic-interpolated", "none", "platt"]);
    expect(sel!.chosen).toBe(c.kind);
    const best = Math.min(...Object.values(sel!.candidates).map((s) => s.brier));
    expect(sel!.candidates[sel!.chosen].brier).toBeLessThanOrEqual(best * 1.001);
    // The raw sigmoid is badly calibrated here and must lose.
    expect(sel!.chosen).not.toBe("none");
    expect(sel!.candidates.none.ece).toBeGreaterThan(0.05);

    const raw = Float64Array.from(test.margin, sig);
    const q = apply(c, test.margin);
    expect(ece(test.label, raw).ece).toBeGreaterThan(0.05);
    expect(ece(test.label, q).ece).toBeLessThan(0.015);
    // Strictly increasing: the calibrated score ranks the rows exactly as the raw score does.
    expect(Math.abs(rocAuc(test.label, q) - rocAuc(test.label, raw))).toBeLessThan(1e-4);
    for (const v of q) expect(v > 0 && v < 1).toBe(true);
    expect(fitCalibration(valid.margin, valid.label)).toEqual(c); // deterministic
  });

  it("keeps a well calibrated raw score's ranking and never returns 0 or 1 on degenerate windows", () => {
    const ok = draw(5_000, 6, sig);
    const c = fitCalibration(ok.margin, ok.label);
    const q = apply(c, ok.margin);
    expect(Math.abs(rocAuc(ok.label, q) - rocAuc(ok.label, Float64Array.from(ok.margin, sig)))).toBeLessThan(1e-4);
    // no positives at all, or a tiny window: still a map inside (0, 1)
    const none = fitCalibration(Float64Array.from([1, 2, 3]), Uint8Array.from([0, 0, 0]));
    const tiny = fitCalibration(Float64Array.from([-1, 0, 1, 2]), Uint8Array.from([0, 1, 0, 1]));
    for (const m of [none, tiny]) {
      expect(checkCalibration(m)).toBe(true);
      for (const z of [-100, 0, 100]) {
        const v = calibrateMargin(m, z);
        expect(v > 0 && v < 1).toBe(true);
      }
    }
  });
});
