import { describe, expect, it } from "vitest";
import { sourceDrift } from "./source-drift.js";

/** A year-on-year sighting stream: seasonal, weather-like citywide noise, five boroughs, with an optional change. */
function stream(seed: number, change?: { fromDay: number; borough?: number; factor: number }) {
  let s = seed;
  const r = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const shares = [0.3, 0.15, 0.3, 0.2, 0.05];
  const days: number[] = [];
  const boros: number[] = [];
  for (let d = 0; d < 3 * 364; d++) {
    const season = 1 + 0.6 * Math.sin((2 * Math.PI * (d - 100)) / 364);
    const weather = 0.75 + 0.5 * r(); // a hot or cool spell moves the whole city
    for (let b = 0; b < 5; b++) {
      let lambda = 45 * season * weather * shares[b];
      if (change && d >= change.fromDay && (change.borough === undefined || change.borough === b))
        lambda *= change.factor;
      // Poisson by inversion (small lambdas)
      let k = 0;
      let p = Math.exp(-lambda);
      let c = p;
      const u = r();
      while (u > c && k < 200) {
        k++;
        p *= lambda / k;
        c += p;
      }
      for (let i = 0; i < k; i++) {
        days.push(d);
        boros.push(b);
      }
    }
  }
  return { day: Int32Array.from(days), borough: Uint8Array.from(boros) };
}

describe("source drift", () => {
  it("stays quiet over two years of an unchanged city", () => {
    for (const seed of [1, 2, 3]) {
      const s = stream(seed);
      for (let d = 364 + 14; d < 3 * 364; d += 7) {
        const r = sourceDrift(s.day, s.borough, 5, d);
        expect(r.boroughShift || r.volumeShift).toBe(false);
      }
    }
  });
  it("a 40% fall in one borough shows as a borough-mix shift within two weeks, not as volume", () => {
    const s = stream(4, { fromDay: 500, borough: 2, factor: 0.6 });
    const r = sourceDrift(s.day, s.borough, 5, 514);
    expect(r.boroughShift).toBe(true);
    expect(r.maxShareChange.borough).toBe(2);
    expect(r.volumeShift).toBe(false);
    expect(sourceDrift(s.day, s.borough, 5, 499).boroughShift).toBe(false);
  });
  it("a reporting surge (twice the reports everywhere) shows as volume, not mix", () => {
    const s = stream(5, { fromDay: 600, factor: 2 });
    const r = sourceDrift(s.day, s.borough, 5, 614);
    expect(r.volumeShift).toBe(true);
    expect(r.volumeRatio).toBeGreaterThan(1.6);
    expect(r.boroughShift).toBe(false);
  });
});
