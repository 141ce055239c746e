import type { SpoolEntry } from "./key-spool.js";

/**
 * A small sorting window for rows that arrive almost in key order (the synthetic exports, paged API pulls):
 * rows are kept sorted by (key, arrival) by insertion from the tail, which costs one comparison for a row
 * already in order. The caller takes the smallest row out once the window is full; a later row whose key is
 * below the last one taken out cannot be placed, and the caller then falls back to the external sort.
 * Columns in parallel arrays (no object per row); memory is `size` rows.
 */
export class KeyWindow {
  private readonly keys: string[];
  private readonly lines: string[];
  private readonly bufs: (Buffer | null)[];
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly dates: string[];
  private readonly nulls: Int32Array;
  private readonly origins: Int32Array;
  private readonly rows: Float64Array;
  private readonly seqs: Float64Array;
  private head = 0;
  private tail = 0;
  private seq = 0;

  /** `size`: rows held before the smallest must be taken out (the tolerated disorder). */
  constructor(readonly size: number) {
    const cap = 2 * size + 1;
    this.keys = new Array<string>(cap).fill("");
    this.lines = new Array<string>(cap).fill("");
    this.bufs = new Array<Buffer | null>(cap).fill(null);
    this.starts = new Int32Array(cap);
    this.ends = new Int32Array(cap);
    this.dates = new Array<string>(cap).fill("");
    this.nulls = new Int32Array(cap);
    this.origins = new Int32Array(cap);
    this.rows = new Float64Array(cap);
    this.seqs = new Float64Array(cap);
  }

  get length(): number {
    return this.tail - this.head;
  }

  get full(): boolean {
    return this.tail - this.head > this.size;
  }

  /** A row whose line is text, or bytes buf[start, end) (then `line` is ""). */
  add(
    key: string,
    date: string,
    nulls: number,
    origin: number,
    row: number,
    line: string,
    buf: Buffer | null = null,
    start = 0,
    end = 0,
  ): void {
    if (this.tail === this.keys.length) this.compact();
    let i = this.tail++;
    // Insertion from the tail; equal keys stay behind earlier arrivals ("keep first" holds).
    while (i > this.head && this.keys[i - 1]! > key) {
      this.move(i - 1, i);
      i--;
    }
    this.keys[i] = key;
    this.lines[i] = line;
    this.bufs[i] = buf;
    this.starts[i] = start;
    this.ends[i] = end;
    this.dates[i] = date;
    this.nulls[i] = nulls;
    this.origins[i] = origin;
    this.rows[i] = row;
    this.seqs[i] = this.seq++;
  }

  /** Take out the smallest row into `e` (reused by the caller). */
  shift(e: SpoolEntry): void {
    const i = this.head++;
    e.key = this.keys[i]!;
    e.line = this.lines[i]!;
    e.buf = this.bufs[i]!;
    e.start = this.starts[i]!;
    e.end = this.ends[i]!;
    e.date = this.dates[i]!;
    e.nulls = this.nulls[i]!;
    e.origin = this.origins[i]!;
    e.row = this.rows[i]!;
    e.seq = this.seqs[i]!;
    this.keys[i] = "";
    this.lines[i] = "";
    this.bufs[i] = null;
    if (this.head === this.tail) this.head = this.tail = 0;
  }

  private move(from: number, to: number): void {
    this.keys[to] = this.keys[from]!;
    this.lines[to] = this.lines[from]!;
    this.bufs[to] = this.bufs[from]!;
    this.starts[to] = this.starts[from]!;
    this.ends[to] = this.ends[from]!;
    this.dates[to] = this.dates[from]!;
    this.nulls[to] = this.nulls[from]!;
    this.origins[to] = this.origins[from]!;
    this.rows[to] = this.rows[from]!;
    this.seqs[to] = this.seqs[from]!;
  }

  /** Slide the live rows back to index 0 (amortized: happens once per `size` rows taken out). */
  private compact(): void {
    const n = this.tail - this.head;
    for (let k = 0; k < n; k++) this.move(this.head + k, k);
    for (let k = n; k < this.tail; k++) {
      this.keys[k] = "";
      this.lines[k] = "";
      this.bufs[k] = null;
    }
    this.head = 0;
    this.tail = n;
  }
}
