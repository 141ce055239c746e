import { describe, expect, it } from "vitest";
import { newSpoolEntry } from "./key-spool.js";
import { KeyWindow } from "./key-window.js";

describe("KeyWindow", () => {
  it("puts rows that arrive out of order within its size back in (key, arrival) order, over many compactions", () => {
    const w = new KeyWindow(8);
    const e = newSpoolEntry();
    const got: { key: string; row: number; line: string }[] = [];
    let last = "";
    // Keys k0000..k0999 in blocks of 4 reversed (8 rows: the disorder the window absorbs), each key twice; the
    // second arrival must come out second.
    let row = 0;
    for (let b = 0; b < 1000; b += 4)
      for (let i = b + 3; i >= b; i--)
        for (const copy of ["first", "second"]) {
          const key = `k${String(i).padStart(4, "0")}`;
          w.add(key, "2020-01-01", i & 7, 3, ++row, `${key} ${copy}`);
          if (w.full) {
            w.shift(e);
            expect(e.key >= last).toBe(true);
            last = e.key;
            got.push({ key: e.key, row: e.row, line: e.line });
          }
        }
    while (w.length > 0) {
      w.shift(e);
      got.push({ key: e.key, row: e.row, line: e.line });
    }
    expect(got).toHaveLength(2000);
    const keys = got.map((g) => g.key);
    expect(keys).toEqual([...keys].sort());
    for (let i = 0; i < got.length; i += 2) {
      expect(got[i]!.line).toBe(`${got[i]!.key} first`);
      expect(got[i + 1]!.line).toBe(`${got[i]!.key} second`);
      expect(got[i + 1]!.row).toBe(got[i]!.row + 1);
    }
  });
});
