// The second city's latent world: neighbourhoods instead of a continuous density field, rat pressure per
// neighbourhood (a log-normal level with a monthly AR(1) wander), seasons that differ by borough (amplitude and
// peak), a sinusoidal climate with AR(1) weather instead of Central Park's record, and 311 reporting that drifts
// per borough as a slow random walk. Everything here is an assumption the first generator does not make.
import { BOROUGHS } from "../../src/data/records.js";
import { parseScenario, pressureFactor, reportingFactor, type ScenarioSpec } from "../../src/data/synth/scenario.js";
import { Rand } from "./rng.js";

export interface Hood {
  name: string;
  borough: number;
  lat: number;
  lon: number;
  /** spread of places around the centre, km */
  km: number;
  /** relative weight of restaurants and of people (311 callers) */
  restaurants: number;
  people: number;
  zip: string;
}

// Centres of real neighbourhoods (approximate), hand-listed: restaurants and callers cluster around them.
const H = (
  name: string,
  borough: number,
  lat: number,
  lon: number,
  km: number,
  restaurants: number,
  people: number,
  zip: string,
): Hood => ({ name, borough, lat, lon, km, restaurants, people, zip });
export const HOODS: Hood[] = [
  H("Financial District", 0, 40.707, -74.009, 0.5, 5, 2, "10004"),
  H("Chinatown", 0, 40.716, -73.997, 0.4, 6, 4, "10013"),
  H("East Village", 0, 40.727, -73.984, 0.6, 8, 6, "10009"),
  H("SoHo", 0, 40.724, -74.0, 0.5, 6, 2, "10012"),
  H("Chelsea", 0, 40.746, -74.0, 0.7, 7, 4, "10011"),
  H("Midtown", 0, 40.755, -73.984, 0.8, 12, 3, "10036"),
  H("Upper East Side", 0, 40.773, -73.956, 0.9, 6, 8, "10021"),
  H("Upper West Side", 0, 40.787, -73.975, 0.9, 5, 8, "10024"),
  H("Harlem", 0, 40.811, -73.946, 0.9, 4, 9, "10027"),
  H("Washington Heights", 0, 40.843, -73.938, 0.9, 3, 8, "10033"),
  H("Mott Haven", 1, 40.809, -73.923, 0.9, 2, 7, "10454"),
  H("Hunts Point", 1, 40.816, -73.889, 0.8, 1, 3, "10474"),
  H("Fordham", 1, 40.861, -73.89, 1.0, 3, 9, "10458"),
  H("Parkchester", 1, 40.834, -73.856, 1.0, 2, 6, "10462"),
  H("Riverdale", 1, 40.89, -73.909, 1.0, 1, 3, "10471"),
  H("Pelham Bay", 1, 40.851, -73.829, 1.1, 1, 3, "10461"),
  H("Downtown Brooklyn", 2, 40.693, -73.99, 0.6, 5, 3, "11201"),
  H("Williamsburg", 2, 40.714, -73.957, 0.8, 6, 6, "11211"),
  H("Greenpoint", 2, 40.73, -73.951, 0.6, 3, 3, "11222"),
  H("Bushwick", 2, 40.694, -73.922, 0.9, 4, 8, "11237"),
  H("Park Slope", 2, 40.671, -73.981, 0.8, 4, 5, "11215"),
  H("Crown Heights", 2, 40.669, -73.944, 1.0, 3, 9, "11213"),
  H("Flatbush", 2, 40.641, -73.959, 1.0, 3, 9, "11226"),
  H("Sunset Park", 2, 40.645, -74.012, 0.9, 3, 5, "11220"),
  H("Bay Ridge", 2, 40.626, -74.03, 0.9, 3, 3, "11209"),
  H("Bensonhurst", 2, 40.604, -73.996, 1.0, 3, 4, "11214"),
  H("Brighton Beach", 2, 40.578, -73.961, 0.7, 2, 3, "11235"),
  H("East New York", 2, 40.666, -73.882, 1.1, 2, 7, "11207"),
  H("Long Island City", 3, 40.744, -73.949, 0.7, 3, 2, "11101"),
  H("Astoria", 3, 40.764, -73.923, 0.9, 5, 5, "11103"),
  H("Jackson Heights", 3, 40.755, -73.883, 0.8, 5, 6, "11372"),
  H("Flushing", 3, 40.759, -73.83, 0.9, 6, 5, "11354"),
  H("Forest Hills", 3, 40.718, -73.845, 0.9, 3, 3, "11375"),
  H("Ridgewood", 3, 40.704, -73.905, 0.8, 2, 4, "11385"),
  H("Richmond Hill", 3, 40.695, -73.826, 1.0, 2, 4, "11418"),
  H("Jamaica", 3, 40.702, -73.79, 1.1, 3, 6, "11432"),
  H("Bayside", 3, 40.764, -73.772, 1.2, 2, 2, "11361"),
  H("Rockaway", 3, 40.586, -73.815, 1.2, 1, 2, "11694"),
  H("St. George", 4, 40.643, -74.077, 0.8, 1, 1, "10301"),
  H("West Brighton", 4, 40.627, -74.11, 1.0, 1, 1, "10310"),
  H("New Dorp", 4, 40.573, -74.117, 1.2, 1, 1, "10306"),
  H("Great Kills", 4, 40.551, -74.151, 1.2, 0.6, 0.8, "10308"),
  H("Tottenville", 4, 40.512, -74.235, 1.2, 0.4, 0.5, "10307"),
];

