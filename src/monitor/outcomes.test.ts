import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LocalObjectStore } from "../data/index.js";
import { computeOutcomes } from "./outcomes.js";
import { PredictionLog, readPredictions } from "./prediction-log.js";

const DAY0 = 19723; // 2024-01-01, a Monday
const iso = (d: number) => new Date(d * 86_400_000).toISOString().slice(0, 10);
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/**
 * 400 restaurants inspected over 4 weeks after DAY0; the champion (v1) predicted for data date DAY0 (served on a
 * wall-clock day years later: the join is in data time); `good` decides whether its scores rank well. A canary's
 * answers are logged too and must be ignored. `logged` restaurants (by index) have a logged prediction.
 */
async function setup(good: boolean, logged = (_i: number) => true) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "outcomes-"));
  dirs.push(dir);
  const store = new LocalObjectStore(dir);
  const log = new PredictionLog(store);
  const camis: string[] = [];
  const day: number[] = [];
  const label: number[] = [];
  const risk: number[] = [];
  let s = 9;
  const r = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
  for (let i = 0; i < 400; i++) {
    const k = r();
    const y = r() < 0.05 + 0.4 * k ? 1 : 0;
    const sc = good ? k : r();
    risk.push(k);
    if (logged(i)) {
      log.add({
        ts: "2027-05-01T08:00:00Z",
        camis: String(i),
        modelVersion: "1",
        role: "champion",
        score: sc,
        dataDate: iso(DAY0),
      });
      log.add({
        ts: "2027-05-01T09:00:00Z",
        camis: String(i),
        modelVersion: "2",
        role: "canary",
        score: 1 - sc,
        dataDate: iso(DAY0),
      });
    }
    camis.push(String(i));
    day.push(DAY0 + 1 + (i % 28));
    label.push(y);
  }
  // an inspection with no prediction for it: counted, not matched
  camis.push("unknown");
  day.push(DAY0 + 3);
  label.push(1);
  await log.close();
  return {
    lookup: await readPredictions(store, iso(DAY0 - 60), iso(DAY0 + 60)),
    data: { camis, day: Int32Array.from(day), label: Uint8Array.from(label) },
    risk,
  };
}

describe("realised performance", () => {
  it("joins each inspection to the champion's prediction for its data date and scores per week", async () => {
    const { lookup, data } = await setup(true);
    const rep = computeOutcomes(data, lookup, {
      fromDay: DAY0,
      toDay: DAY0 + 35,
      offline: { auc: 0.72, lift_at_10: 1.6 },
      currentVersion: "1",
    });
    expect(rep.weeks).toHaveLength(5);
    expect(rep.overall).toMatchObject({ inspections: 401, matched: 400, matched_logged: 400, matched_backfill: 0 });
    expect(rep.weeks[0].models).toEqual(["1"]);
    expect(rep.overall.auc!).toBeGreaterThan(0.65);
    expect(rep.current).toMatchObject({ version: "1", matched: 400 });
    expect(rep.performance_drop).toBe(false);
  });

  it("flags a drop of the current champion against its offline figures when the ranking stops working", async () => {
    const { lookup, data } = await setup(false);
    const rep = computeOutcomes(data, lookup, {
      fromDay: DAY0,
      toDay: DAY0 + 35,
      offline: { auc: 0.75, lift_at_10: 2 },
      currentVersion: "1",
    });
    expect(rep.overall.auc!).toBeLessThan(0.62);
    expect(rep.performance_drop).toBe(true);
    expect(rep.reasons[0]).toMatch(/realised AUC .* of v1/);
  });

  it("backfill: inspections without a logged prediction are scored by the champion of their time, and say so", async () => {
    const { lookup, data, risk } = await setup(false, (i) => i % 2 === 0); // half logged (by a bad ranking)
    const rep = computeOutcomes(data, lookup, {
      fromDay: DAY0,
      toDay: DAY0 + 35,
      offline: { auc: 0.7, lift_at_10: 1.6 },
      currentVersion: "3",
      // the champion of their time was v3 for the first two weeks, nothing before a restaurant's "unknown" row
      backfill: (i) => (i < 400 ? { score: risk[i], version: "3" } : null),
    });
    expect(rep.overall).toMatchObject({ matched: 400, matched_logged: 200, matched_backfill: 200 });
    expect(rep.weeks.flatMap((w) => w.models).sort()).toContain("3");
    // the logged (bad) v1 predictions win where they exist; v3's own rows are judged on their own
    expect(rep.current).toMatchObject({ version: "3", matched: 200 });
    expect(rep.current.auc!).toBeGreaterThan(0.65);
    expect(rep.performance_drop).toBe(false);
  });

  it("a prediction made for a later data date never scores an earlier inspection", async () => {
    const { lookup } = await setup(true);
    const rep = computeOutcomes({ camis: ["0"], day: Int32Array.of(DAY0 - 1), label: Uint8Array.of(1) }, lookup, {
      fromDay: DAY0 - 7,
      toDay: DAY0,
      offline: { auc: null, lift_at_10: null },
    });
    expect(rep.overall).toMatchObject({ inspections: 1, matched: 0 });
  });
});
