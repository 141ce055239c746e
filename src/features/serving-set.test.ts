import { describe, expect, it } from "vitest";
import { dayNumber, isoOfDay } from "../util/days.js";
import { makeFixtureCity, rng } from "./city.fixture.js";
import { FEATURE_SCHEMA } from "./feature-schema.js";
import { CAT_CYCLE_INITIAL, CAT_CYCLE_REINSPECTION, CAT_PREPERM_INITIAL, INSPECTION_CATEGORIES } from "./labels.js";
import { prepareCity } from "./prepared-city.js";
import { inspectionRow as ins } from "./records.fixture.js";
import { buildServingSet, buildServingTables, nextCategory } from "./serving-set.js";
import { buildTrainingSet } from "./training-set.js";

const typeCols = new Set(FEATURE_SCHEMA.features.flatMap((f, k) => (f.group === "inspection_type" ? [k] : [])));

describe("serving set", () => {
  it("as of an inspection's day equals that inspection's training row (type features: the predicted next type)", () => {
    const city = prepareCity(
      makeFixtureCity({ seed: 9, restaurants: 200, from: "2019-01-01", to: "2022-12-31", sightings: 3000 }),
    );
    const ts = buildTrainingSet(city);
    const r = rng(3);
    let checked = 0;
    let typeMatches = 0;
    const servingByDay = new Map<number, ReturnType<typeof buildServingSet>>();
    for (let trial = 0; trial < 300 && checked < 25; trial++) {
      const i = Math.floor(r() * ts.table.n);
      const day = ts.day[i];
      let ss = servingByDay.get(day);
      if (!ss) {
        ss = buildServingSet(city, isoOfDay(day));
        servingByDay.set(day, ss);
      }
      const j = ss.camis.indexOf(ts.camis[i]);
      if (j < 0) continue; // not active that day (new, closed or stale)
      checked++;
      let sameType = true;
      for (let k = 0; k < FEATURE_SCHEMA.features.length; k++) {
        const a = ss.table.columns[k][j];
        const b = ts.table.columns[k][i];
        if (typeCols.has(k)) {
          sameType &&= Object.is(a, b);
          continue;
        }
        expect(Object.is(a, b), `${FEATURE_SCHEMA.features[k].name}: serving ${a} vs training ${b}`).toBe(true);
      }
      if (sameType) typeMatches++;
      // exactly one type indicator is set
      let ones = 0;
      for (const k of typeCols) ones += ss.table.columns[k][j];
      expect(ones).toBe(1);
    }
    expect(checked).toBe(25);
    // the next-type rule agrees with what actually happened for most inspections of the fixture
    expect(typeMatches).toBeGreaterThan(12);
  });

  it("keeps active restaurants only, with what the UI shows", () => {
    const D = dayNumber("2024-06-01");
    const city = {
      inspections: [
        ins({ camis: "OK", day: D - 100, score: 20, cuisine: "Pizza" }), // initial, not an A → re-inspection next
        ins({ camis: "STALE", day: D - 800 }),
        ins({
          camis: "CLOSED",
          day: D - 10,
          code: "04K",
          action: "Establishment Closed by DOHMH. Violations were cited in the following area(s).",
        }),
        ins({ camis: "REOPENED", day: D - 20, code: "04K", action: "Establishment Closed by DOHMH." }),
        ins({ camis: "REOPENED", day: D - 15, type: "Cycle Inspection / Reopening Inspection", score: 5 }),
        ins({ camis: "FUTURE", day: D + 5 }),
        ins({ camis: "NEW", day: dayNumber("1900-01-01"), type: "", score: null, recordDate: "2024-05-01" }),
        ins({ camis: "NEWER", day: dayNumber("1900-01-01"), type: "", score: null, recordDate: "2024-07-01" }),
      ],
      ratSightings: [],
      weather: [],
    };
    const ss = buildServingSet(city, "2024-06-01");
    expect([...ss.camis].sort()).toEqual(["NEW", "OK", "REOPENED"]);
    const k = ss.camis.indexOf("OK");
    expect(ss.name[k]).toBe("R OK");
    expect(ss.address[k]).toBe("1 MAIN STREET, 11201");
    expect(ss.cuisine[k]).toBe("Pizza");
    expect(ss.borough[k]).toBe(2); // Brooklyn
    expect(ss.lat[k]).toBeCloseTo(40.7, 5);
    expect(ss.lon[k]).toBeCloseTo(-74.0, 5);
    const col = (name: string) => ss.table.columns[FEATURE_SCHEMA.features.findIndex((f) => f.name === name)];
    expect(col("type_cycle_reinspection")[k]).toBe(1);
    expect(col("type_cycle_initial")[ss.camis.indexOf("REOPENED")]).toBe(1);
    expect(col("type_preperm_initial")[ss.camis.indexOf("NEW")]).toBe(1);
    expect(col("n_prev_inspections")[ss.camis.indexOf("NEW")]).toBe(0);
    expect(ss.table.schema).toBe(FEATURE_SCHEMA);
    expect(ss.asOf).toBe("2024-06-01");
  });

  it("next type rule", () => {
    expect(INSPECTION_CATEGORIES[nextCategory(255, Number.NaN, false)]).toBe("preperm_initial");
    expect(nextCategory(CAT_CYCLE_INITIAL, 13, false)).toBe(CAT_CYCLE_INITIAL);
    expect(nextCategory(CAT_CYCLE_INITIAL, 14, false)).toBe(CAT_CYCLE_REINSPECTION);
    expect(nextCategory(CAT_CYCLE_REINSPECTION, 30, false)).toBe(CAT_CYCLE_INITIAL);
    expect(INSPECTION_CATEGORIES[nextCategory(CAT_PREPERM_INITIAL, 20, false)]).toBe("preperm_reinspection");
    expect(INSPECTION_CATEGORIES[nextCategory(CAT_CYCLE_INITIAL, 20, true)]).toBe("reopening");
  });

  it("several days at once give exactly the tables of one day at a time", () => {
    const city = prepareCity(
      makeFixtureCity({ seed: 4, restaurants: 150, from: "2019-01-01", to: "2022-12-31", sightings: 2500 }),
    );
    const days = ["2021-03-01", "2021-03-08", "2022-03-07"];
    const many = buildServingTables(city, days);
    for (const [k, d] of days.entries()) {
      const one = buildServingSet(city, d);
      expect(many[k].asOf).toBe(d);
      expect(many[k].table.n).toBe(one.table.n);
      expect(Array.from(many[k].rest, (r) => city.restaurants.camis[r])).toEqual(one.camis);
      for (let c = 0; c < one.table.columns.length; c++)
        expect(Array.from(many[k].table.columns[c])).toEqual(Array.from(one.table.columns[c]));
    }
  });
});
