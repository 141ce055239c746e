import type { FeatureSchema, FeatureTable } from "./schema.js";

// The reference profile stored with every model (issue 7 §1): what the training rows looked like, so the
// service can tell when live rows stop looking like them. It lives in `features` because the pipeline
// (left of monitor) builds it at training time; src/monitor compares live windows against it.

/** A numeric feature: quantiles of the non-missing values plus the missing rate. */
export interface NumericProfile {
  kind: "numeric";
  name: string;
  n: number;
  missingRate: number;
  /** 101 quantiles (0%, 1%, …, 100%) of the non-missing values: an ECDF for KS and the PSI bin edges. */
  quantiles: number[];
  /** PSI bins: upper edges (value ≤ edge falls in the bin; the last bin is open) and reference shares,
   *  with the missing share as the final extra bin. */
  edges: number[];
  shares: number[];
}

/** A one-hot group (borough, cuisine, inspection type): share of each level, plus "none" when no indicator is set. */
export interface CategoricalProfile {
  kind: "categorical";
  name: string;
  n: number;
  levels: string[];
  shares: number[];
}

export type ColumnProfile = NumericProfile | CategoricalProfile;

export interface ReferenceProfile {
  schemaVersion: string;
  createdAt: string;
  columns: ColumnProfile[];
  score: NumericProfile;
}

const PSI_BINS = 10;

function sortedFinite(values: ArrayLike<number>): { sorted: Float64Array; missing: number } {
  const out = new Float64Array(values.length);
  let k = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) out[k++] = v;
  }
  return { sorted: out.subarray(0, k).sort(), missing: values.length - k };
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
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

/** Bin counts for values against upper edges; the last slot is the missing bin. */
export function binCounts(values: ArrayLike<number>, edges: number[]): Float64Array {
  const counts = new Float64Array(edges.length + 2);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) counts[edges.length + 1]++;
    else counts[Math.min(upperBoundLeft(edges, v), edges.length)]++;
  }
  return counts;
}

/** Index of the first edge ≥ x (value ≤ edge falls in that bin). */
function upperBoundLeft(edges: number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function numericProfile(name: string, values: ArrayLike<number>): NumericProfile {
  const { sorted, missing } = sortedFinite(values);
  const quantiles: number[] = [];
  for (let q = 0; q <= 100; q++) quantiles.push(quantile(sorted, q / 100));
  // Decile edges, deduplicated: count features are mostly zeros, so several deciles coincide.
  const edges: number[] = [];
  for (let b = 1; b < PSI_BINS; b++) {
    const e = quantile(sorted, b / PSI_BINS);
    if (Number.isFinite(e) && (edges.length === 0 || e > edges[edges.length - 1])) edges.push(e);
  }
  const counts = binCounts(values, edges);
  const n = values.length;
  return {
    kind: "numeric",
    name,
    n,
    missingRate: n ? missing / n : 0,
    quantiles: quantiles.map((v) => (Number.isFinite(v) ? v : 0)),
    edges,
    shares: Array.from(counts, (c) => (n ? c / n : 0)),
  };
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

export function buildReferenceProfile(table: FeatureTable, scores: ArrayLike<number>): ReferenceProfile {
  const columns: ColumnProfile[] = schemaGroups(table.schema).map((g) => {
    if (g.kind === "numeric") return numericProfile(g.name, table.columns[g.idx[0]]);
    const codes = categoricalCodes(
      g.idx.map((i) => table.columns[i]),
      table.n,
    );
    const counts = new Float64Array(g.idx.length + 1);
    for (let i = 0; i < table.n; i++) counts[codes[i]]++;
    return {
      kind: "categorical",
      name: g.name,
      n: table.n,
      levels: [...g.idx.map((i) => table.schema.features[i].name), "(none)"],
      shares: Array.from(counts, (c) => (table.n ? c / table.n : 0)),
    };
  });
  return {
    schemaVersion: table.schema.version,
    createdAt: new Date().toISOString(),
    columns,
    score: numericProfile("score", scores),
  };
}
