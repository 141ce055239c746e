import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { readLines } from "./lines.js";

/** One spooled row: the NDJSON line plus what dedupe and the quality report need without re-parsing it. */
export interface SpoolEntry {
  key: string;
  /** Arrival order within the dataset: the tie-breaker that makes "keep first" hold after sorting. */
  seq: number;
  date: string;
  /** Bit i set = field i of the record is null or "". */
  nulls: number;
  /** Index of the input file (-1 = carried over from the previous snapshot). */
  origin: number;
  /** 1-based data row within that file. */
  row: number;
  line: string;
  /** When set, the line is these UTF-8 bytes [start, end) instead (end includes the newline) and `line` is "". */
  buf: Buffer | null;
  start: number;
  end: number;
}

/** The entry's line as text (decodes the byte form). */
export const lineText = (e: SpoolEntry): string => (e.buf ? e.buf.toString("utf8", e.start, e.end - 1) : e.line);

export const newSpoolEntry = (): SpoolEntry => ({
  key: "",
  seq: 0,
  date: "",
  nulls: 0,
  origin: 0,
  row: 0,
  line: "",
  buf: null,
  start: 0,
  end: 0,
});

/**
 * Sorts rows by key (then arrival order) with bounded memory. Keys, dates and small numbers accumulate in
 * column arrays and the NDJSON lines as UTF-8 in one growing byte slab (off the JS heap: millions of long-lived
 * line strings would make every major GC trace them). Past `maxBytes` a sorted run is written to a temp file,
 * and `drain` k-way-merges the runs. Memory is the columns of one run, never the whole dataset.
 */
export class KeySpool {
  private keys: string[] = [];
  private starts: number[] = [];
  private lens: number[] = [];
  private dates: string[] = [];
  private nulls: number[] = [];
  private origins: number[] = [];
  private rows: number[] = [];
  private slab: Buffer = Buffer.allocUnsafe(1 << 20);
  private used = 0;
  private keyChars = 0;
  private seqBase = 0;
  private runs: string[] = [];
  /** Dates repeat (a few thousand days): share one string per value instead of one per row. */
  private readonly dateIntern = new Map<string, string>();
  count = 0;
  /** Sorted runs written to disk so far (0 = everything fit in memory). */
  runsWritten = 0;

  constructor(
    private readonly tmpDir: string,
    private readonly name: string,
    private readonly maxBytes = 32 * 1024 * 1024,
  ) {}

  async add(key: string, date: string, nulls: number, origin: number, row: number, line: string): Promise<void> {
    const need = line.length * 3; // UTF-8 worst case
    if (this.keys.length > 0 && this.used + need + this.keyChars > this.maxBytes) await this.spill();
    if (this.used + need > this.slab.length) {
      const bigger = Buffer.allocUnsafe(Math.max(Math.min(this.slab.length * 2, this.maxBytes), this.used + need));
      this.slab.copy(bigger, 0, 0, this.used);
      this.slab = bigger;
    }
    const n = this.slab.write(line, this.used, "utf8");
    this.starts.push(this.used);
    this.lens.push(n);
    this.used += n;
    // A key built by concatenation is a rope whose pieces may be slices of a whole 1 MB input chunk; reading a
    // character flattens it into its own copy, so buffered keys do not keep every input chunk alive.
    key.charCodeAt(0);
    this.keys.push(key);
    this.keyChars += key.length + 64;
    let d = this.dateIntern.get(date);
    if (d === undefined) {
      d = date;
      if (this.dateIntern.size < 100_000) this.dateIntern.set(date, date);
    }
    this.dates.push(d);
    this.nulls.push(nulls);
    this.origins.push(origin);
    this.rows.push(row);
    this.count++;
  }

  private sortedOrder(): Uint32Array {
    const keys = this.keys;
    const idx = new Uint32Array(keys.length);
    for (let i = 0; i < idx.length; i++) idx[i] = i;
    // Index order breaks key ties, so the first arrival stays first.
    idx.sort((a, b) => {
      const ka = keys[a]!;
      const kb = keys[b]!;
      return ka < kb ? -1 : ka > kb ? 1 : a - b;
    });
    return idx;
  }

  private line(i: number): string {
    const s = this.starts[i]!;
    return this.slab.toString("utf8", s, s + this.lens[i]!);
  }

  private reset(): void {
    this.seqBase += this.keys.length;
    this.keys = [];
    this.starts = [];
    this.lens = [];
    this.dates = [];
    this.nulls = [];
    this.origins = [];
    this.rows = [];
    this.used = 0;
    this.keyChars = 0;
  }

