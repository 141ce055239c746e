import { describe, expect, it } from "vitest";
import { makeFixtureCity } from "../features/city.fixture.js";
import {
  buildServingTables,
  dayNumber,
  equalLookback,
  type FeatureTable,
  isoOfDay,
  prepareCity,
} from "../features/index.js";
import { inTodaysContext, populationDrift } from "./population.js";

// The columns that need several earlier inspections: what a shorter recorded history changes most.
const DEEP = ["prev2_score", "prev2_grade", "prev3_score", "prev3_grade", "prev3_critical"];

// A city whose records start on a fixed day (as an export does): 52 weeks before the data date, every restaurant
// had a year less of recorded history. Compared naively, every history column "drifts"; built from the same span
// of history (equal lookback), an unchanged city shows no drift.
describe("population drift from the same span of history (issue 13 §3, §4)", () => {
  const city = prepareCity(
    makeFixtureCity({ seed: 21, restaurants: 1500, from: "2020-01-01", to: "2021-12-31", sightings: 30_000 }),
  );
  const day = dayNumber("2022-01-01");
  const first = dayNumber("2020-01-01");
  const scores = (t: { n: number; columns: Float32Array[] }) =>
    Float64Array.from({ length: t.n }, (_, i) => 0.1 + 0.01 * (i % 7));

  it("naive: the earlier population's shorter histories look like drift in every history column", () => {
    const [now, before] = buildServingTables(city, [isoOfDay(day), isoOfDay(day - 364)]);
    const r = populationDrift({
      asOf: isoOfDay(day),
      current: now.table,
      currentScores: scores(now.table),
      yearBefore: { table: before.table, scores: scores(before.table), asOf: before.asOf },
      profile: null,
    })!;
    for (const name of DEEP) expect(r.columns.find((c) => c.name === name)!.psi, name).toBeGreaterThan(0.4);
    expect(r.drifted).toEqual(expect.arrayContaining(DEEP));
  });

  it("equal lookback: both populations read the same number of days of history, and history columns hold still", () => {
    const pair = equalLookback(day, first)!;
    expect(pair.lookbackDays).toBe(day - 364 - first);
    const now = buildServingTables(city, [isoOfDay(day)], pair.current)[0];
    const before = buildServingTables(city, [isoOfDay(day - 364)], pair.yearBefore)[0];
    const r = populationDrift({
      asOf: isoOfDay(day),
      current: now.table,
      currentScores: scores(now.table),
      yearBefore: { table: before.table, scores: scores(before.table), asOf: before.asOf },
      profile: null,
    })!;
    expect(r.judged).toBe(true);
    // (the fixture city itself is not stationary — it grows and its sightings thin out at the end — so only the
    // history columns are held to "no change" here)
    for (const name of DEEP) expect(r.columns.find((c) => c.name === name)!.psi, name).toBeLessThan(0.1);
    for (const name of DEEP) expect(r.drifted).not.toContain(name);
    // the number of earlier inspections is reported, never judged
    expect(r.columns.find((c) => c.name === "n_prev_inspections")).toMatchObject({ judged: false });
    expect(equalLookback(dayNumber("2020-06-01"), first)).toBeNull();
  });
});

