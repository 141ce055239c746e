// XGBoost JSON interchange (Booster.save_model("m.json"), xgboost 3.x): import a gbtree (binary:logistic,
// count:poisson or reg:squarederror) into our scorer, and export ours so Python's xgboost loads it and predicts the
// same margins. Both sides use the same tree arrays; the only care needed is float32 thresholds with the
// `value < threshold` rule (kept as is) and base_score, which XGBoost stores in prediction space and turns into a
// margin with float arithmetic (Objective.baseMargin).
import { RodentError } from "../errors.js";
import type { FeatureSchema } from "../features/index.js";
import { treeFromArrays } from "./load.js";
import { Model, treeToJSON } from "./model.js";
import { isObjectiveName, OBJECTIVES, type ObjectiveName, objectiveFor } from "./objective.js";
import { checkParams, DEFAULT_PARAMS } from "./params.js";

function bad(msg: string): never {
  throw new RodentError("RODENT_ERR_MODEL", `XGBoost model: ${msg}`);
}

function obj(o: unknown, path: string): Record<string, unknown> {
  if (!o || typeof o !== "object" || Array.isArray(o)) bad(`${path} is missing or not an object`);
  return o as Record<string, unknown>;
}

/** "[4.08E-1]" (3.1+) or "4.08E-1" (older) → 0.408 */
function parseBaseScore(raw: unknown, objective: ObjectiveName): number {
  const text = String(raw ?? "").trim();
  const inner = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  if (inner.includes(",")) bad(`base_score ${text} has several values; only single-target models are supported`);
  const v = Number(inner);
  if (objective === "binary:logistic" && !(v > 0 && v < 1)) bad(`base_score ${text} is not a probability in (0, 1)`);
  if (!objectiveFor({ name: objective }).validBaseScore(v)) bad(`base_score ${text} is not a ${objective} prediction`);
  return Math.fround(v);
}

export function fromXGBoostJSON(json: object, schema: FeatureSchema): Model {
  const learner = obj((json as Record<string, unknown>).learner, "learner");
  const objective = obj(learner.objective, "learner.objective");
  if (!isObjectiveName(objective.name)) {
    bad(`objective ${String(objective.name)} is not one of ${OBJECTIVES.join(", ")}`);
  }
  const objectiveName = objective.name;
  const gb = obj(learner.gradient_booster, "learner.gradient_booster");
  if (gb.name !== "gbtree") bad(`booster ${String(gb.name)} is not gbtree`);
  const lmp = obj(learner.learner_model_param, "learner.learner_model_param");
  const nf = Number(lmp.num_feature);
  if (nf !== schema.features.length) {
    throw new RodentError(
      "RODENT_ERR_SCHEMA_MISMATCH",
      `XGBoost model reads ${nf} features, the feature schema has ${schema.features.length}`,
    );
  }
  const names = learner.feature_names;
  if (Array.isArray(names) && names.length > 0) {
    for (let i = 0; i < schema.features.length; i++) {
      if (names[i] !== schema.features[i].name) {
        throw new RodentError(
          "RODENT_ERR_SCHEMA_MISMATCH",
          `feature ${i}: the XGBoost model names it "${String(names[i])}", the schema "${schema.features[i].name}"`,
        );
      }
    }
  }
  const baseScore = parseBaseScore(lmp.base_score, objectiveName);
  const model = obj(gb.model, "learner.gradient_booster.model");
  const gmp = obj(model.gbtree_model_param, "gbtree_model_param");
  if (Number(gmp.num_parallel_tree ?? 1) !== 1) bad("num_parallel_tree > 1 is not supported");
  if (!Array.isArray(model.trees)) bad("trees is not an array");
  const trees = model.trees.map((t: unknown, i: number) => {
    const tj = obj(t, `trees[${i}]`);
    const st = tj.split_type;
    if (Array.isArray(st) && st.some((v) => v !== 0)) bad(`trees[${i}] has categorical splits (not supported)`);
    return treeFromArrays(tj, nf, `trees[${i}]`);
  });
  const spw = Number(obj(objective.reg_loss_param ?? {}, "reg_loss_param").scale_pos_weight ?? 1);
  const params = checkParams({
    ...DEFAULT_PARAMS,
    n_estimators: Math.max(1, trees.length),
    scale_pos_weight: spw > 0 ? spw : 1,
  });
  const version = (json as Record<string, unknown>).version;
  return new Model(
    schema,
    params,
    trees,
    baseScore,
    { kind: "none" },
    {
      createdAt: new Date().toISOString(),
      source: "xgboost",
      xgboost_version: Array.isArray(version) ? version.join(".") : undefined,
    },
    objectiveName,
  );
}

