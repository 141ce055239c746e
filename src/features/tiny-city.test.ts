import { describe, expect, it } from "vitest";
import { dayNumber } from "../util/days.js";
import { FEATURE_SCHEMA } from "./feature-schema.js";
import type { CityData } from "./prepared-city.js";
import { inspectionRow as ins, sighting, weatherDay } from "./records.fixture.js";
import { buildTrainingSet } from "./training-set.js";
import { normalTmax } from "./weather-windows.js";

// A hand-built city around restaurant A at the projection origin; every expected value below is worked out by hand.
const D = dayNumber("2021-06-01");
const at = (r: number, deg: number) => [r * Math.cos((deg * Math.PI) / 180), r * Math.sin((deg * Math.PI) / 180)];
const EPS = 1e-6; // miles: "just inside" / "just outside" a radius

function city(): CityData {
  const A = "1";
  const inspections = [
    // 2020-01-10 cycle initial: mice (critical), 08A, 10F; score 20, no grade yet
    ins({ camis: A, day: dayNumber("2020-01-10"), code: "04L", critical: true, score: 20 }),
    ins({ camis: A, day: dayNumber("2020-01-10"), code: "08A", score: 20 }),
    ins({ camis: A, day: dayNumber("2020-01-10"), code: "10F", score: 20 }),
    // 2020-02-01 re-inspection: one critical 02G, repeated (an export duplicate must count once); grade A
    ...[0, 1].map(() =>
      ins({
        camis: A,
        day: dayNumber("2020-02-01"),
        type: "Cycle Inspection / Re-inspection",
        code: "02G",
        critical: true,
        score: 10,
        grade: "A",
      }),
    ),
    // same day, administrative: never an example, but its flies (04N) count as history
    ins({
      camis: A,
      day: dayNumber("2020-02-01"),
      type: "Administrative Miscellaneous / Initial Inspection",
      code: "04N",
      score: null,
    }),
    // 2021-01-05 cycle initial without violations, grade A
    ins({ camis: A, day: dayNumber("2021-01-05"), score: 12, grade: "A" }),
    // 2021-03-01 smoke-free check that recorded mice: history only, and never an "other restaurant" event for A
    ins({ camis: A, day: dayNumber("2021-03-01"), type: "Smoke-Free Air Act / Initial Inspection", code: "04L" }),
    // the target: 2021-06-01 cycle initial finding rats
    ins({ camis: A, day: D, code: "04K", critical: true, score: 30 }),
    // same day, another type, with mice: same-day records are not the past
    ins({ camis: A, day: D, type: "Administrative Miscellaneous / Initial Inspection", code: "04L", score: null }),
    // other restaurants: B at 0.2 mi, C at 0.4 mi
    ins({ camis: "B", day: D - 100, code: "04K", x: 0.2, y: 0, boro: "Manhattan" }),
    ins({ camis: "B", day: D, code: "04K", x: 0.2, y: 0, boro: "Manhattan" }),
    ins({ camis: "C", day: D - 365, code: "04L", x: 0, y: -0.4, cuisine: "Pizza" }),
    ins({ camis: "C", day: D - 366, code: "04L", x: 0, y: -0.4, cuisine: "Pizza" }),
    // never inspected: placeholder, not an example
    ins({ camis: "P", day: dayNumber("1900-01-01"), score: null, type: "" }),
  ];
  const s = (r: number, deg: number, day: number, time?: string) => {
    const [x, y] = at(r, deg);
    return sighting(x, y, day, time);
  };
  const ratSightings = [
    s(0.1 - EPS, 0, D - 1), // r0.1+, all windows
    s(0.1 + EPS, 90, D - 30), // r0.25+, 30-day window includes exactly 30 days before
    s(0.25 - EPS, 180, D - 31), // r0.25+, 90 and 365 only
    s(0.25 + EPS, 270, D - 90), // r0.5+, 90 and 365
    s(0.5 - EPS, 45, D - 91), // r0.5+, 365 only
    s(0.5 + EPS, 135, D - 365), // r1.0, 365 only (exactly 365 days before counts)
    s(1.0 - EPS, 225, D - 366), // too old
    s(1.0 + EPS, 315, D - 1), // too far
    s(0.05, 10, D, "00:00:01"), // on the inspection day: never counts
    { ...s(0.05, 10, D - 1), latitude: null }, // no coordinates: ignored
  ];
  const weather = [];
  for (let d = D - 60; d <= D + 3; d++) {
    if (d === D - 3) weather.push(weatherDay(d, null, null));
    else if (d >= D) weather.push(weatherDay(d, 100, 5));
    else if (d >= D - 7) weather.push(weatherDay(d, 60, 0.1));
    else if (d >= D - 30) weather.push(weatherDay(d, 40, 0.1));
    else weather.push(weatherDay(d, 0, 9));
  }
  return { inspections, ratSightings, weather };
}

function rowFor(camis: string, day: number, type = "Cycle Inspection / Initial Inspection") {
  const ts = buildTrainingSet(city());
  const i = ts.camis.findIndex((c, k) => c === camis && ts.day[k] === day && ts.inspectionType[k] === type);
  expect(i).toBeGreaterThanOrEqual(0);
  const v: Record<string, number> = {};
  FEATURE_SCHEMA.features.forEach((f, k) => {
    v[f.name] = ts.table.columns[k][i];
  });
  return { ts, i, v };
}

