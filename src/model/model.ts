// A trained model: trees (plain data), the feature schema it reads, params, base score, calibration and meta.
// Scoring goes through the flattened Forest; the artifact is versioned JSON tagged MODEL_FORMAT.
import { RodentError } from "../errors.js";
import type { FeatureSchema, FeatureTable } from "../features/index.js";
import { applyCalibration, type Calibration } from "./calibration.js";
import { saabas, treeShap } from "./contributions.js";
import { Forest } from "./forest.js";
import { logitFloat32, type Objective, type ObjectiveName, objectiveFor } from "./objective.js";
import type { TrainParams } from "./params.js";
import type { Tree } from "./tree.js";

export const MODEL_FORMAT = "rodent-risk/gbdt-model";
export const MODEL_FORMAT_VERSION = 1;

export interface ModelMeta {
  trainingSnapshot?: string;
  metrics?: unknown;
  createdAt: string;
  [k: string]: unknown;
}

export interface TreeJSON {
  left_children: number[];
  right_children: number[];
  parents: number[];
  split_indices: number[];
  split_conditions: number[];
  default_left: number[];
  base_weights: number[];
  loss_changes: number[];
  sum_hessian: number[];
}

export interface ModelArtifactJSON {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_FORMAT_VERSION;
  objective: ObjectiveName;
  schema: FeatureSchema;
  params: TrainParams;
  /** intercept in prediction space (float32), as XGBoost's learner_model_param.base_score */
  base_score: number;
  calibration: Calibration;
  meta: ModelMeta;
  trees: TreeJSON[];
}

/** float32 base score → margin the way XGBoost does it for binary:logistic (ProbToMargin in float arithmetic). */
export const baseScoreToMargin = logitFloat32;

export type ContributionMethod = "treeshap" | "saabas";

export class Model {
  readonly forest: Forest;
  readonly baseMargin: number;
  /** the loss it was trained with: its transform turns margins into predictions */
  readonly objective: Objective;

  constructor(
    readonly schema: FeatureSchema,
    readonly params: TrainParams,
    readonly trees: readonly Tree[],
    /** intercept in prediction space (probability for binary:logistic), float32 */
    readonly baseScore: number,
    public calibration: Calibration,
    public meta: ModelMeta,
    objective: ObjectiveName = "binary:logistic",
  ) {
    // the objective's own parameters (scale_pos_weight) only matter in training: scoring needs its transform
    this.objective = objectiveFor({ name: objective });
    this.baseMargin = this.objective.baseMargin(baseScore);
    this.forest = new Forest(trees, this.baseMargin, schema.features.length);
  }

  get nFeatures(): number {
    return this.schema.features.length;
  }

  /** Raw margins (log-odds for binary:logistic, log of the mean for count:poisson) of every row. */
  predictMargin(table: FeatureTable): Float64Array {
    this.assertSchema(table.schema);
    return this.forest.marginTable(table);
  }

  /** Uncalibrated predictions: probabilities (sigmoid of the margin), or the objective's transform of it. */
  predictRaw(table: FeatureTable): Float64Array {
    const m = this.predictMargin(table);
    const t = this.objective.transform;
    for (let i = 0; i < m.length; i++) m[i] = t(m[i]);
    return m;
  }

  /** Calibrated probabilities (predictions as predictRaw gives them when the model has no calibration). */
  predictProba(table: FeatureTable): Float64Array {
    const m = this.predictMargin(table);
    const c = this.calibration;
    const t = this.objective.transform;
    for (let i = 0; i < m.length; i++) m[i] = applyCalibration(c, t(m[i]));
    return m;
  }

  /** Calibrated prediction of one row in schema order (NaN = missing). */
  predictRow(row: Float32Array): number {
    return applyCalibration(this.calibration, this.objective.transform(this.forest.marginRow(row)));
  }

  marginRow(row: Float32Array): number {
    return this.forest.marginRow(row);
  }

  /**
   * Per-feature contributions to the margin (log-odds), length nFeatures + 1 (last = bias); they sum to the margin.
   * TreeSHAP by default (what XGBoost's pred_contribs gives), Saabas path attributions on request (cheaper).
   */
  contributions(row: Float32Array, method: ContributionMethod = "treeshap"): Float64Array {
    if (row.length !== this.nFeatures) {
      throw new RodentError(
        "RODENT_ERR_SCHEMA_MISMATCH",
        `row has ${row.length} values, the model reads ${this.nFeatures} features`,
      );
    }
    return method === "saabas" ? saabas(this.forest, row) : treeShap(this.forest, row);
  }

  /** Throws RODENT_ERR_SCHEMA_MISMATCH naming the first difference between the model's schema and `schema`. */
  assertSchema(schema: FeatureSchema): void {
    const mine = this.schema.features;
    const theirs = schema.features;
    const n = Math.min(mine.length, theirs.length);
    for (let i = 0; i < n; i++) {
      if (mine[i].name !== theirs[i].name || mine[i].kind !== theirs[i].kind) {
        throw new RodentError(
          "RODENT_ERR_SCHEMA_MISMATCH",
          `feature ${i}: the model expects "${mine[i].name}" (${mine[i].kind}), the table has "${theirs[i].name}" (${theirs[i].kind})`,
          { index: i, expected: mine[i].name, actual: theirs[i].name },
        );
      }
    }
    if (mine.length !== theirs.length) {
      const extra = mine.length > theirs.length ? `missing "${mine[n].name}"` : `has extra "${theirs[n].name}"`;
      throw new RodentError(
        "RODENT_ERR_SCHEMA_MISMATCH",
        `feature ${n}: the model reads ${mine.length} features, the table has ${theirs.length} (${extra})`,
        { index: n, expected: mine.length, actual: theirs.length },
      );
    }
    if (this.schema.version !== schema.version) {
      throw new RodentError(
        "RODENT_ERR_SCHEMA_MISMATCH",
        `feature schema version: the model expects "${this.schema.version}", the table has "${schema.version}"`,
        { expected: this.schema.version, actual: schema.version },
      );
    }
  }

  toJSON(): ModelArtifactJSON {
    return {
      format: MODEL_FORMAT,
      version: MODEL_FORMAT_VERSION,
      objective: this.objective.name,
      schema: this.schema,
      params: { ...this.params },
      base_score: this.baseScore,
      calibration: this.calibration,
      meta: this.meta,
      trees: this.trees.map(treeToJSON),
    };
  }
}

export function treeToJSON(t: Tree): TreeJSON {
  return {
    left_children: Array.from(t.left),
    right_children: Array.from(t.right),
    parents: Array.from(t.parent),
    split_indices: Array.from(t.feature),
    split_conditions: Array.from(t.threshold),
    default_left: Array.from(t.defaultLeft),
    base_weights: Array.from(t.baseWeight),
    loss_changes: Array.from(t.gain),
    sum_hessian: Array.from(t.cover),
  };
}
