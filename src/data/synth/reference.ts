// The real NYC files that calibrate the synthetic city: where restaurants and rat sightings are, which cuisines,
// streets and zip codes, the citywide seasonal and weekday shape of 311 rat reports, and Central Park weather.
// Read once per run (all small); nothing here is written to the output as-is except real weather values.
import { readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { RodentError } from "../../errors.js";
import { BOROUGHS, NYC_BBOX } from "../records.js";
import { isoToDay, weekday } from "./dates.js";

/** A real restaurant location: the template a synthetic restaurant is jittered around. */
export interface RestaurantAnchor {
  lat: number;
  lon: number;
  boro: number; // index in BOROUGHS
  zip: string;
  street: string;
  cuisine: string; // may be "" (never-inspected rows carry none)
  communityBoard: string;
  councilDistrict: string;
  censusTract: string;
  nta: string;
}

/** A real 311 rat-sighting location. */
export interface SightingAnchor {
  lat: number;
  lon: number;
  boro: number;
  zip: string;
  street: string;
  city: string;
  communityBoard: string;
}

export interface WeatherDay {
  prcp: number;
  snow: number;
  snwd: number;
  tmin: number;
  tmax: number;
}

export interface Reference {
  restaurants: RestaurantAnchor[];
  sightings: SightingAnchor[];
  /** Cuisine labels and weights per borough (from the sample's distinct restaurants). */
  cuisines: { labels: string[]; weights: number[] }[];
  /** 311 location types and their weights. */
  locationTypes: { labels: string[]; weights: number[] };
  /** Relative citywide sightings per month (index 0 = January), mean 1. */
  monthShape: Float64Array;
  /** Relative sightings per weekday (0 = Monday), mean 1. */
  weekdayShape: Float64Array;
  /** Mean yearly sightings for the covered years, used for the overall level. */
  yearlyLevel: Map<number, number>;
  /** Central Park daily weather by day number. */
  weather: Map<number, WeatherDay>;
  firstWeatherDay: number;
  lastWeatherDay: number;
}

function readGz(file: string): string {
  try {
    const buf = readFileSync(file);
    return (file.endsWith(".gz") ? gunzipSync(buf) : buf).toString("utf8");
  } catch (e) {
    throw new RodentError(
      "RODENT_ERR_NOT_FOUND",
      `synthetic NYC calibration file ${file} could not be read (set RODENT_DATA_DIR to the folder holding nyc/)`,
      { file },
      { cause: e },
    );
  }
}

/** RFC 4180 CSV → records keyed by header (small reference files; much faster than a general parser here). */
function rows(text: string): Record<string, string>[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const table: string[][] = [];
  let row: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    let field: string;
    if (text[i] === '"') {
      let j = i + 1;
      let out = "";
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) {
          out += text.slice(j);
          j = n;
          break;
        }
        out += text.slice(j, q);
        if (text[q + 1] === '"') {
          out += '"';
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
      field = out;
      i = j;
    } else {
      let j = i;
      while (j < n && text[j] !== "," && text[j] !== "\n" && text[j] !== "\r") j++;
      field = text.slice(i, j);
      i = j;
    }
    row.push(field);
    if (text[i] === ",") i++;
    else {
      if (text[i] === "\r") i++;
      if (text[i] === "\n") i++;
      if (row.length > 1 || row[0] !== "") table.push(row);
      row = [];
    }
  }
  if (row.length) table.push(row);
  const head = table[0] ?? [];
  const out: Record<string, string>[] = [];
  for (let r = 1; r < table.length; r++) {
    const rec: Record<string, string> = {};
    for (let c = 0; c < head.length; c++) rec[head[c]] = table[r][c] ?? "";
    out.push(rec);
  }
  return out;
}

const inBox = (lat: number, lon: number) =>
  Number.isFinite(lat) &&
  Number.isFinite(lon) &&
  lat >= NYC_BBOX.minLat &&
  lat <= NYC_BBOX.maxLat &&
  lon >= NYC_BBOX.minLon &&
  lon <= NYC_BBOX.maxLon;

