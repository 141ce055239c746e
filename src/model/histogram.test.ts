import { describe, expect, it } from "vitest";
import { MISSING_BIN } from "./cuts.js";
import { buildHistogram, HIST_STRIDE, histogramSize, interleave, subtractHistogram } from "./histogram.js";

describe("histogram", () => {
  // 4 rows × 2 features of bin codes, column-major: feature 0 = (0, 1, 0, 2), feature 1 = (1, 1, MISSING, 0)
  const m = { n: 4, nFeatures: 2, bins: Uint8Array.from([0, 1, 0, 2, 1, 1, MISSING_BIN, 0]) };
  const grad = Float64Array.from([1, 2, 3, 4]);
  const hess = Float64Array.from([0.1, 0.2, 0.3, 0.4]);
  const gh = interleave(grad, hess);
  const all = Int32Array.from([0, 1]);
  const at = (h: Float64Array, f: number, b: number) => [
    h[2 * (f * HIST_STRIDE + b)],
    h[2 * (f * HIST_STRIDE + b) + 1],
  ];

  it("sums gradient and hessian per (feature, bin), missing into slot MISSING_BIN", () => {
    const h = new Float64Array(histogramSize(2));
    buildHistogram(m, Uint32Array.from([0, 1, 2, 3]), 0, 4, gh, all, h);
    expect(at(h, 0, 0)).toEqual([1 + 3, 0.1 + 0.3]);
    expect(at(h, 0, 1)).toEqual([2, 0.2]);
    expect(at(h, 0, 2)).toEqual([4, 0.4]);
    expect(at(h, 1, 1)).toEqual([1 + 2, 0.1 + 0.2 + 0]);
    expect(at(h, 1, MISSING_BIN)).toEqual([3, 0.3]);
    expect(at(h, 1, 0)).toEqual([4, 0.4]);
  });
  it("uses only the listed rows and features; sibling = parent − child", () => {
    const parent = new Float64Array(histogramSize(2));
    buildHistogram(m, Uint32Array.from([0, 1, 2, 3]), 0, 4, gh, all, parent);
    const child = new Float64Array(histogramSize(2));
    buildHistogram(m, Uint32Array.from([9, 0, 2, 9]), 1, 3, gh, all, child);
    const sib = new Float64Array(histogramSize(2));
    subtractHistogram(parent, child, all, sib);
    const direct = new Float64Array(histogramSize(2));
    buildHistogram(m, Uint32Array.from([1, 3]), 0, 2, gh, all, direct);
    for (let i = 0; i < sib.length; i++) expect(sib[i]).toBeCloseTo(direct[i], 12);
    const only1 = new Float64Array(histogramSize(2));
    buildHistogram(m, Uint32Array.from([0, 1, 2, 3]), 0, 4, gh, Int32Array.from([1]), only1);
    expect(at(only1, 0, 0)).toEqual([0, 0]);
    expect(at(only1, 1, 1)).toEqual([3, 0.30000000000000004]);
  });
});
