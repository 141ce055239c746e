import type { InspectionRecord, RatSightingRecord, WeatherRecord } from "../data/index.js";
import { dayNumber } from "../util/days.js";
import { buildCityTables, type CityTables } from "./city-tables.js";
import { RODENT_BITS } from "./labels.js";
import { milesX, milesY } from "./projection.js";
import { buildGridIndex, type GridIndex } from "./spatial-index.js";
import { buildWeatherSeries, type WeatherSeries } from "./weather-windows.js";

/** The normalized records of one snapshot, as features read them. */
export interface CityData {
  inspections: InspectionRecord[];
  ratSightings: RatSightingRecord[];
  weather: WeatherRecord[];
}

/** Everything built once per city before any row: tables, the two spatial indexes and the weather series. */
export interface PreparedCity extends CityTables {
  sightings: GridIndex;
  /** inspections (of any type) that found rats or mice, at their restaurant, owned by it */
  rodentEvents: GridIndex;
  weather: WeatherSeries;
}

/** Grid cell side in miles: small next to the radii, so the cells scanned hug the 1-mile circle. */
export const GRID_CELL_MILES = 0.1;

export function prepareCity(city: CityData): PreparedCity {
  const tables = buildCityTables(city.inspections);
  const s = city.ratSightings;
  const sx = new Float64Array(s.length);
  const sy = new Float64Array(s.length);
  const sd = new Int32Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const rec = s[i];
    const ok = rec.latitude !== null && rec.longitude !== null;
    sx[i] = ok ? milesX(rec.longitude as number) : Number.NaN;
    sy[i] = ok ? milesY(rec.latitude as number) : Number.NaN;
    sd[i] = dayNumber(rec.createdDate);
  }
  const sightings = buildGridIndex({ x: sx, y: sy, day: sd }, GRID_CELL_MILES);

  const ins = tables.inspections;
  const rs = tables.restaurants;
  let ne = 0;
  for (let k = 0; k < ins.n; k++) if (ins.codes[k] & RODENT_BITS) ne++;
  const ex = new Float64Array(ne);
  const ey = new Float64Array(ne);
  const ed = new Int32Array(ne);
  const eo = new Int32Array(ne);
  for (let k = 0, j = 0; k < ins.n; k++) {
    if (!(ins.codes[k] & RODENT_BITS)) continue;
    const r = ins.rest[k];
    ex[j] = rs.x[r];
    ey[j] = rs.y[r];
    ed[j] = ins.day[k];
    eo[j] = r;
    j++;
  }
  const rodentEvents = buildGridIndex({ x: ex, y: ey, day: ed, owner: eo }, GRID_CELL_MILES);
  return { ...tables, sightings, rodentEvents, weather: buildWeatherSeries(city.weather) };
}
