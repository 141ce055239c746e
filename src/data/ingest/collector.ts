import { createReadStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { createGunzip } from "node:zlib";
import { normalizeColumnName } from "../parse/values.js";
import { NEVER_INSPECTED_DATE } from "../records.js";
import { KeySpool, lineText, newSpoolEntry, type SpoolEntry } from "../snapshot/key-spool.js";
import { KeyWindow } from "../snapshot/key-window.js";
import { readLines } from "../snapshot/lines.js";
import { NdjsonGzWriter, type WrittenFile } from "../snapshot/ndjson-writer.js";
import { fileFormatError } from "../sources/formats/open.js";
import type { TableStream } from "../sources/formats/table.js";
import { type DatasetQuality, emptyQuality } from "../validate/quality.js";
import type { QuarantineWriter } from "../validate/quarantine.js";
import { type DatasetSpec, isRejection } from "../validate/spec.js";
import { textCheck } from "../validate/text.js";
import type { PieceResult } from "./parse-farm.js";
import { nullMask, recordDate } from "./record-entry.js";

/** Rows of disorder the in-memory window absorbs before the external sort takes over (~1 MB of lines). */
export const WINDOW_ROWS = 2048;
/** Origin of a record re-read from the already written (deduplicated) prefix after a fall-back. */
const PREFIX_ORIGIN = -2;

const newEntry = newSpoolEntry;

/**
 * Turns one dataset's raw rows into validated, deduplicated, key-sorted records written to `outFile`: bad rows
 * go to the quarantine as they are read; duplicates are found in key order (the first arrival is kept).
 *
 * Rows that arrive in key order up to a little local disorder (a KeyWindow's worth) stream straight through
 * dedupe into the gzip writer: no spill, no second pass. The first row that arrives too late for the window
 * switches the collector to the external sort (KeySpool) for everything not yet written; at the end the written
 * prefix is read back and merged with the sorted rest, so the output is the same either way.
 */
export class DatasetCollector<R> {
  readonly quality: DatasetQuality = emptyQuality();
  private readonly window: KeyWindow;
  /** Set once rows stop arriving in (near) key order. */
  private spool: KeySpool | null = null;
  /** Opened on the first record (a collector that is never finished leaves no open file). */
  private writer: NdjsonGzWriter | null = null;
  private readonly files: string[] = [];
  private readonly nullCounts: number[];
  private readonly dateField: string;
  private readonly out = newEntry();
  /** Last key handed to dedupe: a new row below it can no longer go through the window. */
  private lastKey: string | null = null;
  // Dedupe state: the record waiting to be written (its successor may merge into or duplicate it).
  private pKey: string | null = null;
  private pLine = "";
  /** The pending line in byte form (parse workers' output), else null and pLine holds it. */
  private pBuf: Buffer | null = null;
  private pStart = 0;
  private pEnd = 0;
  private pDate = "";
  private pNulls = 0;

  constructor(
    readonly spec: DatasetSpec<R>,
    private readonly tmpDir: string,
    private readonly quarantine: QuarantineWriter,
    private readonly outFile: string,
    private readonly opts: { spillBytes?: number; windowRows?: number } = {},
  ) {
    this.window = new KeyWindow(opts.windowRows ?? WINDOW_ROWS);
    this.nullCounts = spec.fields.map(() => 0);
    this.dateField = spec.dateField;
  }

  private nullMask(r: R): number {
    return nullMask(this.spec, r);
  }

  private async reject(file: string, row: number, field: string, reason: string, raw: Record<string, unknown>) {
    this.quality.quarantined++;
    this.quality.by_reason[reason] = (this.quality.by_reason[reason] ?? 0) + 1;
    const fk = `${field}:${reason}`;
    this.quality.by_field[fk] = (this.quality.by_field[fk] ?? 0) + 1;
    await this.quarantine.add({ dataset: this.spec.name, file, row, field, reason, raw });
  }

  /** Whole-file check of a CSV header: RODENT_ERR_FILE_FORMAT naming the file and the missing column. */
  checkHeader(label: string, columns: readonly string[]): string[] {
    const header = columns.map(normalizeColumnName);
    for (const c of this.spec.requiredColumns)
      if (!header.includes(c))
        throw fileFormatError(label, `missing required column "${c}" for dataset ${this.spec.name}`, c);
    return header;
  }

  /**
   * Take one file's rows as parsed by a ParseFarm (pieces in file order), replayed row by row exactly as
   * addTable would have seen them, so quarantine order and output bytes do not depend on the threads.
   * Call checkHeader first.
   */
  async addParsed(
    label: string,
    format: string,
    columns: readonly string[],
    results: AsyncIterable<PieceResult>,
    onRows?: (n: number) => void,
  ): Promise<void> {
    const origin = this.files.push(label) - 1;
    const fileStats = { file: label, format, rows_in: 0 };
    this.quality.files.push(fileStats);
    const raw = (cells: string[]) => Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? null]));
    let base = 0;
    for await (const res of results) {
      const { keys, dates, nulls, ends, rejects } = res;
      const text = Buffer.from(res.text);
      let v = 0;
      let j = 0;
      for (let row = 1; row <= res.n; row++) {
        const bad = rejects[j];
        if (bad !== undefined && bad.row === row) {
          j++;
          await this.reject(label, base + row, bad.field, bad.reason, raw(bad.cells));
          continue;
        }
        const p = this.route(
          keys[v]!,
          dates[v]!,
          nulls[v]!,
          origin,
          base + row,
          "",
          text,
          v ? ends[v - 1]! : 0,
          ends[v]!,
        );
        v++;
        if (p) await p;
      }
      base += res.n;
      onRows?.(res.n);
    }
    fileStats.rows_in = base;
    this.quality.rows_in += base;
  }

  /** Read one file's rows. Throws RODENT_ERR_FILE_FORMAT naming the file and the missing column. */
  async addTable(label: string, format: string, table: TableStream, onRows?: (n: number) => void): Promise<void> {
    const header = table.seenColumns ? table.columns.map(normalizeColumnName) : this.checkHeader(label, table.columns);
    const origin = this.files.push(label) - 1;
    const fileStats = { file: label, format, rows_in: 0 };
    this.quality.files.push(fileStats);
    const map = this.spec.bind(header);
    const raw = (cells: string[]) => Object.fromEntries(table.columns.map((c, i) => [c, cells[i] ?? null]));
    const checkCount = !table.seenColumns;
    const width = header.length;
    const checkText = textCheck(header, this.spec.columns);
    const suspect = table.suspectText ?? (() => true);
    let row = 0;
    for await (const batch of table.batches) {
      for (const cells of batch) {
        row++;
        if (checkCount && cells.length !== width) {
          await this.reject(label, row, "*", "column_count", raw(cells));
          continue;
        }
        // The same order of checks as the parse workers (parse-worker.ts): column count, text, then the mapper.
        const t = suspect() ? checkText(cells) : null;
        if (t) {
          await this.reject(label, row, t.field, t.reason, raw(cells));
          continue;
        }
        const r = map(cells);
        if (isRejection(r)) {
          await this.reject(label, row, r.field, r.reason, raw(cells));
          continue;
        }
        const p = this.addValid(r, origin, row);
        if (p) await p;
      }
      onRows?.(batch.length);
    }
    fileStats.rows_in = row;
    this.quality.rows_in += row;
    if (table.seenColumns && row > 0) {
      for (const c of this.spec.requiredColumns)
        if (!table.seenColumns.has(c))
          throw fileFormatError(label, `no record has the required field "${c}" for dataset ${this.spec.name}`, c);
    }
  }

  private addValid(r: R, origin: number, row: number): Promise<void> | null {
    return this.route(this.spec.key(r), recordDate(this.spec, r), this.nullMask(r), origin, row, JSON.stringify(r));
  }

  /** Route one valid record: through the window while keys come in order, else into the external sort. */
  private route(
    key: string,
    date: string,
    nulls: number,
    origin: number,
    row: number,
    line: string,
    buf: Buffer | null = null,
    start = 0,
    end = 0,
  ): Promise<void> | null {
    if (this.spool || (this.lastKey !== null && key < this.lastKey)) {
      // The external sort keeps text (a rare path: input out of order).
      const text = buf ? buf.toString("utf8", start, end - 1) : line;
      if (this.spool) return this.spool.add(key, date, nulls, origin, row, text);
      return this.fallBack(key, date, nulls, origin, row, text);
    }
    this.window.add(key, date, nulls, origin, row, line, buf, start, end);
    if (!this.window.full) return null;
    this.window.shift(this.out);
    this.lastKey = this.out.key;
    return this.accept(this.out);
  }

  /** Move the window's rows and this late row into a KeySpool; every later row goes there too. */
  private async fallBack(key: string, date: string, nulls: number, origin: number, row: number, line: string) {
    const spool = new KeySpool(this.tmpDir, this.spec.name, this.opts.spillBytes);
    this.spool = spool;
    const e = newEntry();
    // Window order is (key, arrival) and everything after it arrived later: the spool's arrival order keeps ties.
    while (this.window.length > 0) {
      this.window.shift(e);
      await spool.add(e.key, e.date, e.nulls, e.origin, e.row, lineText(e));
    }
    await spool.add(key, date, nulls, origin, row, line);
  }

  /** A record from the previous snapshot: kept unless a pulled row with the same key replaces it. Call after all pulled rows. */
  async addCarried(r: R): Promise<void> {
    this.quality.carried_over++;
    const p = this.addValid(r, -1, 0);
    if (p) await p;
  }

  /** Dedupe, in key order: a repeated key merges (weather), replaces (carried rows) or is quarantined. */
  private accept(e: SpoolEntry): Promise<void> | null {
    const q = this.quality;
    if (this.pKey !== null && e.key === this.pKey) {
      if (e.origin === -1) {
        q.replaced++;
        return null;
      }
      if (this.spec.merge) {
        const m = this.spec.merge(JSON.parse(this.pendingText()) as R, JSON.parse(lineText(e)) as R);
        this.pLine = JSON.stringify(m.record);
        this.pBuf = null;
        this.pNulls = this.nullMask(m.record);
        q.merged++;
        if (m.conflict) q.merge_conflicts++;
        return null;
      }
      const line = lineText(e);
      const reason = line === this.pendingText() ? "duplicate_row" : "duplicate_key";
      return this.reject(this.files[e.origin] ?? "?", e.row, "key", reason, JSON.parse(line));
    }
    const p = this.pKey !== null ? this.emit() : null;
    this.pKey = e.key;
    this.pLine = e.line;
    this.pBuf = e.buf;
    this.pStart = e.start;
    this.pEnd = e.end;
    this.pDate = e.date;
    this.pNulls = e.nulls;
    return p;
  }

  /** Count and write the pending record. */
  private emit(): Promise<void> | null {
    const q = this.quality;
    const pDate = this.pDate;
    q.rows++;
    for (let i = 0; i < this.nullCounts.length; i++) if (this.pNulls & (1 << i)) this.nullCounts[i]!++;
    if (this.dateField === "inspectionDate" && pDate === NEVER_INSPECTED_DATE) q.placeholder_dates++;
    else if (pDate) {
      if (q.min_date === null || pDate < q.min_date) q.min_date = pDate;
      if (q.max_date === null || pDate > q.max_date) q.max_date = pDate;
    }
    this.writer ??= new NdjsonGzWriter(this.outFile);
    return this.pBuf ? this.writer.writeBytes(this.pBuf, this.pStart, this.pEnd) : this.writer.write(this.pLine);
  }

  private pendingText(): string {
    return this.pBuf ? this.pBuf.toString("utf8", this.pStart, this.pEnd - 1) : this.pLine;
  }

  private async endDedupe(): Promise<void> {
    if (this.pKey !== null) {
      const p = this.emit();
      if (p) await p;
    }
    this.pKey = null;
    this.pBuf = null;
  }

  /** The records of the written prefix, with what dedupe needs recomputed from each line. */
  private async *readPrefix(file: string): AsyncGenerator<SpoolEntry> {
    const e = newEntry();
    e.origin = PREFIX_ORIGIN;
    e.seq = -1;
    const raw = createReadStream(file);
    const gunzip = createGunzip();
    raw.on("error", (err) => gunzip.destroy(err));
    for await (const line of readLines(raw.pipe(gunzip))) {
      if (!line) continue;
      const r = JSON.parse(line) as R;
      e.key = this.spec.key(r);
      e.date = recordDate(this.spec, r);
      e.nulls = this.nullMask(r);
      e.line = line;
      yield e;
    }
  }

  /** Finish dedupe, write the last records and the quality numbers; returns the written file. */
  async finish(): Promise<{ quality: DatasetQuality; file: WrittenFile }> {
    const q = this.quality;
    const e = newEntry();
    if (!this.spool) {
      while (this.window.length > 0) {
        this.window.shift(e);
        const p = this.accept(e);
        if (p) await p;
      }
      await this.endDedupe();
    } else {
      // The prefix already written is deduplicated and sorted; the spool holds the rest. A prefix record precedes
      // spool records with the same key (it arrived first), so it is never the one quarantined.
      await this.endDedupe();
      const prefixFile = `${this.outFile}.prefix`;
      this.writer ??= new NdjsonGzWriter(this.outFile);
      await this.writer.close();
      await rename(this.outFile, prefixFile);
      this.writer = new NdjsonGzWriter(this.outFile);
      // Counted again as the merged stream is written (quarantine, merge and replace counts stay: those rows are gone).
      q.rows = 0;
      q.placeholder_dates = 0;
      q.min_date = null;
      q.max_date = null;
      this.nullCounts.fill(0);
      const a = this.readPrefix(prefixFile)[Symbol.asyncIterator]();
      const b = this.spool.drain()[Symbol.asyncIterator]();
      let x = await a.next();
      let y = await b.next();
      // Both iterators reuse their entry object: accept() copies what it keeps, before the iterator moves on.
      while (!x.done || !y.done) {
        if (y.done || (!x.done && x.value.key <= y.value.key)) {
          const p = this.accept(x.value as SpoolEntry);
          if (p) await p;
          x = await a.next();
        } else {
          const p = this.accept(y.value);
          if (p) await p;
          y = await b.next();
        }
      }
      await this.endDedupe();
      await rm(prefixFile, { force: true });
    }
    this.writer ??= new NdjsonGzWriter(this.outFile);
    const file = await this.writer.close();
    this.spec.fields.forEach((f, i) => {
      q.null_rates[f] = q.rows ? Number((this.nullCounts[i]! / q.rows).toFixed(6)) : 0;
    });
    return { quality: q, file };
  }
}
