import type { FeatureSchema, FeatureTable } from "./schema.js";

// The reference profile of a feature table: per column, the counts that the monitor's two-sample tests need,
// so a table can be stored compactly with a model and compared with another table later (issue 13 §3).
// It lives in `features` because the pipeline (left of monitor) builds it at training time; src/monitor
// compares tables against it.
//
// Each numeric column is stored as COUNTS in one of two layouts, chosen from the reference:
//  - discrete: at most MAX_DISCRETE distinct values (binary flags, grades, small counts): a count per value, so
//    they are compared by category (chi-square, PSI on the categories), never by KS on a handful of ties;
//  - binned: about 100 bins with quantile-spaced upper edges at distinct values (x ≤ edge falls in the bin), so
//    ties stay whole and the two-sample KS distance is taken at the edges, where both ECDFs are exact.
// Identical tables give identical counts, hence no drift and p = 1 at every size.

export const MAX_DISCRETE = 20;
const FINE_BINS = 100;

export interface NumericProfile {
  kind: "numeric";
  name: string;
  /** rows, missing values included */
  n: number;
  missing: number;
  layout: "discrete" | "binned";
  /** discrete: the distinct values, ascending; binned: upper bin edges, ascending */
  points: number[];
  /** discrete: count per value, then "any other value" (0 in the reference); binned: count per bin, last bin open */
  counts: number[];
}

/** A one-hot group (borough, cuisine, inspection type): count of each level, plus "(none)" when no indicator is set. */
export interface CategoricalProfile {
  kind: "categorical";
  name: string;
  n: number;
  levels: string[];
  counts: number[];
}

export type ColumnProfile = NumericProfile | CategoricalProfile;

export interface ReferenceProfile {
  /** 2: counts (this layout). Version 1 (quantiles) is no longer read: such models must be retrained. */
  version: 2;
  schemaVersion: string;
  createdAt: string;
  /** What the rows are, in words: e.g. "every active restaurant as of 2023-07-01 (the end of training)". */
  basis: string;
  /** The data date the rows describe, when they are one population on one day. */
  asOf: string | null;
  n: number;
  columns: ColumnProfile[];
  score: NumericProfile;
}

/** First index in sorted with value > x. */
export function upperBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first point ≥ x. */
function lowerBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Counts of `values` in a profile's layout (length points.length + 1); missing values are counted apart. */
export function layoutCounts(p: NumericProfile, values: ArrayLike<number>): { counts: Float64Array; missing: number } {
  const counts = new Float64Array(p.points.length + 1);
  let missing = 0;
  const pts = p.points;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      missing++;
      continue;
    }
    const j = lowerBound(pts, v);
    if (p.layout === "binned") counts[j]++;
    else counts[j < pts.length && pts[j] === v ? j : pts.length]++;
  }
  return { counts, missing };
}

export function numericProfile(name: string, values: ArrayLike<number>): NumericProfile {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) finite.push(values[i]);
  const sorted = Float64Array.from(finite).sort();
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]);
  let points: number[];
  let layout: NumericProfile["layout"];
  if (distinct.length <= MAX_DISCRETE) {
    layout = "discrete";
    points = distinct;
  } else {
    layout = "binned";
    // Quantile edges at data values, deduplicated: a value with many ties keeps all its rows in one bin.
    points = [];
    for (let b = 1; b < FINE_BINS; b++) {
      const e = sorted[Math.min(sorted.length - 1, Math.floor((b * sorted.length) / FINE_BINS))];
      if (points.length === 0 || e > points[points.length - 1]) points.push(e);
    }
    if (points[points.length - 1] === sorted[sorted.length - 1]) points.pop(); // the open last bin holds the max
  }
  const p: NumericProfile = {
    kind: "numeric",
    name,
    n: values.length,
    missing: values.length - finite.length,
    layout,
    points,
    counts: [],
  };
  p.counts = Array.from(layoutCounts(p, values).counts);
  return p;
}

/** Level index per row of a one-hot group: the first indicator set, or levels.length for "none". */
export function categoricalCodes(columns: ArrayLike<number>[], n: number): Int32Array {
  const codes = new Int32Array(n).fill(columns.length);
  for (let j = columns.length - 1; j >= 0; j--) {
    const c = columns[j];
    for (let i = 0; i < n; i++) if (c[i] === 1) codes[i] = j;
  }
  return codes;
}

/** Groups of the schema: each numeric feature alone, each one-hot group as one categorical. */
export function schemaGroups(
  schema: FeatureSchema,
): { name: string; kind: "numeric" | "categorical"; idx: number[] }[] {
  const out: { name: string; kind: "numeric" | "categorical"; idx: number[] }[] = [];
  const byGroup = new Map<string, number[]>();
  schema.features.forEach((f, i) => {
    if (f.kind === "indicator" && f.group) {
      let g = byGroup.get(f.group);
      if (!g) {
        g = [];
        byGroup.set(f.group, g);
        out.push({ name: f.group, kind: "categorical", idx: g });
      }
      g.push(i);
    } else out.push({ name: f.name, kind: "numeric", idx: [i] });
  });
  return out;
}

export function buildReferenceProfile(
  table: FeatureTable,
  scores: ArrayLike<number>,
  describe: { basis: string; asOf?: string | null } = { basis: "rows given" },
): ReferenceProfile {
  const columns: ColumnProfile[] = schemaGroups(table.schema).map((g) => {
    if (g.kind === "numeric") return numericProfile(g.name, table.columns[g.idx[0]]);
    const codes = categoricalCodes(
      g.idx.map((i) => table.columns[i]),
      table.n,
    );
    const counts = new Array<number>(g.idx.length + 1).fill(0);
    for (let i = 0; i < table.n; i++) counts[codes[i]]++;
    return {
      kind: "categorical",
      name: g.name,
      n: table.n,
      levels: [...g.idx.map((i) => table.schema.features[i].name), "(none)"],
      counts,
    };
  });
  return {
    version: 2,
    schemaVersion: table.schema.version,
    createdAt: new Date().toISOString(),
    basis: describe.basis,
    asOf: describe.asOf ?? null,
    n: table.n,
    columns,
    score: numericProfile("score", scores),
  };
}

/** The profile a model carries, if it is one this code reads (version 2); older layouts read as none. */
export function readProfile(meta: Record<string, unknown>): ReferenceProfile | null {
  const p = meta.reference_profile as ReferenceProfile | undefined;
  return p && p.version === 2 && Array.isArray(p.columns) && p.score ? p : null;
}
