// The second city's restaurants and inspections, on assumptions of its own:
//  - restaurants sit around hand-listed neighbourhood centres; they open as a Poisson stream and close after an
//    exponential lifetime (mean 8 years); each has a vulnerability v (log-normal) and a pest-control contract that
//    halves infestation and switches on or off now and then;
//  - infestation is a hidden two-state process: rats or mice move in at a rate ∝ the neighbourhood's pressure × v ×
//    contract, leave on their own at 0.6 a year, and an inspection finds an infestation with probability 0.85; a
//    finding is not always fixed (30 % stay). The truth P_TRUE is the exact filtered probability of a finding given
//    the past inspections' outcomes and the latent rates (a hidden-Markov filter, not a logistic score as in the
//    first city), so the oracle knows the latent rates but not the hidden state;
//  - DOHMH's inspection cycle (pre-permit, initial, re-inspection for 14+ points, grades A/B/C, next cycle by grade)
//    with gamma-distributed gaps; citations drawn from a small set of real codes and points.
import { BOROUGHS } from "../../src/data/records.js";
import { Rand } from "./rng.js";
import { HOODS, type World } from "./world.js";

export const INSPECTION_COLUMNS = [
  "CAMIS",
  "DBA",
  "BORO",
  "BUILDING",
  "STREET",
  "ZIPCODE",
  "CUISINE DESCRIPTION",
  "INSPECTION DATE",
  "ACTION",
  "VIOLATION CODE",
  "VIOLATION DESCRIPTION",
  "CRITICAL FLAG",
  "SCORE",
  "GRADE",
  "GRADE DATE",
  "RECORD DATE",
  "INSPECTION TYPE",
  "Latitude",
  "Longitude",
];

const CUISINES = [
  "American",
  "Chinese",
  "Pizza",
  "Coffee/Tea",
  "Italian",
  "Mexican",
  "Latin American",
  "Bakery Products/Desserts",
  "Caribbean",
  "Japanese",
  "Spanish",
  "Chicken",
  "Indian",
  "Korean",
  "Donuts",
  "Thai",
];
/** Cuisine effect on vulnerability (kitchens differ): a small multiplier. */
const CUISINE_V = [1, 1.25, 1.1, 0.85, 1, 1.15, 1.1, 0.95, 1.2, 0.9, 1.05, 1.15, 1.1, 1, 0.9, 1.05];

interface Citation {
  code: string;
  text: string;
  critical: boolean;
  points: number;
}
const C = (code: string, text: string, critical: boolean, points: number): Citation => ({
  code,
  text,
  critical,
  points,
});
const RATS = C("04K", "Evidence of rats or live rats in establishment's food or non-food areas.", true, 5);
const MICE = C("04L", "Evidence of mice or live mice in establishment's food or non-food areas.", true, 5);
const ROACHES = C("04M", "Live roaches in facility's food or non-food area.", true, 5);
const FLIES = C("04N", "Filth flies or food/refuse/sewage associated with (FRSA) flies present.", true, 5);
const HARBORAGE = C(
  "08A",
  "Establishment is not free of harborage or conditions conducive to rodents, insects or other pests.",
  false,
  2,
);
const GARBAGE = C(
  "08B",
  "Covered garbage receptacle not provided or inadequate, except that garbage receptacle may be uncovered during active use.",
  false,
  2,
);
const PESTICIDE = C("08C", "Pesticide use not in accordance with label or applicable laws.", false, 2);
const GENERIC = [
  C("10F", "Non-food contact surface improperly constructed. Unacceptable material used.", false, 2),
  C(
    "06C",
    "Food not protected from potential source of contamination during storage, preparation, transportation, display or service.",
    true,
    5,
  ),
  C(
    "02G",
    "Cold food item held above 41º F (smoked fish and reduced oxygen packaged foods above 38 ºF) except during necessary preparation.",
    true,
    7,
  ),
  C(
    "06D",
    "Food contact surface not properly washed, rinsed and sanitized after each use and following any activity when contamination may have occurred.",
    true,
    5,
  ),
  C(
    "10B",
    "Plumbing not properly installed or maintained; anti-siphonage or backflow prevention device not provided where required.",
    false,
    2,
  ),
  C(
    "04H",
    "Raw, cooked or prepared food is adulterated, contaminated, cross-contaminated, or not discarded in accordance with HACCP plan.",
    true,
    5,
  ),
];

export interface InspectionRow {
  camis: string;
  day: number;
  type: string;
  pTrue: number;
  found: boolean;
  lines: string[];
}

const DETECT = 0.85;
const LEAVE = 0.6; // per year
const STAY_AFTER_FINDING = 0.3;
/** Infestation arrival per year at pressure 1, v 1, no contract: ~12 % of sanitary inspections find rodents. */
const BASE_RATE = 0.23;

function iso(d: number): string {
  return new Date(d * 86_400_000).toISOString().slice(0, 10);
}
const csv = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export interface RestaurantOptions {
  seed: number;
  scale: number;
  recordDay: number;
}

/**
 * Every restaurant's inspections over the world's range, streamed restaurant by restaurant to `emit` (rows of the
 * inspections export and the truth). Restaurants open at `from` get their first written inspection within their
 * first year, as if the export had just started.
 */