// The score column is judged on ranks (KS at reference edges, PSI on reference-decile groups of those edges), so
// any strictly increasing map of the scores (Platt, beta, interpolated isotonic, the raw margin itself) gives the
// same verdict (only a map with plateaus, the legacy step isotonic, changes it, by tying rows). So the new
// calibration could not by itself create the no-change retrain after main's merge (docs/monitoring.md): that was
// the day's weather, scored into the year-earlier population (last test).
describe("score drift under calibration maps (issue 13 §4, issue 14)", () => {
  const city = prepareCity(
    makeFixtureCity({ seed: 22, restaurants: 1500, from: "2020-01-01", to: "2021-12-31", sightings: 30_000 }),
  );
  const day = dayNumber("2022-01-01");
  const pair = equalLookback(day, dayNumber("2020-01-01"))!;
  const now = buildServingTables(city, [isoOfDay(day)], pair.current)[0];
  const before = buildServingTables(city, [isoOfDay(day - 364)], pair.yearBefore)[0];
  // margins: a fixed pseudo-random spread, the current population shifted up by `shift`
  const margins = (n: number, seed: number, shift: number) => {
    let s = seed;
    return Float64Array.from({ length: n }, () => {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      const u = s / 2 ** 31;
      return Math.log(u / (1 - u)) * 0.6 - 3 + shift;
    });
  };
  const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
  const maps: Record<string, (z: number) => number> = {
    margin: (z) => z,
    probability: sigmoid,
    platt: (z) => 1e-4 + (1 - 2e-4) * sigmoid(0.7 * z - 0.4),
    "interpolated isotonic": (z) => sigmoid(z < -3 ? 0.3 * z - 2 : z < -2 ? 1.5 * z + 1.6 : 0.2 * z - 1),
  };
  const scoreColumn = (shift: number, f: (z: number) => number) =>
    populationDrift({
      asOf: isoOfDay(day),
      current: now.table,
      currentScores: margins(now.table.n, 7, shift).map(f),
      yearBefore: { table: before.table, scores: margins(before.table.n, 11, 0).map(f), asOf: before.asOf },
      profile: null,
    })!.score;

  for (const shift of [0, 0.25, 0.6]) {
    it(`a shift of ${shift} in the margin: every strictly increasing map gives the same score verdict`, () => {
      const ref = scoreColumn(shift, maps.margin);
      expect(ref.judged).toBe(true);
      for (const [name, f] of Object.entries(maps)) {
        const c = scoreColumn(shift, f);
        expect({ ks: c.ks, psi: c.psi, p: c.pValue, drift: c.drift, watch: c.watch }, name).toEqual({
          ks: ref.ks,
          psi: ref.psi,
          p: ref.pValue,
          drift: ref.drift,
          watch: ref.watch,
        });
      }
      if (shift === 0.6) expect(ref.drift).toBe(true);
      if (shift === 0) expect(ref.drift || ref.watch).toBe(false);
    });
  }

  it("the day's context (weather, time of year) is today's on both sides: a warm week is not score drift", () => {
    const col = (t: FeatureTable, name: string) => t.columns[t.schema.features.findIndex((f) => f.name === name)];
    const dayLevel = ["tmax_mean_7d", "tmax_mean_30d", "month_sin"].filter((c) => col(before.table, c) !== undefined);
    expect(dayLevel.length).toBeGreaterThan(0);
    // the year-earlier day was 8 °F cooler (the fixture's own weather may differ too: overwrite it on both sides)
    const warm = (t: FeatureTable, tmax: number) => {
      const columns = t.columns.slice();
      for (const c of dayLevel) {
        const j = t.schema.features.findIndex((f) => f.name === c);
        columns[j] = new Float32Array(t.n).fill(c === "month_sin" ? 0.5 : tmax);
      }
      return { ...t, columns };
    };
    const cur = warm(now.table, 88);
    const old = warm(before.table, 80);
    // a model that reads the weather (heat: more rats) and one restaurant-level column; same rows, same margins
    const noise = (t: FeatureTable) => margins(t.n, 5, 0);
    const model = (t: FeatureTable) => {
      const m = noise(t);
      const tmax = col(t, dayLevel[0]);
      return m.map((z, i) => sigmoid(z + 0.08 * (tmax[i] - 80)));
    };
    const judge = (scoresBefore: Float64Array) =>
      populationDrift({
        asOf: isoOfDay(day),
        current: cur,
        currentScores: model(cur),
        yearBefore: { table: old, scores: scoresBefore, asOf: before.asOf },
        profile: null,
      })!;
    // scored as recorded, the 8 °F alone moves every score: "score drift" with no column of the population moving
    const asRecorded = judge(model(old));
    expect(asRecorded.score.drift).toBe(true);
    // scored in today's context, the populations are compared, not the days
    const aligned = inTodaysContext(old, cur);
    expect(col(aligned, dayLevel[0])[0]).toBe(88);
    expect(col(old, dayLevel[0])[0]).toBe(80); // the input is not modified
    const fair = judge(model(aligned));
    expect(fair.score.drift || fair.score.watch).toBe(false);
    expect(fair.drifted).not.toContain("score");
    // restaurant-level columns are untouched, so a real change in the population still moves the score
    const constant = (c: Float32Array) => c.every((v) => v === c[0]);
    let replaced = 0;
    for (let j = 0; j < old.columns.length; j++) {
      if (aligned.columns[j] === old.columns[j]) continue;
      replaced++;
      expect(constant(old.columns[j]) && constant(cur.columns[j]), old.schema.features[j].name).toBe(true);
    }
    expect(replaced).toBeGreaterThan(0);
    expect(replaced).toBeLessThan(old.columns.length / 3);
    expect(inTodaysContext(cur, cur)).toBe(cur);
  });
});