  private async spill(): Promise<void> {
    if (this.keys.length === 0) return;
    const file = path.join(this.tmpDir, `${this.name}.run${this.runs.length}.tsv`);
    const out = createWriteStream(file);
    const order = this.sortedOrder();
    const batch = Buffer.allocUnsafe(1 << 20);
    let pos = 0;
    const flush = async () => {
      if (pos === 0) return;
      if (!out.write(Buffer.from(batch.subarray(0, pos)))) await once(out, "drain");
      pos = 0;
    };
    for (const i of order) {
      // Keys are JSON-quoted so a tab can only ever be a separator.
      const head = `${JSON.stringify(this.keys[i])}\t${this.seqBase + i}\t${this.dates[i]}\t${this.nulls[i]}\t${this.origins[i]}\t${this.rows[i]}\t`;
      const len = this.lens[i]!;
      if (pos + head.length * 3 + len + 1 > batch.length) await flush();
      if (head.length * 3 + len + 1 > batch.length) {
        if (!out.write(head)) await once(out, "drain");
        if (!out.write(Buffer.from(this.slab.subarray(this.starts[i]!, this.starts[i]! + len))))
          await once(out, "drain");
        if (!out.write("\n")) await once(out, "drain");
        continue;
      }
      pos += batch.write(head, pos, "utf8");
      pos += this.slab.copy(batch, pos, this.starts[i]!, this.starts[i]! + len);
      batch[pos++] = 10;
    }
    await flush();
    out.end();
    await once(out, "close");
    this.runs.push(file);
    this.runsWritten++;
    this.reset();
  }

  /** Every entry in key order (ties: arrival order). The yielded object is reused: copy what you keep. */
  async *drain(): AsyncGenerator<SpoolEntry> {
    const e = newSpoolEntry();
    if (this.runs.length === 0) {
      const order = this.sortedOrder();
      for (const i of order) {
        e.key = this.keys[i]!;
        e.seq = this.seqBase + i;
        e.date = this.dates[i]!;
        e.nulls = this.nulls[i]!;
        e.origin = this.origins[i]!;
        e.row = this.rows[i]!;
        e.line = this.line(i);
        yield e;
      }
      this.reset();
      return;
    }
    await this.spill();
    yield* mergeRuns(this.runs, e);
    await Promise.all(this.runs.map((f) => fs.rm(f, { force: true })));
    this.runs = [];
  }
}

function parseRunLine(s: string, e: SpoolEntry): void {
  let p = 0;
  const next = () => {
    const t = s.indexOf("\t", p);
    const v = s.slice(p, t);
    p = t + 1;
    return v;
  };
  e.key = JSON.parse(next());
  e.seq = Number(next());
  e.date = next();
  e.nulls = Number(next());
  e.origin = Number(next());
  e.row = Number(next());
  e.line = s.slice(p);
}

/** k-way merge of sorted runs with a binary heap ordered by (key, seq). */
async function* mergeRuns(files: string[], out: SpoolEntry): AsyncGenerator<SpoolEntry> {
  // Small read chunks: with a hundred runs open, each live line pins its whole chunk, and chunks that outlive a
  // young-generation GC are promoted; 1 MB chunks made the merge of 110 runs grow to 2.5 GB RSS.
  const iters = files.map((f) => readLines(createReadStream(f, { highWaterMark: 1 << 16 }))[Symbol.asyncIterator]());
  const heads: SpoolEntry[] = files.map(newSpoolEntry);
  const heap: number[] = [];
  const less = (a: number, b: number) => {
    const x = heads[a]!;
    const y = heads[b]!;
    return x.key < y.key || (x.key === y.key && x.seq < y.seq);
  };
  const up = (i: number) => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(heap[i]!, heap[p]!)) break;
      [heap[i], heap[p]] = [heap[p]!, heap[i]!];
      i = p;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  const advance = async (k: number): Promise<boolean> => {
    const r = await iters[k]!.next();
    if (r.done) return false;
    parseRunLine(r.value, heads[k]!);
    return true;
  };
  for (let k = 0; k < files.length; k++) {
    if (await advance(k)) {
      heap.push(k);
      up(heap.length - 1);
    }
  }
  while (heap.length > 0) {
    const k = heap[0]!;
    Object.assign(out, heads[k]);
    yield out;
    if (await advance(k)) down(0);
    else {
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        down(0);
      }
    }
  }
}