function boroIndex(name: string): number {
  const n = name.trim().toLowerCase();
  return BOROUGHS.findIndex((b) => b.toLowerCase() === n);
}

export function loadReference(dataDir: string): Reference {
  const nyc = path.join(dataDir, "nyc");

  // Restaurants: one anchor per distinct CAMIS with usable coordinates and borough.
  const insp = rows(readGz(path.join(nyc, "inspections", "inspections_sample_5000.csv.gz")));
  const seen = new Set<string>();
  const restaurants: RestaurantAnchor[] = [];
  const cuisineCounts = BOROUGHS.map(() => new Map<string, number>());
  for (const r of insp) {
    const lat = Number(r.Latitude);
    const lon = Number(r.Longitude);
    const boro = boroIndex(r.BORO ?? "");
    if (boro < 0 || !inBox(lat, lon) || !/^\d{5}$/.test(r.ZIPCODE ?? "") || !r.STREET) continue;
    if (seen.has(r.CAMIS)) continue;
    seen.add(r.CAMIS);
    const cuisine = (r["CUISINE DESCRIPTION"] ?? "").trim();
    if (cuisine) cuisineCounts[boro].set(cuisine, (cuisineCounts[boro].get(cuisine) ?? 0) + 1);
    restaurants.push({
      lat,
      lon,
      boro,
      zip: r.ZIPCODE,
      street: r.STREET.trim().toUpperCase(),
      cuisine,
      communityBoard: r["Community Board"] ?? "",
      councilDistrict: r["Council District"] ?? "",
      censusTract: r["Census Tract"] ?? "",
      nta: r.NTA ?? "",
    });
  }
  if (restaurants.length < 100) {
    throw new RodentError("RODENT_ERR_FILE_FORMAT", `inspections sample under ${nyc} has too few usable restaurants`);
  }
  const cuisines = cuisineCounts.map((m) => {
    const entries = [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    return { labels: entries.map((e) => e[0]), weights: entries.map((e) => e[1]) };
  });

  // Rat sightings: the 2018 CSV and the 2020 GeoJSON, both real 311 rows.
  const sightings: SightingAnchor[] = [];
  const locTypes = new Map<string, number>();
  const addSighting = (p: Record<string, unknown>, lat: number, lon: number) => {
    const boro = boroIndex(String(p.Borough ?? ""));
    if (boro < 0 || !inBox(lat, lon)) return;
    const zip = String(p["Incident Zip"] ?? "");
    if (!/^\d{5}$/.test(zip)) return;
    const lt = String(p["Location Type"] ?? "").trim();
    if (lt) locTypes.set(lt, (locTypes.get(lt) ?? 0) + 1);
    sightings.push({
      lat,
      lon,
      boro,
      zip,
      street: String(p["Street Name"] ?? "")
        .trim()
        .replace(/\s+/g, " "),
      city: String(p.City ?? "").trim(),
      communityBoard: String(p["Community Board"] ?? ""),
    });
  };
  for (const r of rows(readGz(path.join(nyc, "rat-sightings", "rat_sightings_2018-09-01_2018-10-22.csv.gz")))) {
    addSighting(r, Number(r.Latitude), Number(r.Longitude));
  }
  const geo = JSON.parse(readGz(path.join(nyc, "rat-sightings", "rat_sightings_2020-11-01_2020-12-14.geojson.gz")));
  for (const f of geo.features ?? []) {
    const c = f?.geometry?.coordinates;
    if (Array.isArray(c)) addSighting(f.properties ?? {}, Number(c[1]), Number(c[0]));
  }
  const lt = [...locTypes.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));

  // Citywide daily counts: month and weekday shape, yearly level.
  const monthSum = new Float64Array(12);
  const monthDays = new Float64Array(12);
  const wdSum = new Float64Array(7);
  const wdDays = new Float64Array(7);
  const yearSum = new Map<number, number>();
  const yearDays = new Map<number, number>();
  for (const r of rows(readGz(path.join(nyc, "calibration", "rat_sightings_daily_counts_2010-2022.csv")))) {
    const m = /^(\d{1,2})\/(\d{1,2})\/(\d{2})$/.exec(r.day ?? "");
    const n = Number(r.rat_sightings);
    if (!m || !Number.isFinite(n)) continue;
    const y = 2000 + Number(m[3]);
    const day = isoToDay(`${y}-${m[1].padStart(2, "0")}-${m[2].padStart(2, "0")}`);
    if (!Number.isFinite(day)) continue;
    const mo = Number(m[1]) - 1;
    monthSum[mo] += n;
    monthDays[mo]++;
    wdSum[weekday(day)] += n;
    wdDays[weekday(day)]++;
    yearSum.set(y, (yearSum.get(y) ?? 0) + n);
    yearDays.set(y, (yearDays.get(y) ?? 0) + 1);
  }
  const monthShape = normalizeMean(monthSum.map((s, i) => s / Math.max(1, monthDays[i])));
  const weekdayShape = normalizeMean(wdSum.map((s, i) => s / Math.max(1, wdDays[i])));
  const yearlyLevel = new Map<number, number>();
  for (const [y, s] of yearSum) if ((yearDays.get(y) ?? 0) > 300) yearlyLevel.set(y, (s / yearDays.get(y)!) * 365.25);

  // Weather: the long Central Park series (complete, 1869..2022-12-29).
  const weather = new Map<number, WeatherDay>();
  let firstWeatherDay = Number.POSITIVE_INFINITY;
  let lastWeatherDay = Number.NEGATIVE_INFINITY;
  // 56k plain numeric rows: a split is much faster than a CSV parser here.
  const wText = readGz(path.join(nyc, "weather", "central_park_daily_1869-2022.csv.gz")).split(/\r?\n/);
  const wHead = wText[0].split(",");
  const wi = (n: string) => wHead.indexOf(n);
  const [iDate, iPrcp, iSnow, iSnwd, iTmin, iTmax] = ["DATE", "PRCP", "SNOW", "SNWD", "TMIN", "TMAX"].map(wi);
  if ([iDate, iPrcp, iTmin, iTmax].some((i) => i < 0)) {
    throw new RodentError("RODENT_ERR_FILE_FORMAT", `weather file under ${nyc}: expected DATE,PRCP,TMIN,TMAX columns`);
  }
  for (let k = 1; k < wText.length; k++) {
    if (!wText[k]) continue;
    const c = wText[k].split(",");
    const r = {
      DATE: c[iDate],
      PRCP: c[iPrcp],
      SNOW: c[iSnow] ?? "",
      SNWD: c[iSnwd] ?? "",
      TMIN: c[iTmin],
      TMAX: c[iTmax],
    };
    const day = isoToDay(r.DATE ?? "");
    const tmax = Number(r.TMAX);
    const tmin = Number(r.TMIN);
    if (!Number.isFinite(day) || r.TMAX === "" || r.TMIN === "" || !Number.isFinite(tmax) || !Number.isFinite(tmin))
      continue;
    weather.set(day, {
      prcp: Number(r.PRCP) || 0,
      snow: Number(r.SNOW) || 0,
      snwd: Number(r.SNWD) || 0,
      tmin,
      tmax,
    });
    if (day < firstWeatherDay) firstWeatherDay = day;
    if (day > lastWeatherDay) lastWeatherDay = day;
  }

  return {
    restaurants,
    sightings,
    cuisines,
    locationTypes: { labels: lt.map((e) => e[0]), weights: lt.map((e) => e[1]) },
    monthShape,
    weekdayShape,
    yearlyLevel,
    weather,
    firstWeatherDay,
    lastWeatherDay,
  };
}

function normalizeMean(a: Float64Array): Float64Array {
  let s = 0;
  for (const v of a) s += v;
  const m = s / a.length;
  return a.map((v) => v / m);
}
