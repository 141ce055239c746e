// The second city's 311 rat sightings: each day, per neighbourhood, a Poisson number of rat EVENTS with mean ∝
// pressure × people × the borough's reporting propensity × a weekday factor; each event is reported by 1 +
// Geometric callers (mean 1.7 reports: neighbours call about the same rat), on the same day within ~150 m. So
// counts are over-dispersed (variance ≈ 2.4 × mean), unlike the first generator's pure Poisson stream.
import { BOROUGHS } from "../../src/data/records.js";
import { Rand } from "./rng.js";
import { HOODS, type World } from "./world.js";

export interface Sighting {
  key: number;
  day: number;
  /** seconds after midnight */
  sec: number;
  borough: number;
  lat: number;
  lon: number;
  zip: string;
}

/** Yearly reports at scale 1 in 2015 before growth: a bit above the first city's 15.5k. */
const YEARLY = 17_000;
const MEAN_CLUSTER = 1.7;
const WEEKDAY = [0.8, 1.08, 1.1, 1.06, 1.04, 1.0, 0.78]; // Sun..Sat

export function* sightings(world: World, opts: { seed: number; scale: number }): Generator<Sighting> {
  const { from, to } = world.opts;
  const people = HOODS.map((h) => h.people);
  const totalPeople = people.reduce((s, p) => s + p, 0);
  let key = 40_000_000;
  for (let d = from; d <= to; d++) {
    const r = new Rand("city2-311", opts.seed, d);
    const wd = WEEKDAY[(((d + 4) % 7) + 7) % 7];
    for (let h = 0; h < HOODS.length; h++) {
      const hood = HOODS[h];
      const mean =
        (opts.scale *
          YEARLY *
          (people[h] / totalPeople) *
          world.pressure(h, d) *
          world.reporting(hood.borough, d) *
          wd) /
        365.25 /
        MEAN_CLUSTER;
      const events = r.poisson(mean);
      for (let e = 0; e < events; e++) {
        const lat0 = hood.lat + (hood.km * 1.4 * r.normal()) / 111;
        const lon0 = hood.lon + (hood.km * 1.4 * r.normal()) / 84.3;
        const callers = 1 + r.geometric(1 / MEAN_CLUSTER);
        const sec0 = r.int(6 * 3600, 22 * 3600);
        for (let c = 0; c < callers; c++) {
          key += r.int(1, 40);
          yield {
            key,
            day: d,
            sec: Math.min(86_399, sec0 + c * r.int(60, 7200)),
            borough: hood.borough,
            lat: clamp(lat0 + (0.15 * r.normal()) / 111, 40.48, 40.92),
            lon: clamp(lon0 + (0.15 * r.normal()) / 84.3, -74.26, -73.69),
            zip: hood.zip,
          };
        }
      }
    }
  }
}

function clamp(v: number, lo: number, hi: number) {
  return Math.max(lo, Math.min(hi, v));
}

export const BOROUGH_NAMES = BOROUGHS.map((b) => b.toUpperCase());
