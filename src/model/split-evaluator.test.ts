import { describe, expect, it } from "vitest";
import { MISSING_BIN } from "./cuts.js";
import { HIST_STRIDE, histogramSize } from "./histogram.js";
import { calcWeight, evaluateSplit } from "./split-evaluator.js";

// one feature with three bins (values 1, 2, 3 → cuts 2, 3, 3.00001) plus a missing slot
const cuts = { values: Float32Array.from([2, 3, 3.00001]), ptrs: Uint32Array.from([0, 3]) };
function hist(bins: [number, number][], missing: [number, number]) {
  const h = new Float64Array(histogramSize(1));
  bins.forEach(([g, hh], b) => {
    h[2 * b] = g;
    h[2 * b + 1] = hh;
  });
  h[2 * MISSING_BIN] = missing[0];
  h[2 * MISSING_BIN + 1] = missing[1];
  expect(HIST_STRIDE).toBe(256);
  return h;
}
const sum = (bins: [number, number][], miss: [number, number]) =>
  [...bins, miss].reduce((a, [g, h]) => [a[0] + g, a[1] + h], [0, 0]);
const feats = Int32Array.from([0]);

describe("split evaluator", () => {
  it("picks the best forward split with XGBoost's gain, missing going right", () => {
    const bins: [number, number][] = [
      [-2, 1],
      [-1, 1],
      [3, 1],
    ];
    const [G, H] = sum(bins, [2, 1]);
    const s = evaluateSplit(hist(bins, [2, 1]), G, H, cuts, feats, { lambda: 1, min_child_weight: 0 })!;
    // L = (-3, 2), R = (5, 2): 9/3 + 25/3 − 4/5
    expect(s.gain).toBeCloseTo(9 / 3 + 25 / 3 - 4 / 5, 10);
    expect(s.splitBin).toBe(1);
    expect(s.threshold).toBe(3);
    expect(s.defaultLeft).toBe(false);
    expect([s.leftG, s.leftH, s.rightG, s.rightH]).toEqual([-3, 2, 5, 2]);
  });
  it("learns to send missing values left when that gains more", () => {
    const bins: [number, number][] = [
      [-2, 1],
      [-1, 1],
      [3, 1],
    ];
    const [G, H] = sum(bins, [-3, 1]);
    const s = evaluateSplit(hist(bins, [-3, 1]), G, H, cuts, feats, { lambda: 1, min_child_weight: 0 })!;
    expect(s.defaultLeft).toBe(true);
    expect(s.splitBin).toBe(1);
    expect(s.gain).toBeCloseTo(36 / 4 + 9 / 2 - 9 / 5, 10);
  });
  it("respects min_child_weight", () => {
    const bins: [number, number][] = [
      [-2, 1],
      [-1, 1],
      [3, 1],
    ];
    const [G, H] = sum(bins, [2, 1]);
    expect(evaluateSplit(hist(bins, [2, 1]), G, H, cuts, feats, { lambda: 1, min_child_weight: 2.5 })).toBeNull();
    const s = evaluateSplit(hist(bins, [2, 1]), G, H, cuts, feats, { lambda: 1, min_child_weight: 2 })!;
    expect(Math.min(s.leftH, s.rightH)).toBeGreaterThanOrEqual(2);
  });
  it("leaf weight is −G/(H+λ), zero below min_child_weight", () => {
    expect(calcWeight(-3, 2, { lambda: 1, min_child_weight: 1 })).toBe(1);
    expect(calcWeight(-3, 0.5, { lambda: 1, min_child_weight: 1 })).toBe(0);
  });
});
