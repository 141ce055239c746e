import { describe, expect, it } from "vitest";
import { subsetLabels, subsetTable } from "./subset-table.js";
import { syntheticSchema } from "./synthetic.fixture.js";
import { timeSplit } from "./time-split.js";

const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

describe("timeSplit / subsetTable", () => {
  it("last months are test, the months before valid, the rest train", () => {
    const days = Int32Array.from(
      ["2024-12-31", "2024-07-01", "2024-06-30", "2024-04-01", "2024-03-31", "2020-01-01"].map(dayOf),
    );
    const s = timeSplit(days, { testMonths: 6, validMonths: 3 });
    expect(Array.from(s.test)).toEqual([0, 1]);
    expect(Array.from(s.valid)).toEqual([2, 3]);
    expect(Array.from(s.train)).toEqual([4, 5]);
    expect(s.testStart).toBe(dayOf("2024-07-01"));
    expect(s.validStart).toBe(dayOf("2024-04-01"));
  });
  it("rejects empty input and non-positive windows", () => {
    expect(() => timeSplit(new Int32Array(0), { testMonths: 1, validMonths: 1 })).toThrow(/no rows/);
    expect(() => timeSplit(Int32Array.from([1]), { testMonths: 0, validMonths: 1 })).toThrow(/must be > 0/);
  });
  it("subsetTable copies the chosen rows of every column", () => {
    const t = {
      schema: syntheticSchema(2),
      n: 3,
      columns: [Float32Array.from([1, 2, 3]), Float32Array.from([4, 5, 6])],
    };
    const s = subsetTable(t, Int32Array.from([2, 0]));
    expect(s.n).toBe(2);
    expect(Array.from(s.columns[1])).toEqual([6, 4]);
    expect(Array.from(subsetLabels(Uint8Array.from([7, 8, 9]), Int32Array.from([1])))).toEqual([8]);
  });
});
