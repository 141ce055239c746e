import { describe, expect, it } from "vitest";
import {
  evaluateBinary,
  liftAtK,
  precisionAtK,
  recallAtK,
  topKHits,
  weightedPrAuc,
  weightedRocAuc,
} from "./binary-metrics.js";
import { lgamma } from "./eval-metric.js";
import { prAuc, rocAuc } from "./metrics.js";
import { rng } from "./random.js";

describe("binary metrics without boroughs or weeks", () => {
  const r = rng(3);
  const n = 500;
  const y = Uint8Array.from({ length: n }, () => (r() < 0.3 ? 1 : 0));
  // scores on a coarse grid: many ties
  const p = Float64Array.from(y, (v) => Math.round((0.3 * v + r()) * 10) / 10);
  const ones = new Float64Array(n).fill(1);

  it("weighted AUC and average precision equal the unweighted ones at weight 1, and weight 2 is a row twice", () => {
    expect(weightedRocAuc(y, p, ones)).toBeCloseTo(rocAuc(y, p), 12);
    expect(weightedPrAuc(y, p, ones)).toBeCloseTo(prAuc(y, p), 12);
    const w = Float64Array.from({ length: n }, (_, i) => (i < 100 ? 2 : 1));
    const idx = [...Array.from({ length: n }, (_, i) => i), ...Array.from({ length: 100 }, (_, i) => i)];
    const y2 = Uint8Array.from(idx, (i) => y[i]);
    const p2 = Float64Array.from(idx, (i) => p[i]);
    expect(weightedRocAuc(y, p, w)).toBeCloseTo(rocAuc(y2, p2), 12);
    expect(weightedPrAuc(y, p, w)).toBeCloseTo(prAuc(y2, p2), 12);
  });

  it("top-k splits a tie at the cut pro rata: a constant score gets exactly the base rate", () => {
    const yy = Uint8Array.from([1, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
    expect(precisionAtK(yy, new Float64Array(10).fill(0.5), 4)).toBeCloseTo(0.3, 12);
    // scores: one clear top row (a positive), then a block of 4 tied rows holding 1 positive; k = 3 takes 2 of them
    const s = Float64Array.from([0.9, 0.5, 0.5, 0.5, 0.5, 0.1, 0.1, 0.1, 0.1, 0.1]);
    const yt = Uint8Array.from([1, 1, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(topKHits(yt, s, 3)).toBeCloseTo(1 + 2 * (1 / 4), 12);
    expect(precisionAtK(yt, s, 3)).toBeCloseTo(1.5 / 3, 12);
    expect(recallAtK(yt, s, 3)).toBeCloseTo(1.5 / 3, 12);
    expect(liftAtK(yt, s, 3)).toBeCloseTo(1.5 / 3 / 0.3, 12);
    // the order of the rows does not change anything
    const perm = [9, 3, 0, 7, 1, 8, 2, 6, 4, 5];
    const ys = Uint8Array.from(perm, (i) => yt[i]);
    const ss = Float64Array.from(perm, (i) => s[i]);
    expect(topKHits(ys, ss, 3)).toBeCloseTo(topKHits(yt, s, 3), 12);
  });

  it("reports AUC, calibration and top 5/10/20 % of the whole table", () => {
    const rep = evaluateBinary(y, p);
    expect(rep.auc).toBeCloseTo(rocAuc(y, p), 12);
    expect(rep.n).toBe(n);
    // k = ceil(0.1 × 500) = 50 rows
    expect(rep.precision_at["10"]).toBeCloseTo(topKHits(y, p, 50) / 50, 12);
    expect(rep.lift_at["10"]).toBeCloseTo(rep.precision_at["10"] / (rep.positives / n), 12);
  });

  it("lgamma for the Poisson log-likelihood", () => {
    expect(lgamma(1)).toBeCloseTo(0, 12);
    expect(lgamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lgamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(lgamma(101)).toBeCloseTo(363.73937555556347, 9);
  });
});
