import { describe, expect, it } from "vitest";
import { DEFAULT_SOURCE_RULE, sourceDrift } from "./source-drift.js";

const YEARS = 4;

/**
 * A sighting stream over four years: seasonal, with weather-like citywide noise, five boroughs, an optional change
 * from a day on (one borough, or citywide), and optionally CLUSTERED reports (each event reported 1 + Geometric
 * times, so counts are over-dispersed as real 311 calls are).
 */
function stream(seed: number, change?: { fromDay: number; borough?: number; factor: number }, cluster = 0) {
  let s = seed;
  const r = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const poisson = (lambda: number) => {
    let k = 0;
    let p = Math.exp(-lambda);
    let c = p;
    const u = r();
    while (u > c && k < 400) {
      k++;
      p *= lambda / k;
      c += p;
    }
    return k;
  };
  const shares = [0.26, 0.19, 0.3, 0.2, 0.05];
  const days: number[] = [];
  const boros: number[] = [];
  for (let d = 0; d < YEARS * 364; d++) {
    const season = 1 + 0.6 * Math.sin((2 * Math.PI * (d - 100)) / 364);
    const weather = 0.75 + 0.5 * r(); // a hot or cool spell moves the whole city
    for (let b = 0; b < 5; b++) {
      let lambda = (50 * season * weather * shares[b]) / (1 + cluster);
      if (change && d >= change.fromDay && (change.borough === undefined || change.borough === b))
        lambda *= change.factor;
      const events = poisson(lambda);
      for (let e = 0; e < events; e++) {
        let reports = 1;
        while (cluster > 0 && r() < cluster / (1 + cluster)) reports++;
        for (let i = 0; i < reports; i++) {
          days.push(d);
          boros.push(b);
        }
      }
    }
  }
  return { day: Int32Array.from(days), borough: Uint8Array.from(boros) };
}

const named = (r: ReturnType<typeof sourceDrift>) => r.boroughs.filter((b) => b.signal);
const CHANGE = 3 * 364 + 180; // in the high season

describe("311 stream drift (issue 13 §2)", () => {
  it("stays quiet over a year of an unchanged city (weather and season cancel)", () => {
    let alarms = 0;
    for (const seed of [1, 2, 3]) {
      const s = stream(seed);
      for (let d = 3 * 364; d < YEARS * 364; d += 7) {
        const r = sourceDrift(s.day, s.borough, 5, d);
        expect(r.judged).toBe(true);
        if (named(r).length || r.volume.signal) alarms++;
      }
    }
    expect(alarms).toBeLessThanOrEqual(2); // of 156 weekly windows
  });

  it("names the borough whose own rate changed, and only that one, within 4 weeks", () => {
    for (const [borough, factor] of [
      [2, 0.65],
      [0, 1.4],
      [3, 0.6],
    ] as const) {
      const s = stream(11 + borough, { fromDay: CHANGE, borough, factor });
      const r = sourceDrift(s.day, s.borough, 5, CHANGE + 28);
      expect(named(r).map((b) => b.borough)).toEqual([borough]);
      expect(named(r)[0].signal).toBe(factor > 1 ? "up" : "down");
      expect(Math.abs(named(r)[0].ratio - factor)).toBeLessThan(0.15);
      // Every other borough looks up (or down) against a "rest" that held the change; the stepwise test does not
      // name them.
      expect(r.volume.signal).toBeNull();
    }
  });

  it("a citywide reporting surge moves the volume, not the borough mix", () => {
    const s = stream(21, { fromDay: CHANGE, factor: 2 });
    const r = sourceDrift(s.day, s.borough, 5, CHANGE + 28);
    expect(r.volume.signal).toBe("up");
    expect(r.volume.ratio).toBeGreaterThan(1.8);
    expect(named(r)).toEqual([]);
  });

  it("over-dispersed (clustered) reports: the dispersion is estimated from the stream, so no false alarms", () => {
    let alarms = 0;
    let naive = 0;
    let phi = 0;
    for (const seed of [4, 5]) {
      const s = stream(seed, undefined, 1.5);
      for (let d = 3 * 364; d < YEARS * 364; d += 14) {
        const r = sourceDrift(s.day, s.borough, 5, d);
        phi += r.dispersion;
        if (named(r).length) alarms++;
        if (named(sourceDrift(s.day, s.borough, 5, d, { ...DEFAULT_SOURCE_RULE, dispersionWindows: 0 })).length)
          naive++;
      }
    }
    expect(phi / 52).toBeGreaterThan(1.8); // each event reported 2.5 times on average
    expect(alarms).toBeLessThanOrEqual(1);
    expect(naive).toBeGreaterThan(alarms + 3); // assuming Poisson counts would cry wolf
  });

  it("is not judged before the stream reaches a year and a window back", () => {
    const s = stream(7);
    const r = sourceDrift(s.day, s.borough, 5, 300);
    expect(r.judged).toBe(false);
    expect(named(r)).toEqual([]);
  });
});
