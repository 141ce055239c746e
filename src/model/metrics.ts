// Evaluation metrics on plain typed arrays. Ties are handled explicitly everywhere: equal scores share a rank in
// AUC, form one threshold in PR-AUC, and are split pro rata at a top-k cut, so a constant score (the status quo:
// random order) gets exactly the base rate.
import { BOROUGHS } from "../data/records.js";
import { lowerBound, upperBound } from "../util/search.js";

function descendingOrder(p: ArrayLike<number>, idx?: ArrayLike<number>): Uint32Array {
  const n = idx ? idx.length : p.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = idx ? idx[i] : i;
  order.sort((a, b) => p[b] - p[a] || a - b);
  return order;
}

/**
 * ROC-AUC (Mann–Whitney with average ranks for ties). NaN when one class is absent. The positives' and the
 * negatives' scores are sorted separately (native numeric sorts, no comparator) and merged: each positive counts
 * the negatives below it, ties as one half. The counts are integers (and halves), so the result is exact.
 */
export function rocAuc(y: Uint8Array, p: ArrayLike<number>): number {
  const n = y.length;
  let pos = 0;
  for (let i = 0; i < n; i++) pos += y[i];
  const neg = n - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  const ps = new Float64Array(pos);
  const ns = new Float64Array(neg);
  let a = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    if (y[i]) ps[a++] = p[i];
    else ns[b++] = p[i];
  }
  ps.sort();
  ns.sort();
  let below = 0; // negatives strictly below the current positive
  let twice = 0; // 2 × Σ (negatives below + ties / 2)
  for (let i = 0; i < pos; ) {
    const v = ps[i];
    let j = i;
    while (j < pos && ps[j] === v) j++;
    while (below < neg && ns[below] < v) below++;
    let tie = below;
    while (tie < neg && ns[tie] === v) tie++;
    twice += (j - i) * (2 * below + (tie - below));
    i = j;
  }
  return twice / 2 / (pos * neg);
}

/** Average precision: Σ (R_k − R_{k−1}) · P_k over distinct score thresholds, as scikit-learn computes it. */
export function prAuc(y: Uint8Array, p: ArrayLike<number>): number {
  const n = y.length;
  const order = descendingOrder(p);
  let pos = 0;
  for (let i = 0; i < n; i++) pos += y[i];
  if (pos === 0) return Number.NaN;
  let tp = 0;
  let seen = 0;
  let ap = 0;
  let i = 0;
  while (i < n) {
    const v = p[order[i]];
    let btp = 0;
    let j = i;
    while (j < n && p[order[j]] === v) {
      btp += y[order[j]];
      j++;
    }
    tp += btp;
    seen = j;
    ap += (btp / pos) * (tp / seen);
    i = j;
  }
  return ap;
}

export function brier(y: Uint8Array, p: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const d = p[i] - y[i];
    s += d * d;
  }
  return y.length ? s / y.length : Number.NaN;
}

export interface ReliabilityBin {
  lo: number;
  hi: number;
  n: number;
  mean_score: number;
  positive_rate: number;
}

/** Expected calibration error over equal-width bins of the score, with the reliability bins themselves. */
export function ece(y: Uint8Array, p: ArrayLike<number>, bins = 10): { ece: number; bins: ReliabilityBin[] } {
  const n = new Float64Array(bins);
  const sp = new Float64Array(bins);
  const sy = new Float64Array(bins);
  for (let i = 0; i < y.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p[i] * bins)));
    n[b]++;
    sp[b] += p[i];
    sy[b] += y[i];
  }
  let e = 0;
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const ms = n[b] ? sp[b] / n[b] : 0;
    const pr = n[b] ? sy[b] / n[b] : 0;
    if (n[b]) e += (n[b] / y.length) * Math.abs(ms - pr);
    out.push({ lo: b / bins, hi: (b + 1) / bins, n: n[b], mean_score: ms, positive_rate: pr });
  }
  return { ece: y.length ? e : Number.NaN, bins: out };
}

