import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { splitCsv } from "./csv-split.js";

async function rows(chunks: string[]): Promise<string[][]> {
  async function* src() {
    yield* chunks;
  }
  const out: string[][] = [];
  for await (const batch of splitCsv(src())) out.push(...batch);
  return out;
}

const SAMPLE = [
  "\uFEFFUnique Key,Created Date,Descriptor,Location",
  '40390138,09/26/2018 12:00:00 AM,Rat Sighting,"(40.76, -73.92)"',
  '1,"a ""quoted"" word","multi\nline, with comma",',
  ",,,",
  '2,"",x,"ends with quote"""',
  "3,plain,text,last",
].join("\r\n");

describe("splitCsv", () => {
  it("agrees with csv-parse on quotes, escaped quotes, newlines in fields, CRLF, empty cells, BOM", async () => {
    const want = parse(SAMPLE, { bom: true, relax_column_count: true, skip_empty_lines: true });
    expect(await rows([SAMPLE])).toEqual(want);
    expect(await rows([`${SAMPLE}\r\n`])).toEqual(want);
  });
  it("gives the same rows for every chunking", async () => {
    const want = await rows([SAMPLE]);
    for (let cut = 1; cut < SAMPLE.length; cut++)
      expect(await rows([SAMPLE.slice(0, cut), SAMPLE.slice(cut)]), `cut ${cut}`).toEqual(want);
    expect(await rows(SAMPLE.split(""))).toEqual(want);
  });
  it("fails on an unterminated quoted field", async () => {
    await expect(rows(['a,b\n1,"open'])).rejects.toThrow(/unterminated/);
  });
});
