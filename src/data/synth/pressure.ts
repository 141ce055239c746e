// The latent rat-pressure field P(x, t) that drives both 311 sightings and restaurant rodent findings:
//   P = D(x)^0.6 · H(x, t) · B_borough(t) · season(t) · exp(0.03 · 30-day TMAX anomaly) · scenario(x, t)
// D is a smoothed density of real 311 rat sightings (plus a little of real restaurant locations, so every
// populated block has some pressure); H adds a handful of hot spots per borough whose strength waxes and wanes over
// years; B is a slow per-borough trend; the season is the citywide monthly shape of real 311 counts.
// Sightings additionally pass through a reporting bias R(x) (who calls 311), which restaurants do not feel.
import { BOROUGHS, NYC_BBOX } from "../records.js";
import { dayOfYear } from "./dates.js";
import { Rng } from "./prng.js";
import type { Reference } from "./reference.js";
import { pressureFactor, reportingFactor, type ScenarioSpec } from "./scenario.js";
import type { WeatherSeries } from "./weather.js";

/** The sanitation-program preset: which borough it covers, and by how much pressure falls there. */
export const SANITATION_BOROUGH = BOROUGHS.indexOf("Brooklyn");
export const SANITATION_FACTOR = 0.6;
export const SURGE_FACTOR = 2;
export const HEAT_WAVE = { days: 28, deltaF: 10 } as const;
/** Pressure sensitivity to the 30-day TMAX anomaly, per °F. */
const TEMP_EFFECT = 0.03;
const D_EXPONENT = 0.6;

const M_PER_DEG_LAT = 111_000;
const M_PER_DEG_LON = 84_300; // at 40.7°N

// Density grid: ~440 m cells over the NYC bounding box.
const CELL_LAT = 0.004;
const CELL_LON = 0.0052;
const N_LAT = Math.ceil((NYC_BBOX.maxLat - NYC_BBOX.minLat) / CELL_LAT) + 1;
const N_LON = Math.ceil((NYC_BBOX.maxLon - NYC_BBOX.minLon) / CELL_LON) + 1;

interface Kernel {
  lat: number;
  lon: number;
  inv2s2: number; // 1 / (2σ²) in m⁻²
  cut2: number; // (4σ)² cut-off
  amp: number;
  period: number; // days
  phase: number;
}

export interface FieldOptions {
  seed: number;
  from: number;
  to: number;
  scenario: ScenarioSpec;
  scenarioStart: number;
}

export class PressureField {
  private readonly grid: Float64Array;
  private readonly hot: Kernel[];
  private readonly rep: Kernel[];
  private readonly trend: Float64Array;
  private readonly repBorough = new Float64Array([1.1, 1.0, 1.05, 0.85, 0.8]);
  private readonly season: Float64Array; // by day of year
  readonly opts: FieldOptions;
  private readonly weather: WeatherSeries;

  constructor(ref: Reference, weather: WeatherSeries, opts: FieldOptions) {
    this.opts = opts;
    this.weather = weather;
    this.grid = densityGrid(ref);
    const rng = Rng.stream(opts.seed, 0x407590);
    this.hot = [];
    this.rep = [];
    for (let b = 0; b < BOROUGHS.length; b++) {
      const inB = ref.restaurants.filter((r) => r.boro === b);
      if (inB.length === 0) continue;
      const nHot = b === 4 ? 2 : 4;
      for (let k = 0; k < nHot; k++) {
        const c = rng.pick(inB);
        const s = rng.uniform(500, 1200);
        this.hot.push({
          lat: c.lat,
          lon: c.lon,
          inv2s2: 1 / (2 * s * s),
          cut2: 16 * s * s,
          amp: rng.uniform(0.6, 1.8),
          period: rng.uniform(4, 9) * 365.25,
          phase: rng.uniform(0, 2 * Math.PI),
        });
      }
      for (let k = 0; k < 3; k++) {
        const c = rng.pick(inB);
        const s = rng.uniform(1500, 3000);
        this.rep.push({
          lat: c.lat,
          lon: c.lon,
          inv2s2: 1 / (2 * s * s),
          cut2: 16 * s * s,
          amp: rng.uniform(-0.3, 0.3),
          period: 0,
          phase: 0,
        });
      }
    }
    this.trend = new Float64Array(BOROUGHS.length);
    for (let b = 0; b < BOROUGHS.length; b++) this.trend[b] = Math.max(-0.06, Math.min(0.06, 0.03 * rng.normal()));
    // Season by day of year: the real monthly shape, linearly interpolated between mid-months.
    this.season = new Float64Array(366);
    for (let d = 0; d < 366; d++) {
      const pos = (d + 0.5) / 30.5 - 0.5; // month index at the day, 0 = mid-January
      const m0 = Math.floor(pos);
      const f = pos - m0;
      const a = ref.monthShape[(m0 + 12) % 12];
      const b = ref.monthShape[(m0 + 13) % 12];
      this.season[d] = a * (1 - f) + b * f;
    }
  }

