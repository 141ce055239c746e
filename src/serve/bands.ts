// Risk bands by rank in the city, not by raw probability: a band then means the same share of
// restaurants whatever the model's calibration or the season's base rate, which is what an inspection
// office plans with ("the top 5% this week"). Thresholds are documented in the README ("The service").

export type RiskBand = "high" | "elevated" | "moderate" | "low";

/** Upper bounds of each band on the "top fraction" (share of the city's active restaurants scoring higher). */
export const RISK_BANDS: readonly { band: RiskBand; topFraction: number }[] = [
  { band: "high", topFraction: 0.05 },
  { band: "elevated", topFraction: 0.2 },
  { band: "moderate", topFraction: 0.5 },
  { band: "low", topFraction: 1 },
];

export function bandOf(topFraction: number): RiskBand {
  for (const b of RISK_BANDS) if (topFraction < b.topFraction) return b.band;
  return "low";
}

/**
 * Share of `ascending` (the city's scores, sorted ascending) strictly above p, in [0, 1].
 * Binary search: O(log n) per lookup, so a batch of 1000 rows stays cheap.
 */
export function topFraction(ascending: Float64Array, p: number): number {
  const n = ascending.length;
  if (n === 0) return 0;
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ascending[mid] <= p) lo = mid + 1;
    else hi = mid;
  }
  return (n - lo) / n;
}
