import type { DatasetName, RecordOf } from "../records.js";
import { inspectionsSpec } from "./inspections.js";
import { ratSightingsSpec } from "./rat-sightings.js";
import type { DatasetSpec } from "./spec.js";
import { truthSpec } from "./truth.js";
import { weatherSpec } from "./weather.js";

export const SPECS: { [D in DatasetName]: DatasetSpec<RecordOf[D]> } = {
  inspections: inspectionsSpec,
  rat_sightings: ratSightingsSpec,
  weather: weatherSpec,
  truth: truthSpec,
};
