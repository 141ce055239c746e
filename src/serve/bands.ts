// Ranks and risk bands come from the model's raw score (the margin), never from the calibrated probability: the
// calibration is strictly increasing, but a probability rounded for display, or an old flat calibration, must not
// decide who comes first. A rank is a competition rank (1 + the restaurants scoring strictly higher), so only
// restaurants whose raw scores are equal share one. Bands are by rank in the city, not by probability: a band then
// means the same share of restaurants whatever the model's calibration or the season's base rate, which is what an
// inspection office plans with ("the top 5% this week"). Thresholds are documented in docs/model.md (ranks and bands).
import { lowerBound, upperBound } from "../util/search.js";

export type RiskBand = "high" | "elevated" | "moderate" | "low";

/** Upper bounds of each band on the top fraction (rank / restaurants in the city). */
export const RISK_BANDS: readonly { band: RiskBand; topFraction: number }[] = [
  { band: "high", topFraction: 0.05 },
  { band: "elevated", topFraction: 0.2 },
  { band: "moderate", topFraction: 0.5 },
  { band: "low", topFraction: 1 },
];

/** high = top 5 % (rank ≤ 5 % of the city), elevated = top 5–20 %, moderate = 20–50 %, low = the rest. */
export function bandOf(topFraction: number): RiskBand {
  for (const b of RISK_BANDS) if (topFraction <= b.topFraction) return b.band;
  return "low";
}

/** How many of `ascending` (sorted ascending) are strictly above v: binary search, O(log n). */
export function countAbove(ascending: Float64Array, v: number): number {
  return ascending.length - upperBound(ascending, v);
}

/** How many of `ascending` are at or above v. */
export function countAtOrAbove(ascending: Float64Array, v: number): number {
  return ascending.length - lowerBound(ascending, v);
}

/** Competition rank of a raw score among the city's raw scores (sorted ascending): 1 = highest. */
export function rankAmong(ascending: Float64Array, score: number): number {
  return countAbove(ascending, score) + 1;
}

/**
 * The share of the city's restaurants at or above this raw score: rank / n, in (0, 1] ("top 0.003 %" for rank 1 of
 * 30,922, never "top 0 %"). A score above every restaurant's is rank 1; an empty city gives 1.
 */
export function topFraction(ascending: Float64Array, score: number): number {
  const n = ascending.length;
  return n === 0 ? 1 : Math.min(1, rankAmong(ascending, score) / n);
}
