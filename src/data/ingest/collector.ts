import { normalizeColumnName } from "../parse/values.js";
import { NEVER_INSPECTED_DATE } from "../records.js";
import { KeySpool } from "../snapshot/key-spool.js";
import type { NdjsonGzWriter } from "../snapshot/ndjson-writer.js";
import { fileFormatError } from "../sources/formats/open.js";
import type { TableStream } from "../sources/formats/table.js";
import { type DatasetQuality, emptyQuality } from "../validate/quality.js";
import type { QuarantineWriter } from "../validate/quarantine.js";
import { type DatasetSpec, isRejection } from "../validate/spec.js";

/**
 * Turns one dataset's raw rows into validated, deduplicated, key-sorted records: bad rows go to the
 * quarantine as they are read; duplicates are found after sorting (the first arrival is kept).
 */
export class DatasetCollector<R> {
  readonly quality: DatasetQuality = emptyQuality();
  private readonly spool: KeySpool;
  private readonly files: string[] = [];
  private readonly nullCounts: number[];
  private readonly dateField: string;

  constructor(
    readonly spec: DatasetSpec<R>,
    tmpDir: string,
    private readonly quarantine: QuarantineWriter,
    opts: { spillBytes?: number } = {},
  ) {
    this.spool = new KeySpool(tmpDir, spec.name, opts.spillBytes);
    this.nullCounts = spec.fields.map(() => 0);
    this.dateField = spec.dateField;
  }

  private nullMask(r: R): number {
    let m = 0;
    const fields = this.spec.fields;
    for (let i = 0; i < fields.length; i++) {
      const v = r[fields[i]!] as unknown;
      if (v === null || v === "") m |= 1 << i;
    }
    return m;
  }

  private async reject(file: string, row: number, field: string, reason: string, raw: Record<string, unknown>) {
    this.quality.quarantined++;
    this.quality.by_reason[reason] = (this.quality.by_reason[reason] ?? 0) + 1;
    const fk = `${field}:${reason}`;
    this.quality.by_field[fk] = (this.quality.by_field[fk] ?? 0) + 1;
    await this.quarantine.add({ dataset: this.spec.name, file, row, field, reason, raw });
  }

  /** Read one file's rows. Throws RODENT_ERR_FILE_FORMAT naming the file and the missing column. */
  async addTable(label: string, format: string, table: TableStream, onRows?: (n: number) => void): Promise<void> {
    const header = table.columns.map(normalizeColumnName);
    if (!table.seenColumns) {
      for (const c of this.spec.requiredColumns)
        if (!header.includes(c))
          throw fileFormatError(label, `missing required column "${c}" for dataset ${this.spec.name}`, c);
    }
    const origin = this.files.push(label) - 1;
    const fileStats = { file: label, format, rows_in: 0 };
    this.quality.files.push(fileStats);
    const map = this.spec.bind(header);
    const raw = (cells: string[]) => Object.fromEntries(table.columns.map((c, i) => [c, cells[i] ?? null]));
    let row = 0;
    let pendingTicks = 0;
    for await (const cells of table.rows) {
      row++;
      if (++pendingTicks === 4096) {
        onRows?.(pendingTicks);
        pendingTicks = 0;
      }
      if (!table.seenColumns && cells.length !== header.length) {
        await this.reject(label, row, "*", "column_count", raw(cells));
        continue;
      }
      const r = map(cells);
      if (isRejection(r)) {
        await this.reject(label, row, r.field, r.reason, raw(cells));
        continue;
      }
      await this.addValid(r, origin, row);
    }
    onRows?.(pendingTicks);
    fileStats.rows_in = row;
    this.quality.rows_in += row;
    if (table.seenColumns && row > 0) {
      for (const c of this.spec.requiredColumns)
        if (!table.seenColumns.has(c))
          throw fileFormatError(label, `no record has the required field "${c}" for dataset ${this.spec.name}`, c);
    }
  }

  private addValid(r: R, origin: number, row: number): Promise<void> {
    const date = String(r[this.spec.dateField] ?? "");
    return this.spool.add(this.spec.key(r), date, this.nullMask(r), origin, row, JSON.stringify(r));
  }

  /** A record from the previous snapshot: kept unless a pulled row with the same key replaces it. Call after all pulled rows. */
  addCarried(r: R): Promise<void> {
    this.quality.carried_over++;
    return this.addValid(r, -1, 0);
  }

  /** Sort, deduplicate, write the kept records (when a writer is given) and finish the quality numbers. */
  async finish(writer: NdjsonGzWriter | null): Promise<DatasetQuality> {
    const q = this.quality;
    let pKey: string | null = null;
    let pLine = "";
    let pDate = "";
    let pNulls = 0;
    const emit = async () => {
      q.rows++;
      for (let i = 0; i < this.nullCounts.length; i++) if (pNulls & (1 << i)) this.nullCounts[i]!++;
      if (this.dateField === "inspectionDate" && pDate === NEVER_INSPECTED_DATE) q.placeholder_dates++;
      else if (pDate) {
        if (q.min_date === null || pDate < q.min_date) q.min_date = pDate;
        if (q.max_date === null || pDate > q.max_date) q.max_date = pDate;
      }
      if (writer) await writer.write(pLine);
    };
    for await (const e of this.spool.drain()) {
      if (pKey !== null && e.key === pKey) {
        if (e.origin === -1) {
          q.replaced++;
          continue;
        }
        if (this.spec.merge) {
          const m = this.spec.merge(JSON.parse(pLine) as R, JSON.parse(e.line) as R);
          pLine = JSON.stringify(m.record);
          pNulls = this.nullMask(m.record);
          q.merged++;
          if (m.conflict) q.merge_conflicts++;
          continue;
        }
        const reason = e.line === pLine ? "duplicate_row" : "duplicate_key";
        await this.reject(this.files[e.origin] ?? "?", e.row, "key", reason, JSON.parse(e.line));
        continue;
      }
      if (pKey !== null) await emit();
      pKey = e.key;
      pLine = e.line;
      pDate = e.date;
      pNulls = e.nulls;
    }
    if (pKey !== null) await emit();
    this.spec.fields.forEach((f, i) => {
      q.null_rates[f] = q.rows ? Number((this.nullCounts[i]! / q.rows).toFixed(6)) : 0;
    });
    return q;
  }
}
