// Parse workers and the sorting fall-back change how an ingest runs, never what it writes.
import path from "node:path";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { describe, expect, it } from "vitest";
import { isRodentError } from "../../errors.js";
import { silentLogger } from "../../util/log.js";
import { LocalObjectStore, streamToBuffer } from "../object-store.js";
import { loadRecords, readManifest } from "../snapshot/store.js";
import { isBalanced } from "../validate/quality.js";
import { INSPECTION_HEADER, inspectionRow, testConfig, tmpDir, writeDataFile } from "./ingest.fixture.js";
import { ingest } from "./ingest.js";
import { ParseFarm } from "./parse-farm.js";

const CODES = ["04L", "04K", "10F", "02G", "08A"];

/** ~9,000 inspection rows (~3 MB: several parse pieces) in key order up to small disorder, with bad rows. */
function inspectionLines(): string[] {
  const lines: string[] = [];
  for (let i = 0; i < 1800; i++) {
    const camis = String(40000000 + i);
    // Violation codes in file order, not key order: the window puts them right.
    for (const code of [...CODES].reverse())
      lines.push(
        inspectionRow({
          CAMIS: camis,
          "INSPECTION DATE": `0${1 + (i % 9)}/1${i % 10}/2023`,
          "VIOLATION CODE": code,
          "VIOLATION DESCRIPTION":
            i % 7 === 0 ? `Cold food held above 41 °F, "${code}"\nsecond line` : `Plain description ${code}`,
        }),
      );
    if (i % 300 === 5) lines.push(inspectionRow({ CAMIS: camis, "INSPECTION DATE": "02/30/2023" }));
    if (i % 300 === 6) lines.push(inspectionRow({ CAMIS: camis, BORO: "Narnia" }));
    if (i % 300 === 7) lines.push(inspectionRow({ CAMIS: camis, Latitude: "91" }));
    if (i % 300 === 8) lines.push(`${inspectionRow({ CAMIS: camis })},extra`);
    if (i % 300 === 9) lines.push(lines.at(-1)!); // duplicate row
    if (i % 300 === 10)
      lines.push(
        inspectionRow({
          CAMIS: camis,
          "INSPECTION DATE": `0${1 + (i % 9)}/1${i % 10}/2023`,
          "VIOLATION CODE": "04L",
          "VIOLATION DESCRIPTION": "Another description",
        }),
      ); // duplicate key
  }
  return lines;
}

