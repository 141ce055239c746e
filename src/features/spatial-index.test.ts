import { describe, expect, it } from "vitest";
import { rng } from "./city.fixture.js";
import { windowCounts } from "./spatial-counts.js";
import { buildGridIndex, countWithin } from "./spatial-index.js";

function randomPoints(seed: number, n: number, owners: number) {
  const r = rng(seed);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const day = new Int32Array(n);
  const owner = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    // some points snapped to the 0.1-mile lattice, to land on cell edges
    x[i] = r() < 0.1 ? Math.round(r() * 40) / 10 : r() * 4;
    y[i] = r() < 0.1 ? Math.round(r() * 40) / 10 : r() * 4;
    day[i] = Math.floor(r() * 800);
    owner[i] = r() < 0.3 ? -1 : Math.floor(r() * owners);
  }
  if (n > 10) x[3] = Number.NaN; // a point without coordinates is ignored
  return { x, y, day, owner };
}

function brute(
  p: ReturnType<typeof randomPoints>,
  x: number,
  y: number,
  r: number,
  from: number,
  to: number,
  exclude: number,
) {
  let c = 0;
  for (let i = 0; i < p.day.length; i++) {
    if (Number.isNaN(p.x[i])) continue;
    if (exclude >= 0 && p.owner[i] === exclude) continue;
    const dx = p.x[i] - x;
    const dy = p.y[i] - y;
    if (dx * dx + dy * dy <= r * r && p.day[i] >= from && p.day[i] < to) c++;
  }
  return c;
}

describe("grid index", () => {
  it.each([0.1, 0.25, 0.37])("countWithin equals a brute-force scan (cell %s mi)", (cell) => {
    const p = randomPoints(7, 4000, 40);
    const g = buildGridIndex(p, cell);
    const r = rng(99);
    for (let q = 0; q < 400; q++) {
      const x = r() * 5 - 0.5;
      const y = r() * 5 - 0.5;
      const radius = [0.1, 0.25, 0.5, 1.0, 2.5][q % 5];
      const from = Math.floor(r() * 800) - 100;
      const to = from + Math.floor(r() * 400);
      const ex = q % 3 === 0 ? Math.floor(r() * 40) : -1;
      expect(countWithin(g, x, y, radius, from, to, ex)).toBe(brute(p, x, y, radius, from, to, ex));
    }
  });

  it("windowCounts (batched per restaurant) equals a brute-force scan", () => {
    const p = randomPoints(11, 3000, 30);
    const g = buildGridIndex(p, 0.1);
    const r = rng(5);
    const nRest = 30;
    const cx = Float64Array.from({ length: nRest }, () => r() * 4);
    const cy = Float64Array.from({ length: nRest }, () => r() * 4);
    cx[7] = Number.NaN;
    const nq = 300;
    const rest = Int32Array.from({ length: nq }, () => Math.floor(r() * nRest));
    const day = Int32Array.from({ length: nq }, () => Math.floor(r() * 900));
    const radii = [0.1, 0.25, 0.5, 1.0];
    const windows = [30, 90, 365];
    for (const excludeOwn of [false, true]) {
      const cols = windowCounts(g, cx, cy, rest, day, { radii, windows, excludeOwn });
      expect(cols).toHaveLength(12);
      for (let i = 0; i < nq; i++) {
        for (let ri = 0; ri < radii.length; ri++) {
          for (let w = 0; w < windows.length; w++) {
            const got = cols[ri * windows.length + w][i];
            if (rest[i] === 7) {
              expect(got).toBeNaN();
              continue;
            }
            const want = brute(
              p,
              cx[rest[i]],
              cy[rest[i]],
              radii[ri],
              day[i] - windows[w],
              day[i],
              excludeOwn ? rest[i] : -1,
            );
            expect(got).toBe(want);
          }
        }
      }
    }
  });

  it("an empty index counts nothing", () => {
    const g = buildGridIndex({ x: new Float64Array(0), y: new Float64Array(0), day: new Int32Array(0) });
    expect(countWithin(g, 0, 0, 1, 0, 100)).toBe(0);
    const cols = windowCounts(
      g,
      new Float64Array([0]),
      new Float64Array([0]),
      new Int32Array([0]),
      new Int32Array([50]),
      {
        radii: [1],
        windows: [30],
        excludeOwn: false,
      },
    );
    expect(cols[0][0]).toBe(0);
  });
});
