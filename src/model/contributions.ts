// Per-prediction feature contributions, summing to the margin (last slot = bias = expected margin).
// treeShap: the path-dependent TreeSHAP of Lundberg et al. that XGBoost's pred_contribs runs (tree_model.cc:
// ExtendPath / UnwindPath / UnwoundPathSum), weighting paths by node cover. O(trees · leaves · depth²).
// saabas: path attributions (XGBoost's approx_contribs): each split credits its feature with the change of the
// expected value along the row's path. O(trees · depth); an order of magnitude cheaper, less fair.
import type { Forest } from "./forest.js";

/** Reusable scratch for TreeSHAP paths (one frame per depth level). */
class PathBuffer {
  feature: Int32Array;
  zero: Float64Array;
  one: Float64Array;
  pweight: Float64Array;
  constructor(maxDepth: number) {
    const size = ((maxDepth + 2) * (maxDepth + 3)) / 2 + 1;
    this.feature = new Int32Array(size);
    this.zero = new Float64Array(size);
    this.one = new Float64Array(size);
    this.pweight = new Float64Array(size);
  }
}

function extendPath(p: PathBuffer, o: number, depth: number, zero: number, one: number, feature: number): void {
  const pw = p.pweight;
  p.feature[o + depth] = feature;
  p.zero[o + depth] = zero;
  p.one[o + depth] = one;
  pw[o + depth] = depth === 0 ? 1 : 0;
  const inv = 1 / (depth + 1);
  for (let i = depth - 1; i >= 0; i--) {
    pw[o + i + 1] += one * pw[o + i] * (i + 1) * inv;
    pw[o + i] = zero * pw[o + i] * (depth - i) * inv;
  }
}

function unwindPath(p: PathBuffer, o: number, depth: number, index: number): void {
  const one = p.one[o + index];
  const zero = p.zero[o + index];
  let nextOne = p.pweight[o + depth];
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const tmp = p.pweight[o + i];
      p.pweight[o + i] = (nextOne * (depth + 1)) / ((i + 1) * one);
      nextOne = tmp - (p.pweight[o + i] * zero * (depth - i)) / (depth + 1);
    } else {
      p.pweight[o + i] = (p.pweight[o + i] * (depth + 1)) / (zero * (depth - i));
    }
  }
  for (let i = index; i < depth; i++) {
    p.feature[o + i] = p.feature[o + i + 1];
    p.zero[o + i] = p.zero[o + i + 1];
    p.one[o + i] = p.one[o + i + 1];
  }
}

function unwoundPathSum(p: PathBuffer, o: number, depth: number, index: number): number {
  const pw = p.pweight;
  const one = p.one[o + index];
  const zero = p.zero[o + index];
  let nextOne = pw[o + depth];
  let total = 0;
  if (one !== 0) {
    const a = (depth + 1) / one;
    const b = zero / (depth + 1);
    for (let i = depth - 1; i >= 0; i--) {
      const tmp = (nextOne * a) / (i + 1);
      total += tmp;
      nextOne = pw[o + i] - tmp * b * (depth - i);
    }
  } else if (zero !== 0) {
    for (let i = depth - 1; i >= 0; i--) total += pw[o + i] / zero / ((depth - i) / (depth + 1));
  }
  return total;
}

function goesTo(forest: Forest, n: number, row: ArrayLike<number>): number {
  const v = row[forest.feature[n]];
  return forest.child[n] + (v < forest.threshold[n] ? 0 : Number.isNaN(v) ? forest.missRight[n] : 1);
}

function recurse(
  forest: Forest,
  row: ArrayLike<number>,
  phi: Float64Array,
  p: PathBuffer,
  node: number,
  depth: number,
  parentOffset: number,
  parentZero: number,
  parentOne: number,
  parentFeature: number,
): void {
  // this frame's path starts after the parent's (depth + 1 elements) and copies it
  const o = parentOffset + depth + 1;
  for (let i = 0; i <= depth; i++) {
    p.feature[o + i] = p.feature[parentOffset + i];
    p.zero[o + i] = p.zero[parentOffset + i];
    p.one[o + i] = p.one[parentOffset + i];
    p.pweight[o + i] = p.pweight[parentOffset + i];
  }
  extendPath(p, o, depth, parentZero, parentOne, parentFeature);
  const c = forest.child[node];
  if (c === node) {
    const leaf = forest.value[node];
    for (let i = 1; i <= depth; i++) {
      const w = unwoundPathSum(p, o, depth, i);
      phi[p.feature[o + i]] += w * (p.one[o + i] - p.zero[o + i]) * leaf;
    }
    return;
  }
  const split = forest.feature[node];
  const hot = goesTo(forest, node, row);
  const cold = hot === c ? c + 1 : c;
  const w = forest.cover[node];
  const hotZero = forest.cover[hot] / w;
  const coldZero = forest.cover[cold] / w;
  let inZero = 1;
  let inOne = 1;
  let idx = 0;
  for (; idx <= depth; idx++) if (p.feature[o + idx] === split) break;
  if (idx !== depth + 1) {
    inZero = p.zero[o + idx];
    inOne = p.one[o + idx];
    unwindPath(p, o, depth, idx);
    depth -= 1;
  }
  recurse(forest, row, phi, p, hot, depth + 1, o, hotZero * inZero, inOne, split);
  recurse(forest, row, phi, p, cold, depth + 1, o, coldZero * inZero, 0, split);
}

/** TreeSHAP values: length nFeatures + 1, the last slot is the bias; the sum equals the margin. */
export function treeShap(forest: Forest, row: ArrayLike<number>, out?: Float64Array): Float64Array {
  const F = forest.nFeatures;
  const phi = out ?? new Float64Array(F + 1);
  phi.fill(0);
  const p = new PathBuffer(forest.maxDepth + 1);
  for (let t = 0; t < forest.roots.length; t++) {
    const root = forest.roots[t];
    recurse(forest, row, phi, p, root, 0, 0, 1, 1, -1);
    phi[F] += forest.mean[root];
  }
  phi[F] += forest.baseMargin;
  return phi;
}

/** Saabas path contributions: same layout and sum as treeShap. */
export function saabas(forest: Forest, row: ArrayLike<number>, out?: Float64Array): Float64Array {
  const F = forest.nFeatures;
  const phi = out ?? new Float64Array(F + 1);
  phi.fill(0);
  for (let t = 0; t < forest.roots.length; t++) {
    let n = forest.roots[t];
    phi[F] += forest.mean[n];
    while (forest.child[n] !== n) {
      const next = goesTo(forest, n, row);
      phi[forest.feature[n]] += forest.mean[next] - forest.mean[n];
      n = next;
    }
  }
  phi[F] += forest.baseMargin;
  return phi;
}
