// Evaluation metrics the learner watches on the validation rows each round (XGBoost's eval_metric): they read
// margins and apply the objective's transform themselves, take optional sample weights, and say which way is better.
// Early stopping keeps the trees up to the best round; a later round must be strictly better to count.
import { RodentError } from "../errors.js";
import { weightedPrAuc, weightedRocAuc } from "./binary-metrics.js";
import { prAuc, rocAuc } from "./metrics.js";
import { type Objective, type ObjectiveName, sigmoid } from "./objective.js";

export const EVAL_METRICS = ["logloss", "auc", "aucpr", "error", "rmse", "mae", "poisson-nloglik"] as const;
export type EvalMetricName = (typeof EVAL_METRICS)[number];

export interface EvalMetric {
  name: EvalMetricName;
  /** true for AUC-like metrics (higher is better), false for losses */
  maximize: boolean;
  /** The metric of `margin` against `label`, weighted by `weight` when given. */
  score(label: ArrayLike<number>, margin: Float64Array, weight: ArrayLike<number> | null): number;
}

/** XGBoost's default eval_metric for each objective. */
export const DEFAULT_METRIC: Readonly<Record<ObjectiveName, EvalMetricName>> = {
  "binary:logistic": "logloss",
  "count:poisson": "poisson-nloglik",
  "reg:squarederror": "rmse",
};

const BINARY_ONLY = new Set<EvalMetricName>(["logloss", "auc", "aucpr", "error"]);

/** Mean binary log loss of margins (probabilities clipped to [1e-15, 1 − 1e-15]). */
export function logloss(label: ArrayLike<number>, margin: Float64Array): number {
  let s = 0;
  for (let i = 0; i < label.length; i++) {
    const p = Math.min(Math.max(sigmoid(margin[i]), 1e-15), 1 - 1e-15);
    s -= label[i] ? Math.log(p) : Math.log(1 - p);
  }
  return label.length ? s / label.length : Number.NaN;
}

/** Weighted mean of per-row values f(i); the plain mean when `weight` is null. */
function mean(n: number, weight: ArrayLike<number> | null, f: (i: number) => number): number {
  let s = 0;
  let sw = 0;
  for (let i = 0; i < n; i++) {
    const w = weight ? weight[i] : 1;
    s += w * f(i);
    sw += w;
  }
  return sw > 0 ? s / sw : Number.NaN;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; about 15 significant digits), for the Poisson log-likelihood. */
export function lgamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

function binaryLabel(label: ArrayLike<number>): Uint8Array {
  return label instanceof Uint8Array ? label : Uint8Array.from(label);
}

function metricOf(name: EvalMetricName, obj: Objective): EvalMetric {
  const pred = (m: number) => obj.transform(m);
  switch (name) {
    case "logloss":
      return {
        name,
        maximize: false,
        score: (y, m, w) =>
          w
            ? mean(y.length, w, (i) => {
                const p = Math.min(Math.max(sigmoid(m[i]), 1e-15), 1 - 1e-15);
                return y[i] ? -Math.log(p) : -Math.log(1 - p);
              })
            : logloss(y, m),
      };
    case "auc":
      // margins rank like probabilities (the transform is monotone)
      return { name, maximize: true, score: (y, m, w) => (w ? weightedRocAuc(y, m, w) : rocAuc(binaryLabel(y), m)) };
    case "aucpr":
      return { name, maximize: true, score: (y, m, w) => (w ? weightedPrAuc(y, m, w) : prAuc(binaryLabel(y), m)) };
    case "error":
      // XGBoost's rule: predicted positive when the probability is above 0.5 (margin > 0)
      return {
        name,
        maximize: false,
        score: (y, m, w) => mean(y.length, w, (i) => ((m[i] > 0 ? 1 : 0) !== y[i] ? 1 : 0)),
      };
    case "rmse":
      return {
        name,
        maximize: false,
        score: (y, m, w) => Math.sqrt(mean(y.length, w, (i) => (pred(m[i]) - y[i]) ** 2)),
      };
    case "mae":
      return { name, maximize: false, score: (y, m, w) => mean(y.length, w, (i) => Math.abs(pred(m[i]) - y[i])) };
    case "poisson-nloglik":
      // −log P(y | λ = exp(margin)) = λ − y·log λ + log y!, as XGBoost reports it
      return {
        name,
        maximize: false,
        score: (y, m, w) => mean(y.length, w, (i) => Math.exp(m[i]) - y[i] * m[i] + lgamma(y[i] + 1)),
      };
  }
}

export function isEvalMetricName(name: unknown): name is EvalMetricName {
  return (EVAL_METRICS as readonly unknown[]).includes(name);
}

/** The metric a name gives for an objective; RODENT_ERR_INVALID_ARGUMENT for unknown names or a mismatch. */
export function evalMetricFor(name: string | undefined, obj: Objective): EvalMetric {
  const m = name ?? DEFAULT_METRIC[obj.name];
  if (!isEvalMetricName(m)) {
    throw new RodentError(
      "RODENT_ERR_INVALID_ARGUMENT",
      `eval_metric: unknown "${m}"; known: ${EVAL_METRICS.join(", ")}`,
      {
        param: "eval_metric",
      },
    );
  }
  if (BINARY_ONLY.has(m) && obj.name !== "binary:logistic") {
    throw new RodentError(
      "RODENT_ERR_INVALID_ARGUMENT",
      `eval_metric: ${m} needs 0/1 labels (objective binary:logistic), the objective is ${obj.name}; use rmse, mae or poisson-nloglik`,
      { param: "eval_metric" },
    );
  }
  return metricOf(m, obj);
}
