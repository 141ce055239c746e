import { describe, expect, it } from "vitest";
import { MISSING_BIN } from "./cuts.js";
import { RowPartitioner } from "./partitioner.js";

describe("row partitioner", () => {
  const m = { n: 6, nFeatures: 1, bins: Uint8Array.from([3, 0, MISSING_BIN, 1, 2, MISSING_BIN]) };
  it("splits a segment stably into left (bin <= split) then right; missing follows the default", () => {
    const p = new RowPartitioner(Uint32Array.from([0, 1, 2, 3, 4, 5]));
    const mid = p.split(m, 0, 6, 0, 1, true);
    expect(mid).toBe(4);
    expect(Array.from(p.rows)).toEqual([1, 2, 3, 5, 0, 4]);
    const q = new RowPartitioner(Uint32Array.from([0, 1, 2, 3, 4, 5]));
    expect(q.split(m, 0, 6, 0, 1, false)).toBe(2);
    expect(Array.from(q.rows)).toEqual([1, 3, 0, 2, 4, 5]);
  });
  it("touches only its segment", () => {
    const p = new RowPartitioner(Uint32Array.from([5, 4, 3, 2, 1, 0]));
    const mid = p.split(m, 2, 5, 0, 0, false);
    expect(Array.from(p.rows)).toEqual([5, 4, 1, 3, 2, 0]);
    expect(mid).toBe(3);
  });
});
