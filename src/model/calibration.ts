// Probability calibration, fitted on the validation window after the trees. Every map is strictly increasing in the
// raw score (so the calibrated score ranks exactly as the raw one, with no plateaus at the top of the list) and
// stays inside [lo, hi] ⊂ (0, 1) (so no restaurant is ever shown 0 % or 100 %). Three candidates are compared by
// 5-fold cross-fitting on the validation window and the best one (Brier, then ECE) is refitted on all of it:
//  - platt: logit q = a·z + b, z the raw margin (log-odds);
//  - beta (Kull et al. 2017): logit q = a·ln p − b·ln(1 − p) + c with a, b ≥ 0, p = σ(z);
//  - isotonic-interpolated: pool-adjacent-violators blocks, one knot per block at (mean margin, logit of the
//    block's positive rate, shrunk by one pseudo-observation at the base rate), linear between knots in logit
//    space and continued beyond the end knots with the Platt slope.
// "isotonic" (a flat step map on the raw probability) is what models trained before this file wrote; it still
// loads and applies, clamped to the default bounds.
// The Python flavour of the MLflow model (src/tracking/mlflow-pyfunc.ts) applies the same maps.
import { upperBound } from "../util/search.js";

export interface CalibrationCandidateScore {
  /** Out-of-fold Brier score on the validation window. */
  brier: number;
  /** Out-of-fold expected calibration error (10 equal-width bins), as the gate computes it. */
  ece: number;
}

export type CalibrationMethod = "none" | "platt" | "beta" | "isotonic-interpolated";

/** How the calibration was chosen: every candidate's cross-fitted scores on the validation window. */
export interface CalibrationSelection {
  chosen: CalibrationMethod;
  rows: number;
  positives: number;
  folds: number;
  candidates: Partial<Record<CalibrationMethod, CalibrationCandidateScore>>;
  rule: string;
}

interface Bounds {
  /**
   * Calibrated probabilities are mapped linearly onto [lo, hi], lo = 1 − hi = 1/(2n) for n validation rows: a
   * window of n rows cannot support a probability closer to 0 or 1 than that.
   */
  lo: number;
  hi: number;
  selection?: CalibrationSelection;
}

export type Calibration =
  | ({ kind: "none" } & Partial<Bounds>)
  | { kind: "isotonic"; x: number[]; y: number[] }
  | ({ kind: "platt"; a: number; b: number } & Bounds)
  | ({ kind: "beta"; a: number; b: number; c: number } & Bounds)
  | ({
      kind: "isotonic-interpolated";
      /** knots: mean raw margin of each block (strictly increasing) */
      x: number[];
      /** knots: logit of each block's shrunk positive rate (strictly increasing) */
      y: number[];
      /** slope in logit-logit space beyond the end knots (> 0) */
      slope: number;
    } & Bounds);

export const NO_CALIBRATION: Calibration = { kind: "none" };

/** Bounds for the legacy isotonic map, which carries none: never exactly 0 or 1. */
export const DEFAULT_BOUNDS = { lo: 1e-6, hi: 1 - 1e-6 } as const;

export const SELECTION_RULE =
  "lowest out-of-fold Brier score; candidates within 0.1% of the best Brier count as equal and the lowest ECE among them wins";

const FOLDS = 5;
/** Below this many validation rows (or 5 of either class) there is no selection: Platt, the most stable. */
const MIN_SELECTION_ROWS = 200;

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
function logit(p: number): number {
  return Math.log(p) - Math.log1p(-p);
}
/** ln(1 + e^x) without overflow. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}
const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
/**
 * Maps [0, 1] onto [lo, hi] linearly: strictly increasing (a clamp would tie every restaurant beyond the bound) and
 * never 0 or 1; it moves a probability by at most lo.
 */
const squash = (q: number, lo: number, hi: number) => lo + (hi - lo) * q;

// ---------------------------------------------------------------------------------------------------------------
// Applying

/** Calibrated probability of a raw margin (log-odds). Strictly increasing in z for every fitted kind. */
export function calibrateMargin(c: Calibration, z: number): number {
  switch (c.kind) {
    case "none":
      return c.lo === undefined || c.hi === undefined ? sigmoid(z) : squash(sigmoid(z), c.lo, c.hi);
    case "isotonic":
      return applyCalibration(c, sigmoid(z));
    case "platt":
      return squash(sigmoid(c.a * z + c.b), c.lo, c.hi);
    case "beta":
      // ln p = −softplus(−z), −ln(1 − p) = softplus(z)
      return squash(sigmoid(-c.a * softplus(-z) + c.b * softplus(z) + c.c), c.lo, c.hi);
    case "isotonic-interpolated":
      return squash(sigmoid(interpolate(c.x, c.y, c.slope, z)), c.lo, c.hi);
  }
}

