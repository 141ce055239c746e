// Worker-thread entry of the ParseFarm: turns row-aligned CSV byte pieces into validated NDJSON lines with their
// keys, exactly as DatasetCollector.addTable does on the main thread (same mapper, key, date, null mask, JSON).
import { parentPort } from "node:worker_threads";
import { normalizeColumnName } from "../parse/values.js";
import type { DatasetName } from "../records.js";
import { CsvSplitter } from "../sources/formats/csv-split.js";
import { isRejection, type RowMapper } from "../validate/spec.js";
import { SPECS } from "../validate/specs.js";
import { SUSPECT_TEXT, type TextCheck, textCheck } from "../validate/text.js";
import type { FarmRequest, PieceResult } from "./parse-farm.js";
import { nullMask, recordDate } from "./record-entry.js";

const port = parentPort!;
const files = new Map<number, { dataset: DatasetName; map: RowMapper<unknown>; width: number; text: TextCheck }>();
/** Decode in slices: strings under V8's large-object size stay in the young generation (no page faults). */
const SLICE = 48 * 1024;

function parse(fileId: number, bytes: Buffer): Omit<PieceResult, "id"> {
  const f = files.get(fileId)!;
  const spec = SPECS[f.dataset] as never as (typeof SPECS)["inspections"];
  const map = f.map as RowMapper<never>;
  const decoder = new TextDecoder("utf-8");
  const splitter = new CsvSplitter();
  const cells: string[][] = [];
  const keys: string[] = [];
  const dates: string[] = [];
  const lines: string[] = [];
  const nulls: number[] = [];
  const rejects: PieceResult["rejects"] = [];
  let row = 0;
  // Per-row text checks start with the first decoded slice that holds a suspect character (validate/text.ts).
  let suspect = false;
  const take = () => {
    for (const c of cells) {
      row++;
      if (c.length !== f.width) {
        rejects.push({ row, field: "*", reason: "column_count", cells: c });
        continue;
      }
      const t = suspect ? f.text(c) : null;
      if (t) {
        rejects.push({ row, field: t.field, reason: t.reason, cells: c });
        continue;
      }
      const r = map(c);
      if (isRejection(r)) {
        rejects.push({ row, field: r.field, reason: r.reason, cells: c });
        continue;
      }
      keys.push(spec.key(r));
      dates.push(recordDate(spec, r));
      nulls.push(nullMask(spec, r));
      lines.push(JSON.stringify(r));
    }
    cells.length = 0;
  };
  for (let i = 0; i < bytes.length; i += SLICE) {
    const text = decoder.decode(bytes.subarray(i, i + SLICE), { stream: true });
    if (!suspect && SUSPECT_TEXT.test(text)) suspect = true;
    splitter.push(text, cells);
    take();
  }
  const tail = decoder.decode();
  if (!suspect && SUSPECT_TEXT.test(tail)) suspect = true;
  if (tail) splitter.push(tail, cells);
  splitter.end(cells);
  take();
  // The lines as UTF-8, each with its newline, in one transferable buffer: the main thread copies them into the
  // gzip input without decoding (no string per line crosses threads, none lands on the main thread's heap).
  let chars = 0;
  for (const l of lines) chars += l.length + 1;
  const text = Buffer.allocUnsafeSlow(chars * 3);
  const ends = new Int32Array(lines.length);
  let at = 0;
  for (let i = 0; i < lines.length; i++) {
    at += text.write(lines[i]!, at, "utf8");
    text[at++] = 10;
    ends[i] = at;
  }
  return { n: row, keys, dates, nulls: Int32Array.from(nulls), text: text.buffer as ArrayBuffer, ends, rejects };
}

port.on("message", (m: FarmRequest) => {
  if (m.type === "file") {
    const spec = SPECS[m.dataset];
    const header = m.columns.map(normalizeColumnName);
    files.set(m.fileId, {
      dataset: m.dataset,
      map: spec.bind(header) as RowMapper<unknown>,
      width: m.columns.length,
      text: textCheck(header, spec.columns),
    });
    return;
  }
  if (m.type === "done") {
    files.delete(m.fileId);
    return;
  }
  try {
    const r: PieceResult = { id: m.id, ...parse(m.fileId, Buffer.from(m.buffer)) };
    port.postMessage(r, [r.text]);
  } catch (e) {
    port.postMessage({ id: m.id, error: (e as Error).message });
  }
});
port.postMessage({ ready: true });
