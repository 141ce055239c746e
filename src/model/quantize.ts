// Quantize a feature table once, before the first tree, into a column-major Uint8 matrix of bin codes (XGBoost's
// GHistIndexMatrix, by column): the histogram kernel streams one feature's column at a time (hist-engine.ts) and
// the partitioner reads one column per split.
import type { FeatureTable } from "../features/index.js";
import { type Cuts, MISSING_BIN } from "./cuts.js";

export interface QuantizedMatrix {
  n: number;
  nFeatures: number;
  /** bins[f * n + row]; MISSING_BIN for NaN */
  bins: Uint8Array;
}

/** `into` (n × nFeatures bytes) lets the caller place the codes in shared WebAssembly memory. */
export function quantize(table: FeatureTable, cuts: Cuts, into?: Uint8Array): QuantizedMatrix {
  const n = table.n;
  const F = table.columns.length;
  const bins = into ?? new Uint8Array(n * F);
  const vals = cuts.values;
  for (let f = 0; f < F; f++) {
    const c0 = cuts.ptrs[f];
    quantizeColumn(table.columns[f], vals.subarray(c0, cuts.ptrs[f + 1]), bins.subarray(f * n, (f + 1) * n));
  }
  return { n, nFeatures: F, bins };
}

/**
 * binOf (cuts.ts) for a whole column, without a binary search per value: a table over equal-width buckets of the
 * cuts' range gives a starting bin, and a short scan in either direction makes it exact (the table only needs to be
 * close, so float rounding at bucket edges cannot make a code wrong). Bin = number of cuts <= v, capped at the last.
 */
function quantizeColumn(col: Float32Array, cut: Float32Array, out: Uint8Array): void {
  const nb = cut.length;
  const lo = cut[0];
  const hi = cut[nb - 1];
  const K = 8 * nb;
  const scale = hi > lo ? K / (hi - lo) : 0;
  const start = new Int32Array(K + 1);
  for (let k = 0, c = 0; k <= K; k++) {
    const edge = lo + k / scale;
    while (c < nb && cut[c] <= edge) c++;
    start[k] = c;
  }
  const last = nb - 1;
  for (let r = 0; r < col.length; r++) {
    const v = col[r];
    if (Number.isNaN(v)) {
      out[r] = MISSING_BIN;
      continue;
    }
    let c: number;
    if (v < lo) c = 0;
    else if (v >= hi) c = nb;
    else {
      c = start[Math.min(K, Math.floor((v - lo) * scale))];
      while (c > 0 && cut[c - 1] > v) c--;
      while (c < nb && cut[c] <= v) c++;
    }
    out[r] = Math.min(c, last);
  }
}
