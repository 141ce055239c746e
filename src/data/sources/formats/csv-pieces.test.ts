import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { isRodentError } from "../../../errors.js";
import { readCsvPieces } from "./csv-pieces.js";
import { CsvSplitter, splitCsv } from "./csv-split.js";

const HEADER = 'Unique Key,"Created, Date",Descriptor,Location';
const ROWS = [
  '1,09/26/2018 12:00:00 AM,Rat Sighting,"(40.76, -73.92)"',
  '2,"a ""quoted"" word","multi\nline, with comma",',
  "3,,,",
  '4,"41 °F café 🐀 ’x’","ends with quote""",last',
  '5,"three\r\nline\nfield",x,y',
];

function file(text: string, gzip: boolean): string {
  const f = path.join(mkdtempSync(path.join(os.tmpdir(), "rodent-pieces-")), gzip ? "x.csv.gz" : "x.csv");
  writeFileSync(f, gzip ? gzipSync(text) : text);
  return f;
}

async function whole(text: string): Promise<string[][]> {
  const out: string[][] = [];
  async function* one() {
    yield text;
  }
  for await (const b of splitCsv(one())) out.push(...b);
  return out;
}

describe("readCsvPieces", () => {
  // Cuts happen at the last row end of each chunk read (1 MB from a file, 256 KB out of gunzip) once a piece
  // has `size` bytes: ~1.7 MB of rows give several pieces.
  it.each([
    [false, 1, 8000],
    [true, 1, 8000],
    [true, 600_000, 8000],
    [false, 40, 60],
  ])(
    "cuts only at row ends: pieces parse on their own to the same rows (gzip %s, piece %i bytes, %i×5 rows)",
    async (gz, size, reps) => {
      const body: string[] = [];
      for (let i = 0; i < reps; i++) body.push(...ROWS.map((r) => r.replace(/^\d+/, String(i * 10 + Number(r[0])))));
      const text = `\uFEFF${HEADER}\r\n${body.join("\r\n")}\r\n`;
      const csv = await readCsvPieces(file(text, gz), gz, size);
      expect(csv.columns).toEqual(["Unique Key", "Created, Date", "Descriptor", "Location"]);
      const bytes: Buffer[] = [];
      const rows: string[][] = [];
      for await (const p of csv.pieces) {
        expect(p.byteOffset).toBe(0); // owns its ArrayBuffer: transferable
        expect(p.buffer.byteLength).toBe(p.length);
        bytes.push(p);
        const s = new CsvSplitter();
        s.push(p.toString("utf8"), rows);
        const before = rows.length;
        s.end(rows); // a piece never leaves a partial row behind
        expect(rows.length).toBe(before);
      }
      if (reps > 1000) expect(bytes.length).toBeGreaterThan(1);
      expect(Buffer.concat(bytes).toString("utf8")).toBe(text.slice(text.indexOf("\n") + 1));
      expect(rows).toEqual((await whole(text)).slice(1));
    },
  );

  it("names the file when it is empty", async () => {
    const f = file("", false);
    const err = await readCsvPieces(f, false).catch((e) => e);
    expect(isRodentError(err, "RODENT_ERR_FILE_FORMAT")).toBe(true);
    expect(err.message).toContain(f);
  });
});
