import type { ReplayPolicy, ReplayResult } from "./types.js";

export interface PolicyRecommendation {
  policy: ReplayPolicy;
  reason: string;
}

/**
 * Which retraining policy to run, from a replay of several on the same history (issue 13 §6). The yardstick is
 * what inspectors get: rodent violations found in the top 10 % of each week's inspections, realised on the real
 * labels (no truth needed). A policy that finds more is better only if the difference is beyond noise: two
 * binomial standard errors of the best count (found ~ Binomial). Among the policies within noise of the best, the
 * one with the fewest retrains wins (each retrain costs compute and a review); days earlier breaks a tie.
 */
export function recommendPolicy(results: ReplayResult[]): PolicyRecommendation | null {
  if (results.length === 0) return null;
  const best = results.reduce((a, b) => (b.summary.found_top_k > a.summary.found_top_k ? b : a));
  const noise = 2 * Math.sqrt(Math.max(1, best.summary.found_top_k));
  const close = results.filter((r) => best.summary.found_top_k - r.summary.found_top_k <= noise);
  close.sort(
    (a, b) =>
      a.summary.retrains - b.summary.retrains ||
      (b.summary.days_earlier.mean ?? 0) - (a.summary.days_earlier.mean ?? 0),
  );
  const pick = close[0];
  const s = pick.summary;
  const others = results
    .filter((r) => r !== pick)
    .map(
      (r) =>
        `${r.policy}: ${r.summary.found_top_k} found, ${r.summary.retrains} retrains${r.summary.days_earlier.mean !== null ? `, ${r.summary.days_earlier.mean.toFixed(1)} days earlier` : ""}`,
    );
  const head =
    pick === best
      ? `${pick.policy} finds the most rodent violations in the top 10 % (${s.found_top_k}, the schedule ${s.status_quo_found.toFixed(0)})`
      : `${pick.policy} finds ${s.found_top_k} rodent violations in the top 10 %, within noise (±${noise.toFixed(0)}) of the best (${best.policy}: ${best.summary.found_top_k}), with fewer retrains`;
  return {
    policy: pick.policy,
    reason: `${head}; ${s.retrains} retrains; ${s.days_earlier.mean !== null ? `found ${s.days_earlier.mean.toFixed(1)} days earlier on average (median ${s.days_earlier.median})` : "no positives to time"}${others.length ? `. Others: ${others.join("; ")}` : ""}.`,
  };
}