/** Positives and picks in the top `frac` of each group (e.g. ISO week), ties at the cut counted pro rata. */
function topFractionHits(y: Uint8Array, p: ArrayLike<number>, groups: Int32Array, frac: number) {
  const byGroup = new Map<number, number[]>();
  for (let i = 0; i < y.length; i++) {
    let g = byGroup.get(groups[i]);
    if (!g) {
      g = [];
      byGroup.set(groups[i], g);
    }
    g.push(i);
  }
  let hits = 0;
  let picked = 0;
  for (const rows of byGroup.values()) {
    const k = Math.ceil(frac * rows.length);
    if (k === 0) continue;
    const order = descendingOrder(p, rows);
    let taken = 0;
    let i = 0;
    while (taken < k && i < order.length) {
      const v = p[order[i]];
      let j = i;
      let bp = 0;
      while (j < order.length && p[order[j]] === v) {
        bp += y[order[j]];
        j++;
      }
      const size = j - i;
      const take = Math.min(size, k - taken);
      hits += (bp * take) / size;
      taken += take;
      i = j;
    }
    picked += taken;
  }
  return { hits, picked };
}

/** Precision among the top `frac` of each group's rows (pooled over groups). */
export function precisionAtFraction(y: Uint8Array, p: ArrayLike<number>, groups: Int32Array, frac: number): number {
  const { hits, picked } = topFractionHits(y, p, groups, frac);
  return picked ? hits / picked : Number.NaN;
}

/** Precision at the top `frac` of each group divided by the overall positive rate. */
export function liftAtFraction(y: Uint8Array, p: ArrayLike<number>, groups: Int32Array, frac: number): number {
  let pos = 0;
  for (let i = 0; i < y.length; i++) pos += y[i];
  const rate = y.length ? pos / y.length : 0;
  return rate > 0 ? precisionAtFraction(y, p, groups, frac) / rate : Number.NaN;
}

/**
 * The business measure of the Chicago food-inspection evaluation ("critical violations found 7.4 days earlier"):
 * hand the window's inspection dates out again in descending-score order (the highest score gets the earliest date)
 * and compare, for every positive, the date it was really inspected with the date it would have got.
 */
export interface DaysEarlier {
  /** Mean, median and standard deviation over the positives of (actual date − reassigned date), in days. */
  mean: number;
  median: number;
  sd: number;
  /** Positives that would have been found later than they were (expected count when scores tie). */
  later: number;
  positives: number;
  /** Share of the positives found in the first half of the window under the score's order. */
  first_half_share: number;
  /** The same share as inspected (the schedule's own order), for comparison. */
  actual_first_half_share: number;
}

/**
 * Days earlier (see DaysEarlier). Rows with equal scores have no order between them: they share their block of
 * dates, each gets the block's mean date, and "later" and the first-half share count the block's dates pro rata,
 * so a constant score is exactly a random order in expectation. The first half is days < first + (last − first + 1)/2.
 */
export function daysEarlier(y: Uint8Array, p: ArrayLike<number>, day: Int32Array): DaysEarlier {
  const n = y.length;
  const dates = Float64Array.from(day).sort();
  let positives = 0;
  for (let i = 0; i < n; i++) positives += y[i];
  if (n === 0 || positives === 0) {
    return {
      mean: Number.NaN,
      median: Number.NaN,
      sd: Number.NaN,
      later: 0,
      positives,
      first_half_share: Number.NaN,
      actual_first_half_share: Number.NaN,
    };
  }
  const half = dates[0] + (dates[n - 1] - dates[0] + 1) / 2;
  // first index in [lo, hi) with dates[i] > v (or >= v when strict is false)
  const bound = (v: number, lo: number, hi: number, strict: boolean) =>
    strict ? upperBound(dates, v, lo, hi) : lowerBound(dates, v, lo, hi);
  const order = descendingOrder(p);
  const earlier = new Float64Array(positives);
  let k = 0;
  let later = 0;
  let firstHalf = 0;
  let actualFirstHalf = 0;
  for (let s = 0; s < n; ) {
    let e = s + 1;
    while (e < n && p[order[e]] === p[order[s]]) e++;
    let sum = 0;
    for (let j = s; j < e; j++) sum += dates[j];
    const mean = sum / (e - s);
    const inFirstHalf = (bound(half, s, e, false) - s) / (e - s);
    for (let j = s; j < e; j++) {
      const i = order[j];
      if (!y[i]) continue;
      earlier[k++] = day[i] - mean;
      later += (e - bound(day[i], s, e, true)) / (e - s);
      firstHalf += inFirstHalf;
      if (day[i] < half) actualFirstHalf++;
    }
    s = e;
  }
  let m = 0;
  for (let j = 0; j < positives; j++) m += earlier[j];
  m /= positives;
  let v = 0;
  for (let j = 0; j < positives; j++) v += (earlier[j] - m) ** 2;
  earlier.sort();
  const mid = positives >> 1;
  return {
    mean: m,
    median: positives % 2 ? earlier[mid] : (earlier[mid - 1] + earlier[mid]) / 2,
    sd: positives > 1 ? Math.sqrt(v / (positives - 1)) : 0,
    later,
    positives,
    first_half_share: firstHalf / positives,
    actual_first_half_share: actualFirstHalf / positives,
  };
}

