import { describe, expect, it } from "vitest";
import { computeCuts } from "./cuts.js";
import { growTree } from "./grower.js";
import { interleave } from "./histogram.js";
import { quantize } from "./quantize.js";
import { syntheticSchema } from "./synthetic.fixture.js";
import { leafOf, treeDepth } from "./tree.js";

// x0 separates the labels at 2.5; x1 is noise; one missing x0 among the positives
const x0 = Float32Array.from([1, 2, 1, 2, 3, 4, 3, Number.NaN]);
const x1 = Float32Array.from([5, 5, 6, 6, 5, 5, 6, 6]);
const table = { schema: syntheticSchema(2), n: 8, columns: [x0, x1] };
const y = [0, 0, 0, 0, 1, 1, 1, 1];
const grad = Float64Array.from(y, (v) => 0.5 - v);
const hess = new Float64Array(8).fill(0.25);
const gh = interleave(grad, hess);
const cuts = computeCuts(table, 256);
const m = quantize(table, cuts);
const rows = () => Uint32Array.from({ length: 8 }, (_, i) => i);
const feats = Int32Array.from([0, 1]);
const params = { max_depth: 3, eta: 0.5, lambda: 1, gamma: 0, min_child_weight: 0 };

describe("grower", () => {
  it("splits on the informative feature, learns the missing direction, leaf = eta·(−G/(H+λ))", () => {
    const { tree, splitBin } = growTree(m, cuts, gh, rows(), feats, params);
    expect(tree.feature[0]).toBe(0);
    expect(tree.threshold[0]).toBe(3);
    expect(splitBin[0]).toBe(1);
    expect(tree.defaultLeft[0]).toBe(0); // the missing row is a positive: right
    const l = tree.left[0];
    const r = tree.right[0];
    expect(tree.left[l]).toBe(-1); // pure children: nothing left to gain
    expect(tree.threshold[l]).toBeCloseTo(0.5 * (-(4 * 0.5) / (4 * 0.25 + 1)), 6);
    expect(tree.threshold[r]).toBeCloseTo(0.5 * ((4 * 0.5) / (4 * 0.25 + 1)), 6);
    expect(tree.cover[0]).toBe(2);
    expect(leafOf(tree, [Number.NaN, 5])).toBe(r);
  });
  it("stops at max_depth and when gamma exceeds every gain", () => {
    const deep = growTree(m, cuts, gh, rows(), feats, { ...params, max_depth: 1 });
    expect(treeDepth(deep.tree)).toBe(1);
    const none = growTree(m, cuts, gh, rows(), feats, { ...params, gamma: 100 });
    expect(none.tree.left.length).toBe(1);
    expect(Math.abs(none.tree.threshold[0])).toBe(0); // G = 0 at the root
  });
  it("only uses the sampled features", () => {
    const { tree } = growTree(m, cuts, gh, rows(), Int32Array.from([1]), params);
    for (let i = 0; i < tree.left.length; i++) if (tree.left[i] !== -1) expect(tree.feature[i]).toBe(1);
  });
});
