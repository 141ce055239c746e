import { RodentError } from "../errors.js";
import { FEATURE_SCHEMA } from "./feature-schema.js";
import { type FeatureQueries, historyColumns, typeColumns } from "./inspection-history.js";
import { placeColumns } from "./place.js";
import type { PreparedCity } from "./prepared-city.js";
import type { FeatureTable } from "./schema.js";
import {
  OTHER_RODENT_RADII,
  OTHER_RODENT_WINDOWS,
  SIGHTING_RADII,
  SIGHTING_WINDOWS,
  windowCounts,
} from "./spatial-counts.js";
import { weatherColumns } from "./weather-windows.js";

/**
 * The one place feature rows are made: training (one query per inspection) and serving (one per restaurant, as of
 * a date) both call this, so the two can never drift apart. Every family sees only data dated before q.day.
 */
export function featureTable(city: PreparedCity, q: FeatureQueries): FeatureTable {
  const rs = city.restaurants;
  const columns = [
    ...historyColumns(city, q),
    ...typeColumns(q),
    ...windowCounts(city.sightings, rs.x, rs.y, q.rest, q.day, {
      radii: SIGHTING_RADII,
      windows: SIGHTING_WINDOWS,
      excludeOwn: false,
    }),
    ...windowCounts(city.rodentEvents, rs.x, rs.y, q.rest, q.day, {
      radii: OTHER_RODENT_RADII,
      windows: OTHER_RODENT_WINDOWS,
      excludeOwn: true,
    }),
    ...placeColumns(q.rest, rs.borough, rs.cuisineCode),
    ...weatherColumns(city.weather, q.day),
  ];
  if (columns.length !== FEATURE_SCHEMA.features.length) {
    throw new RodentError(
      "RODENT_ERR_INTERNAL",
      `feature families made ${columns.length} columns, schema has ${FEATURE_SCHEMA.features.length}`,
    );
  }
  return { schema: FEATURE_SCHEMA, n: q.rest.length, columns };
}
