/** A file's rows as cells under one header, streamed. */
export interface TableStream {
  /** Column names as written in the file (CSV header) or the normalized names used to lay out JSON objects. */
  columns: string[];
  /** Rows in batches (a chunk's or a page's worth): one await per batch, not per row. */
  batches: AsyncIterable<string[][]>;
  /** JSON only: every normalized key seen in any object, filled while iterating (null for CSV). */
  seenColumns: Set<string> | null;
  /**
   * False while no text read so far held a character validate/text.ts refuses (one regex test per decoded chunk),
   * so clean files skip the per-cell check. Absent: check every row (sources that decode no text of their own).
   */
  suspectText?: () => boolean;
}