  /** Smoothed sighting density D(x) (mean 1 over restaurant locations), bilinear on the grid. */
  density(lat: number, lon: number): number {
    const fy = (lat - NYC_BBOX.minLat) / CELL_LAT;
    const fx = (lon - NYC_BBOX.minLon) / CELL_LON;
    const iy = Math.max(0, Math.min(N_LAT - 2, Math.floor(fy)));
    const ix = Math.max(0, Math.min(N_LON - 2, Math.floor(fx)));
    const ty = Math.max(0, Math.min(1, fy - iy));
    const tx = Math.max(0, Math.min(1, fx - ix));
    const g = this.grid;
    const i = iy * N_LON + ix;
    return (g[i] * (1 - tx) + g[i + 1] * tx) * (1 - ty) + (g[i + N_LON] * (1 - tx) + g[i + N_LON + 1] * tx) * ty;
  }

  /** Hot-spot multiplier H(x, t) ≥ 1. */
  hotspots(lat: number, lon: number, day: number): number {
    let h = 1;
    for (const k of this.hot) {
      const dy = (lat - k.lat) * M_PER_DEG_LAT;
      const dx = (lon - k.lon) * M_PER_DEG_LON;
      const d2 = dx * dx + dy * dy;
      if (d2 > k.cut2) continue;
      h += k.amp * (1 + 0.5 * Math.sin((2 * Math.PI * day) / k.period + k.phase)) * Math.exp(-d2 * k.inv2s2);
    }
    return h;
  }

  /** Scenario multiplier on true pressure for a borough on a day. */
  scenarioFactor(boro: number, day: number): number {
    return pressureFactor(this.opts.scenario, this.opts.scenarioStart, boro, day);
  }

  /** The spatial part of pressure: D^0.6 · H · trend · scenario (no season or weather). */
  spatial(lat: number, lon: number, boro: number, day: number): number {
    const years = (day - this.opts.from) / 365.25;
    return (
      this.density(lat, lon) ** D_EXPONENT *
      this.hotspots(lat, lon, day) *
      Math.exp(this.trend[boro] * years) *
      this.scenarioFactor(boro, day)
    );
  }

  /** Citywide temporal part: seasonal shape × weather effect. Mean ≈ 1 over a normal year. */
  temporal(day: number): number {
    const i = day - this.weather.day0;
    const anom = i >= 0 && i < this.weather.n ? this.weather.anomaly30[i] : 0;
    return this.season[dayOfYear(day)] * Math.exp(TEMP_EFFECT * anom);
  }

  /** Reporting bias R(x): how readily people near x call 311 about rats. */
  reporting(lat: number, lon: number, boro: number): number {
    let e = 0;
    for (const k of this.rep) {
      const dy = (lat - k.lat) * M_PER_DEG_LAT;
      const dx = (lon - k.lon) * M_PER_DEG_LON;
      const d2 = dx * dx + dy * dy;
      if (d2 > k.cut2) continue;
      e += k.amp * Math.exp(-d2 * k.inv2s2);
    }
    return this.repBorough[boro] * Math.exp(e);
  }

  /** Citywide reporting multiplier over time (the reporting scenarios: surge × 2, drop × 0.5, …). */
  reportingTime(day: number): number {
    return reportingFactor(this.opts.scenario, this.opts.scenarioStart, day);
  }
}

function densityGrid(ref: Reference): Float64Array {
  const grid = new Float64Array(N_LAT * N_LON);
  const sigma = 400;
  const sLat = sigma / M_PER_DEG_LAT;
  const sLon = sigma / M_PER_DEG_LON;
  const rLat = Math.ceil((3 * sLat) / CELL_LAT);
  const rLon = Math.ceil((3 * sLon) / CELL_LON);
  const add = (lat: number, lon: number, w: number) => {
    const cy = Math.round((lat - NYC_BBOX.minLat) / CELL_LAT);
    const cx = Math.round((lon - NYC_BBOX.minLon) / CELL_LON);
    for (let y = cy - rLat; y <= cy + rLat; y++) {
      if (y < 0 || y >= N_LAT) continue;
      const dy = (NYC_BBOX.minLat + y * CELL_LAT - lat) / sLat;
      for (let x = cx - rLon; x <= cx + rLon; x++) {
        if (x < 0 || x >= N_LON) continue;
        const dx = (NYC_BBOX.minLon + x * CELL_LON - lon) / sLon;
        grid[y * N_LON + x] += w * Math.exp(-0.5 * (dx * dx + dy * dy));
      }
    }
  };
  for (const s of ref.sightings) add(s.lat, s.lon, 1);
  // Restaurant locations get a quarter of the sightings' total weight: pressure exists wherever people eat.
  const wr = (0.25 * ref.sightings.length) / Math.max(1, ref.restaurants.length);
  for (const r of ref.restaurants) add(r.lat, r.lon, wr);
  // Normalize to mean 1 at real restaurant locations, with a floor so no block is rat-free.
  const tmp = new PressureLookup(grid);
  let s = 0;
  for (const r of ref.restaurants) s += tmp.at(r.lat, r.lon);
  const mean = s / ref.restaurants.length;
  for (let i = 0; i < grid.length; i++) grid[i] = Math.max(0.08, grid[i] / mean);
  return grid;
}

class PressureLookup {
  constructor(private readonly g: Float64Array) {}
  at(lat: number, lon: number): number {
    const iy = Math.max(0, Math.min(N_LAT - 1, Math.round((lat - NYC_BBOX.minLat) / CELL_LAT)));
    const ix = Math.max(0, Math.min(N_LON - 1, Math.round((lon - NYC_BBOX.minLon) / CELL_LON)));
    return this.g[iy * N_LON + ix];
  }
}
