// The feature schema travels with every model: names, order and kinds of the columns a model reads.
// A model refuses any table whose schema differs (`Model.assertSchema` in src/model).

export type FeatureKind =
  /** a real number; NaN means missing */
  | "numeric"
  /** 0/1 indicator, e.g. one level of a one-hot encoded categorical (see `group`) */
  | "indicator";

export interface FeatureSpec {
  name: string;
  kind: FeatureKind;
  /** For one-hot indicators: the categorical they encode ("borough", "cuisine", "inspection_type"). */
  group?: string;
  /** Plain-words description used for reasons ("rat sightings within 0.1 mile, last 30 days"). */
  description: string;
}

export interface FeatureSchema {
  /** Bumped whenever names, order, kinds or meaning change. */
  version: string;
  features: FeatureSpec[];
}

/**
 * Column-major feature table: one Float32Array per feature (NaN = missing), all of length `n`.
 * Column-major because training quantizes per feature and drift profiles read per feature.
 */
export interface FeatureTable {
  schema: FeatureSchema;
  n: number;
  columns: Float32Array[];
}
