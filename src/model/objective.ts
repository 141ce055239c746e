// Losses sit behind one interface (gradient, transform, base score), as XGBoost's ObjFunction does; we only need
// binary:logistic.
export interface Objective {
  readonly name: string;
  /** Writes gradient and hessian for every row from the current margins. */
  gradient(margin: Float64Array, label: Uint8Array, grad: Float64Array, hess: Float64Array): void;
  /** Margin → prediction (probability). */
  transform(margin: number): number;
  /** Prediction space → margin (for base_score). */
  probToMargin(p: number): number;
  /** The intercept in prediction space, estimated from the labels (boost_from_average). */
  initEstimation(label: Uint8Array): number;
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export function logisticObjective(scalePosWeight = 1): Objective {
  return {
    name: "binary:logistic",
    gradient(margin, label, grad, hess) {
      for (let i = 0; i < margin.length; i++) {
        const p = 1 / (1 + Math.exp(-margin[i]));
        const w = label[i] ? scalePosWeight : 1;
        grad[i] = (p - label[i]) * w;
        hess[i] = Math.max(p * (1 - p), 1e-16) * w;
      }
    },
    transform: sigmoid,
    probToMargin(p) {
      return -Math.log(1 / p - 1);
    },
    initEstimation(label) {
      // XGBoost 3.x: the mean label, then one Newton step of the weighted loss from its logit (which changes
      // nothing unless scale_pos_weight ≠ 1). Clamped away from 0 and 1 so the margin stays finite.
      let s = 0;
      for (let i = 0; i < label.length; i++) s += label[i];
      const n = label.length;
      const mean = Math.min(Math.max(n ? s / n : 0.5, 1e-6), 1 - 1e-6);
      if (scalePosWeight === 1) return mean;
      const g = (mean - 1) * scalePosWeight * s + mean * (n - s);
      const h = mean * (1 - mean) * (scalePosWeight * s + (n - s));
      const m = -Math.log(1 / mean - 1) - g / h;
      return Math.min(Math.max(sigmoid(m), 1e-6), 1 - 1e-6);
    },
  };
}
