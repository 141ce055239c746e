// The one binary search of the code base: over a sorted numeric array (typed arrays in the hot paths), within
// [lo, hi). Callers pass explicit bounds for a slice of a CSR array (a restaurant's inspections, a cell's points).

/** First index i in [lo, hi) with a[i] >= x; hi when there is none. */
export function lowerBound(a: ArrayLike<number>, x: number, lo = 0, hi = a.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index i in [lo, hi) with a[i] > x; hi when there is none. */
export function upperBound(a: ArrayLike<number>, x: number, lo = 0, hi = a.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
