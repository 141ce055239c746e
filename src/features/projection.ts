// Distances in miles on a local flat projection of NYC (equirectangular around 40.7°N). Over the city's latitude
// span (40.5–40.92°N) the east-west scale error stays under 0.5%, far below geocoding noise, and Euclidean
// distances make grid cells and radius tests plain arithmetic.

const LAT0 = 40.7;
const LON0 = -74.0;
/** Miles per degree of latitude (mean Earth radius 3958.8 mi). */
export const MILES_PER_DEG_LAT = (Math.PI / 180) * 3958.8;
const MILES_PER_DEG_LON = MILES_PER_DEG_LAT * Math.cos((LAT0 * Math.PI) / 180);

/** East-west miles from the projection origin. */
export function milesX(lon: number): number {
  return (lon - LON0) * MILES_PER_DEG_LON;
}

/** North-south miles from the projection origin. */
export function milesY(lat: number): number {
  return (lat - LAT0) * MILES_PER_DEG_LAT;
}

/** Inverse of milesX (tests use it to place points at exact distances). */
export function lonOfMilesX(x: number): number {
  return x / MILES_PER_DEG_LON + LON0;
}

/** Inverse of milesY. */
export function latOfMilesY(y: number): number {
  return y / MILES_PER_DEG_LAT + LAT0;
}
