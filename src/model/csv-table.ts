// A CSV file as a table of named columns (string cells; the encoder decides what is a number or missing).
// csv-parse does the RFC 4180 work (quotes, doubled quotes, newlines in fields, CRLF, BOM).
import { readFile } from "node:fs/promises";
import { parse } from "csv-parse/sync";
import { RodentError } from "../errors.js";
import type { Table } from "./table-encoder.js";

/** Parses CSV text with a header row into columns by header name. */
export function parseCsv(text: string, opts: { delimiter?: string; source?: string } = {}): Table {
  const where = opts.source ?? "CSV";
  let rows: string[][];
  try {
    rows = parse(text, { delimiter: opts.delimiter ?? ",", bom: true, skip_empty_lines: true });
  } catch (e) {
    throw new RodentError("RODENT_ERR_FILE_FORMAT", `${where}: ${(e as Error).message}`, undefined, { cause: e });
  }
  if (rows.length === 0) throw new RodentError("RODENT_ERR_FILE_FORMAT", `${where}: no header row`);
  const header = rows[0].map((h) => h.trim());
  const seen = new Set<string>();
  header.forEach((h, i) => {
    if (seen.has(h)) {
      throw new RodentError("RODENT_ERR_FILE_FORMAT", `${where}: column ${i + 1} repeats the header "${h}"`);
    }
    seen.add(h);
  });
  const columns: string[][] = header.map(() => new Array<string>(rows.length - 1));
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r];
    for (let c = 0; c < header.length; c++) columns[c][r - 1] = row[c];
  }
  return Object.fromEntries(header.map((h, c) => [h, columns[c]]));
}

/** Reads a CSV file with a header row (UTF-8) into columns by header name. */
export async function readCsv(file: string, opts: { delimiter?: string } = {}): Promise<Table> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new RodentError("RODENT_ERR_NOT_FOUND", `cannot read ${file}: ${(e as Error).message}`, undefined, {
      cause: e,
    });
  }
  return parseCsv(text, { ...opts, source: file });
}
