// Gradient/hessian histograms. Layout: per feature a fixed stride of 256 slots, slot 255 (MISSING_BIN) collects
// the rows whose value is missing, so the inner loop has no branch and the missing sums come for free.
// hist[2 * (f * 256 + bin)] = sum of gradients, [.. + 1] = sum of hessians.
import type { QuantizedMatrix } from "./quantize.js";

export const HIST_STRIDE = 256;

export function histogramSize(nFeatures: number): number {
  return nFeatures * HIST_STRIDE * 2;
}

/** Adds rows[begin..end) into `out` (which the caller zeroes), for the listed features only. */
export function buildHistogram(
  m: QuantizedMatrix,
  rows: Uint32Array,
  begin: number,
  end: number,
  grad: Float64Array,
  hess: Float64Array,
  features: Int32Array,
  out: Float64Array,
): void {
  const F = m.nFeatures;
  const bins = m.bins;
  const nf = features.length;
  if (nf === F) {
    // all features: walk the row's codes contiguously, two features per step (about 20% faster in V8)
    const F2 = F & ~1;
    for (let i = begin; i < end; i++) {
      const r = rows[i];
      const g = grad[r];
      const h = hess[r];
      const base = r * F;
      let f = 0;
      for (; f < F2; f += 2) {
        const a = ((f << 8) | bins[base + f]) << 1;
        const b = (((f + 1) << 8) | bins[base + f + 1]) << 1;
        out[a] += g;
        out[a + 1] += h;
        out[b] += g;
        out[b + 1] += h;
      }
      if (f < F) {
        const idx = ((f << 8) | bins[base + f]) << 1;
        out[idx] += g;
        out[idx + 1] += h;
      }
    }
    return;
  }
  for (let i = begin; i < end; i++) {
    const r = rows[i];
    const g = grad[r];
    const h = hess[r];
    const base = r * F;
    let k = 0;
    for (; k + 1 < nf; k += 2) {
      const f0 = features[k];
      const f1 = features[k + 1];
      const a = ((f0 << 8) | bins[base + f0]) << 1;
      const b = ((f1 << 8) | bins[base + f1]) << 1;
      out[a] += g;
      out[a + 1] += h;
      out[b] += g;
      out[b + 1] += h;
    }
    if (k < nf) {
      const f = features[k];
      const idx = ((f << 8) | bins[base + f]) << 1;
      out[idx] += g;
      out[idx + 1] += h;
    }
  }
}

/** out = parent - child (the sibling's histogram without touching its rows), for the listed features. */
export function subtractHistogram(parent: Float64Array, child: Float64Array, features: Int32Array, out: Float64Array) {
  for (let k = 0; k < features.length; k++) {
    const start = features[k] * HIST_STRIDE * 2;
    const stop = start + HIST_STRIDE * 2;
    for (let i = start; i < stop; i++) out[i] = parent[i] - child[i];
  }
}
