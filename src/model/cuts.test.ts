import { describe, expect, it } from "vitest";
import { binOf, binsOf, computeCuts, featureCuts, MISSING_BIN } from "./cuts.js";
import { syntheticSchema } from "./synthetic.fixture.js";

describe("cuts", () => {
  it("few distinct values: one bin each, cut = next value, last cut above the max", () => {
    const c = featureCuts(Float32Array.from([3, 1, 2, 2, Number.NaN, 1]), 256);
    expect(Array.from(c.subarray(0, 2))).toEqual([2, 3]);
    expect(c.length).toBe(3);
    expect(c[2]).toBeGreaterThan(3);
  });
  it("many values: at most max_bin cuts, strictly increasing", () => {
    const col = Float32Array.from({ length: 10_000 }, (_, i) => Math.sin(i) * 100);
    const c = featureCuts(col, 16);
    expect(c.length).toBeLessThanOrEqual(16);
    for (let i = 1; i < c.length; i++) expect(c[i]).toBeGreaterThan(c[i - 1]);
  });
  it("bin b holds exactly the values v with cuts[b-1] <= v < cuts[b] (XGBoost's `<` rule); NaN is MISSING_BIN", () => {
    const cols = [Float32Array.from([0.5, 1.5, 2.5, 1.5, Number.NaN]), Float32Array.from([7, 7, 7, 7, 7])];
    const cuts = computeCuts({ schema: syntheticSchema(2), n: 5, columns: cols }, 256);
    expect(Array.from(cuts.ptrs)).toEqual([0, 3, 4]);
    expect(binsOf(cuts, 0)).toBe(3);
    expect(cols[0].slice(0, 4).map((v) => binOf(cuts, 0, v))).toEqual(Float32Array.from([0, 1, 2, 1]));
    expect(binOf(cuts, 0, Number.NaN)).toBe(MISSING_BIN);
    for (const v of [0.5, 1.5, 2.5]) {
      const b = binOf(cuts, 0, v);
      expect(v < cuts.values[cuts.ptrs[0] + b]).toBe(true);
      if (b > 0) expect(v < cuts.values[cuts.ptrs[0] + b - 1]).toBe(false);
    }
    expect(binOf(cuts, 1, 7)).toBe(0);
  });
  it("an all-missing column gets one bin", () => {
    expect(featureCuts(Float32Array.from([Number.NaN, Number.NaN]), 256).length).toBe(1);
  });
});
