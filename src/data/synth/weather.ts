// Daily Central Park weather for the simulated range: the real GHCN values where they exist (to 2022-12-29), and
// after that a seasonal generator fitted to 1991–2022 (smoothed day-of-year climatology, AR(1) temperature
// anomalies, monthly wet-day odds and amounts), deterministic by seed. The heat-wave scenario adds +10 °F.
import { dayOfYear, dayToYmd } from "./dates.js";
import { Rng } from "./prng.js";
import type { Reference } from "./reference.js";

export interface WeatherSeries {
  /** Day number of index 0. */
  day0: number;
  n: number;
  tmax: Float64Array;
  tmin: Float64Array;
  prcp: Float64Array;
  snow: Float64Array;
  snwd: Float64Array;
  /** 1 where the value is the real observation (before any scenario change). */
  real: Uint8Array;
  /** Mean TMAX of the 30 days ending on each day minus the climatological mean of those days (°F). */
  anomaly30: Float64Array;
}

interface Climatology {
  tmaxMean: Float64Array; // by day of year 0..365
  tminMean: Float64Array;
  tmaxSd: Float64Array;
  wetProb: Float64Array; // by month 0..11
  wetMean: Float64Array;
}

function smoothCircular(a: Float64Array, half: number): Float64Array {
  const n = a.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = -half; k <= half; k++) s += a[(i + k + n) % n];
    out[i] = s / (2 * half + 1);
  }
  return out;
}

function climatology(ref: Reference): Climatology {
  const sx = new Float64Array(366);
  const sn = new Float64Array(366);
  const sxx = new Float64Array(366);
  const cnt = new Float64Array(366);
  const wet = new Float64Array(12);
  const wetSum = new Float64Array(12);
  const mDays = new Float64Array(12);
  for (const [day, w] of ref.weather) {
    const { y, m } = dayToYmd(day);
    if (y < 1991 || y > 2022) continue;
    const d = dayOfYear(day);
    sx[d] += w.tmax;
    sn[d] += w.tmin;
    sxx[d] += w.tmax * w.tmax;
    cnt[d]++;
    mDays[m - 1]++;
    if (w.prcp >= 0.01) {
      wet[m - 1]++;
      wetSum[m - 1] += w.prcp;
    }
  }
  const mx = new Float64Array(366);
  const mn = new Float64Array(366);
  const sd = new Float64Array(366);
  for (let d = 0; d < 366; d++) {
    const c = Math.max(1, cnt[d]);
    mx[d] = sx[d] / c;
    mn[d] = sn[d] / c;
    sd[d] = Math.sqrt(Math.max(1, sxx[d] / c - mx[d] * mx[d]));
  }
  return {
    tmaxMean: smoothCircular(mx, 15),
    tminMean: smoothCircular(mn, 15),
    tmaxSd: smoothCircular(sd, 15),
    wetProb: wet.map((w, i) => w / Math.max(1, mDays[i])),
    wetMean: wetSum.map((s, i) => s / Math.max(1, wet[i])),
  };
}

/**
 * Weather for days [first, last]. `heat` (optional) adds `deltaF` to TMAX and TMIN on [start, start+days).
 */
export function buildWeather(
  ref: Reference,
  seed: number,
  first: number,
  last: number,
  heat?: { start: number; days: number; deltaF: number },
): WeatherSeries {
  const clim = climatology(ref);
  // 30 extra days in front so the first day's 30-day anomaly is complete.
  const lead = 30;
  const day0 = first - lead;
  const n = last - day0 + 1;
  const tmax = new Float64Array(n);
  const tmin = new Float64Array(n);
  const prcp = new Float64Array(n);
  const snow = new Float64Array(n);
  const snwd = new Float64Array(n);
  const real = new Uint8Array(n);
  const rng = Rng.stream(seed, 0x57ea7);
  let anom = 0;
  let depth = 0;
  for (let i = 0; i < n; i++) {
    const day = day0 + i;
    const d = dayOfYear(day);
    const w = ref.weather.get(day);
    if (w) {
      tmax[i] = w.tmax;
      tmin[i] = w.tmin;
      prcp[i] = w.prcp;
      snow[i] = w.snow;
      snwd[i] = w.snwd;
      real[i] = 1;
      anom = (w.tmax - clim.tmaxMean[d]) / clim.tmaxSd[d];
      depth = w.snwd;
      continue;
    }
    // AR(1) in standardized anomaly keeps warm and cold spells a few days long, as observed.
    anom = 0.68 * anom + Math.sqrt(1 - 0.68 * 0.68) * rng.normal();
    const hi = Math.round(clim.tmaxMean[d] + anom * clim.tmaxSd[d]);
    const range = clim.tmaxMean[d] - clim.tminMean[d];
    const lo = Math.min(hi - 1, Math.round(hi - range + 3 * rng.normal()));
    const m = dayToYmd(day).m - 1;
    let p = 0;
    if (rng.next() < clim.wetProb[m])
      p = Math.max(0.01, Math.round(rng.gamma(0.75) * (clim.wetMean[m] / 0.75) * 100) / 100);
    let s = 0;
    if (p > 0 && hi <= 36) s = Math.round(p * 10 * 10) / 10;
    depth = Math.max(0, depth + s - (hi > 40 ? 2 : 0.5));
    depth = Math.round(depth);
    tmax[i] = hi;
    tmin[i] = lo;
    prcp[i] = p;
    snow[i] = s;
    snwd[i] = depth;
  }
  if (heat) {
    for (let k = 0; k < heat.days; k++) {
      const i = heat.start + k - day0;
      if (i >= 0 && i < n) {
        tmax[i] += heat.deltaF;
        tmin[i] += heat.deltaF;
      }
    }
  }
  const anomaly30 = new Float64Array(n);
  let sumObs = 0;
  let sumClim = 0;
  for (let i = 0; i < n; i++) {
    sumObs += tmax[i];
    sumClim += clim.tmaxMean[dayOfYear(day0 + i)];
    if (i >= 30) {
      sumObs -= tmax[i - 30];
      sumClim -= clim.tmaxMean[dayOfYear(day0 + i - 30)];
    }
    anomaly30[i] = (sumObs - sumClim) / Math.min(i + 1, 30);
  }
  return { day0, n, tmax, tmin, prcp, snow, snwd, real, anomaly30 };
}

/** GHCN-style number text: integers plain, decimals without trailing zeros. */
export function fmtNum(v: number): string {
  return String(Math.round(v * 100) / 100);
}
