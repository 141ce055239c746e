import { mkdtempSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { KeySpool } from "./key-spool.js";

async function drainAll(s: KeySpool) {
  const out: { key: string; seq: number; line: string; origin: number; row: number }[] = [];
  for await (const e of s.drain()) out.push({ key: e.key, seq: e.seq, line: e.line, origin: e.origin, row: e.row });
  return out;
}

describe("KeySpool", () => {
  it.each([
    ["in memory", 1 << 30],
    ["spilled to sorted runs", 200],
  ])("sorts by key, keeps arrival order for equal keys (%s)", async (_name, maxChars) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "rodent-spool-"));
    const s = new KeySpool(dir, "t", maxChars);
    const keys = ["b", "a", "c\ttab", "a", "b", "z", "a", '"q"'];
    // Multi-byte UTF-8 (°, é, emoji) and tabs/newlines escaped in JSON must survive the byte slab and the runs.
    for (let i = 0; i < keys.length; i++)
      await s.add(keys[i]!, "2020-01-01", i, i % 3, i + 1, i === 5 ? '{"i":5,"t":"41 °F café 🐀\\t"}' : `{"i":${i}}`);
    expect(s.runsWritten > 0).toBe(maxChars < 1000);
    const got = await drainAll(s);
    expect(got.map((e) => e.key)).toEqual(['"q"', "a", "a", "a", "b", "b", "c\ttab", "z"]);
    expect(got.filter((e) => e.key === "a").map((e) => e.line)).toEqual(['{"i":1}', '{"i":3}', '{"i":6}']);
    expect(got.find((e) => e.key === "z")).toMatchObject({
      origin: 2,
      row: 6,
      seq: 5,
      line: '{"i":5,"t":"41 °F café 🐀\\t"}',
    });
    expect(readdirSync(dir)).toEqual([]);
  });
});
