// 311 rat sightings as an inhomogeneous Poisson process over space and time, drawn by thinning: each day a Poisson
// number of candidate points is placed around real 311 locations (the candidate density is the field's D(x)), and
// each candidate is kept with probability ∝ P(x, t) · R(x) / D(x). The citywide daily mean follows the real monthly
// and weekday shape of 311 counts (via the field's season and a weekday factor) at a yearly level of 15–20k at
// scale 1; the reporting-surge scenario doubles reporting without touching pressure.
import { BOROUGHS, NYC_BBOX } from "../records.js";
import { csvField, type GzCsvWriter } from "./csv-out.js";
import { dayTimeToUs, dayToYmd, weekday } from "./dates.js";
import { drawBuilding } from "./names.js";
import type { PressureField } from "./pressure.js";
import { AliasTable, Rng } from "./prng.js";
import type { Reference } from "./reference.js";

export const SIGHTINGS_HEADER =
  "Unique Key,Created Date,Closed Date,Agency,Agency Name,Complaint Type,Descriptor,Location Type,Incident Zip," +
  "Incident Address,Street Name,Cross Street 1,Cross Street 2,Intersection Street 1,Intersection Street 2," +
  "Address Type,City,Landmark,Facility Type,Status,Due Date,Resolution Description," +
  "Resolution Action Updated Date,Community Board,BBL,Borough,X Coordinate (State Plane)," +
  "Y Coordinate (State Plane),Open Data Channel Type,Park Facility Name,Park Borough,Vehicle Type," +
  "Taxi Company Borough,Taxi Pick Up Location,Bridge Highway Name,Bridge Highway Direction,Road Ramp," +
  "Bridge Highway Segment,Latitude,Longitude,Location";

const M_PER_DEG_LAT = 111_000;
const M_PER_DEG_LON = 84_300;
const JITTER_M = 400;
/** Share of candidates placed around real restaurant (rather than 311) locations, as in the density grid. */
const RESTAURANT_SHARE = 0.2;
const RESOLUTION =
  "The Department of Health and Mental Hygiene will review your complaint to determine appropriate action.  " +
  "Complaints of this type usually result in an inspection.  Please call 311 in 30 days from the date of your complaint for status";

/** Citywide sightings per year at scale 1: 15.5k in 2015, rising 2.5 %/yr (smooth; the real 2021 jump is left out). */
export function yearlyLevel(year: number): number {
  return Math.max(8_000, Math.min(22_000, 15_500 * 1.025 ** (year - 2015)));
}

export interface SightingStats {
  sightings: number;
  byBorough: Record<string, number>;
}

interface Candidate {
  lat: number;
  lon: number;
  boro: number;
  zip: string;
  street: string;
  city: string;
  cb: string;
}

const CITY_OF = ["NEW YORK", "BRONX", "BROOKLYN", "", "STATEN ISLAND"];

