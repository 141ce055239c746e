import type { WeatherRecord } from "../data/index.js";
import { dayNumber, monthOfDay } from "../util/days.js";
import type { FeatureSpec } from "./schema.js";

// Citywide weather windows ending the day before the query day. Dense per-day prefix sums make every window two
// lookups. Missing days are skipped: a mean over the days that have a value, NaN when none do.

export const WEATHER_FEATURES: FeatureSpec[] = [
  { name: "tmax_mean_7d", kind: "numeric", description: "average daily high (°F) over the last 7 days" },
  { name: "tmax_mean_30d", kind: "numeric", description: "average daily high (°F) over the last 30 days" },
  {
    name: "prcp_sum_30d",
    kind: "numeric",
    description: "precipitation (inches) over the last 30 days (days without data filled with the window's mean)",
  },
  {
    name: "tmax_anomaly_30d",
    kind: "numeric",
    description: "how much warmer (°F) the last 30 days' highs were than Central Park's 1991–2020 normal",
  },
  { name: "month_sin", kind: "numeric", description: "time of year: sine of the month" },
  { name: "month_cos", kind: "numeric", description: "time of year: cosine of the month" },
];

// NOAA 1991–2020 normals of the daily high at Central Park (°F), by month. Fixed in code, not estimated from the
// snapshot, so the anomaly feature cannot see the future and means the same in every snapshot.
const NORMAL_TMAX = [39.5, 42.2, 49.9, 61.8, 71.4, 79.7, 84.9, 83.3, 76.2, 64.5, 54.0, 44.3];

/** Normal daily high on a day, linear between mid-months. */
export function normalTmax(day: number): number {
  const dt = new Date(day * 86_400_000);
  const y = dt.getUTCFullYear();
  const doy = (day - Date.UTC(y, 0, 1) / 86_400_000 + 0.5) / 365.25; // 0..1
  const pos = doy * 12 - 0.5; // month index, 0 = mid-January
  const m0 = Math.floor(pos);
  const f = pos - m0;
  return NORMAL_TMAX[(m0 + 12) % 12] * (1 - f) + NORMAL_TMAX[(m0 + 13) % 12] * f;
}

export interface WeatherSeries {
  /** day number of index 0 */
  first: number;
  /** length days + 1 prefix sums: sum over days [first, first+i) */
  tmaxSum: Float64Array;
  tmaxCnt: Int32Array;
  prcpSum: Float64Array;
  prcpCnt: Int32Array;
}

export function buildWeatherSeries(records: readonly WeatherRecord[]): WeatherSeries {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  const days = new Int32Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const d = dayNumber(records[i].date);
    days[i] = d;
    if (d < first) first = d;
    if (d > last) last = d;
  }
  const len = records.length ? last - first + 1 : 0;
  if (!records.length) first = 0;
  // Dense arrays indexed by day: a repeated date overwrites instead of counting twice.
  const tmax = new Float64Array(len).fill(Number.NaN);
  const prcp = new Float64Array(len).fill(Number.NaN);
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    const k = days[i] - first;
    if (r.tmax !== null && Number.isFinite(r.tmax)) tmax[k] = r.tmax;
    if (r.prcp !== null && Number.isFinite(r.prcp)) prcp[k] = r.prcp;
  }
  const tmaxSum = new Float64Array(len + 1);
  const tmaxCnt = new Int32Array(len + 1);
  const prcpSum = new Float64Array(len + 1);
  const prcpCnt = new Int32Array(len + 1);
  for (let k = 0; k < len; k++) {
    const t = tmax[k];
    const p = prcp[k];
    tmaxSum[k + 1] = tmaxSum[k] + (!Number.isNaN(t) ? t : 0);
    tmaxCnt[k + 1] = tmaxCnt[k] + (!Number.isNaN(t) ? 1 : 0);
    prcpSum[k + 1] = prcpSum[k] + (!Number.isNaN(p) ? p : 0);
    prcpCnt[k + 1] = prcpCnt[k] + (!Number.isNaN(p) ? 1 : 0);
  }
  return { first, tmaxSum, tmaxCnt, prcpSum, prcpCnt };
}

/** WEATHER_FEATURES columns for the query days. */
export function weatherColumns(w: WeatherSeries, day: Int32Array): Float32Array[] {
  const n = day.length;
  const cols = WEATHER_FEATURES.map(() => new Float32Array(n));
  const [t7, t30, p30, anom, msin, mcos] = cols;
  const len = w.tmaxSum.length - 1;
  // index into the prefix arrays of "days before d", clamped to the series
  const at = (d: number) => Math.min(Math.max(d - w.first, 0), len);
  const monthSin = new Float32Array(13);
  const monthCos = new Float32Array(13);
  for (let m = 1; m <= 12; m++) {
    monthSin[m] = Math.sin((2 * Math.PI * (m - 1)) / 12);
    monthCos[m] = Math.cos((2 * Math.PI * (m - 1)) / 12);
  }
  let cachedDay = Number.NaN;
  let cachedMonth = 1;
  let cachedNormal = 0;
  for (let i = 0; i < n; i++) {
    const d = day[i];
    const e = at(d);
    const b7 = at(d - 7);
    const b30 = at(d - 30);
    const c7 = w.tmaxCnt[e] - w.tmaxCnt[b7];
    const c30 = w.tmaxCnt[e] - w.tmaxCnt[b30];
    t7[i] = c7 > 0 ? (w.tmaxSum[e] - w.tmaxSum[b7]) / c7 : Number.NaN;
    t30[i] = c30 > 0 ? (w.tmaxSum[e] - w.tmaxSum[b30]) / c30 : Number.NaN;
    const pc = w.prcpCnt[e] - w.prcpCnt[b30];
    p30[i] = pc > 0 ? ((w.prcpSum[e] - w.prcpSum[b30]) / pc) * 30 : Number.NaN;
    if (d !== cachedDay) {
      cachedDay = d;
      cachedMonth = monthOfDay(d);
      let normal = 0;
      for (let k = 1; k <= 30; k++) normal += normalTmax(d - k);
      cachedNormal = normal / 30;
    }
    anom[i] = t30[i] - cachedNormal;
    msin[i] = monthSin[cachedMonth];
    mcos[i] = monthCos[cachedMonth];
  }
  return cols;
}
