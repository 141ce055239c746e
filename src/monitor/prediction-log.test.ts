import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PredictionLog } from "./prediction-log.js";

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "predlog-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe("prediction log", () => {
  it("finds the latest champion prediction before an inspection, and only that", () => {
    const log = new PredictionLog(path.join(tmp(), "p.sqlite"));
    log.add({
      ts: "2024-03-01T10:00:00Z",
      camis: "1",
      modelVersion: "1",
      role: "champion",
      score: 0.1,
      featuresDate: "2024-03-01",
    });
    log.add({
      ts: "2024-03-05T10:00:00Z",
      camis: "1",
      modelVersion: "2",
      role: "champion",
      score: 0.3,
      featuresDate: "2024-03-05",
    });
    log.add({
      ts: "2024-03-06T10:00:00Z",
      camis: "1",
      modelVersion: "3",
      role: "canary",
      score: 0.9,
      featuresDate: "2024-03-06",
    });
    log.add({
      ts: "2024-03-09T10:00:00Z",
      camis: "1",
      modelVersion: "2",
      role: "champion",
      score: 0.5,
      featuresDate: "2024-03-09",
    });
    expect(log.latestBefore("1", "2024-03-08", "2024-01-01")?.score).toBe(0.3);
    expect(log.latestBefore("1", "2024-03-08", "2024-01-01", "canary")?.modelVersion).toBe("3");
    expect(log.latestBefore("1", "2024-03-02", "2024-03-02")).toBeUndefined();
    expect(log.latestBefore("2", "2025-01-01", "2000-01-01")).toBeUndefined();
    log.close();
  });
  it("stays bounded: the oldest rows go first", () => {
    const file = path.join(tmp(), "p.sqlite");
    const log = new PredictionLog(file, 1000);
    for (let i = 0; i < 5000; i++)
      log.add({
        ts: new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString(),
        camis: String(i % 50),
        modelVersion: "1",
        role: "champion",
        score: i / 5000,
        featuresDate: "2024-01-01",
      });
    log.flush();
    log.trim();
    expect(log.count()).toBe(1000);
    const ts = (i: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString();
    // rows 0..3999 are gone; row 4000 (camis "0") is the oldest kept
    expect(log.latestBefore("0", ts(4000), "2000-01-01")).toBeUndefined();
    expect(log.latestBefore("0", ts(4001), "2000-01-01")?.ts).toBe(ts(4000));
    log.close();
    // persisted across processes/restarts
    const again = new PredictionLog(file, 1000);
    expect(again.count()).toBe(1000);
    again.close();
  });
});
