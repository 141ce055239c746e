import { parseNumber } from "../parse/values.js";
import { NYC_BBOX } from "../records.js";
import type { Rejection } from "./spec.js";

/** Latitude/longitude inside NYC_BBOX, or both null when missing (empty, or the exports' 0,0 placeholder). */
export function parseCoordinates(latS: string, lonS: string): { lat: number | null; lon: number | null } | Rejection {
  const lat = parseNumber(latS);
  const lon = parseNumber(lonS);
  if (Number.isNaN(lat)) return { field: "latitude", reason: "not_a_number" };
  if (Number.isNaN(lon)) return { field: "longitude", reason: "not_a_number" };
  if (lat === null || lon === null || (lat === 0 && lon === 0) || lat === 0 || lon === 0)
    return { lat: null, lon: null };
  if (lat < NYC_BBOX.minLat || lat > NYC_BBOX.maxLat) return { field: "latitude", reason: "coordinates_outside_nyc" };
  if (lon < NYC_BBOX.minLon || lon > NYC_BBOX.maxLon) return { field: "longitude", reason: "coordinates_outside_nyc" };
  return { lat, lon };
}
