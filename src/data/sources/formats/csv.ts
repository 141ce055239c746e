import { splitCsv } from "./csv-split.js";
import { fileFormatError, openText } from "./open.js";
import type { TableStream } from "./table.js";

/**
 * Streams a CSV export (NYC Open Data style: header row, quoted fields with commas and newlines).
 * Rows are arrays of cells; only the current chunk and partial row are held, never the file.
 */
export async function readCsv(file: string, gzip: boolean): Promise<TableStream> {
  const seen = { suspect: false };
  const it = splitCsv(openText(file, gzip, seen))[Symbol.asyncIterator]();
  let first: IteratorResult<string[][]>;
  try {
    first = await it.next();
  } catch (e) {
    throw fileFormatError(file, `not a readable CSV file (${(e as Error).message})`);
  }
  if (first.done) throw fileFormatError(file, "empty file: no header row");
  const columns = first.value[0]!;
  const rest = first.value.slice(1);
  async function* batches(): AsyncGenerator<string[][]> {
    try {
      if (rest.length > 0) yield rest;
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        yield r.value;
      }
    } catch (e) {
      throw fileFormatError(file, `CSV parse error: ${(e as Error).message}`);
    }
  }
  return { columns, batches: batches(), seenColumns: null, suspectText: () => seen.suspect };
}