/** Monday-based week number of a day number (1970-01-01 was a Thursday), i.e. one value per ISO week. */
export function isoWeekIndex(day: number): number {
  return Math.floor((day + 3) / 7);
}

export interface CoreMetrics {
  auc: number;
  pr_auc: number;
  brier: number;
  ece: number;
  precision_at: { "5": number; "10": number; "20": number };
  lift_at: { "5": number; "10": number; "20": number };
  n: number;
  positives: number;
}

export interface EvalMetrics extends CoreMetrics {
  reliability: ReliabilityBin[];
  /** Over the whole window (not per borough): how much earlier the score's order finds the positives. */
  days_earlier: DaysEarlier;
  by_borough: Record<string, CoreMetrics>;
}

const FRACTIONS = [
  ["5", 0.05],
  ["10", 0.1],
  ["20", 0.2],
] as const;

function core(y: Uint8Array, p: ArrayLike<number>, weeks: Int32Array): CoreMetrics & { reliability: ReliabilityBin[] } {
  let positives = 0;
  for (let i = 0; i < y.length; i++) positives += y[i];
  const e = ece(y, p);
  const precision_at = { "5": 0, "10": 0, "20": 0 };
  const lift_at = { "5": 0, "10": 0, "20": 0 };
  for (const [k, f] of FRACTIONS) {
    precision_at[k] = precisionAtFraction(y, p, weeks, f);
    lift_at[k] = liftAtFraction(y, p, weeks, f);
  }
  return {
    auc: rocAuc(y, p),
    pr_auc: prAuc(y, p),
    brier: brier(y, p),
    ece: e.ece,
    precision_at,
    lift_at,
    n: y.length,
    positives,
    reliability: e.bins,
  };
}

/** All evaluation metrics, overall and per borough; k% are of each ISO week's inspections. */
export function evaluateScores(input: {
  label: Uint8Array;
  score: ArrayLike<number>;
  day: Int32Array;
  borough: Uint8Array;
}): EvalMetrics {
  const { label, score, day, borough } = input;
  const weeks = new Int32Array(day.length);
  for (let i = 0; i < day.length; i++) weeks[i] = isoWeekIndex(day[i]);
  const all = core(label, score, weeks);
  const by_borough: Record<string, CoreMetrics> = {};
  for (let b = 0; b < BOROUGHS.length; b++) {
    const idx: number[] = [];
    for (let i = 0; i < borough.length; i++) if (borough[i] === b) idx.push(i);
    if (idx.length === 0) continue;
    const y = new Uint8Array(idx.length);
    const p = new Float64Array(idx.length);
    const w = new Int32Array(idx.length);
    idx.forEach((r, k) => {
      y[k] = label[r];
      p[k] = score[r];
      w[k] = weeks[r];
    });
    const { reliability: _r, ...c } = core(y, p, w);
    by_borough[BOROUGHS[b]] = c;
  }
  return { ...all, days_earlier: daysEarlier(label, score, day), by_borough };
}