/**
 * Calibrated probability of a raw probability p = σ(margin). A bare `{kind: "none"}` (no bounds: models trained
 * without calibration, imports from XGBoost, other objectives such as count:poisson) passes p through unchanged.
 */
export function applyCalibration(c: Calibration, p: number): number {
  if (c.kind === "none") return c.lo === undefined || c.hi === undefined ? p : squash(p, c.lo, c.hi);
  if (c.kind !== "isotonic") return calibrateMargin(c, logit(p));
  // Legacy flat step map on the raw probability (linear between fitted points, flat beyond the ends).
  const { x, y } = c;
  const n = x.length;
  let v: number;
  if (p <= x[0]) v = y[0];
  else if (p >= x[n - 1]) v = y[n - 1];
  else {
    const hi = upperBound(x, p, 1, n - 1); // x[0] < p < x[n − 1]: x[hi − 1] <= p < x[hi]
    const lo = hi - 1;
    v = y[lo] + ((p - x[lo]) / (x[hi] - x[lo])) * (y[hi] - y[lo]);
  }
  return clamp(v, DEFAULT_BOUNDS.lo, DEFAULT_BOUNDS.hi);
}

/** Piecewise linear through (x, y), continued with `slope` beyond both ends. */
function interpolate(x: number[], y: number[], slope: number, z: number): number {
  const n = x.length;
  if (z <= x[0]) return y[0] + slope * (z - x[0]);
  if (z >= x[n - 1]) return y[n - 1] + slope * (z - x[n - 1]);
  const hi = upperBound(x, z, 1, n - 1); // x[0] < z < x[n − 1]: x[hi − 1] <= z < x[hi]
  const lo = hi - 1;
  return y[lo] + ((z - x[lo]) / (x[hi] - x[lo])) * (y[hi] - y[lo]);
}

// ---------------------------------------------------------------------------------------------------------------
// Fitting

/**
 * Logistic regression of `label` on the given columns plus an intercept (Newton's method with step halving and a
 * tiny ridge, so separable data still gives finite coefficients). Returns [coef…, intercept]. One pass over the rows
 * per Newton step: the loss, gradient and Hessian of a trial point are computed together.
 */
function fitLogistic(cols: Float64Array[], label: Uint8Array): number[] {
  const n = label.length;
  const k = cols.length + 1;
  const ridge = 1e-6 * n;
  const row = new Float64Array(k);
  row[k - 1] = 1;
  const g = new Float64Array(k);
  const h = new Float64Array(k * k);
  const at = (b: Float64Array, withDerivatives: boolean): number => {
    let loss = 0;
    if (withDerivatives) {
      g.fill(0);
      h.fill(0);
    }
    for (let i = 0; i < n; i++) {
      let e = b[k - 1];
      for (let j = 0; j < k - 1; j++) {
        row[j] = cols[j][i];
        e += b[j] * row[j];
      }
      const y = label[i];
      // softplus(±e) and σ(e) from one exp and one log1p
      const ex = Math.exp(-Math.abs(e));
      const l1 = Math.log1p(ex);
      loss += (y ? Math.max(-e, 0) : Math.max(e, 0)) + l1;
      if (!withDerivatives) continue;
      const p = e >= 0 ? 1 / (1 + ex) : ex / (1 + ex);
      const w = Math.max(p * (1 - p), 1e-12);
      const r = p - y;
      for (let a = 0; a < k; a++) {
        g[a] += r * row[a];
        for (let c = 0; c <= a; c++) h[a * k + c] += w * row[a] * row[c];
      }
    }
    for (let j = 0; j < k - 1; j++) {
      loss += 0.5 * ridge * b[j] * b[j];
      if (withDerivatives) {
        g[j] += ridge * b[j];
        h[j * k + j] += ridge;
      }
    }
    return loss;
  };
  let pos = 0;
  for (let i = 0; i < n; i++) pos += label[i];
  const beta = new Float64Array(k);
  beta[k - 1] = logit(clamp(pos / n, 1e-6, 1 - 1e-6));
  let current = at(beta, true);
  const trial = new Float64Array(k);
  for (let iter = 0; iter < 50; iter++) {
    const hm: number[][] = [];
    for (let a = 0; a < k; a++) {
      hm.push([]);
      for (let c = 0; c < k; c++) hm[a].push(a >= c ? h[a * k + c] : h[c * k + a]);
      hm[a][a] += 1e-12;
    }
    const step = solve(hm, Array.from(g));
    // Newton decrement gᵀH⁻¹g / 2: the loss a full step would still gain. Below rounding noise, stop.
    let decrement = 0;
    for (let j = 0; j < k; j++) decrement += g[j] * step[j];
    if (!(decrement / 2 > 1e-10 * Math.max(1, Math.abs(current)))) break;
    let t = 1;
    let accepted = false;
    for (let halvings = 0; halvings < 30; halvings++, t /= 2) {
      for (let j = 0; j < k; j++) trial[j] = beta[j] - t * step[j];
      const l = at(trial, false);
      if (l <= current) {
        beta.set(trial);
        const before = current;
        current = at(beta, true);
        accepted = before - l >= 0;
        if (before - l < 1e-12 * Math.max(1, Math.abs(before))) return Array.from(beta);
        break;
      }
    }
    if (!accepted) break;
  }
  return Array.from(beta);
}

