import type { InspectionRecord, RatSightingRecord, WeatherRecord } from "../data/index.js";
import { isoOfDay } from "../util/days.js";
import { latOfMilesY, lonOfMilesX } from "./projection.js";

// Record builders for hand-made test cities: positions in projected miles, dates as day numbers.

export function inspectionRow(o: {
  camis: string;
  day: number;
  type?: string;
  code?: string | null;
  critical?: boolean;
  score?: number | null;
  grade?: string | null;
  action?: string;
  x?: number;
  y?: number;
  boro?: InspectionRecord["boro"];
  cuisine?: string;
  recordDate?: string | null;
}): InspectionRecord {
  const code = o.code ?? null;
  return {
    camis: o.camis,
    dba: `R ${o.camis}`,
    boro: o.boro ?? "Brooklyn",
    building: "1",
    street: "MAIN STREET",
    zipcode: "11201",
    cuisine: o.cuisine ?? "Thai",
    inspectionDate: isoOfDay(o.day),
    action: o.action ?? (code ? "Violations were cited in the following area(s)." : "No violations were recorded."),
    violationCode: code,
    violationDescription: code ? `code ${code}` : "",
    criticalFlag: code ? (o.critical ? "Critical" : "Not Critical") : "Not Applicable",
    score: o.score === undefined ? 10 : o.score,
    grade: o.grade === undefined ? null : o.grade,
    gradeDate: null,
    recordDate: o.recordDate === undefined ? "2030-01-01" : o.recordDate,
    inspectionType: o.type ?? "Cycle Inspection / Initial Inspection",
    latitude: latOfMilesY(o.y ?? 0),
    longitude: lonOfMilesX(o.x ?? 0),
  };
}

let sightingKey = 0;
export function sighting(x: number, y: number, day: number, time = "12:00:00"): RatSightingRecord {
  return {
    uniqueKey: String(++sightingKey),
    createdDate: `${isoOfDay(day)}T${time}`,
    borough: null,
    incidentZip: "11201",
    locationType: "Other",
    latitude: latOfMilesY(y),
    longitude: lonOfMilesX(x),
  };
}

export function weatherDay(day: number, tmax: number | null, prcp: number | null): WeatherRecord {
  return { date: isoOfDay(day), tmax, tmin: tmax === null ? null : tmax - 15, prcp };
}

/** A feature row as a plain array (for comparisons that treat NaN as equal). */
export function rowOf(columns: Float32Array[], i: number): number[] {
  return columns.map((c) => c[i]);
}
