// Gradient/hessian histograms. Layout: per feature a fixed stride of 256 slots, slot 255 (MISSING_BIN) collects
// the rows whose value is missing, so the inner loop has no branch and the missing sums come for free.
// hist[2 * (f * 256 + bin)] = sum of gradients, [.. + 1] = sum of hessians.
// Training builds histograms with the WebAssembly kernel of hist-engine.ts; buildHistogram here is the plain
// reference it is tested against (same sums, rows added in order).
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
  /** interleaved (gradient, hessian) per row */
  gh: Float64Array,
  features: Int32Array,
  out: Float64Array,
): void {
  const n = m.n;
  const bins = m.bins;
  for (let k = 0; k < features.length; k++) {
    const f = features[k];
    const col = f * n;
    const base = f << 9;
    for (let i = begin; i < end; i++) {
      const r = rows[i];
      const idx = base + (bins[col + r] << 1);
      out[idx] += gh[2 * r];
      out[idx + 1] += gh[2 * r + 1];
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

/** Interleaves separate gradient and hessian arrays into the (g, h) pairs the builders read. */
export function interleave(grad: ArrayLike<number>, hess: ArrayLike<number>): Float64Array {
  const gh = new Float64Array(2 * grad.length);
  for (let i = 0; i < grad.length; i++) {
    gh[2 * i] = grad[i];
    gh[2 * i + 1] = hess[i];
  }
  return gh;
}
