// Public face of the features stage: point-in-time feature rows for training (one per past inspection) and
// serving (one per active restaurant as of a date), built by the same code from one snapshot's records.

export { dayNumber, isoOfDay } from "../util/days.js";
export { describeFeature, FEATURE_SCHEMA } from "./feature-schema.js";
export { HISTORY_FEATURES } from "./inspection-history.js";
export { INSPECTION_CATEGORIES, inspectionCategory } from "./labels.js";
export { loadCity } from "./load-city.js";
export type { CityData, PreparedCity } from "./prepared-city.js";
export { prepareCity } from "./prepared-city.js";
export {
  buildReferenceProfile,
  type CategoricalProfile,
  type ColumnProfile,
  categoricalCodes,
  layoutCounts,
  type NumericProfile,
  numericProfile,
  type ReferenceProfile,
  readProfile,
  schemaGroups,
} from "./profile.js";
export type { FeatureKind, FeatureSchema, FeatureSpec, FeatureTable } from "./schema.js";
export type { ServingSet, ServingSetOptions, VisitTable } from "./serving-set.js";
export { buildServingSet, buildServingTables, equalLookback, VISIT_HISTORY } from "./serving-set.js";
export { SPATIAL_FEATURES } from "./spatial-counts.js";
export type { TrainingSet, TrainingSetOptions } from "./training-set.js";
export { buildTrainingSet } from "./training-set.js";
export { WEATHER_FEATURES } from "./weather-windows.js";
