import { loadRecords, type ObjectStore } from "../data/index.js";
import type { CityData } from "./prepared-city.js";

/** The three record datasets of a snapshot that features read (the truth dataset is never a feature input). */
export async function loadCity(store: ObjectStore, snapshotId: string): Promise<CityData> {
  const [inspections, ratSightings, weather] = await Promise.all([
    loadRecords(store, snapshotId, "inspections"),
    loadRecords(store, snapshotId, "rat_sightings"),
    loadRecords(store, snapshotId, "weather"),
  ]);
  return { inspections, ratSightings, weather };
}
