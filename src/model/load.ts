// Reading a model artifact back: the tag and version must match and every structure is checked (array lengths,
// child indices, feature indices, finite numbers) so a corrupt file fails here with RODENT_ERR_MODEL, not later
// as a wrong score or an endless loop.
import { RodentError } from "../errors.js";
import type { FeatureSchema } from "../features/index.js";
import { checkCalibration } from "./calibration.js";
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, Model, type ModelMeta } from "./model.js";
import { isObjectiveName, OBJECTIVES, objectiveFor } from "./objective.js";
import { checkParams, type TrainParams } from "./params.js";
import type { Tree } from "./tree.js";

function bad(msg: string, cause?: unknown): never {
  throw new RodentError("RODENT_ERR_MODEL", `model artifact: ${msg}`, undefined, cause ? { cause } : undefined);
}

function numArray(o: Record<string, unknown>, key: string, where: string, n?: number): number[] {
  const a = o[key];
  if (!Array.isArray(a)) bad(`${where}.${key} is not an array`);
  if (n !== undefined && a.length !== n) bad(`${where}.${key} has ${a.length} entries, expected ${n}`);
  for (let i = 0; i < a.length; i++) {
    if (typeof a[i] !== "number" || !Number.isFinite(a[i])) bad(`${where}.${key}[${i}] is not a finite number`);
  }
  return a as number[];
}

/**
 * Builds a Tree from XGBoost-layout arrays, checking structure: children come in pairs (both −1 or both valid),
 * a child's index is greater than its parent's (no cycles), features are within range.
 */
export function treeFromArrays(o: Record<string, unknown>, nFeatures: number, where: string): Tree {
  const left = numArray(o, "left_children", where);
  const n = left.length;
  if (n === 0) bad(`${where} has no nodes`);
  const right = numArray(o, "right_children", where, n);
  const feature = numArray(o, "split_indices", where, n);
  const cond = numArray(o, "split_conditions", where, n);
  const dl = numArray(o, "default_left", where, n);
  const cover = numArray(o, "sum_hessian", where, n);
  const parents = o.parents === undefined ? null : numArray(o, "parents", where, n);
  const bw = o.base_weights === undefined ? null : numArray(o, "base_weights", where, n);
  const gain = o.loss_changes === undefined ? null : numArray(o, "loss_changes", where, n);
  for (let i = 0; i < n; i++) {
    const l = left[i];
    const r = right[i];
    if (l === -1 || r === -1) {
      if (l !== r) bad(`${where} node ${i} has one child only`);
      continue;
    }
    if (!Number.isInteger(l) || !Number.isInteger(r) || l <= i || r <= i || l >= n || r >= n) {
      bad(`${where} node ${i} has invalid children ${l}, ${r}`);
    }
    if (!Number.isInteger(feature[i]) || feature[i] < 0 || feature[i] >= nFeatures) {
      bad(`${where} node ${i} splits on feature ${feature[i]}, the schema has ${nFeatures}`);
    }
  }
  const parent = new Int32Array(n);
  if (parents) parent.set(parents.map((p) => Math.min(p, 2147483647)));
  return {
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    parent,
    feature: Int32Array.from(feature),
    threshold: Float32Array.from(cond),
    defaultLeft: Uint8Array.from(dl, (v) => (v ? 1 : 0)),
    baseWeight: bw ? Float32Array.from(bw) : new Float32Array(n),
    gain: gain ? Float32Array.from(gain) : new Float32Array(n),
    cover: Float32Array.from(cover),
  };
}

export function checkSchema(s: unknown, where = "schema"): FeatureSchema {
  if (!s || typeof s !== "object") bad(`${where} is missing`);
  const o = s as Record<string, unknown>;
  if (typeof o.version !== "string") bad(`${where}.version is not a string`);
  if (!Array.isArray(o.features) || o.features.length === 0) bad(`${where}.features is not a non-empty array`);
  (o.features as unknown[]).forEach((f, i) => {
    const spec = f as Record<string, unknown>;
    if (!spec || typeof spec.name !== "string" || (spec.kind !== "numeric" && spec.kind !== "indicator")) {
      bad(`${where}.features[${i}] needs a name and kind numeric|indicator`);
    }
  });
  return s as FeatureSchema;
}

/** Loads a model artifact (JSON text or parsed object); RODENT_ERR_MODEL on any other tag or corrupt content. */
export function loadModel(json: string | object): Model {
  let o: Record<string, unknown>;
  if (typeof json === "string") {
    try {
      o = JSON.parse(json);
    } catch (e) {
      bad("not valid JSON", e);
    }
  } else o = json as Record<string, unknown>;
  if (!o || typeof o !== "object") bad("not a JSON object");
  if (o.format !== MODEL_FORMAT) bad(`format is ${JSON.stringify(o.format)}, expected "${MODEL_FORMAT}"`);
  if (o.version !== MODEL_FORMAT_VERSION) bad(`version ${JSON.stringify(o.version)} is not supported (expected 1)`);
  if (!isObjectiveName(o.objective)) {
    bad(`objective ${JSON.stringify(o.objective)} is not one of ${OBJECTIVES.join(", ")}`);
  }
  const objective = objectiveFor({ name: o.objective });
  const schema = checkSchema(o.schema);
  let params: TrainParams;
  try {
    params = checkParams((o.params ?? {}) as Partial<TrainParams>);
  } catch (e) {
    bad(`params: ${(e as Error).message}`, e);
  }
  const bs = o.base_score;
  if (typeof bs !== "number" || !objective.validBaseScore(bs)) {
    bad(
      `base_score ${JSON.stringify(bs)} is not a prediction of ${objective.name}${objective.name === "binary:logistic" ? " (a number in (0, 1))" : ""}`,
    );
  }
  if (!checkCalibration(o.calibration))
    bad("calibration is not a known increasing map (none, platt, beta, isotonic-interpolated or isotonic)");
  if (!Array.isArray(o.trees)) bad("trees is not an array");
  const nf = schema.features.length;
  const trees = (o.trees as unknown[]).map((t, i) => {
    if (!t || typeof t !== "object") bad(`trees[${i}] is not an object`);
    return treeFromArrays(t as Record<string, unknown>, nf, `trees[${i}]`);
  });
  const meta = (o.meta && typeof o.meta === "object" ? o.meta : {}) as ModelMeta;
  if (typeof meta.createdAt !== "string") bad("meta.createdAt is missing");
  return new Model(schema, params, trees, bs, o.calibration, meta, objective.name);
}
