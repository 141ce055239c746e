import { chiSquareSurvival } from "./stats.js";

/**
 * Drift of the 311 rat-sighting stream itself, not of model inputs (issue 7, README "Drift").
 * Feature windows (30/90/365 days) lag a sudden change by weeks; the raw stream shows it the week it happens.
 * Two signals over the last `windowDays` days, both judged "significant AND large" like feature drift:
 *  - borough mix: each borough's share of citywide sightings vs its share over the year before the window
 *    (homogeneity chi-square; the largest relative share change ≥ shareChange). Weather and season move all boroughs
 *    together, so they cancel here; a programme in one borough does not.
 *  - volume: citywide count vs the same window a year before (conditional binomial test on the two counts;
 *    ratio ≥ 1 + volumeChange or ≤ 1 / (1 + volumeChange)). Catches a reporting surge or a city-wide change.
 */
export interface SourceDriftRule {
  windowDays: number;
  alpha: number;
  shareChange: number;
  volumeChange: number;
}
// Volume compares with the same weeks a year before, and a warm or wet year moves it by half again on its own
// (seen in the synthetic city, whose weather is Central Park's real record): only a factor of 1.8 either way counts.
export const DEFAULT_SOURCE_RULE: SourceDriftRule = {
  windowDays: 14,
  alpha: 0.001,
  shareChange: 0.2,
  volumeChange: 0.8,
};

export interface SourceDrift {
  asOfDay: number;
  current: number[];
  reference: number[];
  volumeRatio: number;
  volumePValue: number;
  maxShareChange: { borough: number; change: number };
  sharePValue: number;
  boroughShift: boolean;
  volumeShift: boolean;
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

/** Normal-approximation two-sided p-value of a binomial(n, 0.5) count k (equal-rate test of two Poisson counts). */
function equalRatePValue(a: number, b: number): number {
  const n = a + b;
  if (n === 0) return 1;
  const z = Math.abs(a - n / 2) / Math.sqrt(n / 4);
  return chiSquareSurvival(z * z, 1);
}

/**
 * Sightings must be sorted by day. `day` = day numbers, `borough` = index 0..nb-1 (rows with an unknown borough
 * carry nb and are counted in the volume only). Volume compares (asOf − windowDays, asOf] with the same window 364
 * days earlier (52 weeks, so weekdays and season line up).
 */
export function sourceDrift(
  day: Int32Array,
  borough: Uint8Array,
  nb: number,
  asOfDay: number,
  rule: SourceDriftRule = DEFAULT_SOURCE_RULE,
): SourceDrift {
  const count = (from: number, to: number) => {
    const c = new Array(nb + 1).fill(0);
    for (let i = lowerBound(day, from + 1); i < day.length && day[i] <= to; i++) c[Math.min(borough[i], nb)]++;
    return c;
  };
  const cur = count(asOfDay - rule.windowDays, asOfDay);
  const ref = count(asOfDay - 364 - rule.windowDays, asOfDay - 364);
  const curTotal = cur.reduce((s, v) => s + v, 0);
  const refTotal = ref.reduce((s, v) => s + v, 0);
  // Borough mix against the whole year before the window: shares are stable across seasons (weather moves every
  // borough alike), and a year of counts makes the reference precise. Homogeneity chi-square on the 2×nb table.
  const base = count(asOfDay - rule.windowDays - 364, asOfDay - rule.windowDays);
  const curKnown = curTotal - cur[nb];
  const baseKnown = base.reduce((s, v) => s + v, 0) - base[nb];
  let chi2 = 0;
  let df = -1;
  let best = { borough: -1, change: 0 };
  const total = curKnown + baseKnown;
  for (let b = 0; b < nb; b++) {
    if (baseKnown === 0 || curKnown === 0) break;
    const col = cur[b] + base[b];
    if (col === 0) continue;
    df++;
    const e1 = (col * curKnown) / total;
    const e2 = (col * baseKnown) / total;
    chi2 += ((cur[b] - e1) * (cur[b] - e1)) / e1 + ((base[b] - e2) * (base[b] - e2)) / e2;
    const change = cur[b] / curKnown / (base[b] / baseKnown || 1 / baseKnown) - 1;
    if (Math.abs(change) > Math.abs(best.change)) best = { borough: b, change };
  }
  const sharePValue = df > 0 ? chiSquareSurvival(chi2, df) : 1;
  const volumePValue = equalRatePValue(curTotal, refTotal);
  const volumeRatio = refTotal > 0 ? curTotal / refTotal : Number.NaN;
  return {
    asOfDay,
    current: cur.slice(0, nb),
    reference: ref.slice(0, nb),
    volumeRatio,
    volumePValue,
    maxShareChange: best,
    sharePValue,
    boroughShift: sharePValue < rule.alpha && Math.abs(best.change) >= rule.shareChange,
    volumeShift:
      refTotal > 0 &&
      curTotal > 0 &&
      volumePValue < rule.alpha &&
      Math.abs(Math.log(volumeRatio)) >= Math.log(1 + rule.volumeChange),
  };
}
