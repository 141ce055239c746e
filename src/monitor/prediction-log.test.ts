import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LocalObjectStore, type ObjectStore } from "../data/index.js";
import {
  type LoggedPrediction,
  PREDICTIONS_PREFIX,
  PredictionLog,
  readPredictions,
  trimPredictions,
} from "./prediction-log.js";

const dirs: string[] = [];
const store = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "predlog-"));
  dirs.push(d);
  return new LocalObjectStore(d);
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const p = (o: Partial<LoggedPrediction>): LoggedPrediction => ({
  ts: "2026-01-05T10:00:00Z",
  camis: "1",
  modelVersion: "1",
  role: "champion",
  score: 0.1,
  dataDate: "2024-03-01",
  ...o,
});

describe("prediction log in the object store", () => {
  it("writes one segment per data date under monitor/predictions/ and reads every writer's segments back", async () => {
    const s = store();
    const a = new PredictionLog(s);
    const b = new PredictionLog(s); // another replica
    a.add(p({ camis: "1", score: 0.1, dataDate: "2024-03-01" }));
    a.add(p({ camis: "1", score: 0.3, dataDate: "2024-03-05" }));
    b.add(p({ camis: "2", score: 0.7, dataDate: "2024-03-05" }));
    await Promise.all([a.close(), b.close()]);
    const keys = await s.list(PREDICTIONS_PREFIX);
    expect(keys.length).toBe(3);
    expect(keys.every((k) => /^monitor\/predictions\/2024-03-0[15]\/.+\.ndjson\.gz$/.test(k))).toBe(true);
    const look = await readPredictions(s, "2024-01-01", "2024-12-31");
    expect(look.count).toBe(3);
    expect(look.latestFor("2", "2024-03-10", 60)?.score).toBe(0.7);
  });

  it("joins in data time: the latest prediction made for a data date on or before the day, within maxAge", async () => {
    const s = store();
    const log = new PredictionLog(s);
    // wall-clock times say nothing: a backfilled history is written today
    log.add(p({ score: 0.1, dataDate: "2024-03-01", ts: "2026-06-01T00:00:00Z" }));
    log.add(p({ score: 0.3, dataDate: "2024-03-05", ts: "2026-06-01T00:00:00Z" }));
    log.add(p({ score: 0.35, dataDate: "2024-03-05", ts: "2026-06-01T00:00:09Z" })); // later the same data date
    log.add(p({ score: 0.9, dataDate: "2024-03-05", role: "canary" }));
    log.add(p({ score: 0.5, dataDate: "2024-03-20" }));
    await log.close();
    const look = await readPredictions(s, "2024-01-01", "2024-12-31");
    expect(look.latestFor("1", "2024-03-04", 60)?.score).toBe(0.1);
    expect(look.latestFor("1", "2024-03-05", 60)?.score).toBe(0.35); // made for that day: features knew only before it
    expect(look.latestFor("1", "2024-03-19", 60)?.score).toBe(0.35);
    expect(look.latestFor("1", "2024-03-19", 60, "canary")?.score).toBe(0.9);
    expect(look.latestFor("1", "2024-02-28", 60)).toBeUndefined();
    expect(look.latestFor("1", "2024-06-30", 60)).toBeUndefined(); // the last one is 102 days old
    expect(look.latestFor("9", "2024-03-19", 60)).toBeUndefined();
  });

  it("a failed write keeps its rows for the next flush; nothing is lost", async () => {
    const s = store();
    let fail = 1;
    const flaky: ObjectStore = Object.create(s, {
      put: {
        value: async (k: string, b: Buffer | string) => {
          if (fail-- > 0) throw new Error("store down");
          return s.put(k, b);
        },
      },
    });
    const errors: unknown[] = [];
    const log = new PredictionLog(flaky, { onError: (e) => errors.push(e) });
    log.add(p({}));
    await log.flush();
    expect(errors).toHaveLength(1);
    expect(log.written).toBe(0);
    await log.close();
    expect(log.written).toBe(1);
    expect((await readPredictions(s, "2024-01-01", "2024-12-31")).count).toBe(1);
  });

  it("retention drops whole data dates before a day", async () => {
    const s = store();
    const log = new PredictionLog(s);
    for (const d of ["2023-01-02", "2023-06-01", "2024-03-01"]) log.add(p({ dataDate: d }));
    await log.close();
    expect(await trimPredictions(s, "2023-06-01")).toBe(1);
    expect((await readPredictions(s, "2000-01-01", "2099-01-01")).count).toBe(2);
  });
});
