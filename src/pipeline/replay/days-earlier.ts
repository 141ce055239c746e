import type { DaysEarlier, ReplayData } from "./types.js";

/**
 * "Critical violations found N days earlier" (the Chicago food-inspection evaluation's business measure), over
 * the replayed weeks: within each block of `blockWeeks` weeks the block's inspection dates are handed out in
 * descending-score order (the highest-ranked inspection gets the earliest date), and each positive's days
 * earlier is its real date minus the date the ranking gives it. Tied scores share the mean of their dates, so no
 * arbitrary order among ties decides anything. Reports mean, median and sd over the positives, how many the
 * ranking would find later than the schedule did, and the share found in the first half of their block.
 */
export function daysEarlier(
  data: Pick<ReplayData, "day" | "label">,
  weeks: { rows: Int32Array; score: Float64Array }[],
  blockWeeks: number,
): DaysEarlier {
  const gains: number[] = [];
  let firstHalf = 0;
  for (let b = 0; b < weeks.length; b += blockWeeks) {
    const block = weeks.slice(b, b + blockWeeks);
    const rows: number[] = [];
    const score: number[] = [];
    for (const w of block)
      for (let i = 0; i < w.rows.length; i++) {
        rows.push(w.rows[i]);
        score.push(w.score[i]);
      }
    const n = rows.length;
    if (n === 0) continue;
    const dates = rows.map((r) => data.day[r]).sort((x, y) => x - y);
    const mid = (dates[0] + dates[n - 1]) / 2;
    const order = rows.map((_, i) => i).sort((x, y) => score[y] - score[x]);
    for (let i = 0; i < n; ) {
      let j = i + 1;
      while (j < n && score[order[j]] === score[order[i]]) j++;
      let sum = 0;
      for (let k = i; k < j; k++) sum += dates[k];
      const given = sum / (j - i);
      for (let k = i; k < j; k++) {
        const r = rows[order[k]];
        if (!data.label[r]) continue;
        gains.push(data.day[r] - given);
        if (given < mid) firstHalf++;
      }
      i = j;
    }
  }
  const m = gains.length;
  if (m === 0)
    return {
      block_weeks: blockWeeks,
      positives: 0,
      mean: null,
      median: null,
      sd: null,
      later: 0,
      first_half_share: null,
    };
  const mean = gains.reduce((s, g) => s + g, 0) / m;
  const sorted = [...gains].sort((x, y) => x - y);
  const median = m % 2 ? sorted[(m - 1) / 2] : (sorted[m / 2 - 1] + sorted[m / 2]) / 2;
  const sd = Math.sqrt(gains.reduce((s, g) => s + (g - mean) ** 2, 0) / Math.max(1, m - 1));
  const r2 = (v: number) => Math.round(v * 100) / 100;
  return {
    block_weeks: blockWeeks,
    positives: m,
    mean: r2(mean),
    median: r2(median),
    sd: r2(sd),
    later: gains.filter((g) => g < 0).length,
    first_half_share: r2(firstHalf / m),
  };
}
