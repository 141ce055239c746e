import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { isRodentError } from "../../../errors.js";
import { flattenRecord, jsonArrayElements, readJson } from "./json.js";

async function collect(chunks: string[]): Promise<unknown[]> {
  const out: unknown[] = [];
  async function* src() {
    yield* chunks;
  }
  for await (const x of jsonArrayElements(src())) out.push(x);
  return out;
}

describe("jsonArrayElements", () => {
  it("streams the objects of a top-level array, across any chunk boundary", async () => {
    const text = JSON.stringify([{ a: 1, s: 'x}]{"' }, { a: 2, nested: { b: [1, { c: 3 }] } }, { a: 3 }]);
    const whole = await collect([text]);
    expect(whole).toEqual(JSON.parse(text));
    for (let cut = 1; cut < text.length; cut += 7) {
      expect(await collect([text.slice(0, cut), text.slice(cut)])).toEqual(whole);
    }
  });
  it("streams a FeatureCollection's features, skipping bbox and crs", async () => {
    const fc = {
      type: "FeatureCollection",
      bbox: [-74, 40, -73, 41],
      crs: { type: "name", properties: { name: "x" } },
      features: [
        { type: "Feature", geometry: { type: "Point", coordinates: [-73.9, 40.7] }, properties: { "Unique Key": 1 } },
        { type: "Feature", geometry: null, properties: { "Unique Key": 2 } },
      ],
    };
    const got = await collect([JSON.stringify(fc, null, 2)]);
    expect(got).toHaveLength(2);
    expect(flattenRecord(got[0]).get("latitude")).toBe("40.7");
    expect(flattenRecord(got[0]).get("longitude")).toBe("-73.9");
    expect(flattenRecord(got[0]).get("unique_key")).toBe("1");
    expect(flattenRecord(got[1]).get("latitude")).toBeUndefined();
  });
  it("rejects truncated input", async () => {
    await expect(collect(['[{"a":1},{"a"'])).rejects.toThrow(/truncated/);
  });
});

describe("readJson", () => {
  it("reads gzip API JSON as cells under the requested columns and records seen keys", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "rodent-json-"));
    const f = path.join(dir, "x.json.gz");
    writeFileSync(
      f,
      gzipSync(JSON.stringify([{ unique_key: "1", created_date: "2020-01-01T00:00:00.000" }, { unique_key: "2" }])),
    );
    const t = await readJson(f, true, ["unique_key", "created_date"]);
    const rows: string[][] = [];
    for await (const b of t.batches) rows.push(...b);
    expect(rows).toEqual([
      ["1", "2020-01-01T00:00:00.000"],
      ["2", ""],
    ]);
    expect([...t.seenColumns!].sort()).toEqual(["created_date", "unique_key"]);
  });
  it("names the file when the content is not JSON", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "rodent-json-"));
    const f = path.join(dir, "bad.json");
    writeFileSync(f, '[{"a": 1}, {"a": ');
    const t = await readJson(f, false, ["a"]);
    const err = await (async () => {
      for await (const _ of t.batches) {
        /* drain */
      }
    })().catch((e) => e);
    expect(isRodentError(err, "RODENT_ERR_FILE_FORMAT")).toBe(true);
    expect(err.message).toContain("bad.json");
  });
});
