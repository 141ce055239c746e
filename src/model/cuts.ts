// Quantile cut points per feature (the "sketch" of XGBoost's hist method), in one flat array with per-feature
// offsets. A value v falls in the first bin b whose cut is greater than v (v < cuts[ptrs[f] + b]), which is exactly
// XGBoost's `fvalue < split_condition` rule, so a split "bin <= b" is the float split "v < cuts[ptrs[f] + b]".
import type { FeatureTable } from "../features/index.js";
import { upperBound } from "../util/search.js";

/** Bin code reserved for a missing value (NaN); real bins are 0..MISSING_BIN-1. */
export const MISSING_BIN = 255;
/** At most this many real bins per feature (max_bin 256 leaves one code for missing). */
export const MAX_REAL_BINS = 255;
/** Values sampled per feature for the quantiles: exact below it, a deterministic stride sample above. */
const SKETCH_SAMPLE = 100_000;

export interface Cuts {
  /** Ascending cut values per feature, in values[ptrs[f] .. ptrs[f + 1]). */
  values: Float32Array;
  ptrs: Uint32Array;
}

export function binsOf(cuts: Cuts, f: number): number {
  return cuts.ptrs[f + 1] - cuts.ptrs[f];
}

/** Cuts for one column: sorted distinct values when few, quantile boundaries otherwise; last cut above the max. */
export function featureCuts(col: Float32Array, maxBin: number): Float32Array {
  const nb = Math.min(maxBin, MAX_REAL_BINS);
  const step = col.length > SKETCH_SAMPLE ? col.length / SKETCH_SAMPLE : 1;
  const sample = new Float32Array(Math.min(col.length, SKETCH_SAMPLE));
  let m = 0;
  for (let i = 0; i < sample.length; i++) {
    const v = col[Math.floor(i * step)];
    if (!Number.isNaN(v)) sample[m++] = v;
  }
  if (m === 0) return new Float32Array([0]); // all missing: one empty bin, never split
  const s = sample.subarray(0, m).sort();
  const distinct: number[] = [];
  for (let i = 0; i < m; i++) if (i === 0 || s[i] !== s[i - 1]) distinct.push(s[i]);
  const out: number[] = [];
  if (distinct.length <= nb) {
    // one bin per distinct value: bin i holds distinct[i], its cut is the next value
    for (let i = 1; i < distinct.length; i++) out.push(distinct[i]);
  } else {
    for (let j = 1; j < nb; j++) {
      const v = s[Math.floor((j * m) / nb)];
      if (v > s[0] && (out.length === 0 || v > out[out.length - 1])) out.push(v);
    }
  }
  // the full column's max, not the sample's: every training value must fall below the last cut
  let max = s[m - 1];
  for (let i = 0; i < col.length; i++) if (col[i] > max) max = col[i];
  // above every seen value, like XGBoost's last cut; float32 so scoring compares the same number
  let last = Math.fround(max + Math.abs(max) + 1e-5);
  if (!(last > max)) last = Math.fround(max * 2 + 1);
  if (out.length === 0 || last > out[out.length - 1]) out.push(last);
  return Float32Array.from(out);
}

export function computeCuts(table: FeatureTable, maxBin: number): Cuts {
  const per = table.columns.map((c) => featureCuts(c, maxBin));
  const ptrs = new Uint32Array(per.length + 1);
  for (let f = 0; f < per.length; f++) ptrs[f + 1] = ptrs[f] + per[f].length;
  const values = new Float32Array(ptrs[per.length]);
  for (let f = 0; f < per.length; f++) values.set(per[f], ptrs[f]);
  return { values, ptrs };
}

/** Bin of value v for feature f (MISSING_BIN for NaN); values above the last cut go to the last bin. */
export function binOf(cuts: Cuts, f: number, v: number): number {
  if (Number.isNaN(v)) return MISSING_BIN;
  const end = cuts.ptrs[f + 1];
  const lo = upperBound(cuts.values, v, cuts.ptrs[f], end);
  const b = lo - cuts.ptrs[f];
  return lo === end ? b - 1 : b;
}
