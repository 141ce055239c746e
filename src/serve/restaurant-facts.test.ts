import { describe, expect, it } from "vitest";
import { buildServingSet } from "../features/index.js";
import { inspectionRow as ins } from "../features/records.fixture.js";
import { dayNumber } from "../util/days.js";
import { standingOf } from "./column-ranks.js";
import { inspectionContext, passes } from "./restaurant-facts.js";
import { servingCity } from "./served-model.js";

// The inspection context of a ranking row / risk card, on a hand-made city whose answers are known: what was the
// last visit, is a re-inspection already due under the city's rules, and which rows the "new leads" filters keep.

const AS_OF = "2024-06-01";
const D = dayNumber(AS_OF);
const INITIAL = "Cycle Inspection / Initial Inspection";
const RE = "Cycle Inspection / Re-inspection";

function city() {
  const rows = [
    // A: initial scoring 32 with mice 10 days ago, no re-inspection yet → due.
    ins({ camis: "A", day: D - 400, score: 9, grade: "A" }),
    ins({ camis: "A", day: D - 10, score: 32, code: "04L", critical: true }),
    // B: initial 30, then re-inspection 12 (grade A) 20 days ago → not due.
    ins({ camis: "B", day: D - 60, score: 30 }),
    ins({ camis: "B", day: D - 20, type: RE, score: 12, grade: "A" }),
    // C: an A at its initial 300 days ago → not due, not inspected in the last 200 days.
    ins({ camis: "C", day: D - 300, score: 7, grade: "A" }),
    // E: seven inspections: the history keeps the newest five.
    ...Array.from({ length: 7 }, (_, k) => ins({ camis: "E", day: D - 700 + k * 90, score: 5 + k, grade: "A" })),
  ];
  const set = buildServingSet({ inspections: rows, ratSightings: [], weather: [] }, AS_OF);
  return servingCity("t", set);
}

describe("inspection context", () => {
  const c = city();
  const at = (camis: string) => c.rowOf.get(camis) as number;

  it("gives the last visit, its result, the days since and a pending re-inspection with its cause", () => {
    const a = inspectionContext(c, at("A"));
    expect(a).toMatchObject({
      last_date: "2024-05-22",
      last_type: INITIAL,
      days_since: 10,
      reinspection_due: true,
      next: "cycle re-inspection",
    });
    expect(a.last_result).toBe("score 32, rats or mice found");
    expect(a.due_reason).toContain("scored 32");
    expect(a.history.map((h) => h.date)).toEqual(["2024-05-22", "2023-04-28"]);
    const b = inspectionContext(c, at("B"));
    expect(b).toMatchObject({
      reinspection_due: false,
      days_since: 20,
      last_type: RE,
      next: "cycle initial inspection",
    });
    expect(b.history[0]).toMatchObject({ score: 12, grade: "A", rodent: false });
    expect(inspectionContext(c, at("E")).history).toHaveLength(5);
  });

  it("filters: not already due, not inspected in the last N days", () => {
    const keep = (f: Parameters<typeof passes>[2]) => ["A", "B", "C", "E"].filter((x) => passes(c, at(x), f, D));
    expect(keep({})).toEqual(["A", "B", "C", "E"]);
    expect(keep({ notDue: true })).toEqual(["B", "C", "E"]);
    expect(keep({ notInspectedDays: 30 })).toEqual(["C", "E"]);
    expect(keep({ notInspectedDays: 11 })).toEqual(["B", "C", "E"]);
    expect(keep({ notInspectedDays: 200, notDue: true })).toEqual(["C"]);
  });
});

describe("standing among restaurants", () => {
  const sorted = Float32Array.from([0, 0, 0, 1, 2, 3, 4, 5, 6, 50]);
  it("says higher than / lower than with floored percents, and 'true of' for yes/no features", () => {
    expect(standingOf(sorted, 50)?.text).toBe("higher than 90% of active restaurants");
    expect(standingOf(sorted, 0)?.text).toBe("lower than 70% of active restaurants");
    expect(standingOf(sorted, 3)?.text).toBe("higher than 50% of active restaurants");
    expect(standingOf(Float32Array.from([0, 0, 0, 1]), 1)?.text).toBe("true of 25% of active restaurants");
    expect(standingOf(sorted, Number.NaN)).toBeNull();
  });
});
