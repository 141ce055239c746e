import { describe, expect, it } from "vitest";
import { lowerBound, upperBound } from "./search.js";

describe("lowerBound / upperBound", () => {
  it("agree with a linear scan on random sorted arrays with ties, for every slice type", () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    for (let trial = 0; trial < 300; trial++) {
      const n = Math.floor(rnd() * 40);
      const values = Array.from({ length: n }, () => Math.floor(rnd() * 10)).sort((a, b) => a - b);
      for (const a of [values, Int32Array.from(values), Float64Array.from(values), Float32Array.from(values)]) {
        const lo = Math.floor(rnd() * (n + 1));
        const hi = lo + Math.floor(rnd() * (n - lo + 1));
        for (let x = -1; x <= 11; x += 0.5) {
          let lb = lo;
          while (lb < hi && a[lb] < x) lb++;
          let ub = lo;
          while (ub < hi && a[ub] <= x) ub++;
          expect(lowerBound(a, x, lo, hi)).toBe(lb);
          expect(upperBound(a, x, lo, hi)).toBe(ub);
        }
        expect(lowerBound(a, 5)).toBe(values.filter((v) => v < 5).length);
        expect(upperBound(a, 5)).toBe(values.filter((v) => v <= 5).length);
      }
    }
  });
});
