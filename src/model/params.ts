// Hyper-parameters of the learner, each declared once (default, bounds, description), named as in XGBoost so a
// parameter set means the same thing to both learners (bench/train.ts passes the same object to Python).
import { RodentError } from "../errors.js";

export interface TrainParams {
  n_estimators: number;
  max_depth: number;
  eta: number;
  min_child_weight: number;
  lambda: number;
  gamma: number;
  subsample: number;
  colsample_bytree: number;
  scale_pos_weight: number;
  max_bin: number;
  early_stopping_rounds: number;
  seed: number;
  nthread: number;
}

export interface ParamSpec {
  default: number;
  min: number;
  max: number;
  /** Whether `min` itself is allowed (eta > 0, subsample > 0 are open at 0). */
  minInclusive: boolean;
  integer: boolean;
  description: string;
}

export const PARAM_SPECS: { readonly [K in keyof TrainParams]: ParamSpec } = {
  n_estimators: {
    default: 400,
    min: 1,
    max: 100_000,
    minInclusive: true,
    integer: true,
    description: "maximum number of boosting rounds (trees)",
  },
  max_depth: {
    default: 6,
    min: 1,
    max: 16,
    minInclusive: true,
    integer: true,
    description: "maximum depth of a tree (depth-wise growth)",
  },
  eta: {
    default: 0.1,
    min: 0,
    max: 1,
    minInclusive: false,
    integer: false,
    description: "learning rate: each tree's leaf values are scaled by it",
  },
  min_child_weight: {
    default: 1,
    min: 0,
    max: 1e9,
    minInclusive: true,
    integer: false,
    description: "minimum sum of hessians in a child for a split to be considered",
  },
  lambda: {
    default: 1,
    min: 0,
    max: 1e9,
    minInclusive: true,
    integer: false,
    description: "L2 regularization on leaf weights",
  },
  gamma: {
    default: 0,
    min: 0,
    max: 1e9,
    minInclusive: true,
    integer: false,
    description: "minimum loss reduction to make a split (min_split_loss)",
  },
  subsample: {
    default: 0.8,
    min: 0,
    max: 1,
    minInclusive: false,
    integer: false,
    description: "fraction of training rows sampled for each tree",
  },
  colsample_bytree: {
    default: 0.8,
    min: 0,
    max: 1,
    minInclusive: false,
    integer: false,
    description: "fraction of features sampled for each tree",
  },
  scale_pos_weight: {
    default: 1,
    min: 0,
    max: 1e9,
    minInclusive: false,
    integer: false,
    description: "weight of positive examples in the loss (class balance)",
  },
  max_bin: {
    default: 256,
    min: 2,
    max: 256,
    minInclusive: true,
    integer: true,
    description: "maximum number of histogram bins per feature (one bin code is kept for missing)",
  },
  early_stopping_rounds: {
    default: 30,
    min: 0,
    max: 100_000,
    minInclusive: true,
    integer: true,
    description: "stop when validation logloss has not improved for this many rounds (0 = off)",
  },
  seed: {
    default: 42,
    min: 0,
    max: 2 ** 31 - 1,
    minInclusive: true,
    integer: true,
    description: "random seed for row and feature sampling (same seed, same model)",
  },
  nthread: {
    default: 2,
    min: 1,
    max: 64,
    minInclusive: true,
    integer: true,
    description: "training threads: 1, or 2 to build histograms on a worker thread too (same model either way)",
  },
};

export const DEFAULT_PARAMS: TrainParams = Object.freeze(
  Object.fromEntries(Object.entries(PARAM_SPECS).map(([k, s]) => [k, s.default])) as unknown as TrainParams,
) as TrainParams;

function checkValue(name: keyof TrainParams, v: number): number {
  const s = PARAM_SPECS[name];
  if (!Number.isFinite(v)) {
    throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", `parameter ${name}: expected a number, got ${String(v)}`, {
      param: name,
    });
  }
  if (s.integer && !Number.isInteger(v)) {
    throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", `parameter ${name}: expected an integer, got ${v}`, {
      param: name,
    });
  }
  const lowOk = s.minInclusive ? v >= s.min : v > s.min;
  if (!lowOk || v > s.max) {
    const lo = s.minInclusive ? `[${s.min}` : `(${s.min}`;
    throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", `parameter ${name}: ${v} is outside ${lo}, ${s.max}]`, {
      param: name,
      value: v,
    });
  }
  return v;
}

/** Defaults overridden by string values (CLI `--param k=v`, MLflow params); unknown names and bad values throw. */
export function parseParams(overrides: Record<string, string>): TrainParams {
  const out = { ...DEFAULT_PARAMS };
  for (const [k, raw] of Object.entries(overrides)) {
    if (!Object.hasOwn(PARAM_SPECS, k)) {
      throw new RodentError(
        "RODENT_ERR_INVALID_ARGUMENT",
        `unknown parameter ${k}; known: ${Object.keys(PARAM_SPECS).join(", ")}`,
        { param: k },
      );
    }
    const name = k as keyof TrainParams;
    const text = String(raw).trim();
    const v = text === "" ? Number.NaN : Number(text);
    if (Number.isNaN(v)) {
      throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", `parameter ${name}: "${raw}" is not a number`, {
        param: name,
      });
    }
    out[name] = checkValue(name, v);
  }
  return out;
}

/** Validates a complete params object (e.g. read back from an artifact). */
export function checkParams(p: Partial<TrainParams>): TrainParams {
  const out = { ...DEFAULT_PARAMS };
  for (const k of Object.keys(PARAM_SPECS) as (keyof TrainParams)[]) {
    if (p[k] !== undefined) out[k] = checkValue(k, Number(p[k]));
  }
  return out;
}
