import { describe, expect, it } from "vitest";
import { dayOfYear, dayTimeToUs, dayToIso, dayToUs, isoToDay, weekday } from "./dates.js";

describe("synth dates", () => {
  it("agree with Date for every day 1890–2080", () => {
    const wrong: string[] = []; // one expect at the end: 69k days × expect() would take seconds
    for (let day = isoToDay("1890-01-01"); day < isoToDay("2080-12-31"); day++) {
      const dt = new Date(day * 86_400_000);
      const iso = dt.toISOString().slice(0, 10);
      if (
        dayToIso(day) !== iso ||
        isoToDay(iso) !== day ||
        dayOfYear(day) !== day - Date.UTC(dt.getUTCFullYear(), 0, 1) / 86_400_000 ||
        weekday(day) !== (dt.getUTCDay() + 6) % 7
      )
        wrong.push(iso);
    }
    expect(wrong).toEqual([]);
  });

  it("reject impossible dates and format the export styles", () => {
    for (const s of ["2019-02-29", "2020-13-01", "2020-00-10", "2020-04-31", "20-01-011", "2020/01/01"]) {
      expect(isoToDay(s)).toBeNaN();
    }
    expect(isoToDay("2020-02-29")).toBe(18321);
    expect(dayToUs(isoToDay("2021-08-05"))).toBe("08/05/2021");
    expect(dayTimeToUs(isoToDay("2018-09-26"), 0)).toBe("09/26/2018 12:00:00 AM");
    expect(dayTimeToUs(isoToDay("2018-09-26"), 13 * 3600 + 5 * 60 + 9)).toBe("09/26/2018 01:05:09 PM");
    expect(dayTimeToUs(isoToDay("2018-09-26"), 12 * 3600)).toBe("09/26/2018 12:00:00 PM");
  });
});
