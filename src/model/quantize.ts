// Quantize a feature table once, before the first tree, into a row-major Uint8 matrix of bin codes: histogram
// building then reads one contiguous row of codes per sampled row (what XGBoost's GHistIndexMatrix does).
import type { FeatureTable } from "../features/schema.js";
import { binOf, type Cuts } from "./cuts.js";

export interface QuantizedMatrix {
  n: number;
  nFeatures: number;
  /** bins[row * nFeatures + f]; MISSING_BIN for NaN */
  bins: Uint8Array;
}

export function quantize(table: FeatureTable, cuts: Cuts): QuantizedMatrix {
  const n = table.n;
  const F = table.columns.length;
  const bins = new Uint8Array(n * F);
  for (let f = 0; f < F; f++) {
    const col = table.columns[f];
    for (let r = 0; r < n; r++) bins[r * F + f] = binOf(cuts, f, col[r]);
  }
  return { n, nFeatures: F, bins };
}