export async function writeSightings(
  ref: Reference,
  field: PressureField,
  opts: { seed: number; from: number; to: number; scale: number; recordDay: number },
  out: GzCsvWriter,
): Promise<SightingStats> {
  const stats: SightingStats = { sightings: 0, byBorough: Object.fromEntries(BOROUGHS.map((b) => [b, 0])) };
  const locTable = new AliasTable(ref.locationTypes.weights.length ? ref.locationTypes.weights : [1]);
  const locLabels = ref.locationTypes.labels.length ? ref.locationTypes.labels : ["Other (Explain Below)"];

  const candidate = (rng: Rng): Candidate => {
    let c: Candidate;
    if (rng.next() < RESTAURANT_SHARE) {
      const a = ref.restaurants[Math.floor(rng.next() * ref.restaurants.length)];
      c = { lat: a.lat, lon: a.lon, boro: a.boro, zip: a.zip, street: a.street, city: CITY_OF[a.boro], cb: "" };
    } else {
      const a = ref.sightings[Math.floor(rng.next() * ref.sightings.length)];
      c = { lat: a.lat, lon: a.lon, boro: a.boro, zip: a.zip, street: a.street, city: a.city, cb: a.communityBoard };
    }
    c.lat = clamp(c.lat + (JITTER_M * rng.normal()) / M_PER_DEG_LAT, NYC_BBOX.minLat + 1e-4, NYC_BBOX.maxLat - 1e-4);
    c.lon = clamp(c.lon + (JITTER_M * rng.normal()) / M_PER_DEG_LON, NYC_BBOX.minLon + 1e-4, NYC_BBOX.maxLon - 1e-4);
    return c;
  };
  const rawAccept = (c: Candidate, day: number) =>
    (field.spatial(c.lat, c.lon, c.boro, day) * field.reporting(c.lat, c.lon, c.boro)) / field.density(c.lat, c.lon);

  // Normalizer: mean and a high quantile of the raw acceptance at the start, without any scenario change.
  const calRng = Rng.stream(opts.seed, 0xca1);
  const cal = new Float64Array(20_000);
  for (let i = 0; i < cal.length; i++) {
    const c = candidate(calRng);
    cal[i] =
      (field.spatial(c.lat, c.lon, c.boro, opts.from) / field.scenarioFactor(c.boro, opts.from)) *
      (field.reporting(c.lat, c.lon, c.boro) / field.density(c.lat, c.lon));
  }
  const sorted = Float64Array.from(cal).sort();
  const maxA = sorted[Math.floor(0.995 * sorted.length)];
  let meanA = 0;
  for (const v of cal) meanA += Math.min(1, v / maxA);
  meanA /= cal.length;

  const keyRng = Rng.stream(opts.seed, 0x4e7);
  let key = 29_000_000 + Math.max(0, Math.round((opts.from - 16_436) * 8_000)); // 16436 = 2015-01-01
  key = Math.min(key, 60_000_000);
  const keyGap = Math.max(0, Math.floor(299 / Math.max(1, opts.scale)));
  const day: { sec: number; line: string }[] = [];
  for (let d = opts.from; d <= opts.to; d++) {
    const rng = Rng.stream(opts.seed, 0x5177, d);
    const { y } = dayToYmd(d);
    const mean = (opts.scale * yearlyLevel(y) * field.temporal(d) * ref.weekdayShape[weekday(d)]) / 365.25 / meanA;
    // Reporting × F: independent streams (pass 0 is the usual one), each report of pass p kept with probability
    // min(1, F − p), decided by a stream of its own. Only sightings change: inspections and truth draw elsewhere.
    const factor = field.reportingTime(d);
    const passes = Math.ceil(factor);
    const keepRng = factor === 1 ? null : Rng.stream(opts.seed, 0x5179, d);
    day.length = 0;
    for (let pass = 0; pass < passes; pass++) {
      const r = pass === 0 ? rng : Rng.stream(opts.seed, 0x5178, d, pass);
      const keep = Math.min(1, factor - pass);
      const n = r.poisson(mean);
      for (let i = 0; i < n; i++) {
        const c = candidate(r);
        if (r.next() >= Math.min(1, rawAccept(c, d) / maxA)) continue;
        if (keepRng && keepRng.next() >= keep) continue;
        // Older 311 DOHMH rows are mostly stamped at midnight; the rest carry the call time.
        const sec = r.next() < 0.55 ? 0 : r.int(6 * 3600, 23 * 3600);
        day.push({ sec, line: formatRow(r, c, d, sec, opts.recordDay, locLabels[locTable.draw(r)]) });
        stats.byBorough[BOROUGHS[c.boro]]++;
      }
    }
    day.sort((a, b) => a.sec - b.sec);
    for (const s of day) {
      // Gaps stand for the other 311 requests in between (fewer per rat report at larger scales).
      key += 1 + keyRng.int(0, keyGap);
      out.line(`${key},${s.line}`);
      stats.sightings++;
    }
    await out.maybeFlush();
  }
  return stats;
}

function formatRow(rng: Rng, c: Candidate, d: number, sec: number, recordDay: number, locType: string): string {
  const created = dayTimeToUs(d, sec);
  const closedDay = d + rng.int(1, 30);
  const closed = closedDay <= recordDay;
  const closedAt = closed ? dayTimeToUs(closedDay, rng.int(0, 86_399)) : "";
  const status = closed ? "Closed" : rng.next() < 0.6 ? "Pending" : "Assigned";
  const due = dayTimeToUs(d + 30, sec);
  const boroU = BOROUGHS[c.boro].toUpperCase();
  const street = c.street || "BROADWAY";
  const building = drawBuilding(rng, c.boro);
  const addressType = rng.next() < 0.28 ? "LATLONG" : "ADDRESS";
  const x = Math.round(21520781.76 + 277351.5695 * c.lon - 307.807 * c.lat);
  const y = Math.round(-14616139.11 + 210.0083 * c.lon + 364274.875 * c.lat);
  const bbl = `${c.boro + 1}${String(rng.int(1, 16000)).padStart(5, "0")}${String(rng.int(1, 200)).padStart(4, "0")}`;
  const u = rng.next();
  const channel = u < 0.53 ? "PHONE" : u < 0.81 ? "MOBILE" : "ONLINE";
  // As in the real export, a few reports (intersections, parks) were never geocoded; some have no borough either.
  const g = rng.next();
  const geocoded = g >= 0.007;
  const latS = geocoded ? c.lat.toFixed(9) : "";
  const lonS = geocoded ? c.lon.toFixed(9) : "";
  const boroOut = g < 0.0025 ? "Unspecified" : boroU;
  const cb = g < 0.0025 ? "0 Unspecified" : c.cb || `Unspecified ${boroU}`;
  return [
    created,
    closedAt,
    "DOHMH",
    "Department of Health and Mental Hygiene",
    "Rodent",
    "Rat Sighting",
    csvField(locType),
    c.zip,
    csvField(`${building} ${street}`),
    csvField(street),
    "",
    "",
    "",
    "",
    addressType,
    csvField(c.city || boroU),
    "",
    "N/A",
    status,
    due,
    csvField(RESOLUTION),
    closedAt,
    cb,
    geocoded ? bbl : "",
    boroOut,
    geocoded ? String(x) : "",
    geocoded ? String(y) : "",
    channel,
    "Unspecified",
    boroOut,
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    latS,
    lonS,
    geocoded ? `"(${latS}, ${lonS})"` : "",
  ].join(",");
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}