export function* restaurants(world: World, opts: RestaurantOptions): Generator<InspectionRow> {
  const { from, to } = world.opts;
  const r0 = new Rand("city2-restaurants", opts.seed);
  const weights = HOODS.map((h) => h.restaurants);
  const total = weights.reduce((s, w) => s + w, 0);
  const active = Math.round(27_000 * opts.scale);
  const lifetime = 8 * 365.25;
  // Open at `from`: `active` restaurants; then arrivals balance closures.
  const arrivalsPerDay = active / lifetime;
  let camis = 60_000_000;
  const starts: number[] = [];
  for (let i = 0; i < active; i++) starts.push(from - Math.floor(r0.u() * 2000) - 1);
  for (let d = from; d <= to; d++) {
    const k = r0.poisson(arrivalsPerDay);
    for (let i = 0; i < k; i++) starts.push(d);
  }
  for (const opened of starts) {
    camis += r0.int(1, 97);
    const r = new Rand("city2-restaurant", opts.seed, camis);
    const hood = r.weighted(weights, total);
    const h = HOODS[hood];
    const lat = h.lat + (h.km * r.normal()) / 111;
    const lon = h.lon + (h.km * r.normal()) / 84.3;
    const cuisine = r.int(0, CUISINES.length - 1);
    const v = Math.exp(0.7 * r.normal()) * CUISINE_V[cuisine];
    let contract = r.u() < 0.4;
    const closes = opened + Math.floor(-Math.log(1 - r.u()) * lifetime);
    const name = `${["Golden", "Lucky", "Blue", "Corner", "Little", "Royal", "Happy", "Urban"][r.int(0, 7)]} ${CUISINES[cuisine].split(/[ /]/)[0]} ${camis % 1000}`;
    const building = String(r.int(1, 2400));
    const street = `${["BROADWAY", "MAIN STREET", "1 AVENUE", "5 AVENUE", "ATLANTIC AVENUE", "JAMAICA AVENUE", "GRAND STREET", "VICTORY BOULEVARD"][r.int(0, 7)]}`;
    const fixed = [String(camis), csv(name), BOROUGHS[h.borough], building, csv(street), h.zip, csv(CUISINES[cuisine])];
    // First written inspection: a pre-permit one a month after opening, or within the first year for those open
    // before the export starts.
    let day = opened >= from ? opened + r.int(20, 60) : from + r.int(0, 364);
    let type =
      opened >= from ? "Pre-permit (Operational) / Initial Inspection" : "Cycle Inspection / Initial Inspection";
    let p0 = opened >= from ? 0 : 0.15; // infestation probability after the last inspection
    let last = opened >= from ? opened : day - 365;
    while (day <= to && day < closes) {
      if (r.u() < 0.15 * ((day - last) / 365)) contract = !contract;
      // Mean infestation arrival rate over the interval (pressure sampled at three days).
      const mid = Math.floor((last + day) / 2);
      const press = (world.pressure(hood, last) + world.pressure(hood, mid) + world.pressure(hood, day)) / 3;
      const a = BASE_RATE * press * v * (contract ? 0.5 : 1);
      const k = a + LEAVE;
      const q = a / k + (p0 - a / k) * Math.exp((-k * (day - last)) / 365.25);
      const pTrue = DETECT * q;
      const found = r.u() < pTrue;
      p0 = found ? STAY_AFTER_FINDING : (q * (1 - DETECT)) / (1 - DETECT * q);
      const cites: Citation[] = [];
      if (found) cites.push(r.u() < 0.35 ? RATS : MICE);
      const hyg = Math.sqrt(v);
      if (r.u() < Math.min(0.6, 0.09 * hyg * world.season(h.borough, day))) cites.push(r.u() < 0.5 ? ROACHES : FLIES);
      if (r.u() < Math.min(0.8, 0.22 * v ** 0.7 * (found ? 1.8 : 1))) cites.push(HARBORAGE);
      if (r.u() < 0.1 * hyg) cites.push(GARBAGE);
      if (r.u() < (contract ? 0.02 : 0.06)) cites.push(PESTICIDE);
      const generic = r.poisson(1.6 * hyg);
      const pool = [...GENERIC];
      for (let g = 0; g < generic && pool.length; g++) cites.push(pool.splice(r.int(0, pool.length - 1), 1)[0]);
      let score = 0;
      for (const c of cites) score += c.points + r.int(0, 3);
      score = Math.min(120, score);
      const reinspection = type.endsWith("Re-inspection");
      const grade = reinspection || score < 14 ? (score < 14 ? "A" : score < 28 ? "B" : "C") : "";
      const date = iso(day);
      const common = (c: Citation | null) =>
        [
          ...fixed,
          date,
          c
            ? "Violations were cited in the following area(s)."
            : "No violations were recorded at the time of this inspection.",
          c?.code ?? "",
          csv(c?.text ?? ""),
          c ? (c.critical ? "Critical" : "Not Critical") : "Not Applicable",
          String(score),
          grade,
          grade ? date : "",
          iso(opts.recordDay),
          type,
          lat.toFixed(6),
          lon.toFixed(6),
        ].join(",");
      yield {
        camis: String(camis),
        day,
        type,
        pTrue,
        found,
        lines: cites.length ? cites.map(common) : [common(null)],
      };
      last = day;
      const programme = type.startsWith("Pre-permit") ? "Pre-permit (Operational)" : "Cycle Inspection";
      if (!reinspection && score >= 14) {
        day += r.int(14, 45);
        type = `${programme} / Re-inspection`;
      } else {
        const g = grade || "B";
        const mean = g === "A" ? 360 : g === "B" ? 180 : 120;
        day += Math.max(60, Math.round(r.gamma(9, mean / 9)));
        type = "Cycle Inspection / Initial Inspection";
      }
    }
  }
}