/** Solve A s = b for a small dense symmetric positive definite A (Gaussian elimination with pivoting). */
function solve(a: number[][], b: number[]): number[] {
  const k = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = c + 1; r < k; r++) {
      const f = m[r][c] / m[c][c];
      for (let j = c; j <= k; j++) m[r][j] -= f * m[c][j];
    }
  }
  const s = new Array<number>(k).fill(0);
  for (let r = k - 1; r >= 0; r--) {
    let v = m[r][k];
    for (let j = r + 1; j < k; j++) v -= m[r][j] * s[j];
    s[r] = v / m[r][r];
  }
  return s;
}

function boundsFor(n: number): { lo: number; hi: number } {
  const lo = Math.max(DEFAULT_BOUNDS.lo, 1 / (2 * Math.max(n, 1)));
  return { lo, hi: 1 - lo };
}

/** Platt scaling on the margin. The slope is kept positive: a model that ranks backwards is not "calibrated". */
export function fitPlatt(margin: ArrayLike<number>, label: Uint8Array): Calibration {
  const [a, b] = fitLogistic([Float64Array.from(margin)], label);
  return { kind: "platt", a: Math.max(a, 1e-3), b, ...boundsFor(label.length) };
}

/** Beta calibration (Kull, Silva Filho & Flach 2017), with a, b ≥ 0 as their reference implementation does. */
export function fitBeta(margin: ArrayLike<number>, label: Uint8Array): Calibration {
  const n = label.length;
  const u = new Float64Array(n); // ln p
  const v = new Float64Array(n); // −ln(1 − p)
  for (let i = 0; i < n; i++) {
    u[i] = -softplus(-margin[i]);
    v[i] = softplus(margin[i]);
  }
  let [a, b, c] = fitLogistic([u, v], label);
  if (a < 0) {
    [b, c] = fitLogistic([v], label);
    a = 0;
  } else if (b < 0) {
    [a, c] = fitLogistic([u], label);
    b = 0;
  }
  if (!(a > 0) && !(b > 0)) {
    // No increasing fit exists (a useless raw score): fall back to a near-flat but still increasing map.
    a = 1e-3;
  }
  return { kind: "beta", a: Math.max(a, 0), b: Math.max(b, 0), c, ...boundsFor(n) };
}

/**
 * Isotonic regression (pool-adjacent-violators on the margin), interpolated between block centres in logit space.
 * Block rates are shrunk by one pseudo-observation at the base rate so that no knot is 0 or 1, then pooled again
 * until they strictly increase; equal margins always share a block.
 */
