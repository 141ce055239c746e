import { describe, expect, it } from "vitest";
import {
  brier,
  daysEarlier,
  ece,
  evaluateScores,
  liftAtFraction,
  prAuc,
  precisionAtFraction,
  rocAuc,
} from "./metrics.js";
import { rng } from "./random.js";

describe("metrics", () => {
  it("ROC-AUC counts ties as half", () => {
    expect(rocAuc(Uint8Array.from([0, 0, 1, 1]), [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
    expect(rocAuc(Uint8Array.from([0, 1, 0, 1]), [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
    // positive tied with one of two negatives: (1 + 0.5) / 2
    expect(rocAuc(Uint8Array.from([1, 0, 0]), [0.5, 0.5, 0.1])).toBe(0.75);
    expect(rocAuc(Uint8Array.from([1, 1]), [0.2, 0.3])).toBeNaN();
  });
  it("ROC-AUC equals the pairwise definition on data with many ties", () => {
    const n = 600;
    const y = Uint8Array.from({ length: n }, (_, i) => ((i * 7919) % 11 < 3 ? 1 : 0));
    const p = Float64Array.from({ length: n }, (_, i) => ((i * 104729) % 37) / 37); // 37 distinct values
    let wins = 0;
    let pairs = 0;
    for (let i = 0; i < n; i++) {
      if (!y[i]) continue;
      for (let j = 0; j < n; j++) {
        if (y[j]) continue;
        pairs++;
        wins += p[i] > p[j] ? 1 : p[i] === p[j] ? 0.5 : 0;
      }
    }
    expect(rocAuc(y, p)).toBeCloseTo(wins / pairs, 14);
  });
  it("PR-AUC is average precision over distinct thresholds", () => {
    // sklearn: average_precision_score([0,0,1,1],[0.1,0.4,0.35,0.8]) = 0.8333…
    expect(prAuc(Uint8Array.from([0, 0, 1, 1]), [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(5 / 6, 12);
    expect(prAuc(Uint8Array.from([0, 1, 0, 1]), [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
  });
  it("Brier and ECE with reliability bins", () => {
    const y = Uint8Array.from([0, 1, 1, 0]);
    const p = [0.05, 0.95, 0.45, 0.45];
    expect(brier(y, p)).toBeCloseTo((0.0025 + 0.0025 + 0.3025 + 0.2025) / 4, 12);
    const e = ece(y, p, 10);
    expect(e.bins.length).toBe(10);
    expect(e.bins[4]).toEqual({ lo: 0.4, hi: 0.5, n: 2, mean_score: 0.45, positive_rate: 0.5 });
    expect(e.ece).toBeCloseTo((1 / 4) * 0.05 + (1 / 4) * 0.05 + (2 / 4) * 0.05, 12);
  });
  it("precision and lift at k% of each group, ties at the cut pro rata", () => {
    const y = Uint8Array.from([1, 0, 0, 0, 0, 1, 1, 0, 0, 0]);
    const p = [0.9, 0.8, 0.1, 0.1, 0.1, 0.2, 0.9, 0.1, 0.1, 0.1];
    const g = Int32Array.from([1, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
    // top 20% of each week (1 row each): week 1 picks a positive, week 2 picks a positive
    expect(precisionAtFraction(y, p, g, 0.2)).toBe(1);
    // top 40%: week 1 → rows 0, 1 (1 hit); week 2 → rows 6, 5 (2 hits)
    expect(precisionAtFraction(y, p, g, 0.4)).toBe(3 / 4);
    expect(liftAtFraction(y, p, g, 0.4)).toBeCloseTo(3 / 4 / 0.3, 12);
    // a constant score (the status quo) gets the base rate
    expect(precisionAtFraction(y, new Float64Array(10), g, 0.2)).toBeCloseTo(0.3, 12);
  });
  it("evaluateScores gives the agreed keys overall and per borough, by ISO week", () => {
    const n = 400;
    const label = new Uint8Array(n);
    const score = new Float64Array(n);
    const day = new Int32Array(n);
    const borough = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      score[i] = ((i * 37) % 101) / 101;
      label[i] = score[i] > 0.7 || i % 13 === 0 ? 1 : 0;
      day[i] = 19000 + (i % 28);
      borough[i] = i % 5;
    }
    const m = evaluateScores({ label, score, day, borough });
    expect(Object.keys(m.precision_at)).toEqual(["5", "10", "20"]);
    expect(Object.keys(m.lift_at)).toEqual(["5", "10", "20"]);
    expect(m.n).toBe(400);
    expect(m.auc).toBeGreaterThan(0.8);
    expect(Object.keys(m.by_borough)).toEqual(["Manhattan", "Bronx", "Brooklyn", "Queens", "Staten Island"]);
    expect(m.by_borough.Bronx.n).toBe(80);
    expect(m.by_borough.Bronx).not.toHaveProperty("by_borough");
    expect(m.lift_at["5"]).toBeGreaterThan(1);
  });
  it("days earlier: the window's dates handed out again in score order", () => {
    const day = Int32Array.from([0, 1, 2, 3]);
    const y = Uint8Array.from([0, 0, 1, 1]);
    // The two positives, inspected on days 2 and 3, get days 0 and 1.
    expect(daysEarlier(y, [0.1, 0.2, 0.9, 0.8], day)).toEqual({
      mean: 2,
      median: 2,
      sd: 0,
      later: 0,
      positives: 2,
      first_half_share: 1,
      actual_first_half_share: 0,
    });
    // Backwards: the positives (days 0 and 2) get days 3 and 2: one found 3 days later, one on the same day.
    const back = daysEarlier(Uint8Array.from([1, 0, 1, 0]), [0.1, 0.9, 0.2, 0.8], day);
    expect(back.mean).toBe(-1.5);
    expect(back.later).toBe(1);
    expect(back.median).toBe(-1.5);
    expect(back.sd).toBeCloseTo(1.5 * Math.SQRT2, 12);
    // A constant score is a random order: every row gets the mean date, later and the first half pro rata.
    const flat = daysEarlier(y, [0.5, 0.5, 0.5, 0.5], day);
    expect(flat.mean).toBe(1); // (2 − 1.5 + 3 − 1.5) / 2
    expect(flat.later).toBe(0.25); // day 2: one of four slots (day 3) is later; day 3: none
    expect(flat.first_half_share).toBe(0.5);
    expect(daysEarlier(new Uint8Array(3), [1, 2, 3], Int32Array.from([0, 1, 2])).mean).toBeNaN();
  });
  it("days earlier: a score that knows the truth finds positives earlier than the schedule, on random windows", () => {
    const r = rng(9);
    const n = 5000;
    const truth = new Float64Array(n);
    const y = new Uint8Array(n);
    const day = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      truth[i] = r() ** 3;
      y[i] = r() < truth[i] ? 1 : 0;
      day[i] = Math.floor(r() * 182);
    }
    const d = daysEarlier(y, truth, day);
    expect(d.mean).toBeGreaterThan(30);
    expect(d.first_half_share).toBeGreaterThan(d.actual_first_half_share + 0.2);
    expect(d.later).toBeLessThan(d.positives / 3);
    const m = evaluateScores({ label: y, score: truth, day, borough: new Uint8Array(n) });
    expect(m.days_earlier).toEqual(d);
  });
});
