import type { FeatureTable } from "../features/schema.js";

// Where a restaurant's feature value sits among all active restaurants of the serving table: the reasons say
// "higher than 98% of active restaurants", so a supervisor sees what sets a row apart, not only what it has.

const sortedColumns = new WeakMap<FeatureTable, Float32Array[]>();

/** Each column's non-missing values, sorted ascending; built once per serving table (~30 ms for 30,000 rows). */
export function sortedColumnsOf(t: FeatureTable): Float32Array[] {
  let cols = sortedColumns.get(t);
  if (!cols) {
    cols = t.columns.map((c) => c.filter((v) => !Number.isNaN(v)).sort());
    sortedColumns.set(t, cols);
  }
  return cols;
}

function lowerBound(a: Float32Array, v: number, strict: boolean): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (strict ? a[mid] < v : a[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface Standing {
  /** share of restaurants (with a value) whose value is strictly lower */
  below: number;
  /** share whose value is strictly higher */
  above: number;
  /** plain words: "higher than 98% of active restaurants", "true of 9% of active restaurants" */
  text: string;
}

/** Floor to whole percents, so "higher than 99%" is never rounded up into a claim the data does not make. */
function pct(share: number): string {
  const p = Math.floor(share * 100);
  return p < 1 ? "under 1%" : `${p}%`;
}

export function standingOf(sorted: Float32Array, v: number): Standing | null {
  const n = sorted.length;
  if (n === 0 || Number.isNaN(v)) return null;
  const lo = lowerBound(sorted, v, true);
  const hi = lowerBound(sorted, v, false);
  const below = lo / n;
  const above = (n - hi) / n;
  const binary = sorted[0] >= 0 && sorted[n - 1] <= 1 && (v === 0 || v === 1);
  let text: string;
  if (binary) text = `true of ${pct((hi - lo) / n)} of active restaurants`;
  else if (below >= 0.5) text = `higher than ${pct(below)} of active restaurants`;
  else if (above >= 0.5) text = `lower than ${pct(above)} of active restaurants`;
  else text = "near the middle of active restaurants";
  return { below, above, text };
}
