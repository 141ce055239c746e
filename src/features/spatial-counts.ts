import { lowerBound } from "../util/search.js";
import type { FeatureSpec } from "./schema.js";
import type { GridIndex } from "./spatial-index.js";

// Counts of points (rat sightings, rodent violations at other restaurants) around each restaurant, for several
// radii and time windows ending the day before the query day: window w of a query on day d is
// d - w ≤ day < d (a sighting on the inspection day never counts; one exactly w days before does). Distances are
// inclusive: a point at exactly r miles counts within r.
//
// Restaurants do not move, so the work is batched per restaurant: all of a restaurant's query rows (its
// inspections, or the single serving row) share one walk over the grid cells around it, restricted by binary search
// to the days any of its windows can reach. Each point found is binned by its smallest radius and by its position
// among the sorted window edges; prefix sums then answer every (row, radius, window) with two lookups. The cost is
// the points near a restaurant during its life, once, instead of once per inspection.

export const SIGHTING_RADII = [0.1, 0.25, 0.5, 1.0];
export const SIGHTING_WINDOWS = [30, 90, 365];
export const OTHER_RODENT_RADII = [0.25, 0.5];
export const OTHER_RODENT_WINDOWS = [365];

const radiusTag = (r: number) => `r${String(Math.round(r * 100)).padStart(3, "0")}`;

export const SPATIAL_FEATURES: FeatureSpec[] = [
  ...SIGHTING_RADII.flatMap((r) =>
    SIGHTING_WINDOWS.map(
      (w): FeatureSpec => ({
        name: `rats_${radiusTag(r)}_${w}d`,
        kind: "numeric",
        description: `311 rat sightings within ${r} mile in the last ${w} days`,
      }),
    ),
  ),
  ...OTHER_RODENT_RADII.flatMap((r) =>
    OTHER_RODENT_WINDOWS.map(
      (w): FeatureSpec => ({
        name: `rodent_other_${radiusTag(r)}_${w}d`,
        kind: "numeric",
        description: `inspections finding rats or mice at other restaurants within ${r} mile in the last ${w} days`,
      }),
    ),
  ),
];

export interface WindowCountSpec {
  /** ascending */
  radii: number[];
  /** window lengths in days */
  windows: number[];
  /** skip points whose owner is the query's restaurant */
  excludeOwn: boolean;
}

/**
 * Columns radius-major (radius i, window j → column i * windows.length + j) for query rows (rest, day), with
 * restaurant centres cx/cy in projected miles. Rows of a restaurant without coordinates get NaN.
 */
