import { describe, expect, it } from "vitest";
import { dayNumber, dayString, parseDay, parseInstant } from "./dates.js";
import { normalizeBorough, normalizeColumnName, parseNumber } from "./values.js";

describe("parseInstant / parseDay", () => {
  it.each([
    ["2023-05-01", "2023-05-01T00:00:00"],
    ["2023-05-01T00:00:00.000", "2023-05-01T00:00:00"],
    ["2023-05-01T13:04:05", "2023-05-01T13:04:05"],
    ["05/01/2023", "2023-05-01T00:00:00"],
    ["09/26/2018 12:00:00 AM", "2018-09-26T00:00:00"],
    ["10/02/2018 03:56:48 PM", "2018-10-02T15:56:48"],
    ["10/02/2018 12:30:00 PM", "2018-10-02T12:30:00"],
    ["1900-01-01", "1900-01-01T00:00:00"],
    ["2024-02-29", "2024-02-29T00:00:00"],
  ])("%s → %s", (s, want) => {
    expect(parseInstant(s)).toBe(want);
    expect(parseDay(s)).toBe(want.slice(0, 10));
  });
  it.each([
    "",
    "02/30/2023",
    "2023-02-29",
    "13/01/2023",
    "2023-13-01",
    "yesterday",
    "2023-05-01T25:00:00",
    "13/40/2020 13:00:00 PM",
  ])("rejects %j", (s) => expect(parseInstant(s)).toBeNull());
  it("the fixed-width export fast path agrees with the general parser on valid and invalid dates", () => {
    let checked = 0;
    for (const mo of ["00", "02", "12", "13"])
      for (const d of ["01", "29", "31", "32"])
        for (const y of ["1799", "2023", "2024", "2201", "20x4"]) {
          const day = `${mo}/${d}/${y}`;
          for (const s of [
            day,
            `${day} 12:30:59 AM`,
            `${day} 12:00:00 PM`,
            `${day} 13:00:00 PM`,
            `${day} 01:60:00 AM`,
          ]) {
            // A leading space is trimmed by the general parser but skips the fixed-width fast path.
            const general = parseInstant(` ${s}`);
            expect(parseInstant(s), s).toBe(general);
            expect(parseDay(s), s).toBe(general?.slice(0, 10) ?? null);
            checked++;
          }
        }
    expect(checked).toBe(400);
  });

  it("converts day numbers both ways", () => {
    expect(dayNumber("1970-01-02")).toBe(1);
    expect(dayString(dayNumber("2024-03-01"))).toBe("2024-03-01");
  });
});

describe("values", () => {
  it("normalizes boroughs from every source's spelling", () => {
    expect(normalizeBorough("MANHATTAN")).toBe("Manhattan");
    expect(normalizeBorough("Staten Island")).toBe("Staten Island");
    expect(normalizeBorough("1")).toBe("Manhattan");
    expect(normalizeBorough("5")).toBe("Staten Island");
    expect(normalizeBorough("0")).toBe("missing");
    expect(normalizeBorough("Unspecified")).toBe("missing");
    expect(normalizeBorough("Narnia")).toBe("unknown");
  });
  it("maps header names to API field names", () => {
    expect(normalizeColumnName("CUISINE DESCRIPTION")).toBe("cuisine_description");
    expect(normalizeColumnName("\uFEFFUnique Key")).toBe("unique_key");
    expect(normalizeColumnName("X Coordinate (State Plane)")).toBe("x_coordinate_state_plane");
  });
  it("parses numbers, empty as null, junk as NaN", () => {
    expect(parseNumber(" 12 ")).toBe(12);
    expect(parseNumber("")).toBeNull();
    expect(parseNumber("abc")).toBeNaN();
  });
});
