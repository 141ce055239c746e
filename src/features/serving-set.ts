import { dayNumber } from "../util/days.js";
import type { Logger } from "../util/log.js";
import { featureTable } from "./feature-rows.js";
import {
  CAT_CYCLE_INITIAL,
  CAT_CYCLE_REINSPECTION,
  CAT_PREPERM_INITIAL,
  CAT_PREPERM_REINSPECTION,
  CAT_REOPENING,
  NOT_COUNTED,
  RODENT_BITS,
} from "./labels.js";
import { type CityData, type PreparedCity, prepareCity } from "./prepared-city.js";
import type { FeatureTable } from "./schema.js";

export interface ServingSet {
  table: FeatureTable;
  asOf: string;
  camis: string[];
  name: string[];
  address: string[];
  borough: Uint8Array;
  cuisine: string[];
  lat: Float32Array;
  lon: Float32Array;
  /** The inspections behind each row, for the people who plan visits (absent on hand-made fixture sets). */
  visits?: VisitTable;
}

/** How many past inspections per restaurant the serving set keeps for the risk card's short history. */
export const VISIT_HISTORY = 5;

/**
 * The last VISIT_HISTORY inspections (any type) before asOf of each serving row, newest first, CSR layout: row i owns
 * entries start[i] .. start[i+1]-1. `next` is the category of the inspection the row is scored for (nextCategory):
 * a pending re-inspection or reopening is what "already due" means on the page and in the API.
 */
export interface VisitTable {
  start: Int32Array;
  day: Int32Array;
  type: string[];
  /** NaN when missing */
  score: Float32Array;
  /** A=1, B=2, C=3; NaN for no grade */
  grade: Float32Array;
  rodent: Uint8Array;
  closed: Uint8Array;
  next: Uint8Array;
}

export interface ServingSetOptions {
  log?: Logger;
  /** a restaurant whose last inspection is older than this is treated as gone (default 730) */
  activeDays?: number;
  /** buildServingTables only: history features read no inspection before this day (a day number) */
  historyFrom?: number;
}

/** Scores 14 and above are not an A: DOHMH then schedules a re-inspection of the same programme. */
const REINSPECTION_SCORE = 14;

/**
 * Which kind of inspection a restaurant would get next, from its last sanitary inspection before asOf:
 * none yet → pre-permit initial; last was an initial scoring ≥ 14 → its re-inspection; last was a closure →
 * reopening; otherwise → the next cycle initial inspection. This fills the "this inspection's type" features.
 */
export function nextCategory(lastCategory: number, lastScore: number, lastClosed: boolean): number {
  if (lastCategory === NOT_COUNTED) return CAT_PREPERM_INITIAL;
  if (lastClosed) return CAT_REOPENING;
  if (lastScore >= REINSPECTION_SCORE) {
    if (lastCategory === CAT_CYCLE_INITIAL) return CAT_CYCLE_REINSPECTION;
    if (lastCategory === CAT_PREPERM_INITIAL) return CAT_PREPERM_REINSPECTION;
  }
  return CAT_CYCLE_INITIAL;
}

/**
 * One row per restaurant active as of `asOf` (features from data strictly before that day, exactly as for an
 * inspection held on it). Active means, with only data before asOf: its latest inspection of any type is at most
 * `activeDays` (730) days old and did not close it; or it has no inspection yet but a "not yet inspected"
 * placeholder row recorded on or before asOf (a new permit awaiting its first visit).
 */
/** The restaurants active as of a day (rows of `prepared.restaurants`) and the category of their next inspection. */
function activeAsOf(
  prepared: PreparedCity,
  asOfDay: number,
  activeDays: number,
): { rest: number[]; category: number[]; lastOf: number[] } {
  const rs = prepared.restaurants;
  const ins = prepared.inspections;
  const rest: number[] = [];
  const category: number[] = [];
  const lastOf: number[] = [];
  for (let r = 0; r < rs.n; r++) {
    const s = rs.insStart[r];
    let pos = s;
    let hi = rs.insStart[r + 1];
    while (pos < hi) {
      const mid = (pos + hi) >>> 1;
      if (ins.day[mid] < asOfDay) pos = mid + 1;
      else hi = mid;
    }
    if (pos === s) {
      if (rs.pendingSince[r] <= asOfDay) {
        rest.push(r);
        category.push(CAT_PREPERM_INITIAL);
        lastOf.push(-1);
      }
      continue;
    }
    const last = pos - 1;
    if (asOfDay - ins.day[last] > activeDays || ins.closed[last]) continue;
    let lastCounted = -1;
    for (let j = last; j >= s; j--) {
      if (ins.category[j] !== NOT_COUNTED) {
        lastCounted = j;
        break;
      }
    }
    rest.push(r);
    lastOf.push(last);
    category.push(
      lastCounted < 0
        ? CAT_PREPERM_INITIAL
        : nextCategory(ins.category[lastCounted], ins.score[lastCounted], ins.closed[lastCounted] === 1),
    );
  }
  return { rest, category, lastOf };
}

/**
 * The active population's feature tables as of several days at once (the monitor compares the population of a day
 * with the one 52 weeks before; the replay does so every week). One featureTable call for all days: a restaurant's
 * sightings are walked once for all its rows instead of once per day, several times faster than one call per day.
 * Each table's columns are views into shared arrays; the restaurant rows are returned too.
 */
