import type { DatasetName } from "../records.js";

/** Per-dataset section of the quality report (quality.json in every snapshot). */
export interface DatasetQuality {
  /** Raw rows read from the source in this run. */
  rows_in: number;
  /** Records kept in the snapshot. */
  rows: number;
  quarantined: number;
  /** Weather rows folded into an existing date (overlapping files). */
  merged: number;
  /** Merged rows whose non-null values disagreed (the first file's value is kept). */
  merge_conflicts: number;
  /** Records carried over from the previous snapshot (incremental Socrata pulls)… */
  carried_over: number;
  /** …and how many of those a newer pulled row replaced. */
  replaced: number;
  /** Inspection rows dated 1900-01-01 ("not yet inspected"); kept, but left out of min/max dates. */
  placeholder_dates: number;
  by_reason: Record<string, number>;
  /** "field:reason" → count. */
  by_field: Record<string, number>;
  min_date: string | null;
  max_date: string | null;
  null_rates: Record<string, number>;
  files: { file: string; format: string; rows_in: number }[];
}

export interface QualityReport {
  source: string;
  datasets: Partial<Record<DatasetName, DatasetQuality>>;
  totals: { rows_in: number; rows: number; quarantined: number };
}

export function emptyQuality(): DatasetQuality {
  return {
    rows_in: 0,
    rows: 0,
    quarantined: 0,
    merged: 0,
    merge_conflicts: 0,
    carried_over: 0,
    replaced: 0,
    placeholder_dates: 0,
    by_reason: {},
    by_field: {},
    min_date: null,
    max_date: null,
    null_rates: {},
    files: [],
  };
}

/** Rows in (plus carried over) must equal rows kept + quarantined + merged + replaced: nothing is dropped silently. */
export function isBalanced(q: DatasetQuality): boolean {
  return q.rows_in + q.carried_over === q.rows + q.quarantined + q.merged + q.replaced;
}

const pct = (x: number) => (x === 0 ? "0" : x < 0.001 ? "<0.1%" : `${(100 * x).toFixed(1)}%`);

/** The short table printed after ingest/validate. */
export function formatQualityTable(report: QualityReport): string {
  const head = ["dataset", "rows in", "kept", "quarantined", "merged", "min date", "max date", "top reasons"];
  const body: string[][] = [];
  for (const [name, q] of Object.entries(report.datasets)) {
    if (!q) continue;
    const reasons = Object.entries(q.by_field)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, 3)
      .map(([r, n]) => `${r} ${n}`)
      .join(", ");
    body.push([
      name,
      String(q.rows_in + q.carried_over),
      String(q.rows),
      String(q.quarantined),
      String(q.merged + q.replaced),
      q.min_date?.slice(0, 10) ?? "-",
      q.max_date?.slice(0, 10) ?? "-",
      reasons || "-",
    ]);
  }
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const fmt = (r: string[]) =>
    r.map((c, i) => (i >= 1 && i <= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ");
  const nullLines = Object.entries(report.datasets)
    .map(([name, q]) => {
      const worst = Object.entries(q?.null_rates ?? {})
        .filter(([, r]) => r > 0)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 4)
        .map(([f, r]) => `${f} ${pct(r)}`);
      return worst.length ? `  ${name} nulls: ${worst.join(", ")}` : "";
    })
    .filter(Boolean);
  return [fmt(head), ...body.map(fmt), ...nullLines].join("\n").trimEnd();
}