/** Deterministic shuffle (LCG), so the fall-back run is reproducible. */
function shuffled<T>(xs: T[]): T[] {
  const out = [...xs];
  let s = 12345;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function city(lines: string[]): string {
  const root = tmpDir();
  writeDataFile(root, "inspections", "a.csv.gz", `${INSPECTION_HEADER}\r\n${lines.join("\r\n")}\r\n`);
  // A second, small file of the same dataset is read on the main thread, after the big one.
  writeDataFile(root, "inspections", "b.csv", `${INSPECTION_HEADER}\n${inspectionRow({ CAMIS: "49999999" })}\n`);
  writeDataFile(
    root,
    "rat-sightings",
    "r.csv",
    "Unique Key,Created Date,Borough,Latitude,Longitude\n2,01/02/2020 01:00:00 PM,BROOKLYN,40.6,-73.9\n1,01/01/2020 12:00:00 AM,QUEENS,,\n",
  );
  // Overlapping weather files: the second fills the first's gaps (merged by date, in the byte form too).
  const day = (d: number) => `2020-01-${String(d).padStart(2, "0")}`;
  const weather = (from: number, to: number, gaps: boolean) =>
    `DATE,PRCP,SNOW,SNWD,TMIN,TMAX\n${Array.from({ length: to - from + 1 }, (_, i) => {
      const d = from + i;
      return `${day(d)},0.1,0,0,${20 + d},${gaps && d % 2 ? "" : 40 + d}`;
    }).join("\n")}\n`;
  writeDataFile(root, "weather", "a.csv", weather(1, 20, true));
  writeDataFile(root, "weather", "b.csv", weather(10, 30, false));
  return root;
}

async function run(root: string, o: { workers: boolean; windowRows?: number; spillBytes?: number }) {
  const config = testConfig();
  const store = new LocalObjectStore(config.store.kind === "local" ? config.store.root : "");
  const r = await ingest({ store, config, log: silentLogger, source: `dir:${root}`, ...o });
  const m = await readManifest(store, r.snapshot);
  const s = ((await store.getStream(m.quarantine_key)) as Readable).pipe(createGunzip());
  const quarantine = (await streamToBuffer(s)).toString("utf8");
  return { r, store, quarantine };
}

describe("parse workers and the sort fall-back", () => {
  it("give the same snapshot, byte for byte, as one thread", async () => {
    const root = city(inspectionLines());
    const one = await run(root, { workers: false });
    const pieces = ParseFarm.piecesParsed;
    const many = await run(root, { workers: true });
    expect(ParseFarm.piecesParsed - pieces).toBeGreaterThan(3); // ~3 MB of CSV in 512 KB pieces, and the small files
    expect(many.r.snapshot).toBe(one.r.snapshot);
    expect(many.r.manifest.datasets).toEqual(one.r.manifest.datasets); // gzip bytes too
    expect(many.quarantine).toBe(one.quarantine);
    expect(many.r.quality).toEqual(one.r.quality);
    const q = one.r.quality.datasets.inspections!;
    expect(q.rows_in).toBe(1800 * 5 + 6 * 6 + 1);
    expect(q.by_reason).toEqual({
      bad_date: 6,
      unknown_borough: 6,
      coordinates_outside_nyc: 6,
      column_count: 6,
      duplicate_row: 6,
      duplicate_key: 6,
    });
    expect(isBalanced(q)).toBe(true);
    expect(one.r.quality.datasets.weather).toMatchObject({ rows_in: 41, rows: 30, merged: 11, merge_conflicts: 0 });
    const w = await loadRecords(many.store, many.r.snapshot, "weather");
    expect(w.find((r) => r.date === "2020-01-11")).toEqual({ date: "2020-01-11", tmax: 51, tmin: 31, prcp: 0.1 });
    expect(w.find((r) => r.date === "2020-01-03")?.tmax).toBeNull();
    expect(
      one.quarantine
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l).file),
    ).toContain(path.join("inspections", "a.csv.gz").split(path.sep).join("/"));
  });

  it("rows far out of key order: the external sort takes over, same records and same snapshot with workers", async () => {
    const lines = inspectionLines();
    const root = city(shuffled(lines));
    const sorted = await run(city(lines), { workers: false });
    const one = await run(root, { workers: false, windowRows: 16, spillBytes: 64 * 1024 });
    const pieces = ParseFarm.piecesParsed;
    const many = await run(root, { workers: true, windowRows: 16, spillBytes: 64 * 1024 });
    expect(ParseFarm.piecesParsed - pieces).toBeGreaterThan(3);
    expect(many.r.snapshot).toBe(one.r.snapshot);
    expect(many.quarantine).toBe(one.quarantine);
    const q = one.r.quality.datasets.inspections!;
    expect(q.rows_in).toBe(sorted.r.quality.datasets.inspections!.rows_in);
    expect(q.quarantined).toBe(sorted.r.quality.datasets.inspections!.quarantined);
    expect(q.null_rates).toEqual(sorted.r.quality.datasets.inspections!.null_rates);
    const recs = await loadRecords(one.store, one.r.snapshot, "inspections");
    const keys = recs.map((r) => `${r.camis}|${r.inspectionDate}|${r.inspectionType}|${r.violationCode ?? ""}`);
    for (let i = 1; i < keys.length; i++) expect(keys[i]! > keys[i - 1]!).toBe(true);
    expect(recs).toHaveLength(q.rows);
    // The same kept records as the in-order input, except which of a duplicate-key pair came first.
    const sortedRecs = await loadRecords(sorted.store, sorted.r.snapshot, "inspections");
    const strip = (r: { violationDescription: string }) => ({ ...r, violationDescription: "" });
    expect(recs.map(strip)).toEqual(sortedRecs.map(strip));
  });

  it("whole-file problems found on a worker are the same errors, naming the file (and column)", async () => {
    const noCamis = tmpDir();
    const f1 = writeDataFile(noCamis, "inspections", "a.csv", `${INSPECTION_HEADER.replace("CAMIS,", "ID,")}\n1,2\n`);
    const e1 = await run(noCamis, { workers: true }).catch((e) => e);
    expect(isRodentError(e1, "RODENT_ERR_FILE_FORMAT")).toBe(true);
    expect(e1.message).toContain("camis");
    expect(e1.details).toMatchObject({ column: "camis" });
    expect(e1.message).toContain(path.basename(f1));

    const open = tmpDir();
    const rows = inspectionLines().slice(0, 50);
    const f2 = writeDataFile(
      open,
      "inspections",
      "b.csv",
      `${INSPECTION_HEADER}\n${rows.join("\n")}\n41000001,"unterminated`,
    );
    const e2 = await run(open, { workers: true }).catch((e) => e);
    expect(isRodentError(e2, "RODENT_ERR_FILE_FORMAT")).toBe(true);
    expect(e2.message).toContain(f2);
    expect(e2.message).toMatch(/unterminated/);
  });
});
