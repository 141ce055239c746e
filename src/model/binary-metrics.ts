// Metrics of a binary score that assume nothing about the rows (no boroughs, no weeks): weighted ROC-AUC and
// average precision, and plain top-k precision, recall and lift. The rule for ties is stated once and used
// everywhere: rows with equal scores are one block; a top-k cut that falls inside a block takes each of its rows
// with the same fraction (the expected result of a random order among the tied rows), so a constant score gets
// exactly the base rate and no arbitrary order decides a number.
import { brier, type CoreMetrics, ece, prAuc, rocAuc } from "./metrics.js";

function descending(p: ArrayLike<number>): Uint32Array {
  const order = new Uint32Array(p.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => p[b] - p[a] || a - b);
}

/**
 * Weighted ROC-AUC: the weighted share of (positive, negative) pairs ranked in the right order, ties counted as
 * one half. Equals rocAuc when every weight is 1. NaN when one class has no weight.
 */
export function weightedRocAuc(y: ArrayLike<number>, p: ArrayLike<number>, w: ArrayLike<number>): number {
  const order = descending(p);
  let wPos = 0;
  let wNeg = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i]) wPos += w[i];
    else wNeg += w[i];
  }
  if (!(wPos > 0 && wNeg > 0)) return Number.NaN;
  // walk from the top: each block's positives rank above every negative still below
  let negAbove = 0;
  let pairs = 0;
  for (let i = 0; i < order.length; ) {
    const v = p[order[i]];
    let bp = 0;
    let bn = 0;
    let j = i;
    for (; j < order.length && p[order[j]] === v; j++) {
      const r = order[j];
      if (y[r]) bp += w[r];
      else bn += w[r];
    }
    pairs += bp * (wNeg - negAbove - bn) + (bp * bn) / 2;
    negAbove += bn;
    i = j;
  }
  return pairs / (wPos * wNeg);
}

/** Weighted average precision: Σ over score thresholds of (recall step) × precision, weights as row counts. */
export function weightedPrAuc(y: ArrayLike<number>, p: ArrayLike<number>, w: ArrayLike<number>): number {
  const order = descending(p);
  let wPos = 0;
  for (let i = 0; i < y.length; i++) if (y[i]) wPos += w[i];
  if (!(wPos > 0)) return Number.NaN;
  let tp = 0;
  let seen = 0;
  let ap = 0;
  for (let i = 0; i < order.length; ) {
    const v = p[order[i]];
    let btp = 0;
    let j = i;
    for (; j < order.length && p[order[j]] === v; j++) {
      const r = order[j];
      if (y[r]) btp += w[r];
      seen += w[r];
    }
    tp += btp;
    if (seen > 0) ap += (btp / wPos) * (tp / seen);
    i = j;
  }
  return ap;
}

/** Positives among the k highest scores (ties at the cut shared pro rata, see above); k is clamped to [0, n]. */
export function topKHits(y: ArrayLike<number>, p: ArrayLike<number>, k: number): number {
  const n = y.length;
  const want = Math.max(0, Math.min(n, Math.floor(k)));
  const order = descending(p);
  let hits = 0;
  let taken = 0;
  for (let i = 0; taken < want && i < n; ) {
    const v = p[order[i]];
    let bp = 0;
    let j = i;
    for (; j < n && p[order[j]] === v; j++) bp += y[order[j]] ? 1 : 0;
    const take = Math.min(j - i, want - taken);
    hits += (bp * take) / (j - i);
    taken += take;
    i = j;
  }
  return hits;
}

/** Share of positives among the k highest scores (ties pro rata). NaN for k < 1. */
export function precisionAtK(y: ArrayLike<number>, p: ArrayLike<number>, k: number): number {
  const kk = Math.min(y.length, Math.floor(k));
  return kk >= 1 ? topKHits(y, p, kk) / kk : Number.NaN;
}

/** Share of all positives found among the k highest scores (ties pro rata). NaN without positives. */
export function recallAtK(y: ArrayLike<number>, p: ArrayLike<number>, k: number): number {
  let pos = 0;
  for (let i = 0; i < y.length; i++) pos += y[i] ? 1 : 0;
  return pos > 0 ? topKHits(y, p, k) / pos : Number.NaN;
}

/** Precision among the k highest scores over the base rate (1 = no better than a random order). */
export function liftAtK(y: ArrayLike<number>, p: ArrayLike<number>, k: number): number {
  let pos = 0;
  for (let i = 0; i < y.length; i++) pos += y[i] ? 1 : 0;
  const rate = y.length ? pos / y.length : 0;
  return rate > 0 ? precisionAtK(y, p, k) / rate : Number.NaN;
}

/** precision and lift among the top 5 / 10 / 20 % of all rows (k = ceil(fraction × n), ties pro rata) */
export type BinaryReport = CoreMetrics;

/** The usual report of a probability score on any table: ranking, calibration, and top-k of the whole table. */
export function evaluateBinary(y: ArrayLike<number>, p: ArrayLike<number>): BinaryReport {
  const yb = y instanceof Uint8Array ? y : Uint8Array.from(y, (v) => (v ? 1 : 0));
  let positives = 0;
  for (let i = 0; i < yb.length; i++) positives += yb[i];
  const at = (f: (k: number) => number) => {
    // k = ceil(fraction × n), with a hair of slack so 0.1 × 30 is 3 rows, not 4
    const k = (frac: number) => Math.ceil(frac * yb.length - 1e-9);
    return { "5": f(k(0.05)), "10": f(k(0.1)), "20": f(k(0.2)) };
  };
  return {
    n: yb.length,
    positives,
    auc: rocAuc(yb, p),
    pr_auc: prAuc(yb, p),
    brier: brier(yb, p),
    ece: ece(yb, p).ece,
    precision_at: at((k) => precisionAtK(yb, p, k)),
    lift_at: at((k) => liftAtK(yb, p, k)),
  };
}
