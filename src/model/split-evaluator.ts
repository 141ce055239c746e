// Finds the best split of one node from its histogram with XGBoost's gain:
//   loss_chg = G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)
// both children need hessian ≥ min_child_weight. Forward scan sends missing values right; a backward scan (only
// when the node has missing values) sends them left; the better one sets the learned default direction.
// Ties keep the earlier candidate (lower feature, forward first), as XGBoost's SplitEntry::Update does.
import { type Cuts, MISSING_BIN } from "./cuts.js";
import { HIST_STRIDE } from "./histogram.js";

export interface SplitParams {
  lambda: number;
  min_child_weight: number;
}

export interface SplitCandidate {
  gain: number;
  feature: number;
  /** non-missing rows with bin <= splitBin go left */
  splitBin: number;
  threshold: number;
  defaultLeft: boolean;
  leftG: number;
  leftH: number;
  rightG: number;
  rightH: number;
}

export function calcGain(g: number, h: number, lambda: number): number {
  return (g * g) / (h + lambda);
}

/** Leaf weight −G/(H+λ); zero when the hessian is below min_child_weight, as in XGBoost's CalcWeight. */
export function calcWeight(g: number, h: number, p: SplitParams): number {
  if (h < p.min_child_weight || h <= 0) return 0;
  return -g / (h + p.lambda);
}

export function evaluateSplit(
  hist: Float64Array,
  sumG: number,
  sumH: number,
  cuts: Cuts,
  features: Int32Array,
  p: SplitParams,
): SplitCandidate | null {
  const lambda = p.lambda;
  const mcw = p.min_child_weight;
  const parentGain = calcGain(sumG, sumH, lambda);
  let best: SplitCandidate | null = null;
  let bestGain = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < features.length; k++) {
    const f = features[k];
    const nb = cuts.ptrs[f + 1] - cuts.ptrs[f];
    const base = f * HIST_STRIDE * 2;
    const missH = hist[base + MISSING_BIN * 2 + 1];
    // forward: left = bins 0..b, right = the rest plus missing
    let lg = 0;
    let lh = 0;
    for (let b = 0; b < nb; b++) {
      lg += hist[base + 2 * b];
      lh += hist[base + 2 * b + 1];
      const rg = sumG - lg;
      const rh = sumH - lh;
      if (lh < mcw || rh < mcw || lh <= 0 || rh <= 0) continue;
      const gain = calcGain(lg, lh, lambda) + calcGain(rg, rh, lambda) - parentGain;
      if (gain > bestGain) {
        bestGain = gain;
        best = mk(gain, f, b, cuts, false, lg, lh, rg, rh);
      }
    }
    if (missH > 0) {
      // backward: right = bins b+1..nb-1, left = bins 0..b plus missing
      let rg = 0;
      let rh = 0;
      for (let b = nb - 2; b >= 0; b--) {
        rg += hist[base + 2 * (b + 1)];
        rh += hist[base + 2 * (b + 1) + 1];
        const lg2 = sumG - rg;
        const lh2 = sumH - rh;
        if (lh2 < mcw || rh < mcw || lh2 <= 0 || rh <= 0) continue;
        const gain = calcGain(lg2, lh2, lambda) + calcGain(rg, rh, lambda) - parentGain;
        if (gain > bestGain) {
          bestGain = gain;
          best = mk(gain, f, b, cuts, true, lg2, lh2, rg, rh);
        }
      }
    }
  }
  return best;
}

function mk(
  gain: number,
  f: number,
  b: number,
  cuts: Cuts,
  defaultLeft: boolean,
  leftG: number,
  leftH: number,
  rightG: number,
  rightH: number,
): SplitCandidate {
  return {
    gain,
    feature: f,
    splitBin: b,
    threshold: cuts.values[cuts.ptrs[f] + b],
    defaultLeft,
    leftG,
    leftH,
    rightG,
    rightH,
  };
}