describe("tiny city, hand-computed", () => {
  it("labels counted inspections only and skips placeholders", () => {
    const ts = buildTrainingSet(city());
    // A: 4 counted (2 initial + re-inspection + target), B: 2, C: 2; admin and smoke-free rows are not examples
    expect(ts.table.n).toBe(8);
    expect(ts.camis.filter((c) => c === "P")).toHaveLength(0);
    expect(ts.inspectionType.some((t) => t.startsWith("Administrative") || t.startsWith("Smoke"))).toBe(false);
    const { ts: t2, i } = rowFor("1", D);
    expect(t2.label[i]).toBe(1);
    const j = t2.camis.findIndex((c, k) => c === "1" && t2.day[k] === dayNumber("2021-01-05"));
    expect(t2.label[j]).toBe(0);
    // rows are in day order
    for (let k = 1; k < t2.day.length; k++) expect(t2.day[k]).toBeGreaterThanOrEqual(t2.day[k - 1]);
  });

  it("history uses only earlier days", () => {
    const { v, ts, i } = rowFor("1", D);
    expect(v.n_prev_inspections).toBe(3);
    expect(v.days_since_prev).toBe(D - dayNumber("2021-01-05"));
    expect([v.prev1_score, v.prev2_score, v.prev3_score]).toEqual([12, 10, 20]);
    expect(v.prev1_grade).toBe(1);
    expect(v.prev2_grade).toBe(1);
    expect(v.prev3_grade).toBeNaN();
    expect([v.prev1_critical, v.prev2_critical, v.prev3_critical]).toEqual([0, 1, 1]);
    expect(v.prev1_rodent).toBe(0);
    expect(v.past_rodent).toBe(2); // 04L 2020-01-10 and the smoke-free 04L; not today's 04K/04L
    expect(v.past_pest).toBe(1);
    expect(v.past_conducive).toBe(1);
    expect(v.days_since_rodent).toBe(D - dayNumber("2021-03-01"));
    expect(v.past_mean_score).toBeCloseTo((20 + 10 + 12) / 3, 5); // sanitary inspections only
    expect(v.type_cycle_initial).toBe(1);
    expect(v.type_cycle_reinspection).toBe(0);
    expect(ts.prevRodent[i]).toBe(0);
    expect(ts.prevScore[i]).toBe(12);
  });

  it("first inspection has empty history", () => {
    const { v, ts, i } = rowFor("1", dayNumber("2020-01-10"));
    expect(v.n_prev_inspections).toBe(0);
    expect(v.past_rodent).toBe(0);
    expect(v.past_mean_score).toBeNaN();
    for (const k of ["days_since_prev", "prev1_score", "prev1_grade", "prev1_critical", "prev1_rodent"]) {
      expect(v[k]).toBeNaN();
    }
    expect(v.days_since_rodent).toBeNaN();
    expect(ts.prevRodent[i]).toBeNaN();
  });

  it("re-inspection type and its previous inspection", () => {
    const { v } = rowFor("1", dayNumber("2020-02-01"), "Cycle Inspection / Re-inspection");
    expect(v.type_cycle_reinspection).toBe(1);
    expect(v.prev1_rodent).toBe(1);
    expect(v.days_since_prev).toBe(22);
    expect(v.past_pest).toBe(0); // the same-day administrative 04N is not in the past
  });

  it("rat sightings: radius edges inclusive, windows [d - w, d)", () => {
    const { v } = rowFor("1", D);
    expect([v.rats_r010_30d, v.rats_r010_90d, v.rats_r010_365d]).toEqual([1, 1, 1]);
    expect([v.rats_r025_30d, v.rats_r025_90d, v.rats_r025_365d]).toEqual([2, 3, 3]);
    expect([v.rats_r050_30d, v.rats_r050_90d, v.rats_r050_365d]).toEqual([2, 4, 5]);
    expect([v.rats_r100_30d, v.rats_r100_90d, v.rats_r100_365d]).toEqual([2, 4, 6]);
  });

  it("rodent findings at other restaurants exclude the restaurant itself and the same day", () => {
    const { v } = rowFor("1", D);
    expect(v.rodent_other_r025_365d).toBe(1); // B at 0.2 mi, 100 days before
    expect(v.rodent_other_r050_365d).toBe(2); // + C at 0.4 mi exactly 365 days before
    const b = rowFor("B", D).v;
    // A's smoke-free 04L (0.2 mi) counts for B; A's same-day findings and B's own earlier 04K do not
    expect(b.rodent_other_r025_365d).toBe(1);
    expect(b.rodent_other_r050_365d).toBe(2); // + C at √(0.2² + 0.4²) ≈ 0.447 mi
  });

  it("place and weather", () => {
    const { v } = rowFor("1", D);
    expect(v.boro_brooklyn).toBe(1);
    expect(v.boro_manhattan).toBe(0);
    expect(v.cuisine_other).toBe(1);
    expect(v.tmax_mean_7d).toBe(60); // 6 days of 60, one missing day skipped, today's 100 excluded
    expect(v.tmax_mean_30d).toBeCloseTo((6 * 60 + 23 * 40) / 29, 4);
    expect(v.prcp_sum_30d).toBeCloseTo(3.0, 5); // 29 days of 0.1, the missing day filled with the mean
    let normal = 0;
    for (let k = 1; k <= 30; k++) normal += normalTmax(D - k);
    expect(v.tmax_anomaly_30d).toBeCloseTo((6 * 60 + 23 * 40) / 29 - normal / 30, 4);
    expect(normalTmax(dayNumber("2021-07-16"))).toBeCloseTo(84.9, 0);
    expect(normalTmax(dayNumber("2021-01-01"))).toBeGreaterThan(39.5); // between mid-December and mid-January
    expect(v.month_sin).toBeCloseTo(0.5, 6); // June
    expect(v.month_cos).toBeCloseTo(-Math.sqrt(3) / 2, 6);
    const c = rowFor("C", D - 365).v;
    expect(c.cuisine_pizza).toBe(1);
    expect(c.tmax_mean_7d).toBeNaN(); // no weather that far back
  });
});
