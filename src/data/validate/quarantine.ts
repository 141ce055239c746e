import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";
import type { DatasetName } from "../records.js";
import { readLines } from "../snapshot/lines.js";
import { NdjsonGzWriter, type WrittenFile } from "../snapshot/ndjson-writer.js";

/** One quarantined row: never dropped silently, always with the field and reason. */
export interface QuarantineEntry {
  dataset: DatasetName;
  file: string;
  /** 1-based data row in the file (header excluded). */
  row: number;
  field: string;
  reason: string;
  /** The row as read (column → text); duplicates show the normalized record. */
  raw: Record<string, unknown>;
}

/** quarantine.ndjson.gz: one JSON object per bad row, dataset by dataset, in the order found. */
export class QuarantineWriter {
  private readonly w: NdjsonGzWriter | null;
  count = 0;
  constructor(file: string | null) {
    this.w = file ? new NdjsonGzWriter(file) : null;
  }
  async add(e: QuarantineEntry): Promise<void> {
    this.count++;
    if (this.w)
      await this.w.write(
        JSON.stringify({ dataset: e.dataset, file: e.file, row: e.row, field: e.field, reason: e.reason, raw: e.raw }),
      );
  }
  /** Append another quarantine file's entries (one dataset's part, written on its own thread). */
  async appendFile(file: string): Promise<void> {
    const raw = createReadStream(file);
    const gunzip = createGunzip();
    raw.on("error", (e) => gunzip.destroy(e));
    for await (const line of readLines(raw.pipe(gunzip))) {
      if (!line) continue;
      this.count++;
      const p = this.w?.write(line);
      if (p) await p;
    }
  }

  async close(): Promise<WrittenFile | null> {
    return this.w ? this.w.close() : null;
  }
}
