import { describe, expect, it } from "vitest";
import { Forest } from "./forest.js";
import { syntheticSchema } from "./synthetic.js";
import { leafOf, type Tree } from "./tree.js";

// tree 0 in XGBoost layout with nodes deliberately not in breadth-first order (right child before left)
function tree(): Tree {
  return {
    left: Int32Array.from([2, -1, 3, -1, -1]),
    right: Int32Array.from([1, -1, 4, -1, -1]),
    parent: Int32Array.from([2147483647, 0, 0, 2, 2]),
    feature: Int32Array.from([0, 0, 1, 0, 0]),
    threshold: Float32Array.from([0.5, 10, 2, -1, 1]),
    defaultLeft: Uint8Array.from([1, 0, 0, 0, 0]),
    baseWeight: new Float32Array(5),
    gain: new Float32Array(5),
    cover: Float32Array.from([10, 4, 6, 3, 3]),
  };
}

describe("forest scorer", () => {
  const f = new Forest([tree(), tree()], Math.fround(0.25), 2);
  it("walks `value < threshold` left, missing by the default direction, adds leaves in float32", () => {
    expect(f.marginRow([0.7, 0])).toBe(Math.fround(0.25 + 20));
    expect(f.marginRow([0.2, 1])).toBe(Math.fround(0.25 - 2));
    expect(f.marginRow([0.2, 2])).toBe(Math.fround(0.25 + 2)); // 2 < 2 is false: right
    expect(f.marginRow([Number.NaN, Number.NaN])).toBe(Math.fround(0.25 + 2)); // left at root, right below
  });
  it("table scoring equals row scoring and the plain tree walk", () => {
    const n = 200;
    const cols = [new Float32Array(n), new Float32Array(n)];
    for (let i = 0; i < n; i++) {
      cols[0][i] = i % 7 === 0 ? Number.NaN : (i % 10) / 10;
      cols[1][i] = i % 5 === 0 ? Number.NaN : (i % 4) - 1;
    }
    const out = f.marginTable({ schema: syntheticSchema(2), n, columns: cols });
    const t = tree();
    for (let i = 0; i < n; i++) {
      const row = [cols[0][i], cols[1][i]];
      expect(out[i]).toBe(f.marginRow(row));
      expect(out[i]).toBeCloseTo(0.25 + 2 * t.threshold[leafOf(t, row)], 5);
    }
  });
  it("expected margin is base + cover-weighted leaf means", () => {
    // tree mean: (4·10 + 3·(−1) + 3·1) / 10 = 4
    expect(f.expectedMargin()).toBeCloseTo(0.25 + 8, 6);
  });
});

describe("forest scorer edge values", () => {
  it("±Infinity follow the `<` rule at splits and never walk out of a leaf", () => {
    const f = new Forest([tree()], 0, 2);
    expect(f.marginRow([Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY])).toBe(10);
    expect(f.marginRow([Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY])).toBe(1);
    expect(f.marginRow([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY])).toBe(-1);
  });
});
