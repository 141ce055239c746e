// Losses sit behind one interface (gradient, transform, base score), as XGBoost's ObjFunction does. Training calls
// gradient() for each thread's row range (the caller's half here, the worker's half in hist-worker.ts), so a loss is
// written once, in typed code, and both threads run the same function: the same numbers for any nthread.
// This module imports nothing: it is bundled into the worker (scripts/build-wasm.mjs).

/** XGBoost's names, so a parameter set means the same thing to both learners. */
export const OBJECTIVES = ["binary:logistic", "count:poisson", "reg:squarederror"] as const;
export type ObjectiveName = (typeof OBJECTIVES)[number];

/** What the worker needs to rebuild the same objective (plain data: it crosses threads). */
export interface ObjectiveSpec {
  name: ObjectiveName;
  /** binary:logistic: weight of positive rows (class balance) */
  scalePosWeight?: number;
}

export interface Objective {
  readonly name: ObjectiveName;
  /**
   * Gradient and hessian of rows [from, to) from the current margins, interleaved as the histogram kernel reads them
   * (gh[2i], gh[2i + 1]); each row's pair is multiplied by its weight when `weight` is given.
   */
  gradient(
    margin: Float64Array,
    label: Float32Array,
    weight: Float32Array | null,
    gh: Float64Array,
    from: number,
    to: number,
  ): void;
  /** Margin → prediction (probability, expected count, value). */
  transform(margin: number): number;
  /** base_score (prediction space, float32) → margin, in float arithmetic as XGBoost does it. */
  baseMargin(baseScore: number): number;
  /** The intercept in prediction space, estimated from the (weighted) labels (boost_from_average). */
  initEstimation(label: ArrayLike<number>, weight?: ArrayLike<number> | null): number;
  /** Whether a base score read from an artifact is one this objective can have. */
  validBaseScore(baseScore: number): boolean;
  /** null when every label is one this loss accepts, else the first bad row and why. */
  checkLabel(label: ArrayLike<number>): { row: number; reason: string } | null;
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** float32 base score → margin the way XGBoost's ProbToMargin does it for binary:logistic (float arithmetic). */
export function logitFloat32(baseScore: number): number {
  const t = Math.fround(Math.fround(1 / Math.fround(baseScore)) - 1);
  return Math.fround(-Math.log(t));
}

function weightedMean(label: ArrayLike<number>, weight?: ArrayLike<number> | null): { mean: number; sw: number } {
  let s = 0;
  let sw = 0;
  for (let i = 0; i < label.length; i++) {
    const w = weight ? weight[i] : 1;
    s += w * label[i];
    sw += w;
  }
  return { mean: sw > 0 ? s / sw : Number.NaN, sw };
}

export function logisticObjective(scalePosWeight = 1): Objective {
  return {
    name: "binary:logistic",
    gradient(margin, label, weight, gh, from, to) {
      // two loops rather than a weight test per row: this is the hot loop of the gradient phase
      if (!weight) {
        for (let i = from; i < to; i++) {
          const p = 1 / (1 + Math.exp(-margin[i]));
          const y = label[i];
          const w = y ? scalePosWeight : 1;
          gh[2 * i] = (p - y) * w;
          gh[2 * i + 1] = Math.max(p * (1 - p), 1e-16) * w;
        }
        return;
      }
      for (let i = from; i < to; i++) {
        const p = 1 / (1 + Math.exp(-margin[i]));
        const y = label[i];
        const w = (y ? scalePosWeight : 1) * weight[i];
        gh[2 * i] = (p - y) * w;
        gh[2 * i + 1] = Math.max(p * (1 - p), 1e-16) * w;
      }
    },
    transform: sigmoid,
    baseMargin: logitFloat32,
    initEstimation(label, weight) {
      // XGBoost 3.x: the (weighted) mean label, then one Newton step of the weighted loss from its logit (which
      // changes nothing unless scale_pos_weight ≠ 1). Clamped away from 0 and 1 so the margin stays finite.
      let s = 0;
      let n = 0;
      if (weight) {
        for (let i = 0; i < label.length; i++) {
          s += weight[i] * label[i];
          n += weight[i];
        }
      } else {
        for (let i = 0; i < label.length; i++) s += label[i];
        n = label.length;
      }
      const mean = Math.min(Math.max(n ? s / n : 0.5, 1e-6), 1 - 1e-6);
      if (scalePosWeight === 1) return mean;
      const g = (mean - 1) * scalePosWeight * s + mean * (n - s);
      const h = mean * (1 - mean) * (scalePosWeight * s + (n - s));
      const m = -Math.log(1 / mean - 1) - g / h;
      return Math.min(Math.max(sigmoid(m), 1e-6), 1 - 1e-6);
    },
    validBaseScore: (b) => b > 0 && b < 1,
    checkLabel(label) {
      for (let i = 0; i < label.length; i++) {
        if (label[i] !== 0 && label[i] !== 1) return { row: i, reason: `${label[i]} is not 0 or 1` };
      }
      return null;
    },
  };
}

/** count:poisson as XGBoost has it: log link, hessian exp(margin + max_delta_step) with max_delta_step 0.7. */
export function poissonObjective(maxDeltaStep = 0.7): Objective {
  return {
    name: "count:poisson",
    gradient(margin, label, weight, gh, from, to) {
      for (let i = from; i < to; i++) {
        const w = weight ? weight[i] : 1;
        const m = margin[i];
        gh[2 * i] = (Math.exp(m) - label[i]) * w;
        gh[2 * i + 1] = Math.exp(m + maxDeltaStep) * w;
      }
    },
    transform: Math.exp,
    baseMargin: (b) => Math.fround(Math.log(b)),
    initEstimation(label, weight) {
      // a mean of 0 would put the margin at −∞
      return Math.max(weightedMean(label, weight).mean, 1e-6);
    },
    validBaseScore: (b) => b > 0 && Number.isFinite(b),
    checkLabel(label) {
      for (let i = 0; i < label.length; i++) {
        if (!(label[i] >= 0) || !Number.isFinite(label[i])) return { row: i, reason: `${label[i]} is not a count ≥ 0` };
      }
      return null;
    },
  };
}

export function squaredErrorObjective(): Objective {
  return {
    name: "reg:squarederror",
    gradient(margin, label, weight, gh, from, to) {
      for (let i = from; i < to; i++) {
        const w = weight ? weight[i] : 1;
        gh[2 * i] = (margin[i] - label[i]) * w;
        gh[2 * i + 1] = w;
      }
    },
    transform: (m) => m,
    baseMargin: (b) => b,
    initEstimation: (label, weight) => weightedMean(label, weight).mean,
    validBaseScore: (b) => Number.isFinite(b),
    checkLabel(label) {
      for (let i = 0; i < label.length; i++) {
        if (!Number.isFinite(label[i])) return { row: i, reason: `${label[i]} is not a finite number` };
      }
      return null;
    },
  };
}

export function isObjectiveName(name: unknown): name is ObjectiveName {
  return (OBJECTIVES as readonly unknown[]).includes(name);
}

/** The objective a spec names (the worker rebuilds its copy from the same spec). */
export function objectiveFor(spec: ObjectiveSpec): Objective {
  switch (spec.name) {
    case "binary:logistic":
      return logisticObjective(spec.scalePosWeight ?? 1);
    case "count:poisson":
      return poissonObjective();
    case "reg:squarederror":
      return squaredErrorObjective();
  }
}
