import { describe, expect, it } from "vitest";
import type { FeatureSchema, FeatureTable } from "../features/index.js";
import { buildReferenceProfile } from "../features/index.js";
import { computeDrift, DEFAULT_DRIFT_RULE, psi, windowFromColumns } from "./drift.js";
import { chiSquareSurvival, ksPValue } from "./stats.js";

const schema: FeatureSchema = {
  version: "test-1",
  features: [
    { name: "temp", kind: "numeric", description: "a continuous feature" },
    { name: "sightings", kind: "numeric", description: "a count feature, mostly zero" },
    { name: "grade", kind: "numeric", description: "a discrete feature: 92 % one value" },
    { name: "flag", kind: "numeric", description: "a binary feature" },
    { name: "boro_a", kind: "indicator", group: "borough", description: "borough A" },
    { name: "boro_b", kind: "indicator", group: "borough", description: "borough B" },
    { name: "boro_c", kind: "indicator", group: "borough", description: "borough C" },
  ],
};

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}
function normal(r: () => number) {
  return Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
}
function poisson(r: () => number, lambda: number) {
  let k = 0;
  let p = Math.exp(-lambda);
  let s = p;
  const u = r();
  while (u > s && k < 100) {
    k++;
    p *= lambda / k;
    s += p;
  }
  return k;
}

/** A city-like table; `shift` moves the temperature mean (in σ), `rate` scales the sighting rate. */
function table(
  n: number,
  seed: number,
  shift = 0,
  rate = 1,
  boroShares = [0.5, 0.3, 0.2],
  gradeA = 0.92,
): FeatureTable {
  const r = rng(seed);
  const cols = schema.features.map(() => new Float32Array(n));
  for (let i = 0; i < n; i++) {
    cols[0][i] = r() < 0.02 ? Number.NaN : 60 + 15 * (normal(r) + shift);
    cols[1][i] = poisson(r, 0.6 * rate);
    const g = r();
    cols[2][i] = g < 0.03 ? Number.NaN : g < 0.03 + gradeA ? 1 : g < 0.99 ? 2 : 3;
    cols[3][i] = r() < 0.3 ? 1 : 0;
    const u = r();
    const b = u < boroShares[0] ? 0 : u < boroShares[0] + boroShares[1] ? 1 : 2;
    cols[4 + b][i] = 1;
  }
  return { schema, n, columns: cols };
}

function scoresOf(t: FeatureTable) {
  const s = new Float64Array(t.n);
  for (let i = 0; i < t.n; i++) {
    const temp = Number.isNaN(t.columns[0][i]) ? 60 : t.columns[0][i];
    s[i] = 1 / (1 + Math.exp(-(0.3 * t.columns[1][i] + 0.01 * temp - 2.6)));
  }
  return s;
}

const reference = table(50_000, 7);
const profile = buildReferenceProfile(reference, scoresOf(reference), { basis: "a reference sample" });
const drift = (t: FeatureTable) =>
  computeDrift(
    profile,
    windowFromColumns(schema, profile, (j) => t.columns[j], t.n, scoresOf(t)),
  );

describe("statistics", () => {
  it("chi-square survival matches known quantiles", () => {
    expect(chiSquareSurvival(3.841, 1)).toBeCloseTo(0.05, 3);
    expect(chiSquareSurvival(9.21, 2)).toBeCloseTo(0.01, 3);
    expect(chiSquareSurvival(18.307, 10)).toBeCloseTo(0.05, 3);
  });
  it("KS p-value is ~0.05 at the textbook critical value", () => {
    const n = 1000;
    expect(ksPValue(1.358 / Math.sqrt(n / 2), n, n)).toBeCloseTo(0.05, 1);
  });
  it("PSI is zero for identical shares and grows with the shift", () => {
    expect(psi([0.5, 0.5], [0.5, 0.5])).toBe(0);
    expect(psi([0.5, 0.5], [0.4, 0.6])).toBeLessThan(psi([0.5, 0.5], [0.2, 0.8]));
  });
});

