import { describe, expect, it } from "vitest";
import { binOf, computeCuts, MISSING_BIN } from "./cuts.js";
import { quantize } from "./quantize.js";
import { syntheticSchema } from "./synthetic.fixture.js";

describe("quantize", () => {
  it("writes a column-major matrix of bin codes with MISSING_BIN for NaN", () => {
    const table = {
      schema: syntheticSchema(2),
      n: 3,
      columns: [Float32Array.from([10, 20, Number.NaN]), Float32Array.from([1, 0, 1])],
    };
    const q = quantize(table, computeCuts(table, 256));
    expect(q.nFeatures).toBe(2);
    // column 0 (10, 20, NaN) then column 1 (1, 0, 1)
    expect(Array.from(q.bins)).toEqual([0, 1, MISSING_BIN, 1, 0, 1]);
  });
});

describe("quantize agrees with binOf", () => {
  it("on every value of a column with ties, missing values, extremes and many cuts", () => {
    const n = 5000;
    const col = Float32Array.from({ length: n }, (_, i) =>
      i % 97 === 0 ? Number.NaN : i % 89 === 0 ? 1e30 : i % 83 === 0 ? -1e30 : Math.round(Math.sin(i) * 400) / 4,
    );
    const few = Float32Array.from({ length: n }, (_, i) => i % 3);
    const table = { schema: syntheticSchema(2), n, columns: [col, few] };
    for (const maxBin of [2, 3, 16, 256]) {
      const cuts = computeCuts(table, maxBin);
      const q = quantize(table, cuts);
      for (let f = 0; f < 2; f++) {
        for (let r = 0; r < n; r++) expect(q.bins[f * n + r]).toBe(binOf(cuts, f, table.columns[f][r]));
      }
    }
  });
});