/** Our model as an XGBoost 3.x JSON document (calibration is not part of it: XGBoost predicts raw probabilities). */
export function toXGBoostJSON(model: Model): object {
  const nf = model.schema.features.length;
  const trees = model.trees.map((t, id) => {
    const j = treeToJSON(t);
    const n = t.left.length;
    return {
      ...j,
      categories: [],
      categories_nodes: [],
      categories_segments: [],
      categories_sizes: [],
      id,
      split_type: new Array(n).fill(0),
      tree_param: { num_deleted: "0", num_feature: String(nf), num_nodes: String(n), size_leaf_vector: "1" },
    };
  });
  return {
    learner: {
      attributes: {},
      feature_names: model.schema.features.map((f) => f.name),
      feature_types: model.schema.features.map((f) => (f.kind === "indicator" ? "i" : "float")),
      gradient_booster: {
        model: {
          cats: { enc: [], feature_segments: [], sorted_idx: [] },
          gbtree_model_param: { num_parallel_tree: "1", num_trees: String(trees.length) },
          iteration_indptr: Array.from({ length: trees.length + 1 }, (_, i) => i),
          tree_info: new Array(trees.length).fill(0),
          trees,
        },
        name: "gbtree",
      },
      learner_model_param: {
        base_score: `[${model.baseScore.toExponential(8).toUpperCase()}]`,
        boost_from_average: "1",
        num_class: "0",
        num_feature: String(nf),
        num_target: "1",
      },
      objective: objectiveJSON(model),
    },
    version: [3, 4, 1],
  };
}

/** The objective block XGBoost writes for each loss (its parameters as strings). */
function objectiveJSON(model: Model): object {
  switch (model.objective.name) {
    case "binary:logistic":
      return { name: "binary:logistic", reg_loss_param: { scale_pos_weight: String(model.params.scale_pos_weight) } };
    case "count:poisson":
      return { name: "count:poisson", poisson_regression_param: { max_delta_step: "0.699999988" } };
    case "reg:squarederror":
      return { name: "reg:squarederror", reg_loss_param: { scale_pos_weight: "1" } };
  }
}

const FLOAT_ARRAYS = new Set(["base_weights", "loss_changes", "split_conditions", "sum_hessian"]);

/** A float32 value as XGBoost's JSON reader wants a Number: integral values need a decimal point ("1.0"). */
function floatText(v: number): string {
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}

/**
 * The XGBoost JSON document as text, ready for `Booster.load_model`. Use this, not JSON.stringify: XGBoost's
 * reader refuses an integer literal ("0") where a float is expected, and JSON.stringify writes 0.0 as "0".
 */
export function xgboostJSONText(doc: object): string {
  const held: number[][] = [];
  const text = JSON.stringify(doc, (key, value) =>
    FLOAT_ARRAYS.has(key) && Array.isArray(value) ? `@@float${held.push(value) - 1}@@` : value,
  );
  return text.replace(/"@@float(\d+)@@"/g, (_, i) => `[${held[Number(i)].map(floatText).join(",")}]`);
}

/** toXGBoostJSON + xgboostJSONText. */
export function toXGBoostJSONText(model: Model): string {
  return xgboostJSONText(toXGBoostJSON(model));
}
