import { describe, expect, it } from "vitest";
import { buildReferenceProfile } from "../features/profile.js";
import type { FeatureSchema, FeatureTable } from "../features/schema.js";
import { computeDrift, DEFAULT_DRIFT_RULE, psi } from "./drift.js";
import { windowFromColumns } from "./live-window.js";
import { chiSquareSurvival, ksPValue } from "./stats.js";

const schema: FeatureSchema = {
  version: "test-1",
  features: [
    { name: "temp", kind: "numeric", description: "a continuous feature" },
    { name: "sightings", kind: "numeric", description: "a count feature, mostly zero" },
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
function table(n: number, seed: number, shift = 0, rate = 1, boroShares = [0.5, 0.3, 0.2]): FeatureTable {
  const r = rng(seed);
  const cols = schema.features.map(() => new Float32Array(n));
  for (let i = 0; i < n; i++) {
    cols[0][i] = r() < 0.02 ? Number.NaN : 60 + 15 * (normal(r) + shift);
    cols[1][i] = poisson(r, 0.6 * rate);
    const u = r();
    const b = u < boroShares[0] ? 0 : u < boroShares[0] + boroShares[1] ? 1 : 2;
    cols[2 + b][i] = 1;
  }
  return { schema, n, columns: cols };
}

function scoresOf(t: FeatureTable) {
  const s = new Float64Array(t.n);
  for (let i = 0; i < t.n; i++) s[i] = 1 / (1 + Math.exp(-(0.3 * t.columns[1][i] - 2)));
  return s;
}

const reference = table(50_000, 7);
const profile = buildReferenceProfile(reference, scoresOf(reference));
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

describe("drift rule across sample sizes", () => {
  it.each([50, 200, 1000, 5000, 20000])("identical data does not fire at n=%i (10 windows)", (n) => {
    for (let seed = 100; seed < 110; seed++) {
      const rep = drift(table(n, seed));
      expect(rep.drifted).toEqual([]);
    }
  });
  it("a trivial shift does not fire even at a huge window", () => {
    // 0.03σ on temperature and +3% sightings: detectable by p-value at 1M rows, not worth a retrain.
    const rep = drift(table(1_000_000, 3, 0.03, 1.03, [0.49, 0.31, 0.2]));
    const temp = rep.columns.find((c) => c.name === "temp")!;
    expect(temp.pValue).toBeLessThan(0.01);
    expect(rep.drifted).toEqual([]);
  });
  it("a real shift fires on the shifted columns only", () => {
    const rep = drift(table(2000, 5, 0, 2.2, [0.2, 0.3, 0.5]));
    expect(rep.drifted).toContain("sightings");
    expect(rep.drifted).toContain("borough");
    expect(rep.drifted).toContain("score");
    expect(rep.drifted).not.toContain("temp");
  });
  it("exempt (seasonal) columns are reported but never count as drift", () => {
    const t = table(5000, 8, 1.5);
    const rule = { ...DEFAULT_DRIFT_RULE, exempt: ["temp"] };
    const rep = computeDrift(
      profile,
      windowFromColumns(schema, profile, (j) => t.columns[j], t.n, scoresOf(t)),
      rule,
    );
    expect(rep.columns.find((c) => c.name === "temp")!.drift).toBe(true);
    expect(rep.drifted).not.toContain("temp");
    expect(DEFAULT_DRIFT_RULE.exempt).toContain("month_sin");
    expect(DEFAULT_DRIFT_RULE.exempt).toContain("tmax_anomaly_30d");
  });
  it("a small window is reported but not judged", () => {
    const rep = drift(table(100, 5, 3, 5));
    expect(rep.judged).toBe(false);
    expect(rep.drifted).toEqual([]);
    expect(rep.columns[0].psi).toBeGreaterThan(0.2);
  });
});
