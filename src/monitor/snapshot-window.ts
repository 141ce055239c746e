import { BOROUGHS } from "../data/index.js";
import type { FeatureTable } from "../features/index.js";
import {
  buildServingTables,
  type CityData,
  dayNumber,
  equalLookback,
  isoOfDay,
  prepareCity,
  readProfile,
} from "../features/index.js";
import { DEFAULT_DRIFT_RULE, type DriftRule } from "./drift.js";
import { populationDrift } from "./population.js";
import { DEFAULT_SOURCE_RULE, type SourceDriftRule, sourceDrift } from "./source-drift.js";
import { type MonitorWindow, monitorWindow, streamReport } from "./window.js";

/** What the window needs of a model: its scores and its stored profile. */
export interface MonitoredModel {
  version: string;
  predictProba(t: FeatureTable): Float64Array;
  meta: Record<string, unknown>;
}

/** The day after the newest inspection: what the service serves features for. */
export function dataDateOf(city: Pick<CityData, "inspections">): string | null {
  let max = "";
  for (const r of city.inspections)
    if (r.inspectionDate > max && r.inspectionDate !== "1900-01-01") max = r.inspectionDate;
  return max ? isoOfDay(dayNumber(max) + 1) : null;
}

/** 311 sightings as sorted (day, borough index) arrays, BOROUGHS.length for an unknown borough. */
export function sightingStream(city: Pick<CityData, "ratSightings">): { day: Int32Array; borough: Uint8Array } {
  const rows = city.ratSightings.map((s) => ({
    d: dayNumber(s.createdDate.slice(0, 10)),
    b: s.borough ? BOROUGHS.indexOf(s.borough) : BOROUGHS.length,
  }));
  rows.sort((a, b) => a.d - b.d);
  return {
    day: Int32Array.from(rows, (r) => r.d),
    borough: Uint8Array.from(rows, (r) => (r.b < 0 ? BOROUGHS.length : r.b)),
  };
}

/**
 * One monitoring window computed from a snapshot's records, as `rodent monitor drift|check` and the service's
 * GET /v1/monitoring compute it (issue 13 §2–4): the population as of the data date against the same population
 * 52 weeks earlier (when the inspections reach a year of history before that), both scored by the model; the 311
 * stream per borough; and realised performance when a report is given.
 */
export function snapshotWindow(opts: {
  city: CityData;
  model: MonitoredModel;
  /** default: the day after the newest inspection */
  dataDate?: string;
  performance?: { drop: boolean; reasons: string[] } | null;
  driftRule?: DriftRule;
  sourceRule?: SourceDriftRule;
}): MonitorWindow {
  const dataDate = opts.dataDate ?? dataDateOf(opts.city);
  if (!dataDate) throw new Error("the snapshot has no inspections: nothing to monitor");
  const prepared = prepareCity(opts.city);
  const day = dayNumber(dataDate);
  let first = Number.POSITIVE_INFINITY;
  for (let i = 0; i < prepared.inspections.day.length; i++)
    if (prepared.inspections.day[i] < first) first = prepared.inspections.day[i];
  const pair = equalLookback(day, first);
  const current = buildServingTables(prepared, [dataDate], pair ? pair.current : {})[0].table;
  const before = pair ? buildServingTables(prepared, [isoOfDay(day - 364)], pair.yearBefore)[0] : null;
  const population = populationDrift({
    asOf: dataDate,
    current,
    currentScores: opts.model.predictProba(current),
    yearBefore: before
      ? { table: before.table, scores: opts.model.predictProba(before.table), asOf: before.asOf }
      : null,
    profile: readProfile(opts.model.meta),
    rule: opts.driftRule ?? DEFAULT_DRIFT_RULE,
  });
  const s = sightingStream(opts.city);
  const rule = opts.sourceRule ?? DEFAULT_SOURCE_RULE;
  const stream = s.day.length ? streamReport(sourceDrift(s.day, s.borough, BOROUGHS.length, day, rule), rule) : null;
  return monitorWindow({ dataDate, population, stream, performance: opts.performance ?? null });
}
