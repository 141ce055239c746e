import { normalSurvival } from "./stats.js";

/**
 * Drift of the 311 rat-sighting stream itself (issue 13 §2): the raw stream shows a change in rat activity weeks
 * before feature windows fill. Two questions, each answered per window of data time (the last `windowDays` days
 * before the data date), seasonally adjusted by comparing with the SAME weeks a year earlier:
 *
 *  - per-borough rates: did one borough's sightings move relative to the rest of the city? For each borough b the
 *    log odds ratio  log[(c_b / c_rest) / (r_b / r_rest)]  of its count against the other boroughs, now (c) and in
 *    the same weeks a year before (r, a window `baselinePadDays` wider on each side for more counts). Citywide
 *    movements (weather, season, a reporting surge) cancel; a programme in one borough does not. The borough with
 *    the largest significant |z| is named, then the test repeats WITHOUT it among "the rest" (a drop in Brooklyn
 *    otherwise makes every other borough look up), until no borough is significant: only the boroughs whose own
 *    change is significant are named.
 *  - volume: did the citywide count move against the same weeks a year before? Weather moves it by half on its
 *    own, so only a large factor counts (a reporting surge or drop, not a warm spring).
 *
 * Counts are over-dispersed in real streams (one rat, five calls; a building's complaints in a burst), so the
 * Poisson variance of each statistic is multiplied by a dispersion factor φ ≥ 1 estimated from the stream's own
 * history: the same statistics at the `dispersionWindows` earlier non-overlapping windows, pooled over boroughs,
 * median of z² / 0.455 (the median of χ²₁), robust to a few windows that held a real change. A signal needs
 * BOTH a significant z (two-sided p < alpha) AND a change of at least `minChange` (relative), like feature drift.
 */
export interface SourceDriftRule {
  windowDays: number;
  /** Extra days on each side of the year-earlier window (more counts, so less noise in the reference). */
  baselinePadDays: number;
  /** Two-sided p-value below which a borough's change is significant (before the effect floor). */
  alpha: number;
  /** Smallest relative change of a borough's rate (vs the rest of the city) that counts: |ratio − 1|. */
  minChange: number;
  /** Volume: citywide ratio ≥ 1 + volumeChange or ≤ 1 / (1 + volumeChange), and p < alpha. */
  volumeChange: number;
  /** Earlier non-overlapping windows used to estimate the dispersion factor (0: assume Poisson). */
  dispersionWindows: number;
}

// Chosen on the first synthetic generator only (bench/ct-detector.ts, 6 seeds, docs/monitoring.md): alpha 0.001
// keeps the stream under 0.6 false drift weeks a year there (0.002: 0.8, and feature drift needs some of the
// one-a-year budget), 26 dispersion windows (two years) make φ steadier than 13, a 28-day window detects a
// −40 % change in a large borough within 4 weeks (a 21-day one does not do better). The second generator is never
// used to choose these numbers (issue 13 §7). The volume factor 1.8 is the 98th percentile of year-on-year
// 28-day ratios of the REAL citywide series 2011–2022 (../shared/data/nyc/calibration).
export const DEFAULT_SOURCE_RULE: SourceDriftRule = {
  windowDays: 28,
  baselinePadDays: 28,
  alpha: 0.001,
  minChange: 0.15,
  volumeChange: 0.8,
  dispersionWindows: 26,
};

export interface BoroughShift {
  borough: number;
  /** Sightings in the window, and what the borough's share of the year-earlier weeks predicts given the rest. */
  current: number;
  expected: number;
  /** current / expected: the borough's rate relative to the rest of the city, against a year before. */
  ratio: number;
  z: number;
  pValue: number;
  /** "up" / "down" when this borough's own change is significant and large enough; else null. */
  signal: "up" | "down" | null;
}

export interface SourceDrift {
  /** Data date: the window is the `windowDays` days before it. */
  asOfDay: number;
  windowDays: number;
  /** Sightings with a known borough in the window, and in the year-earlier reference window. */
  current: number;
  reference: number;
  dispersion: number;
  boroughs: BoroughShift[];
  volume: {
    current: number;
    /** The year-earlier count scaled to the window's length. */
    expected: number;
    ratio: number;
    z: number;
    pValue: number;
    signal: "up" | "down" | null;
  };
  /** Whether the stream had the history the comparison needs (a year and a window before the data date). */
  judged: boolean;
}