export function fitIsotonicInterpolated(
  margin: ArrayLike<number>,
  label: Uint8Array,
  plattSlope?: number,
): Calibration {
  const n = label.length;
  if (n === 0) return NO_CALIBRATION;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => margin[a] - margin[b] || a - b);
  let pos = 0;
  for (let i = 0; i < n; i++) pos += label[i];
  const rate = pos / n;
  const sz: number[] = [];
  const sy: number[] = [];
  const cnt: number[] = [];
  const shrunk = (j: number) => (sy[j] + rate) / (cnt[j] + 1);
  const raw = (j: number) => sy[j] / cnt[j];
  let last = Number.NaN;
  const pool = (value: (j: number) => number) => {
    while (sy.length > 1) {
      const j = sy.length - 1;
      if (value(j - 1) < value(j)) break;
      sz[j - 1] += sz[j];
      sy[j - 1] += sy[j];
      cnt[j - 1] += cnt[j];
      sz.pop();
      sy.pop();
      cnt.pop();
    }
  };
  for (let k = 0; k < n; k++) {
    const i = order[k];
    const z = margin[i];
    if (sy.length && z === last) {
      sz[sz.length - 1] += z;
      sy[sy.length - 1] += label[i];
      cnt[cnt.length - 1] += 1;
    } else {
      sz.push(z);
      sy.push(label[i]);
      cnt.push(1);
    }
    last = z;
    pool(raw);
  }
  // Shrinking can reorder neighbours of very different sizes: pool again on the shrunk rates (a second pass over
  // the blocks, left to right, as PAV does).
  const bz = sz.splice(0);
  const by = sy.splice(0);
  const bc = cnt.splice(0);
  for (let j = 0; j < bz.length; j++) {
    sz.push(bz[j]);
    sy.push(by[j]);
    cnt.push(bc[j]);
    pool(shrunk);
  }
  const x: number[] = [];
  const y: number[] = [];
  for (let j = 0; j < sy.length; j++) {
    x.push(sz[j] / cnt[j]);
    y.push(logit(shrunk(j)));
  }
  const slope = plattSlope ?? (fitPlatt(margin, label) as { a: number }).a;
  return { kind: "isotonic-interpolated", x, y, slope: clamp(slope, 0.05, 20), ...boundsFor(n) };
}

/** @deprecated The flat step map of models before the interpolated one; kept so tests can build legacy maps. */
export function fitIsotonic(p: ArrayLike<number>, label: Uint8Array): Calibration {
  const n = p.length;
  if (n === 0) return NO_CALIBRATION;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => p[a] - p[b] || a - b);
  const xmin: number[] = [];
  const xmax: number[] = [];
  const sum: number[] = [];
  const cnt: number[] = [];
  for (let k = 0; k < n; k++) {
    const i = order[k];
    const x = p[i];
    if (xmin.length && xmax[xmax.length - 1] === x) {
      sum[sum.length - 1] += label[i];
      cnt[cnt.length - 1] += 1;
    } else {
      xmin.push(x);
      xmax.push(x);
      sum.push(label[i]);
      cnt.push(1);
    }
    while (sum.length > 1) {
      const j = sum.length - 1;
      if (sum[j - 1] / cnt[j - 1] <= sum[j] / cnt[j]) break;
      sum[j - 1] += sum[j];
      cnt[j - 1] += cnt[j];
      xmax[j - 1] = xmax[j];
      sum.pop();
      cnt.pop();
      xmin.pop();
      xmax.pop();
    }
  }
  const x: number[] = [];
  const y: number[] = [];
  for (let j = 0; j < sum.length; j++) {
    const v = sum[j] / cnt[j];
    x.push(xmin[j]);
    y.push(v);
    if (xmax[j] !== xmin[j]) {
      x.push(xmax[j]);
      y.push(v);
    }
  }
  return { kind: "isotonic", x, y };
}

const FITTERS: Record<Exclude<CalibrationMethod, "none">, (m: ArrayLike<number>, y: Uint8Array) => Calibration> = {
  platt: fitPlatt,
  beta: fitBeta,
  "isotonic-interpolated": fitIsotonicInterpolated,
};

function brierOf(y: Uint8Array, q: Float64Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (q[i] - y[i]) ** 2;
  return s / y.length;
}

/** ECE over 10 equal-width bins of the probability (the gate's definition, src/model/metrics.ts). */
function eceOf(y: Uint8Array, q: Float64Array, bins = 10): number {
  const n = new Float64Array(bins);
  const sp = new Float64Array(bins);
  const sy = new Float64Array(bins);
  for (let i = 0; i < y.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(q[i] * bins)));
    n[b]++;
    sp[b] += q[i];
    sy[b] += y[i];
  }
  let e = 0;
  for (let b = 0; b < bins; b++) if (n[b]) e += Math.abs(sp[b] - sy[b]) / y.length;
  return e;
}

/**
 * Fit the calibration of a model on its validation window: each candidate (raw σ(z), Platt, beta, interpolated
 * isotonic) is scored out of fold (5 interleaved folds: fitted on four, applied to the fifth), the best by
 * SELECTION_RULE is refitted on the whole window, and the scores of all of them are kept in `selection`.
 */