export function windowCounts(
  g: GridIndex,
  cx: Float64Array,
  cy: Float64Array,
  rest: Int32Array,
  day: Int32Array,
  spec: WindowCountSpec,
): Float32Array[] {
  const n = rest.length;
  const nR = spec.radii.length;
  const nW = spec.windows.length;
  const cols: Float32Array[] = [];
  for (let k = 0; k < nR * nW; k++) cols.push(new Float32Array(n));
  const r2 = Float64Array.from(spec.radii, (r) => r * r);
  const rMax = spec.radii[nR - 1];
  const r2Max = r2[nR - 1];
  const wins = Int32Array.from(spec.windows);
  const cs = g.cellMiles;

  // Group query rows by restaurant (counting sort).
  const nRest = cx.length;
  const groupStart = new Int32Array(nRest + 1);
  for (let i = 0; i < n; i++) groupStart[rest[i] + 1]++;
  for (let r = 0; r < nRest; r++) groupStart[r + 1] += groupStart[r];
  const fill = groupStart.slice(0, nRest);
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[fill[rest[i]]++] = i;

  let edges = new Int32Array(64);
  let hist = new Float64Array(64);
  let lut = new Int32Array(4096);
  for (let r = 0; r < nRest; r++) {
    const a = groupStart[r];
    const b = groupStart[r + 1];
    if (a === b) continue;
    const x = cx[r];
    const y = cy[r];
    if (Number.isNaN(x) || Number.isNaN(y)) {
      for (let k = a; k < b; k++) for (let c = 0; c < cols.length; c++) cols[c][rows[k]] = Number.NaN;
      continue;
    }
    // Window edges of all this restaurant's rows, sorted and distinct.
    const need = (b - a) * (nW + 1);
    if (edges.length < need) edges = new Int32Array(need * 2);
    let ne = 0;
    for (let k = a; k < b; k++) {
      const d = day[rows[k]];
      edges[ne++] = d;
      for (let w = 0; w < nW; w++) edges[ne++] = d - wins[w];
    }
    const sorted = edges.subarray(0, ne).sort();
    let nb = 0;
    for (let k = 0; k < ne; k++) if (k === 0 || sorted[k] !== sorted[k - 1]) sorted[nb++] = sorted[k];
    const lo = sorted[0];
    const hi = sorted[nb - 1];
    // hist[ri * (nb + 1) + e]: points of smallest radius ri with edges[e-1] ≤ day < edges[e]
    const stride = nb + 1;
    if (hist.length < nR * stride) hist = new Float64Array(nR * stride * 2);
    hist.fill(0, 0, nR * stride);
    // Day → number of edges ≤ day, for days in [lo, hi): one load per point instead of a binary search.
    if (lut.length < hi - lo) lut = new Int32Array((hi - lo) * 2);
    for (let e = 0; e + 1 < nb; e++) lut.fill(e + 1, sorted[e] - lo, sorted[e + 1] - lo);

    const gx0 = Math.max(0, Math.floor((x - rMax - g.x0) / cs));
    const gx1 = Math.min(g.nx - 1, Math.floor((x + rMax - g.x0) / cs));
    const gy0 = Math.max(0, Math.floor((y - rMax - g.y0) / cs));
    const gy1 = Math.min(g.ny - 1, Math.floor((y + rMax - g.y0) / cs));
    for (let gy = gy0; gy <= gy1; gy++) {
      const ylo = g.y0 + gy * cs;
      const dyNear = y < ylo ? ylo - y : y > ylo + cs ? y - ylo - cs : 0;
      for (let gx = gx0; gx <= gx1; gx++) {
        const xlo = g.x0 + gx * cs;
        const dxNear = x < xlo ? xlo - x : x > xlo + cs ? x - xlo - cs : 0;
        if (dxNear * dxNear + dyNear * dyNear > r2Max) continue;
        const c = gy * g.nx + gx;
        const p0 = lowerBound(g.day, lo, g.start[c], g.start[c + 1]);
        const p1 = lowerBound(g.day, hi, p0, g.start[c + 1]);
        for (let j = p0; j < p1; j++) {
          if (spec.excludeOwn && g.owner[j] === r) continue;
          const dx = g.x[j] - x;
          const dy = g.y[j] - y;
          const d2 = dx * dx + dy * dy;
          if (d2 > r2Max) continue;
          let ri = 0;
          while (d2 > r2[ri]) ri++;
          hist[ri * stride + lut[g.day[j] - lo]]++;
        }
      }
    }
    // Prefix over edges (points with day < edges[e] sit at index ≤ e), then over radii (within r includes smaller).
    for (let ri = 0; ri < nR; ri++) {
      const o = ri * stride;
      for (let e = 1; e < stride; e++) hist[o + e] += hist[o + e - 1];
      if (ri > 0) for (let e = 0; e < stride; e++) hist[o + e] += hist[o - stride + e];
    }
    for (let k = a; k < b; k++) {
      const i = rows[k];
      const d = day[i];
      const ed = edgeIndex(sorted, nb, d);
      for (let w = 0; w < nW; w++) {
        const ew = edgeIndex(sorted, nb, d - wins[w]);
        for (let ri = 0; ri < nR; ri++) cols[ri * nW + w][i] = hist[ri * stride + ed] - hist[ri * stride + ew];
      }
    }
  }
  return cols;
}

/** Index e with sorted[e] === v (v is always one of the edges). Points with day < v sit in hist[.. ≤ e]. */
function edgeIndex(sorted: Int32Array, nb: number, v: number): number {
  return lowerBound(sorted, v, 0, nb);
}
