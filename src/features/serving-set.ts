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
}

export interface ServingSetOptions {
  log?: Logger;
  /** a restaurant whose last inspection is older than this is treated as gone (default 730) */
  activeDays?: number;
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
export function buildServingSet(city: CityData | PreparedCity, asOf: string, opts: ServingSetOptions = {}): ServingSet {
  const prepared = "restaurants" in city ? city : prepareCity(city);
  const asOfDay = dayNumber(asOf);
  const activeDays = opts.activeDays ?? 730;
  const rs = prepared.restaurants;
  const ins = prepared.inspections;
  const rest: number[] = [];
  const category: number[] = [];
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
    category.push(
      lastCounted < 0
        ? CAT_PREPERM_INITIAL
        : nextCategory(ins.category[lastCounted], ins.score[lastCounted], ins.closed[lastCounted] === 1),
    );
  }
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
  opts.log?.info({ asOf, restaurants: n, schema: table.schema.version }, "serving set built");
  return out;
}
