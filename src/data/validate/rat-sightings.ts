import { parseInstant } from "../parse/dates.js";
import { normalizeBorough } from "../parse/values.js";
import type { RatSightingRecord } from "../records.js";
import { parseCoordinates } from "./coordinates.js";
import { cell, columnIndex, type DatasetSpec, isRejection } from "./spec.js";

export const ratSightingsSpec: DatasetSpec<RatSightingRecord> = {
  name: "rat_sightings",
  requiredColumns: ["unique_key", "created_date"],
  columns: ["unique_key", "created_date", "borough", "incident_zip", "location_type", "latitude", "longitude"],
  fields: ["uniqueKey", "createdDate", "borough", "incidentZip", "locationType", "latitude", "longitude"],
  dateField: "createdDate",
  bind(header) {
    const ix = columnIndex(header);
    const [keyI, dateI, boroI, zipI, typeI, latI, lonI] = this.columns.map(ix) as number[];
    return (c) => {
      const uniqueKey = cell(c, keyI!);
      if (!uniqueKey) return { field: "unique_key", reason: "missing_required" };
      const dateS = cell(c, dateI!);
      if (!dateS) return { field: "created_date", reason: "missing_required" };
      const createdDate = parseInstant(dateS);
      if (!createdDate) return { field: "created_date", reason: "bad_date" };
      // 311 writes "Unspecified" when the caller's borough is unknown: a valid request, borough null.
      const b = normalizeBorough(cell(c, boroI!));
      if (b === "unknown") return { field: "borough", reason: "unknown_borough" };
      const xy = parseCoordinates(cell(c, latI!), cell(c, lonI!));
      if (isRejection(xy)) return xy;
      return {
        uniqueKey,
        createdDate,
        borough: b === "missing" ? null : b,
        incidentZip: cell(c, zipI!),
        locationType: cell(c, typeI!),
        latitude: xy.lat,
        longitude: xy.lon,
      };
    };
  },
  key: (r) => r.uniqueKey,
};
