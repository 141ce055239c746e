import type { DatasetName } from "../records.js";

/** Why a row was quarantined: the field it failed on and a reason code (see REASONS). */
export interface Rejection {
  field: string;
  reason: Reason;
}

export const REASONS = [
  "missing_required",
  "bad_date",
  "not_a_number",
  "out_of_range",
  "score_out_of_range",
  "unknown_borough",
  "missing_borough",
  "coordinates_outside_nyc",
  "column_count",
  "duplicate_row",
  "duplicate_key",
  "invalid_utf8",
  "control_character",
  "bidi_control",
] as const;
export type Reason = (typeof REASONS)[number];

export function isRejection(x: unknown): x is Rejection {
  return typeof x === "object" && x !== null && "reason" in x && "field" in x;
}

/** Maps one row of cells (in the order of a file's normalized header) to a record or a rejection. */
export type RowMapper<R> = (cells: readonly string[]) => R | Rejection;

/**
 * Everything the ingest engine needs to know about one dataset: the columns a file must have, how a row
 * becomes a normalized record, the record's key and date, and (weather only) how rows with the same key merge.
 */
export interface DatasetSpec<R> {
  readonly name: DatasetName;
  /** Normalized column names a file must contain (whole-file error otherwise). */
  readonly requiredColumns: readonly string[];
  /** Every normalized column the mapper reads. */
  readonly columns: readonly string[];
  /** Record fields in output order; null rates are reported per field. */
  readonly fields: readonly (keyof R & string)[];
  /** The field whose min/max the summary reports and the watermark uses. */
  readonly dateField: keyof R & string;
  bind(header: readonly string[]): RowMapper<R>;
  key(r: R): string;
  /** When set, rows with the same key are merged instead of quarantined (weather from overlapping files). */
  merge?(first: R, later: R): { record: R; conflict: boolean };
}

/** Column lookup for a mapper: index of a normalized column, -1 when absent (reads as ""). */
export function columnIndex(header: readonly string[]): (name: string) => number {
  return (name) => header.indexOf(name);
}

export const cell = (cells: readonly string[], i: number): string => (i < 0 ? "" : (cells[i] ?? "").trim());
