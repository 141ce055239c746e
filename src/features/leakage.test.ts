import { describe, expect, it } from "vitest";
import type { InspectionRecord, RatSightingRecord, WeatherRecord } from "../data/index.js";
import { dayNumber, isoOfDay } from "../util/days.js";
import { makeFixtureCity, rng } from "./city.fixture.js";
import type { CityData } from "./prepared-city.js";
import { rowOf } from "./records.fixture.js";
import { buildTrainingSet } from "./training-set.js";

// An inspection's features must not change when any record dated on or after its day is added or removed.
// For many random inspections: rebuild the city with the future changed at random (a share of later inspections,
// sightings and weather removed, new ones added on and after the day, some right at the restaurant) and compare
// the inspection's feature row bit for bit (NaN equal to NaN).

const base = makeFixtureCity({ seed: 42, restaurants: 150, from: "2019-01-01", to: "2022-12-31", sightings: 4000 });

function mutateFuture(city: CityData, target: { camis: string; date: string; type: string }, seed: number): CityData {
  const r = rng(seed);
  const d = dayNumber(target.date);
  const isTarget = (rec: InspectionRecord) =>
    rec.camis === target.camis && rec.inspectionDate === target.date && rec.inspectionType === target.type;
  const inspections: InspectionRecord[] = [];
  for (const rec of city.inspections) {
    const later = dayNumber(rec.inspectionDate) >= d;
    if (isTarget(rec) || !later || r() < 0.5) inspections.push(rec);
  }
  const proto = city.inspections.find(isTarget) as InspectionRecord;
  const otherType =
    target.type === "Cycle Inspection / Compliance Inspection"
      ? "Cycle Inspection / Re-inspection"
      : "Cycle Inspection / Compliance Inspection";
  const others = city.inspections.filter((x) => x.inspectionDate !== "1900-01-01");
  for (let k = 0; k < 40; k++) {
    // new later findings: same day at the same restaurant under another type, and at random restaurants
    const like = k < 3 ? proto : others[Math.floor(r() * others.length)];
    const day = k < 3 ? d : d + Math.floor(r() * 400);
    inspections.push({
      ...like,
      inspectionDate: isoOfDay(day),
      // same day, another counted type (the target's own rows stay as they are)
      inspectionType: k < 3 ? otherType : like.inspectionType,
      violationCode: r() < 0.5 ? "04K" : "08A",
      criticalFlag: "Critical",
      score: 40,
      grade: "C",
      action: "Establishment Closed by DOHMH.",
    });
  }
  // a brand-new restaurant right next door, opening on the day
  inspections.push({ ...proto, camis: "NEW1", inspectionDate: target.date, violationCode: "04L" });

  const ratSightings: RatSightingRecord[] = city.ratSightings.filter((s) => dayNumber(s.createdDate) < d || r() < 0.5);
  for (let k = 0; k < 50; k++) {
    ratSightings.push({
      uniqueKey: `future-${k}`,
      createdDate: `${isoOfDay(d + Math.floor(r() * 30))}T00:00:00`,
      borough: null,
      incidentZip: "",
      locationType: "",
      latitude: (proto.latitude as number) + (r() - 0.5) * 0.01,
      longitude: (proto.longitude as number) + (r() - 0.5) * 0.01,
    });
  }
  const weather: WeatherRecord[] = [];
  for (const w of city.weather) {
    if (w.date < target.date) weather.push(w);
    else if (r() < 0.7) weather.push({ ...w, tmax: 150 * r(), prcp: 9 * r() });
  }
  return { inspections, ratSightings, weather };
}

describe("no leakage", () => {
  it("features of an inspection ignore every record dated on or after it", () => {
    const full = buildTrainingSet(base);
    expect(full.table.n).toBeGreaterThan(500);
    const r = rng(7);
    let compared = 0;
    for (let trial = 0; trial < 30; trial++) {
      const i = Math.floor(r() * full.table.n);
      const target = { camis: full.camis[i], date: isoOfDay(full.day[i]), type: full.inspectionType[i] };
      const changed = mutateFuture(base, target, 1000 + trial);
      // only the target's day is built; earlier data still feeds it
      const ts = buildTrainingSet(changed, { from: target.date, to: target.date });
      const j = ts.camis.findIndex(
        (c, k) => c === target.camis && ts.inspectionType[k] === target.type && ts.day[k] === full.day[i],
      );
      expect(j).toBeGreaterThanOrEqual(0);
      expect(rowOf(ts.table.columns, j)).toEqual(rowOf(full.table.columns, i));
      expect(ts.label[j]).toBe(full.label[i]);
      compared++;
    }
    expect(compared).toBe(30);
  });

  it("and the comparison is sharp: a record one day earlier does change them", () => {
    const full = buildTrainingSet(base);
    const i = full.table.n - 1;
    const target = full.camis[i];
    const proto = base.inspections.find((x) => x.camis === target) as InspectionRecord;
    const earlier: RatSightingRecord = {
      uniqueKey: "earlier",
      createdDate: `${isoOfDay(full.day[i] - 1)}T23:59:59`,
      borough: null,
      incidentZip: "",
      locationType: "",
      latitude: proto.latitude,
      longitude: proto.longitude,
    };
    const ts = buildTrainingSet({ ...base, ratSightings: [...base.ratSightings, earlier] });
    expect(rowOf(ts.table.columns, i)).not.toEqual(rowOf(full.table.columns, i));
  });
});
