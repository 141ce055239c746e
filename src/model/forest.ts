// The scorer: all trees flattened into one set of typed arrays, renumbered so a node's right child always sits
// right after its left child (next = child[n] + goesRight). Margins accumulate in float32, tree by tree, as
// XGBoost's CPU predictor does, so imported XGBoost models give XGBoost's margins to the last bit or nearly.
import type { FeatureTable } from "../features/schema.js";
import { nodeMeanValues, type Tree } from "./tree.js";

const BLOCK = 64;

export class Forest {
  /** first child (left) of node n; -1 for a leaf */
  readonly child: Int32Array;
  readonly feature: Int32Array;
  /** split threshold, or the leaf value for leaves */
  readonly value: Float32Array;
  /** 1 when a missing value goes right */
  readonly missRight: Uint8Array;
  readonly cover: Float64Array;
  /** cover-weighted mean of leaf values below each node */
  readonly mean: Float64Array;
  readonly roots: Int32Array;
  readonly maxDepth: number;

  constructor(
    readonly trees: readonly Tree[],
    /** base score in margin space, a float32 value */
    readonly baseMargin: number,
    readonly nFeatures: number,
  ) {
    let total = 0;
    for (const t of trees) total += t.left.length;
    this.child = new Int32Array(total);
    this.feature = new Int32Array(total);
    this.value = new Float32Array(total);
    this.missRight = new Uint8Array(total);
    this.cover = new Float64Array(total);
    this.mean = new Float64Array(total);
    this.roots = new Int32Array(trees.length);
    let next = 0;
    let maxDepth = 0;
    for (let ti = 0; ti < trees.length; ti++) {
      const t = trees[ti];
      const means = nodeMeanValues(t);
      // breadth-first renumbering: children are allocated as a pair
      const root = next++;
      this.roots[ti] = root;
      const queue: [number, number, number][] = [[0, root, 0]];
      for (let q = 0; q < queue.length; q++) {
        const [src, dst, depth] = queue[q];
        if (depth > maxDepth) maxDepth = depth;
        this.cover[dst] = t.cover[src];
        this.mean[dst] = means[src];
        if (t.left[src] === -1) {
          this.child[dst] = -1;
          this.value[dst] = t.threshold[src];
          continue;
        }
        const l = next;
        next += 2;
        this.child[dst] = l;
        this.feature[dst] = t.feature[src];
        this.value[dst] = t.threshold[src];
        this.missRight[dst] = t.defaultLeft[src] ? 0 : 1;
        queue.push([t.left[src], l, depth + 1], [t.right[src], l + 1, depth + 1]);
      }
    }
    this.maxDepth = maxDepth;
    if (next !== total) {
      // unreachable nodes (deleted in an imported model) are dropped; shrink views accordingly
      this.child = this.child.subarray(0, next);
      this.feature = this.feature.subarray(0, next);
      this.value = this.value.subarray(0, next);
      this.missRight = this.missRight.subarray(0, next);
      this.cover = this.cover.subarray(0, next);
      this.mean = this.mean.subarray(0, next);
    }
  }

  get nTrees(): number {
    return this.roots.length;
  }

  /** Margin of one row in schema order (NaN = missing). */
  marginRow(row: ArrayLike<number>): number {
    const child = this.child;
    const feature = this.feature;
    const value = this.value;
    const missRight = this.missRight;
    const roots = this.roots;
    let acc = Math.fround(this.baseMargin);
    for (let t = 0; t < roots.length; t++) {
      let n = roots[t];
      let c = child[n];
      while (c !== -1) {
        const v = row[feature[n]];
        n = v < value[n] ? c : !Number.isNaN(v) ? c + 1 : c + missRight[n];
        c = child[n];
      }
      acc = Math.fround(acc + value[n]);
    }
    return acc;
  }

  /** Margins of every row of a column-major table, in blocks of rows so one tree's nodes stay in cache. */
  marginTable(table: FeatureTable, out = new Float64Array(table.n)): Float64Array {
    const F = this.nFeatures;
    const n = table.n;
    const cols = table.columns;
    const block = new Float32Array(BLOCK * F);
    const acc = new Float32Array(BLOCK);
    const child = this.child;
    const feature = this.feature;
    const value = this.value;
    const missRight = this.missRight;
    const roots = this.roots;
    const base = Math.fround(this.baseMargin);
    for (let start = 0; start < n; start += BLOCK) {
      const len = Math.min(BLOCK, n - start);
      for (let f = 0; f < F; f++) {
        const col = cols[f];
        for (let i = 0; i < len; i++) block[i * F + f] = col[start + i];
      }
      acc.fill(base);
      for (let t = 0; t < roots.length; t++) {
        const root = roots[t];
        for (let i = 0; i < len; i++) {
          const off = i * F;
          let n2 = root;
          let c = child[n2];
          while (c !== -1) {
            const v = block[off + feature[n2]];
            n2 = v < value[n2] ? c : !Number.isNaN(v) ? c + 1 : c + missRight[n2];
            c = child[n2];
          }
          acc[i] += value[n2]; // Float32Array store rounds like XGBoost's float accumulator
        }
      }
      for (let i = 0; i < len; i++) out[start + i] = acc[i];
    }
    return out;
  }

  /** Expected margin over the training distribution: base + each tree's cover-weighted mean leaf value. */
  expectedMargin(): number {
    let s = this.baseMargin;
    for (let t = 0; t < this.roots.length; t++) s += this.mean[this.roots[t]];
    return s;
  }
}
