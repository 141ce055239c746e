import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { computeOutcomes } from "./outcomes.js";
import { PredictionLog } from "./prediction-log.js";

const DAY0 = 19723; // 2024-01-01, a Monday
const iso = (d: number) => new Date(d * 86_400_000).toISOString().slice(0, 10);

/** 400 restaurants; the champion scored each on day 0; inspections over 4 weeks; `good` decides if scores rank well. */
function setup(good: boolean) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "outcomes-"));
  const log = new PredictionLog(path.join(dir, "p.sqlite"));
  const camis: string[] = [];
  const day: number[] = [];
  const label: number[] = [];
  let s = 9;
  const r = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
  for (let i = 0; i < 400; i++) {
    const risk = r();
    const y = r() < 0.05 + 0.4 * risk ? 1 : 0;
    const sc = good ? risk : r();
    log.add({
      ts: `${iso(DAY0)}T08:00:00Z`,
      camis: String(i),
      modelVersion: "1",
      role: "champion",
      score: sc,
      featuresDate: iso(DAY0),
    });
    // a canary answer that must be ignored
    log.add({
      ts: `${iso(DAY0)}T09:00:00Z`,
      camis: String(i),
      modelVersion: "2",
      role: "canary",
      score: 1 - sc,
      featuresDate: iso(DAY0),
    });
    camis.push(String(i));
    day.push(DAY0 + 1 + (i % 28));
    label.push(y);
  }
  // inspections with no prediction before them are counted but not matched
  camis.push("unknown");
  day.push(DAY0 + 3);
  label.push(1);
  return { log, dir, data: { camis, day: Int32Array.from(day), label: Uint8Array.from(label) } };
}

describe("realised performance", () => {
  it("joins each inspection to the champion's prediction before it and scores per week", () => {
    const { log, dir, data } = setup(true);
    const rep = computeOutcomes(data, log, {
      fromDay: DAY0,
      toDay: DAY0 + 35,
      offline: { auc: 0.72, lift_at_10: 1.6 },
    });
    expect(rep.weeks).toHaveLength(5);
    expect(rep.overall.inspections).toBe(401);
    expect(rep.overall.matched).toBe(400);
    expect(rep.overall.auc!).toBeGreaterThan(0.65);
    expect(rep.performance_drop).toBe(false);
    log.close();
    fs.rmSync(dir, { recursive: true });
  });
  it("flags a drop against the offline figures when the ranking stops working", () => {
    const { log, dir, data } = setup(false);
    const rep = computeOutcomes(data, log, { fromDay: DAY0, toDay: DAY0 + 35, offline: { auc: 0.75, lift_at_10: 2 } });
    expect(rep.overall.auc!).toBeLessThan(0.62);
    expect(rep.performance_drop).toBe(true);
    expect(rep.reasons[0]).toMatch(/realised AUC/);
    log.close();
    fs.rmSync(dir, { recursive: true });
  });
  it("ignores predictions made on or after the inspection day", () => {
    const { log, dir, data } = setup(true);
    const rep = computeOutcomes(data, log, {
      fromDay: DAY0,
      toDay: DAY0 + 1,
      offline: { auc: null, lift_at_10: null },
    });
    expect(rep.overall.inspections).toBe(0);
    const rep2 = computeOutcomes({ camis: ["0"], day: Int32Array.of(DAY0), label: Uint8Array.of(1) }, log, {
      fromDay: DAY0,
      toDay: DAY0 + 1,
      offline: { auc: null, lift_at_10: null },
    });
    expect(rep2.overall.matched).toBe(0);
    log.close();
    fs.rmSync(dir, { recursive: true });
  });
});
