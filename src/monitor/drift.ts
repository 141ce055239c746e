import {
  binCounts,
  type CategoricalProfile,
  type NumericProfile,
  type ReferenceProfile,
  upperBound,
} from "../features/profile.js";
import { SPATIAL_FEATURES } from "../features/spatial-counts.js";
import { WEATHER_FEATURES } from "../features/weather-windows.js";
import { chiSquareSurvival, ksPValue } from "./stats.js";

/**
 * The drift rule (README "Drift"): a column drifts when its shift is BOTH
 *  - statistically real: KS (numeric) or chi-square (categorical) p-value below alpha / number of columns
 *    (Bonferroni), so sampling noise at small windows never fires; and
 *  - practically large: PSI ≥ psiThreshold (0.2 by default, the usual "significant shift" mark), so a trivial
 *    shift that is "significant" only because the window holds a million rows never fires either.
 * Windows smaller than minSample are reported but never judged.
 */
export interface DriftRule {
  alpha: number;
  psiThreshold: number;
  minSample: number;
  /** Columns judged and reported but never counted as drift: they move with the calendar by design. */
  exempt: readonly string[];
}

/**
 * Columns that move with the calendar by design, reported but never counted as drift:
 *  - time of year and the weather windows are the same for every restaurant on a day, so a week of live rows holds
 *    one value of each: against weeks of training rows that always "differs", whatever the weather;
 *  - sightings counted over the last 30 or 90 days double from winter to summer: a reference profile taken in one
 *    season differs from live rows in the next;
 *  - the number of past inspections grows for every restaurant as the recorded history lengthens.
 * The model saw every season in training. Real changes in rat activity still show: in the 365-day counts, in the
 * scores, and first of all in the 311 stream itself, which src/monitor/source-drift.ts compares year on year and
 * across boroughs (so the season cancels).
 */
export const SEASONAL_FEATURES: readonly string[] = [
  // grows with the length of the recorded history, for every restaurant at once: time passing is not drift
  "n_prev_inspections",
  ...WEATHER_FEATURES.map((f) => f.name),
  ...SPATIAL_FEATURES.map((f) => f.name).filter((n) => /^rats_.*_(30|90)d$/.test(n)),
];

export const DEFAULT_DRIFT_RULE: DriftRule = {
  alpha: 0.01,
  psiThreshold: 0.2,
  minSample: 200,
  exempt: SEASONAL_FEATURES,
};

export interface ColumnDrift {
  name: string;
  kind: "numeric" | "categorical";
  n: number;
  psi: number;
  /** KS statistic D for numeric columns. */
  ks?: number;
  /** chi-square statistic for categorical columns. */
  chi2?: number;
  /** Jensen–Shannon divergence (base 2, 0..1) for categorical columns. */
  js?: number;
  pValue: number;
  drift: boolean;
}

export interface DriftReport {
  n: number;
  rule: DriftRule;
  judged: boolean;
  columns: ColumnDrift[];
  score: ColumnDrift;
  drifted: string[];
}

const EPS = 1e-4;

export function psi(expected: ArrayLike<number>, actual: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(expected[i], EPS);
    const a = Math.max(actual[i], EPS);
    if (expected[i] === 0 && actual[i] === 0) continue;
    s += (a - e) * Math.log(a / e);
  }
  return s;
}

export function jensenShannon(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const m = (p[i] + q[i]) / 2;
    if (p[i] > 0) s += 0.5 * p[i] * Math.log2(p[i] / m);
    if (q[i] > 0) s += 0.5 * q[i] * Math.log2(q[i] / m);
  }
  return s;
}

/** Reference ECDF at x from the stored 101 quantiles (linear between quantile points). */
function refCdf(q: number[], x: number): number {
  if (x < q[0]) return 0;
  if (x >= q[q.length - 1]) return 1;
  const i = upperBound(q, x); // q[i-1] <= x < q[i]
  const lo = q[i - 1];
  const hi = q[i];
  const frac = hi > lo ? (x - lo) / (hi - lo) : 0;
  return (i - 1 + frac) / (q.length - 1);
}

