import { describe, expect, it } from "vitest";
import { computeCuts, MISSING_BIN } from "./cuts.js";
import { quantize } from "./quantize.js";
import { syntheticSchema } from "./synthetic.js";

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
