import { describe, expect, it } from "vitest";
import { Forest } from "./forest.js";
import { syntheticSchema } from "./synthetic.fixture.js";
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

describe("WebAssembly scorer", () => {
  it("gives the JS walk's margins bit for bit: 103 trees of mixed depth, missing values, 2,500 rows", async () => {
    const { trainModel, DEFAULT_PARAMS } = await import("./index.js");
    const { syntheticTable } = await import("./synthetic.fixture.js");
    const train = syntheticTable({ rows: 3000, features: 9, seed: 11 });
    const valid = syntheticTable({ rows: 2500, features: 9, seed: 12 });
    const m = await trainModel({
      train,
      valid,
      params: { ...DEFAULT_PARAMS, n_estimators: 103, max_depth: 5, eta: 0.3, early_stopping_rounds: 0 },
    });
    const forest = m.forest;
    expect(forest.nTrees % 8).toBe(7); // the kernel walks eight trees at a time: its one-tree tail runs too
    const wasm = forest.marginTable(valid.table);
    const js = forest.marginTableJs(valid.table);
    expect(Array.from(wasm)).toEqual(Array.from(js));
    const row = new Float32Array(9);
    for (let r = 0; r < 200; r++) {
      for (let f = 0; f < 9; f++) row[f] = valid.table.columns[f][r];
      expect(forest.marginRow(row)).toBe(js[r]);
    }
  });
});

describe("scorer fallback", () => {
  it("walks in JS when a split threshold is not finite (the WebAssembly walk assumes finite ones)", () => {
    const t = tree();
    t.threshold[0] = Number.POSITIVE_INFINITY; // every finite value goes left at the root, missing goes left too
    const f = new Forest([t], 0, 2);
    for (const row of [
      [5, 0],
      [Number.NaN, 3],
      [Number.POSITIVE_INFINITY, Number.NaN],
    ]) {
      expect(f.marginRow(row)).toBe(f.marginAt(row, 0));
    }
    const table = {
      schema: syntheticSchema(2),
      n: 2,
      columns: [Float32Array.from([5, Number.NaN]), new Float32Array(2)],
    };
    expect(Array.from(f.marginTable(table))).toEqual(Array.from(f.marginTableJs(table)));
  });
});
