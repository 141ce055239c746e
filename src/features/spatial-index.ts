// A uniform grid over projected miles, built once. Each cell holds its points sorted by day (CSR layout: one
// offsets array, then parallel day/x/y/owner columns), so the points of a cell inside a time window are one
// contiguous run found by two binary searches.
import { lowerBound } from "../util/search.js";

export interface GridIndex {
  cellMiles: number;
  x0: number;
  y0: number;
  nx: number;
  ny: number;
  /** cell c = cy * nx + cx holds points start[c] .. start[c+1]-1, sorted by day */
  start: Int32Array;
  day: Int32Array;
  x: Float64Array;
  y: Float64Array;
  /** who the point belongs to (a restaurant index), -1 for none; lets counts exclude a restaurant's own events */
  owner: Int32Array;
}

export interface GridPoints {
  x: Float64Array;
  y: Float64Array;
  day: Int32Array;
  owner?: Int32Array;
}

/** Build the grid. Points without coordinates (NaN) are left out. */
export function buildGridIndex(p: GridPoints, cellMiles = 0.1): GridIndex {
  const n = p.day.length;
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  let minD = 2 ** 31 - 1;
  let maxD = -(2 ** 31);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const x = p.x[i];
    const y = p.y[i];
    if (Number.isNaN(x) || Number.isNaN(y)) continue;
    m++;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
    if (p.day[i] < minD) minD = p.day[i];
    if (p.day[i] > maxD) maxD = p.day[i];
  }
  if (m === 0) {
    return {
      cellMiles,
      x0: 0,
      y0: 0,
      nx: 1,
      ny: 1,
      start: new Int32Array(2),
      day: new Int32Array(0),
      x: new Float64Array(0),
      y: new Float64Array(0),
      owner: new Int32Array(0),
    };
  }
  const nx = Math.floor((maxX - minX) / cellMiles) + 1;
  const ny = Math.floor((maxY - minY) / cellMiles) + 1;
  const nCells = nx * ny;
  // Two stable counting sorts: by day, then by cell, leaves each cell's points in day order.
  const cellOf = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const x = p.x[i];
    const y = p.y[i];
    if (Number.isNaN(x) || Number.isNaN(y)) continue;
    cellOf[i] = Math.floor((y - minY) / cellMiles) * nx + Math.floor((x - minX) / cellMiles);
  }
  const nDays = maxD - minD + 1;
  const dayStart = new Int32Array(nDays + 1);
  for (let i = 0; i < n; i++) if (cellOf[i] >= 0) dayStart[p.day[i] - minD + 1]++;
  for (let k = 0; k < nDays; k++) dayStart[k + 1] += dayStart[k];
  const byDay = new Int32Array(m);
  for (let i = 0; i < n; i++) if (cellOf[i] >= 0) byDay[dayStart[p.day[i] - minD]++] = i;
  const start = new Int32Array(nCells + 1);
  for (let k = 0; k < m; k++) start[cellOf[byDay[k]] + 1]++;
  for (let c = 0; c < nCells; c++) start[c + 1] += start[c];
  const fill = start.slice(0, nCells);
  const day = new Int32Array(m);
  const xs = new Float64Array(m);
  const ys = new Float64Array(m);
  const owner = new Int32Array(m).fill(-1);
  for (let k = 0; k < m; k++) {
    const i = byDay[k];
    const j = fill[cellOf[i]]++;
    day[j] = p.day[i];
    xs[j] = p.x[i];
    ys[j] = p.y[i];
    if (p.owner) owner[j] = p.owner[i];
  }
  return { cellMiles, x0: minX, y0: minY, nx, ny, start, day, x: xs, y: ys, owner };
}

/**
 * Points within `radius` miles (distance ≤ radius) of (x, y) with fromDay ≤ day < toDay, not owned by
 * `excludeOwner`. Cells wholly inside the circle count by binary search alone; only boundary cells look at points.
 */
export function countWithin(
  g: GridIndex,
  x: number,
  y: number,
  radius: number,
  fromDay: number,
  toDay: number,
  excludeOwner = -1,
): number {
  const r2 = radius * radius;
  const cs = g.cellMiles;
  const cx0 = Math.max(0, Math.floor((x - radius - g.x0) / cs));
  const cx1 = Math.min(g.nx - 1, Math.floor((x + radius - g.x0) / cs));
  const cy0 = Math.max(0, Math.floor((y - radius - g.y0) / cs));
  const cy1 = Math.min(g.ny - 1, Math.floor((y + radius - g.y0) / cs));
  let count = 0;
  for (let cy = cy0; cy <= cy1; cy++) {
    const ylo = g.y0 + cy * cs;
    const dyNear = y < ylo ? ylo - y : y > ylo + cs ? y - ylo - cs : 0;
    const dyFar = Math.max(Math.abs(y - ylo), Math.abs(y - ylo - cs));
    for (let cx = cx0; cx <= cx1; cx++) {
      const xlo = g.x0 + cx * cs;
      const dxNear = x < xlo ? xlo - x : x > xlo + cs ? x - xlo - cs : 0;
      if (dxNear * dxNear + dyNear * dyNear > r2) continue;
      const c = cy * g.nx + cx;
      const a = lowerBound(g.day, fromDay, g.start[c], g.start[c + 1]);
      const b = lowerBound(g.day, toDay, a, g.start[c + 1]);
      if (a === b) continue;
      const dxFar = Math.max(Math.abs(x - xlo), Math.abs(x - xlo - cs));
      // A small margin keeps float rounding at the cell corners on the safe (point-checking) side.
      if (excludeOwner < 0 && dxFar * dxFar + dyFar * dyFar < r2 * (1 - 1e-9)) {
        count += b - a;
        continue;
      }
      for (let j = a; j < b; j++) {
        if (g.owner[j] === excludeOwner && excludeOwner >= 0) continue;
        const dx = g.x[j] - x;
        const dy = g.y[j] - y;
        if (dx * dx + dy * dy <= r2) count++;
      }
    }
  }
  return count;
}