export function numericDrift(ref: NumericProfile, values: ArrayLike<number>, rule: DriftRule, m: number): ColumnDrift {
  const n = values.length;
  const counts = binCounts(values, ref.edges);
  const shares = Array.from(counts, (c) => (n ? c / n : 0));
  const p = psi(ref.shares, shares);
  const finite: number[] = [];
  for (let i = 0; i < n; i++) if (Number.isFinite(values[i])) finite.push(values[i]);
  finite.sort((a, b) => a - b);
  let d = 0;
  const k = finite.length;
  for (let i = 0; i < k; i++) {
    if (i + 1 < k && finite[i + 1] === finite[i]) continue; // evaluate once per distinct value, after its ties
    const f = refCdf(ref.quantiles, finite[i]);
    d = Math.max(d, Math.abs((i + 1) / k - f), Math.abs(upperBound(finite, finite[i] - 1e-12) / k - f));
  }
  for (const t of ref.quantiles)
    d = Math.max(d, Math.abs(upperBound(finite, t) / Math.max(k, 1) - refCdf(ref.quantiles, t)));
  const refN = Math.round(ref.n * (1 - ref.missingRate));
  const pValue = k > 0 && refN > 0 ? ksPValue(d, k, refN) : 1;
  return {
    name: ref.name,
    kind: "numeric",
    n,
    psi: p,
    ks: d,
    pValue,
    drift: n >= rule.minSample && pValue < rule.alpha / m && p >= rule.psiThreshold,
  };
}

export function categoricalDrift(ref: CategoricalProfile, codes: Int32Array, rule: DriftRule, m: number): ColumnDrift {
  const n = codes.length;
  const counts = new Float64Array(ref.shares.length);
  for (let i = 0; i < n; i++) counts[codes[i]]++;
  const shares = Array.from(counts, (c) => (n ? c / n : 0));
  let chi2 = 0;
  let df = -1;
  for (let j = 0; j < counts.length; j++) {
    const e = n * Math.max(ref.shares[j], EPS / 10);
    if (ref.shares[j] > 0 || counts[j] > 0) df++;
    chi2 += ((counts[j] - e) * (counts[j] - e)) / e;
  }
  const pValue = n > 0 ? chiSquareSurvival(chi2, Math.max(df, 1)) : 1;
  const p = psi(ref.shares, shares);
  return {
    name: ref.name,
    kind: "categorical",
    n,
    psi: p,
    chi2,
    js: jensenShannon(ref.shares, shares),
    pValue,
    drift: n >= rule.minSample && pValue < rule.alpha / m && p >= rule.psiThreshold,
  };
}

/** A live window in the profile's layout: per profile column, numeric values or categorical codes. */
export interface LiveWindow {
  n: number;
  columns: (Float32Array | Float64Array | Int32Array)[];
  scores: Float64Array | Float32Array;
}

export function computeDrift(
  profile: ReferenceProfile,
  live: LiveWindow,
  rule: DriftRule = DEFAULT_DRIFT_RULE,
): DriftReport {
  const m = profile.columns.length + 1;
  const columns = profile.columns.map((c, i) =>
    c.kind === "numeric"
      ? numericDrift(c, live.columns[i], rule, m)
      : categoricalDrift(c, live.columns[i] as Int32Array, rule, m),
  );
  const score = numericDrift(profile.score, live.scores, rule, m);
  columns.sort((a, b) => b.psi - a.psi);
  const drifted = columns.filter((c) => c.drift && !rule.exempt.includes(c.name)).map((c) => c.name);
  if (score.drift) drifted.push("score");
  return { n: live.n, rule, judged: live.n >= rule.minSample, columns, score, drifted };
}
