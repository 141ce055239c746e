import type { InspectionRecord, RatSightingRecord, WeatherRecord } from "../data/index.js";
import { BOROUGHS } from "../data/index.js";
import { isoOfDay } from "../util/days.js";
import type { CityData } from "./prepared-city.js";
import { latOfMilesY, lonOfMilesX } from "./projection.js";

// A small, fast, seeded stand-in city for tests and the feature benchmark. It is not the calibrated synthetic NYC
// (src/data/synth); it only has the shapes feature code cares about: restaurants clustered in neighbourhoods,
// inspection cycles with re-inspections and several violation rows each, sightings near restaurants, daily weather.

export interface FixtureOptions {
  seed: number;
  restaurants: number;
  from: string;
  to: string;
  /** 311 rat sightings in the whole period */
  sightings: number;
  /** neighbourhood centres; restaurants and sightings cluster around them */
  clusters?: number;
}

/** mulberry32: tiny, seeded, good enough for fixtures. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CUISINES = ["American", "Chinese", "Pizza", "Mexican", "Thai", "Coffee/Tea", "Caribbean", "Korean"];
const TYPES = {
  cycle: "Cycle Inspection / Initial Inspection",
  re: "Cycle Inspection / Re-inspection",
  pre: "Pre-permit (Operational) / Initial Inspection",
  admin: "Administrative Miscellaneous / Initial Inspection",
};
const OTHER_CODES = ["02G", "06C", "10F", "10B", "06D", "02B", "04A", "09C"];

export function makeFixtureCity(o: FixtureOptions): CityData {
  const rand = rng(o.seed);
  const normal = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const from = Date.parse(`${o.from}T00:00:00Z`) / 86_400_000;
  const to = Date.parse(`${o.to}T00:00:00Z`) / 86_400_000;
  const nClusters = o.clusters ?? Math.max(3, Math.round(o.restaurants / 400));
  const cx: number[] = [];
  const cy: number[] = [];
  const heat: number[] = [];
  for (let c = 0; c < nClusters; c++) {
    cx.push((rand() - 0.5) * 16);
    cy.push((rand() - 0.5) * 16);
    heat.push(0.3 + 1.7 * rand());
  }
  const inspections: InspectionRecord[] = [];
  const rx = new Float64Array(o.restaurants);
  const ry = new Float64Array(o.restaurants);
  for (let r = 0; r < o.restaurants; r++) {
    const c = Math.floor(rand() * nClusters);
    rx[r] = cx[c] + normal() * 0.6;
    ry[r] = cy[c] + normal() * 0.6;
    const camis = String(40_000_000 + r);
    const boro = BOROUGHS[c % BOROUGHS.length];
    const cuisine = CUISINES[Math.floor(rand() * CUISINES.length)];
    const lat = Math.round(latOfMilesY(ry[r]) * 1e6) / 1e6;
    const lon = Math.round(lonOfMilesX(rx[r]) * 1e6) / 1e6;
    const risk = heat[c] * (0.3 + rand());
    const base = (day: number, type: string, action: string) => ({
      camis,
      dba: `FIXTURE ${r}`,
      boro,
      building: String(1 + (r % 300)),
      street: "TEST STREET",
      zipcode: "10001",
      cuisine,
      inspectionDate: isoOfDay(day),
      action,
      inspectionType: type,
      latitude: lat,
      longitude: lon,
      recordDate: o.to,
    });
    // Some restaurants open during the period, a few never get inspected (placeholder rows).
    let day = rand() < 0.3 ? from + Math.floor(rand() * (to - from)) : from + Math.floor(rand() * 200);
    if (rand() < 0.02) {
      inspections.push({
        ...base(-25567, "", ""),
        violationCode: null,
        violationDescription: "",
        criticalFlag: "Not Applicable",
        score: null,
        grade: null,
        gradeDate: null,
      });
      continue;
    }
    let type = TYPES.pre;
    while (day <= to) {
      const rodent = rand() < 0.06 * risk;
      const codes: string[] = [];
      if (rodent) codes.push(rand() < 0.3 ? "04K" : "04L");
      if (rand() < 0.08 * risk) codes.push("08A");
      if (rand() < 0.05) codes.push("04M");
      const nOther = Math.floor(rand() * 4);
      for (let k = 0; k < nOther; k++) codes.push(OTHER_CODES[Math.floor(rand() * OTHER_CODES.length)]);
      const score = codes.length * 5 + Math.floor(rand() * 5);
      const gradeOk = type !== TYPES.admin;
      const grade = !gradeOk ? null : score < 14 ? "A" : score < 28 ? "B" : "C";
      const action = codes.length
        ? rodent && rand() < 0.2
          ? "Establishment Closed by DOHMH. Violations were cited in the following area(s) and those requiring immediate action were addressed."
          : "Violations were cited in the following area(s)."
        : "No violations were recorded at the time of this inspection.";
      const rows = codes.length ? [...new Set(codes)] : [null];
      for (const code of rows) {
        inspections.push({
          ...base(day, type, action),
          violationCode: code,
          violationDescription: code ? `violation ${code}` : "",
          criticalFlag: code ? (code.startsWith("04") || code.startsWith("02") ? "Critical" : "Not Critical") : "",
          score: gradeOk ? score : null,
          grade,
          gradeDate: grade ? isoOfDay(day) : null,
        });
      }
      if (rand() < 0.05) {
        // an administrative visit the same day: history, never an example
        inspections.push({
          ...base(day, TYPES.admin, "Violations were cited in the following area(s)."),
          violationCode: "20-06",
          violationDescription: "admin",
          criticalFlag: "Not Critical",
          score: null,
          grade: null,
          gradeDate: null,
        });
      }
      if (score >= 14 && type !== TYPES.re) {
        type = TYPES.re;
        day += 7 + Math.floor(rand() * 30);
      } else {
        type = TYPES.cycle;
        day += 150 + Math.floor(rand() * 300);
      }
    }
  }

  const ratSightings: RatSightingRecord[] = [];
  for (let i = 0; i < o.sightings; i++) {
    const r = Math.floor(rand() * o.restaurants);
    const x = rx[r] + normal() * 0.4;
    const y = ry[r] + normal() * 0.4;
    const day = from + Math.floor(rand() * (to - from + 1));
    const hh = String(Math.floor(rand() * 24)).padStart(2, "0");
    ratSightings.push({
      uniqueKey: String(10_000_000 + i),
      createdDate: `${isoOfDay(day)}T${hh}:15:00`,
      borough: null,
      incidentZip: "10001",
      locationType: "3+ Family Apt. Building",
      latitude: rand() < 0.01 ? null : Math.round(latOfMilesY(y) * 1e6) / 1e6,
      longitude: Math.round(lonOfMilesX(x) * 1e6) / 1e6,
    });
  }

  const weather: WeatherRecord[] = [];
  for (let d = from - 400; d <= to; d++) {
    if (rand() < 0.01) continue; // a few missing days, like real station data
    const season = Math.cos((2 * Math.PI * (d - 200)) / 365.25);
    const tmax = Math.round(62 + 22 * season + normal() * 6);
    weather.push({
      date: isoOfDay(d),
      tmax,
      tmin: tmax - 15,
      prcp: rand() < 0.7 ? 0 : Math.round(rand() * 150) / 100,
    });
  }
  return { inspections, ratSightings, weather };
}
