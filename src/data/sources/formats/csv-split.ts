/**
 * Streaming RFC 4180 splitter: text chunks in, rows of cells out (one batch of rows per chunk, so the consumer
 * pays one await per chunk rather than per row). Quoted fields may hold commas, doubled quotes and newlines;
 * CRLF or LF line ends; a leading BOM is dropped. Only the current chunk and partial row are buffered.
 *
 * Hand-written instead of csv-parse: on the 27-column DOHMH export csv-parse spends ~15 µs per row, which alone
 * breaks the 20 s budget for 1.4 M rows; a line without quotes here is one native String.split.
 */
export async function* splitCsv(chunks: AsyncIterable<string>): AsyncGenerator<string[][]> {
  const splitter = new CsvSplitter();
  for await (const chunk of chunks) {
    const rows: string[][] = [];
    splitter.push(chunk, rows);
    if (rows.length > 0) yield rows;
  }
  const last: string[][] = [];
  splitter.end(last);
  if (last.length > 0) yield last;
}

/** The splitter behind splitCsv, synchronous: push text chunks, complete rows are appended to `out`. */
export class CsvSplitter {
  private buf = "";
  private first = true;

  push(chunk: string, out: string[][]): void {
    let buf = this.buf ? this.buf + chunk : chunk;
    if (this.first) {
      if (buf.charCodeAt(0) === 0xfeff) buf = buf.slice(1);
      this.first = false;
    }
    let p = 0;
    // Position of the next quote at or after p (-1: none left): found once, not re-searched for every line.
    let q = buf.indexOf('"');
    for (;;) {
      const nl = buf.indexOf("\n", p);
      if (nl < 0) break;
      if (q >= 0 && q < p) q = buf.indexOf('"', p);
      if (q < 0 || q > nl) {
        // Fast path: no quote on this line.
        const end = nl > p && buf.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        if (end > p) out.push(buf.slice(p, end).split(","));
        p = nl + 1;
        continue;
      }
      const r = parseQuotedRow(buf, p, nl);
      if (r === null) break; // the row continues in the next chunk
      out.push(r.cells);
      p = r.next;
    }
    this.buf = p > 0 ? buf.slice(p) : buf;
  }

  /** The last row when the text does not end with a line end. Throws on an unterminated quoted field. */
  end(out: string[][]): void {
    const buf = this.buf;
    this.buf = "";
    if (buf.length === 0) return;
    const s = `${buf}\n`;
    const r = parseQuotedRow(s, 0, s.indexOf("\n"));
    if (r === null) throw new Error("unterminated quoted field at end of file");
    if (r.cells.length > 1 || r.cells[0] !== "") out.push(r.cells);
  }
}

/**
 * Parse one row starting at p that may contain quoted fields; nl is the first line end at or after p. Null when
 * the row is not complete in s. Unquoted fields are cut at the next comma before the (current) line end, so a row
 * costs one pass over its text.
 */
function parseQuotedRow(s: string, p: number, nl: number): { cells: string[]; next: number } | null {
  const cells: string[] = [];
  const n = s.length;
  for (;;) {
    if (s.charCodeAt(p) === 34) {
      // Quoted field: up to the closing quote, "" is an escaped quote.
      let val = "";
      let i = p + 1;
      for (;;) {
        const q = s.indexOf('"', i);
        if (q < 0) return null;
        if (q + 1 >= n) return null; // cannot tell "" from the end yet
        if (s.charCodeAt(q + 1) === 34) {
          val += s.slice(i, q + 1);
          i = q + 2;
          continue;
        }
        val += s.slice(i, q);
        p = q + 1;
        break;
      }
      cells.push(val);
      if (p > nl) {
        // The quoted field held newlines: the row ends at the first line end after it.
        nl = s.indexOf("\n", p);
        if (nl < 0) return null;
      }
      // After a quoted field: separator, line end (or, leniently, stray text up to the separator).
      const c = s.charCodeAt(p);
      if (c === 44) {
        p++;
        continue;
      }
      if (c === 13 && s.charCodeAt(p + 1) === 10) return { cells, next: p + 2 };
      if (c === 10) return { cells, next: p + 1 };
      const comma = s.indexOf(",", p);
      if (comma >= 0 && comma < nl) {
        cells[cells.length - 1] += s.slice(p, comma);
        p = comma + 1;
        continue;
      }
      cells[cells.length - 1] += s.slice(p, s.charCodeAt(nl - 1) === 13 ? nl - 1 : nl);
      return { cells, next: nl + 1 };
    }
    const comma = s.indexOf(",", p);
    if (comma >= 0 && comma < nl) {
      cells.push(s.slice(p, comma));
      p = comma + 1;
      continue;
    }
    cells.push(s.slice(p, s.charCodeAt(nl - 1) === 13 && nl - 1 >= p ? nl - 1 : nl));
    return { cells, next: nl + 1 };
  }
}