function lowerBound(a: Int32Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (a[m] < x) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/** Counts per borough (index nb: unknown borough) of sightings with from ≤ day < to. */
function counts(day: Int32Array, borough: Uint8Array, nb: number, from: number, to: number): Float64Array {
  const c = new Float64Array(nb + 1);
  for (let i = lowerBound(day, from); i < day.length && day[i] < to; i++) c[Math.min(borough[i], nb)]++;
  return c;
}

interface Window {
  cur: Float64Array;
  ref: Float64Array;
  /** reference exposure / current exposure (days) */
  scale: number;
}

function windowAt(day: Int32Array, borough: Uint8Array, nb: number, asOf: number, rule: SourceDriftRule): Window {
  const w = rule.windowDays;
  const pad = rule.baselinePadDays;
  return {
    cur: counts(day, borough, nb, asOf - w, asOf),
    ref: counts(day, borough, nb, asOf - 364 - w - pad, asOf - 364 + pad),
    scale: (w + 2 * pad) / w,
  };
}

/** Log odds ratio of borough b vs the boroughs in `rest`, now vs a year before, and its Poisson variance. */
function logOdds(win: Window, b: number, rest: number[]): { stat: number; v: number; cb: number; eb: number } | null {
  let cr = 0;
  let rr = 0;
  for (const o of rest) {
    cr += win.cur[o];
    rr += win.ref[o];
  }
  const cb = win.cur[b];
  const rb = win.ref[b];
  if (cr === 0 || rr === 0 || rb === 0) return null;
  // +0.5 keeps an empty current window finite (a borough that went silent is a very large, real change).
  const stat = Math.log(((cb + 0.5) / (cr + 0.5)) * ((rr + 0.5) / (rb + 0.5)));
  const v = 1 / (cb + 0.5) + 1 / (cr + 0.5) + 1 / (rb + 0.5) + 1 / (rr + 0.5);
  return { stat, v, cb, eb: (rb * cr) / rr };
}

/** Median of z² over earlier windows, pooled over boroughs, as a multiple of the χ²₁ median: the dispersion φ ≥ 1. */
function dispersion(day: Int32Array, borough: Uint8Array, nb: number, asOf: number, rule: SourceDriftRule): number {
  const ratios: number[] = [];
  const all = Array.from({ length: nb }, (_, b) => b);
  for (let k = 1; k <= rule.dispersionWindows; k++) {
    const at = asOf - k * rule.windowDays;
    if (at - 364 - rule.windowDays - rule.baselinePadDays < (day[0] ?? at)) break;
    const win = windowAt(day, borough, nb, at, rule);
    for (const b of all) {
      const r = logOdds(
        win,
        b,
        all.filter((o) => o !== b),
      );
      if (r) ratios.push((r.stat * r.stat) / r.v);
    }
  }
  if (ratios.length < 10) return 1;
  ratios.sort((a, b) => a - b);
  const med = ratios[Math.floor(ratios.length / 2)];
  return Math.max(1, med / 0.4549);
}

/**
 * Sightings must be sorted by day. `day` = day numbers, `borough` = index 0..nb-1 (rows with an unknown borough
 * carry nb and count in the volume only). The window is [asOfDay − windowDays, asOfDay): data known on asOfDay.
 */
export function sourceDrift(
  day: Int32Array,
  borough: Uint8Array,
  nb: number,
  asOfDay: number,
  rule: SourceDriftRule = DEFAULT_SOURCE_RULE,
): SourceDrift {
  const win = windowAt(day, borough, nb, asOfDay, rule);
  const judged = day.length > 0 && day[0] <= asOfDay - 364 - rule.windowDays - rule.baselinePadDays;
  const phi = judged && rule.dispersionWindows > 0 ? dispersion(day, borough, nb, asOfDay, rule) : 1;
  const boroughs: BoroughShift[] = [];
  let rest = Array.from({ length: nb }, (_, b) => b);
  // Stepwise: name the most significant borough, take it out of "the rest", test the others again.
  for (;;) {
    let best: BoroughShift | null = null;
    const round: BoroughShift[] = [];
    for (const b of rest) {
      const r = logOdds(
        win,
        b,
        rest.filter((o) => o !== b),
      );
      const z = r ? r.stat / Math.sqrt(r.v * phi) : 0;
      const p = r ? 2 * normalSurvival(Math.abs(z)) : 1;
      const ratio = r && r.eb > 0 ? r.cb / r.eb : Number.NaN;
      const shift: BoroughShift = {
        borough: b,
        current: win.cur[b],
        expected: r ? Number(r.eb.toFixed(1)) : Number.NaN,
        ratio,
        z,
        pValue: p,
        signal: null,
      };
      round.push(shift);
      const significant = judged && r !== null && p < rule.alpha && Math.abs(ratio - 1) >= rule.minChange;
      if (significant && (!best || Math.abs(z) > Math.abs(best.z))) best = shift;
    }
    if (!best) {
      boroughs.push(...round);
      break;
    }
    const named = best;
    named.signal = named.z > 0 ? "up" : "down";
    boroughs.push(named);
    rest = rest.filter((b) => b !== named.borough);
    if (rest.length < 2) {
      boroughs.push(...round.filter((s) => s.borough !== named.borough));
      break;
    }
  }
  boroughs.sort((a, b) => a.borough - b.borough);

  let curTotal = 0;
  let refTotal = 0;
  for (let b = 0; b <= nb; b++) {
    curTotal += win.cur[b];
    refTotal += win.ref[b];
  }
  const expected = refTotal / win.scale;
  const volRatio = expected > 0 ? curTotal / expected : Number.NaN;
  // Poisson log-ratio test of the two counts, with the same dispersion.
  const vz = curTotal > 0 && refTotal > 0 ? Math.log(volRatio) / Math.sqrt(phi * (1 / curTotal + 1 / refTotal)) : 0;
  const vp = curTotal > 0 && refTotal > 0 ? 2 * normalSurvival(Math.abs(vz)) : 1;
  const volSignificant = judged && vp < rule.alpha && Math.abs(Math.log(volRatio)) >= Math.log(1 + rule.volumeChange);
  let known = 0;
  let knownRef = 0;
  for (let b = 0; b < nb; b++) {
    known += win.cur[b];
    knownRef += win.ref[b];
  }
  return {
    asOfDay,
    windowDays: rule.windowDays,
    current: known,
    reference: knownRef,
    dispersion: Number(phi.toFixed(3)),
    boroughs,
    volume: {
      current: curTotal,
      expected: Number(expected.toFixed(1)),
      ratio: volRatio,
      z: vz,
      pValue: vp,
      signal: volSignificant ? (volRatio > 1 ? "up" : "down") : null,
    },
    judged,
  };
}