export function buildServingTables(
  city: CityData | PreparedCity,
  asOfs: string[],
  opts: ServingSetOptions = {},
): { asOf: string; table: FeatureTable; rest: Int32Array }[] {
  const prepared = "restaurants" in city ? city : prepareCity(city);
  const parts = asOfs.map((a) => ({
    asOf: a,
    day: dayNumber(a),
    ...activeAsOf(prepared, dayNumber(a), opts.activeDays ?? 730),
  }));
  const n = parts.reduce((s, p) => s + p.rest.length, 0);
  const q = {
    rest: new Int32Array(n),
    day: new Int32Array(n),
    category: new Uint8Array(n),
    historyFrom: opts.historyFrom === undefined ? undefined : new Int32Array(n).fill(opts.historyFrom),
  };
  let o = 0;
  for (const p of parts) {
    q.rest.set(p.rest, o);
    q.day.fill(p.day, o, o + p.rest.length);
    q.category.set(p.category, o);
    o += p.rest.length;
  }
  const all = featureTable(prepared, q);
  o = 0;
  return parts.map((p) => {
    const m = p.rest.length;
    const out = {
      asOf: p.asOf,
      table: { schema: all.schema, n: m, columns: all.columns.map((c) => c.subarray(o, o + m)) },
      rest: q.rest.subarray(o, o + m),
    };
    o += m;
    return out;
  });
}

export function buildServingSet(city: CityData | PreparedCity, asOf: string, opts: ServingSetOptions = {}): ServingSet {
  const prepared = "restaurants" in city ? city : prepareCity(city);
  const asOfDay = dayNumber(asOf);
  const rs = prepared.restaurants;
  const { rest, category, lastOf } = activeAsOf(prepared, asOfDay, opts.activeDays ?? 730);
  const n = rest.length;
  const q = {
    rest: Int32Array.from(rest),
    day: new Int32Array(n).fill(asOfDay),
    category: Uint8Array.from(category),
  };
  const table = featureTable(prepared, q);
  const out: ServingSet = {
    table,
    asOf,
    camis: new Array(n),
    name: new Array(n),
    address: new Array(n),
    borough: new Uint8Array(n),
    cuisine: new Array(n),
    lat: new Float32Array(n),
    lon: new Float32Array(n),
  };
  for (let i = 0; i < n; i++) {
    const r = q.rest[i];
    out.camis[i] = rs.camis[r];
    out.name[i] = rs.name[r];
    out.address[i] = rs.address[r];
    out.borough[i] = rs.borough[r];
    out.cuisine[i] = rs.cuisine[r];
    out.lat[i] = rs.lat[r];
    out.lon[i] = rs.lon[r];
  }
  out.visits = visitTable(prepared, q.rest, lastOf, q.category);
  opts.log?.info({ asOf, restaurants: n, schema: table.schema.version }, "serving set built");
  return out;
}

function visitTable(prepared: PreparedCity, rest: Int32Array, lastOf: number[], next: Uint8Array): VisitTable {
  const ins = prepared.inspections;
  const starts = prepared.restaurants.insStart;
  const n = rest.length;
  const start = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const last = lastOf[i];
    start[i + 1] = start[i] + (last < 0 ? 0 : Math.min(VISIT_HISTORY, last - starts[rest[i]] + 1));
  }
  const m = start[n];
  const v: VisitTable = {
    start,
    day: new Int32Array(m),
    type: new Array(m),
    score: new Float32Array(m),
    grade: new Float32Array(m),
    rodent: new Uint8Array(m),
    closed: new Uint8Array(m),
    next,
  };
  for (let i = 0; i < n; i++) {
    for (let e = start[i], k = lastOf[i]; e < start[i + 1]; e++, k--) {
      v.day[e] = ins.day[k];
      v.type[e] = ins.types[ins.typeId[k]];
      v.score[e] = ins.score[k];
      v.grade[e] = ins.grade[k];
      v.rodent[e] = ins.codes[k] & RODENT_BITS ? 1 : 0;
      v.closed[e] = ins.closed[k];
    }
  }
  return v;
}

/**
 * The two populations built from the SAME span of history (equal lookback): the one 52 weeks earlier reads every
 * record before it (L days, from the first record), the current one reads only the last L days too. Otherwise a
 * snapshot that starts on a fixed day — an export keeps about three years — gives the earlier population shorter
 * histories (fewer earlier inspections, more missing prev2/prev3 columns) and everything history-based seems to
 * drift. Needs L ≥ 365 (a full year of sightings and findings behind both); restaurants count as active from the
 * last min(730, L) days for both. Give the options to buildServingTables.
 */
export function equalLookback(
  day: number,
  firstDay: number,
): {
  lookbackDays: number;
  current: { historyFrom: number; activeDays: number };
  yearBefore: { activeDays: number };
} | null {
  const lookbackDays = day - 364 - firstDay;
  if (lookbackDays < 365) return null;
  const activeDays = Math.min(730, lookbackDays);
  return { lookbackDays, current: { historyFrom: firstDay + 364, activeDays }, yearBefore: { activeDays } };
}
