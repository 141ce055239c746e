import { parseDay } from "../parse/dates.js";
import { parseNumber } from "../parse/values.js";
import type { WeatherRecord } from "../records.js";
import { cell, columnIndex, type DatasetSpec, type Rejection } from "./spec.js";

// Sanity ranges for Central Park daily values (°F, inches); records are -15..106 °F and 8.28 in of rain.
const TEMP_MIN = -40;
const TEMP_MAX = 130;
const PRCP_MAX = 30;

function measure(s: string, field: string, lo: number, hi: number): number | null | Rejection {
  const v = parseNumber(s);
  if (Number.isNaN(v)) return { field, reason: "not_a_number" };
  if (v !== null && (v < lo || v > hi)) return { field, reason: "out_of_range" };
  return v;
}

/**
 * GHCN-Daily extract (DATE,PRCP,SNOW,SNWD,TMIN,TMAX) and NOAA CDO export (STATION,…,DATE,…,PRCP,…,TMAX,TMIN)
 * both normalize to the same columns. Rows for a date already seen (overlapping files) merge field by field,
 * first non-null wins, so a day is never counted twice.
 */
export const weatherSpec: DatasetSpec<WeatherRecord> = {
  name: "weather",
  requiredColumns: ["date", "tmax", "tmin", "prcp"],
  columns: ["date", "tmax", "tmin", "prcp"],
  fields: ["date", "tmax", "tmin", "prcp"],
  dateField: "date",
  bind(header) {
    const ix = columnIndex(header);
    const [dateI, tmaxI, tminI, prcpI] = this.columns.map(ix) as number[];
    return (c) => {
      const dateS = cell(c, dateI!);
      if (!dateS) return { field: "date", reason: "missing_required" };
      const date = parseDay(dateS);
      if (!date) return { field: "date", reason: "bad_date" };
      const tmax = measure(cell(c, tmaxI!), "tmax", TEMP_MIN, TEMP_MAX);
      if (typeof tmax === "object" && tmax !== null) return tmax;
      const tmin = measure(cell(c, tminI!), "tmin", TEMP_MIN, TEMP_MAX);
      if (typeof tmin === "object" && tmin !== null) return tmin;
      const prcp = measure(cell(c, prcpI!), "prcp", 0, PRCP_MAX);
      if (typeof prcp === "object" && prcp !== null) return prcp;
      return { date, tmax, tmin, prcp };
    };
  },
  key: (r) => r.date,
  merge(a, b) {
    const conflict =
      (a.tmax !== null && b.tmax !== null && a.tmax !== b.tmax) ||
      (a.tmin !== null && b.tmin !== null && a.tmin !== b.tmin) ||
      (a.prcp !== null && b.prcp !== null && a.prcp !== b.prcp);
    return {
      record: { date: a.date, tmax: a.tmax ?? b.tmax, tmin: a.tmin ?? b.tmin, prcp: a.prcp ?? b.prcp },
      conflict,
    };
  },
};