export function fitCalibration(margin: ArrayLike<number>, label: Uint8Array): Calibration {
  const n = label.length;
  if (n === 0) return NO_CALIBRATION;
  let pos = 0;
  for (let i = 0; i < n; i++) pos += label[i];
  if (pos === 0 || pos === n) return { kind: "none", ...boundsFor(n) };
  if (n < MIN_SELECTION_ROWS || pos < FOLDS || n - pos < FOLDS) return fitPlatt(margin, label);

  const methods: CalibrationMethod[] = ["none", "platt", "beta", "isotonic-interpolated"];
  const oof = new Map(methods.map((m) => [m, new Float64Array(n)]));
  for (let f = 0; f < FOLDS; f++) {
    const fitRows: number[] = [];
    const outRows: number[] = [];
    for (let i = 0; i < n; i++) (i % FOLDS === f ? outRows : fitRows).push(i);
    const fm = Float64Array.from(fitRows, (i) => margin[i]);
    const fy = Uint8Array.from(fitRows, (i) => label[i]);
    const platt = fitPlatt(fm, fy);
    for (const m of methods) {
      const c =
        m === "none"
          ? ({ kind: "none", ...boundsFor(fitRows.length) } as Calibration)
          : m === "platt"
            ? platt
            : m === "isotonic-interpolated"
              ? fitIsotonicInterpolated(fm, fy, (platt as { a: number }).a)
              : FITTERS[m](fm, fy);
      const q = oof.get(m)!;
      for (const i of outRows) q[i] = calibrateMargin(c, margin[i]);
    }
  }
  const candidates: Partial<Record<CalibrationMethod, CalibrationCandidateScore>> = {};
  for (const m of methods) {
    const q = oof.get(m)!;
    candidates[m] = { brier: brierOf(label, q), ece: eceOf(label, q) };
  }
  const best = Math.min(...methods.map((m) => candidates[m]!.brier));
  const near = methods.filter((m) => candidates[m]!.brier <= best * 1.001);
  const chosen = near.reduce((a, b) => (candidates[b]!.ece < candidates[a]!.ece ? b : a));
  const selection: CalibrationSelection = {
    chosen,
    rows: n,
    positives: pos,
    folds: FOLDS,
    candidates,
    rule: SELECTION_RULE,
  };
  const fitted =
    chosen === "none" ? ({ kind: "none", ...boundsFor(n) } as Calibration) : FITTERS[chosen](margin, label);
  return { ...fitted, selection } as Calibration;
}

// ---------------------------------------------------------------------------------------------------------------
// Checking (loadModel)

const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

function checkBounds(o: Record<string, unknown>, required: boolean): boolean {
  if (o.lo === undefined && o.hi === undefined) return !required;
  return finite(o.lo) && finite(o.hi) && o.lo > 0 && o.hi < 1 && o.lo < o.hi;
}

function strictlyIncreasing(a: unknown[]): boolean {
  for (let i = 0; i < a.length; i++) {
    if (!finite(a[i])) return false;
    if (i > 0 && !((a[i] as number) > (a[i - 1] as number))) return false;
  }
  return true;
}

/** Whether `c` is a calibration this code can apply (used by loadModel to refuse corrupt artifacts). */
export function checkCalibration(c: unknown): c is Calibration {
  if (!c || typeof c !== "object") return false;
  const o = c as Record<string, unknown>;
  switch (o.kind) {
    case "none":
      return checkBounds(o, false);
    case "isotonic": {
      if (!Array.isArray(o.x) || !Array.isArray(o.y)) return false;
      const x = o.x as unknown[];
      const y = o.y as unknown[];
      if (x.length === 0 || x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) {
        if (!finite(x[i]) || !finite(y[i])) return false;
        if (i > 0 && ((x[i] as number) < (x[i - 1] as number) || (y[i] as number) < (y[i - 1] as number))) return false;
      }
      return true;
    }
    case "platt":
      return finite(o.a) && o.a > 0 && finite(o.b) && checkBounds(o, true);
    case "beta":
      return finite(o.a) && finite(o.b) && finite(o.c) && o.a >= 0 && o.b >= 0 && o.a + o.b > 0 && checkBounds(o, true);
    case "isotonic-interpolated": {
      if (!Array.isArray(o.x) || !Array.isArray(o.y)) return false;
      const x = o.x as unknown[];
      const y = o.y as unknown[];
      if (x.length === 0 || x.length !== y.length) return false;
      return strictlyIncreasing(x) && strictlyIncreasing(y) && finite(o.slope) && o.slope > 0 && checkBounds(o, true);
    }
    default:
      return false;
  }
}
