// A regression tree as plain parallel arrays in XGBoost's layout (doc/model.schema): node i is a leaf when
// left[i] === -1, and then threshold[i] holds its value (XGBoost's split_conditions do the same). Scoring does not
// read this form; it reads the flattened Forest (forest.ts).
export interface Tree {
  left: Int32Array;
  right: Int32Array;
  parent: Int32Array;
  /** feature index of the split (0 for leaves) */
  feature: Int32Array;
  /** float32 split value (go left when value < threshold), or the leaf value */
  threshold: Float32Array;
  /** 1 = a missing value goes left */
  defaultLeft: Uint8Array;
  /** unscaled node weight −G/(H+λ) */
  baseWeight: Float32Array;
  /** loss change of the split (0 for leaves) */
  gain: Float32Array;
  /** sum of hessians of the training rows that reached the node (TreeSHAP weights paths by it) */
  cover: Float32Array;
}

export function isLeaf(t: Tree, i: number): boolean {
  return t.left[i] === -1;
}

export function treeDepth(t: Tree, i = 0): number {
  return t.left[i] === -1 ? 0 : 1 + Math.max(treeDepth(t, t.left[i]), treeDepth(t, t.right[i]));
}

/** Leaf reached by one row given as a dense vector (NaN = missing). */
export function leafOf(t: Tree, row: ArrayLike<number>): number {
  let n = 0;
  while (t.left[n] !== -1) {
    const v = row[t.feature[n]];
    if (Number.isNaN(v)) n = t.defaultLeft[n] ? t.left[n] : t.right[n];
    else n = v < t.threshold[n] ? t.left[n] : t.right[n];
  }
  return n;
}

/** Cover-weighted mean of the leaf values below each node (XGBoost's node_mean_values, used by contributions). */
export function nodeMeanValues(t: Tree): Float64Array {
  const out = new Float64Array(t.left.length);
  const fill = (i: number): number => {
    if (t.left[i] === -1) {
      out[i] = t.threshold[i];
      return out[i];
    }
    const l = t.left[i];
    const r = t.right[i];
    const v = (fill(l) * t.cover[l] + fill(r) * t.cover[r]) / t.cover[i];
    out[i] = v;
    return v;
  };
  fill(0);
  return out;
}
