import { describe, expect, it } from "vitest";
import { saabas, treeShap } from "./contributions.js";
import { Forest } from "./forest.js";
import { DEFAULT_PARAMS, trainModel } from "./index.js";
import { syntheticTable } from "./synthetic.fixture.js";
import type { Tree } from "./tree.js";

// a stump on feature 1: x1 < 0 → −1 (cover 1), else 3 (cover 3); expected value 2
const stump: Tree = {
  left: Int32Array.from([1, -1, -1]),
  right: Int32Array.from([2, -1, -1]),
  parent: Int32Array.from([2147483647, 0, 0]),
  feature: Int32Array.from([1, 0, 0]),
  threshold: Float32Array.from([0, -1, 3]),
  defaultLeft: Uint8Array.from([1, 0, 0]),
  baseWeight: new Float32Array(3),
  gain: new Float32Array(3),
  cover: Float32Array.from([4, 1, 3]),
};

describe("contributions", () => {
  it("a stump credits its feature with leaf − expected value", () => {
    const f = new Forest([stump], 0.5, 3);
    for (const method of [treeShap, saabas]) {
      expect(Array.from(method(f, [9, -5, 9]))).toEqual([0, -3, 0, 2.5]);
      expect(Array.from(method(f, [9, 5, 9]))).toEqual([0, 1, 0, 2.5]);
    }
  });
  it("TreeSHAP and Saabas sum to the margin on a trained model", async () => {
    const tr = syntheticTable({ rows: 2000, features: 12, seed: 11 });
    const model = await trainModel({
      train: tr,
      valid: syntheticTable({ rows: 500, features: 12, seed: 12 }),
      params: { ...DEFAULT_PARAMS, n_estimators: 20, max_depth: 4 },
    });
    const row = new Float32Array(12);
    for (let r = 0; r < 30; r++) {
      for (let f = 0; f < 12; f++) row[f] = tr.table.columns[f][r];
      const margin = model.marginRow(row);
      for (const m of ["treeshap", "saabas"] as const) {
        const c = model.contributions(row, m);
        expect(c.length).toBe(13);
        expect(c.reduce((a, b) => a + b, 0)).toBeCloseTo(margin, 5);
      }
    }
  });
});