describe("statistics fit the column (issue 13 §3)", () => {
  it("a discrete column (grades) is compared by category, a continuous one by KS", () => {
    const rep = drift(table(5000, 11));
    expect(rep.columns.find((c) => c.name === "grade")).toMatchObject({ kind: "discrete", test: "chi2" });
    expect(rep.columns.find((c) => c.name === "flag")).toMatchObject({ kind: "discrete", test: "chi2" });
    expect(rep.columns.find((c) => c.name === "temp")).toMatchObject({ kind: "continuous", test: "ks" });
    expect(rep.columns.find((c) => c.name === "borough")).toMatchObject({ kind: "categorical", test: "chi2" });
    expect(rep.score).toMatchObject({ kind: "continuous", test: "ks" });
  });

  it.each([50, 200, 1000, 20_000, 1_000_000])(
    "the same table compared with itself: PSI 0, p = 1, no drift (n=%i)",
    (n) => {
      const t = table(n, 31);
      const own = buildReferenceProfile(t, scoresOf(t), { basis: "itself" });
      const rep = computeDrift(
        own,
        windowFromColumns(schema, own, (j) => t.columns[j], t.n, scoresOf(t)),
      );
      for (const c of [rep.score, ...rep.columns]) {
        expect(c.psi, c.name).toBe(0);
        expect(c.pValue, c.name).toBe(1);
        expect(c.drift || c.watch, c.name).toBe(false);
      }
      expect(rep.drifted).toEqual([]);
      expect(rep.verdict.level).toBe(n >= 200 ? "ok" : "watch");
    },
  );

  it.each([50, 200, 1000, 5000, 20_000])("another sample of the same city does not fire (n=%i, 10 windows)", (n) => {
    for (let seed = 100; seed < 110; seed++) expect(drift(table(n, seed)).drifted).toEqual([]);
  });

  it("ties are whole: a grade column with 92 % of one value gives KS-free, category statistics near zero", () => {
    // The old quantile KS gave 0.92 on identical discrete data; by category it is ~0.
    const rep = drift(table(30_000, 12));
    const g = rep.columns.find((c) => c.name === "grade")!;
    expect(g.psi).toBeLessThan(0.01);
    expect(g.pValue).toBeGreaterThan(0.001);
  });

  it("a trivial shift does not fire even at a million rows; it is significant but small", () => {
    // 0.03σ on temperature and +3% sightings: detectable by p-value at 1M rows, not worth a retrain.
    const rep = drift(table(1_000_000, 3, 0.03, 1.03, [0.49, 0.31, 0.2]));
    const temp = rep.columns.find((c) => c.name === "temp")!;
    expect(temp.pValue).toBeLessThan(0.01);
    expect(rep.drifted).toEqual([]);
  });

  it.each([1000, 20_000, 1_000_000])("a real shift fires on the shifted columns only (n=%i)", (n) => {
    const rep = drift(table(n, 5, 0, 2.2, [0.2, 0.3, 0.5], 0.5));
    expect(rep.drifted).toEqual(expect.arrayContaining(["sightings", "borough", "score", "grade"]));
    expect(rep.drifted).not.toContain("temp");
    expect(rep.drifted).not.toContain("flag");
    expect(rep.verdict.level).toBe("act");
    expect(rep.verdict.reasons.join(" ")).toMatch(/sightings \(PSI/);
  });

  it("a moderate shift is watched, not acted on", () => {
    const rep = drift(table(20_000, 6, 0.45));
    const temp = rep.columns.find((c) => c.name === "temp")!;
    expect(temp.psi).toBeGreaterThan(0.1);
    expect(temp.psi).toBeLessThan(0.2);
    expect(temp.watch).toBe(true);
    expect(rep.verdict.level).toBe("watch");
  });

  it("histograms carry reference and current shares per group for the page", () => {
    const rep = drift(table(5000, 9, 1));
    const temp = rep.columns.find((c) => c.name === "temp")!;
    expect(temp.hist.labels.length).toBeGreaterThan(5);
    expect(temp.hist.labels.length).toBeLessThanOrEqual(12);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(sum(temp.hist.ref)).toBeCloseTo(1, 6);
    expect(sum(temp.hist.cur)).toBeCloseTo(1, 6);
    expect(temp.hist.labels[0]).toBe("missing");
  });

  it("a column with one value on each side (the weather of a day) is reported, not judged", () => {
    const a = table(2000, 13);
    const b = table(2000, 14);
    a.columns[0].fill(71);
    b.columns[0].fill(64);
    const own = buildReferenceProfile(a, scoresOf(a), { basis: "a day" });
    const rep = computeDrift(
      own,
      windowFromColumns(schema, own, (j) => b.columns[j], b.n, scoresOf(b)),
    );
    const temp = rep.columns.find((c) => c.name === "temp")!;
    expect(temp.judged).toBe(false);
    expect(temp.note).toMatch(/one value on each side/);
    expect(rep.drifted).not.toContain("temp");
  });

  it("columns named not-judged are reported with the reason and never counted", () => {
    const t = table(5000, 8, 1.5);
    const rep = computeDrift(
      profile,
      windowFromColumns(schema, profile, (j) => t.columns[j], t.n, scoresOf(t)),
      DEFAULT_DRIFT_RULE,
      { temp: "no seasonal baseline" },
    );
    const temp = rep.columns.find((c) => c.name === "temp")!;
    expect(temp.psi).toBeGreaterThan(0.2);
    expect(temp).toMatchObject({ judged: false, drift: false, note: "no seasonal baseline" });
    expect(rep.drifted).not.toContain("temp");
  });

  it("a small window is reported but not judged", () => {
    const rep = drift(table(100, 5, 3, 5));
    expect(rep.judged).toBe(false);
    expect(rep.drifted).toEqual([]);
    expect(rep.columns.some((c) => c.psi > 0.2)).toBe(true);
  });
});
