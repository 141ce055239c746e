import { describe, expect, it } from "vitest";
import { makeFixtureCity } from "../features/city.fixture.js";
import { buildServingTables, dayNumber, equalLookback, isoOfDay, prepareCity } from "../features/index.js";
import { populationDrift } from "./population.js";

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