export interface WorldOptions {
  seed: number;
  /** first and last day (day numbers) */
  from: number;
  to: number;
  scenario: string;
  scenarioStart: number;
}

const DAY0_2015 = 16436; // 2015-01-01

/** Normal daily high (°F) on day d: 62 ± 22, warmest around July 20. */
function climate(d: number): number {
  const doy = ((d % 365.25) + 365.25) % 365.25;
  return 62 + 22 * Math.cos((2 * Math.PI * (doy - 201)) / 365.25);
}

export class World {
  readonly spec: ScenarioSpec;
  /** per hood: log pressure level */
  private readonly level: Float64Array;
  /** per hood, per month since `from`: AR(1) wander of log pressure */
  private readonly wander: Float64Array[];
  private readonly seasonAmp = new Float64Array(BOROUGHS.length);
  private readonly seasonPeak = new Float64Array(BOROUGHS.length);
  /** per borough, per day: log reporting propensity (random walk) */
  private readonly reportWalk: Float64Array[];
  readonly tmax: Float64Array;
  readonly tmin: Float64Array;
  readonly prcp: Float64Array;
  /** 30-day mean TMAX anomaly per day (pressure reacts to it) */
  readonly anomaly30: Float64Array;
  readonly months: number;

  constructor(readonly opts: WorldOptions) {
    this.spec = parseScenario(opts.scenario);
    const r = new Rand("city2-world", opts.seed);
    this.level = Float64Array.from(HOODS, () => 0.45 * r.normal());
    this.months = Math.ceil((opts.to - opts.from + 1) / 30.44) + 2;
    this.wander = HOODS.map(() => {
      const w = new Float64Array(this.months);
      let x = 0.1 * r.normal();
      for (let m = 0; m < this.months; m++) {
        x = 0.93 * x + 0.06 * r.normal();
        w[m] = x;
      }
      return w;
    });
    for (let b = 0; b < BOROUGHS.length; b++) {
      this.seasonAmp[b] = r.range(0.22, 0.5);
      this.seasonPeak[b] = r.range(185, 225);
    }
    const days = opts.to - opts.from + 1;
    this.reportWalk = BOROUGHS.map(() => {
      const w = new Float64Array(days);
      let x = 0;
      const step = 0.07 / Math.sqrt(365);
      for (let d = 0; d < days; d++) {
        x += step * r.normal();
        w[d] = x;
      }
      return w;
    });
    // Climate: a sinusoid (62 °F mean, ±22 °F, warmest ~July 20) plus AR(1) anomalies; rain on a third of days.
    const wr = new Rand("city2-weather", opts.seed);
    this.tmax = new Float64Array(days + 30);
    this.tmin = new Float64Array(days + 30);
    this.prcp = new Float64Array(days + 30);
    let a = 0;
    for (let i = 0; i < days + 30; i++) {
      const d = opts.from - 30 + i;
      const clim = climate(d);
      a = 0.78 * a + 4.2 * wr.normal();
      let heat = 0;
      if (this.spec.kind === "heat-wave" && d >= opts.scenarioStart && d < opts.scenarioStart + 28) heat = 10;
      this.tmax[i] = Math.round(clim + a + heat);
      this.tmin[i] = Math.round(clim - 15 + 0.8 * a + heat);
      this.prcp[i] = wr.u() < 0.33 ? Math.round(wr.gamma(0.8, 0.38) * 100) / 100 : 0;
    }
    // The 30-day mean TMAX anomaly (against the sinusoid), which raises pressure in a warm month.
    const anom = Float64Array.from(this.tmax, (t, i) => t - climate(opts.from - 30 + i));
    this.anomaly30 = new Float64Array(days + 30);
    let s = 0;
    for (let i = 0; i < anom.length; i++) {
      s += anom[i] - (i >= 30 ? anom[i - 30] : 0);
      this.anomaly30[i] = s / Math.min(30, i + 1);
    }
  }

  /** index of day d in the weather arrays (which start 30 days before `from`) */
  wi(d: number): number {
    return Math.min(this.tmax.length - 1, Math.max(0, d - this.opts.from + 30));
  }

  season(borough: number, d: number): number {
    const doy = ((d % 365.25) + 365.25) % 365.25;
    return Math.exp(this.seasonAmp[borough] * Math.cos((2 * Math.PI * (doy - this.seasonPeak[borough])) / 365.25));
  }

  /** Rat pressure in a neighbourhood on a day (mean about 1 over hoods and the year). */
  pressure(hood: number, d: number): number {
    const b = HOODS[hood].borough;
    const m = Math.min(this.months - 1, Math.max(0, Math.floor((d - this.opts.from) / 30.44)));
    return (
      Math.exp(this.level[hood] + this.wander[hood][m] + 0.02 * this.anomaly30[this.wi(d)]) *
      this.season(b, d) *
      pressureFactor(this.spec, this.opts.scenarioStart, b, d)
    );
  }

  /** 311 reporting propensity of a borough on a day: slow drift per borough, 4 %/yr citywide growth. */
  reporting(borough: number, d: number): number {
    const i = Math.min(this.reportWalk[borough].length - 1, Math.max(0, d - this.opts.from));
    return (
      Math.exp(this.reportWalk[borough][i]) *
      1.04 ** ((d - DAY0_2015) / 365.25) *
      reportingFactor(this.spec, this.opts.scenarioStart, d)
    );
  }
}
