import { describeFeature } from "../features/index.js";
import type { ContributionMethod, Model } from "../model/index.js";
import { standingOf } from "./column-ranks.js";

/**
 * Path-based (Saabas) attributions on the request path: TreeSHAP measured ~90× slower per row on a 200-tree,
 * depth-6 model (15.7 ms vs 0.18 ms, loaded machine), too slow for an uncached lookup. Both sum to the margin.
 */
export const REASONS_METHOD: ContributionMethod = "saabas";

export interface Reason {
  feature: string;
  /** The feature's value for this restaurant; null when missing. */
  value: number | null;
  /** Contribution to the model's margin (log-odds), from the trees' per-prediction path attributions. */
  contribution: number;
  /** Plain words, from the feature catalogue (describeFeature). */
  text: string;
  /** Share of active restaurants with a strictly lower value (null when missing or no comparison is given). */
  percentile: number | null;
  /** Where the value stands among active restaurants, in words ("higher than 98% of active restaurants"). */
  relative: string | null;
}

/**
 * The features that raised this prediction the most: the k largest positive contributions. A one-hot
 * level that is off (value 0) is skipped: "not a pizzeria" is no reason to send an inspector. With `sorted`
 * (each column's values over the active restaurants, ascending) each reason says where this restaurant stands, and
 * the k reasons are ordered rarest first: what sets it apart leads, what most restaurants share comes last.
 */
export function topReasons(
  model: Model,
  row: Float32Array,
  k = 3,
  method = REASONS_METHOD,
  sorted?: readonly Float32Array[],
): Reason[] {
  const contrib = model.contributions(row, method);
  const features = model.schema.features;
  const picked: number[] = [];
  for (let j = 0; j < features.length; j++) {
    if (!(contrib[j] > 0)) continue;
    if (features[j].kind === "indicator" && row[j] !== 1) continue;
    picked.push(j);
  }
  picked.sort((a, b) => contrib[b] - contrib[a]);
  const out = picked.slice(0, k).map((j) => {
    const v = row[j];
    const st = sorted ? standingOf(sorted[j], v) : null;
    // How many restaurants are at least as far out as this one, on the side that raised the score.
    const rarity = st ? 1 - Math.max(st.below, st.above) : 1;
    return {
      reason: {
        feature: features[j].name,
        value: Number.isNaN(v) ? null : v,
        contribution: contrib[j],
        text: describeFeature(features[j].name, v),
        percentile: st ? st.below : null,
        relative: st ? st.text : null,
      },
      rarity,
    };
  });
  // Stable sort: equal rarity keeps the contribution order.
  out.sort((a, b) => a.rarity - b.rarity);
  return out.map((o) => o.reason);
}
