// Quantize a feature table once, before the first tree, into a column-major Uint8 matrix of bin codes (XGBoost's
// GHistIndexMatrix, by column): the histogram kernel streams one feature's column at a time (hist-engine.ts) and
// the partitioner reads one column per split.
import type { FeatureTable } from "../features/schema.js";
import { binOf, type Cuts } from "./cuts.js";

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
  for (let f = 0; f < F; f++) {
    const col = table.columns[f];
    const off = f * n;
    for (let r = 0; r < n; r++) bins[off + r] = binOf(cuts, f, col[r]);
  }
  return { n, nFeatures: F, bins };
}
