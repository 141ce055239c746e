import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalObjectStore } from "../data/object-store.js";
import { OUTCOMES_KEY, PredictionLog } from "../monitor/index.js";
import { type TestService, testService } from "./test-helper.js";

// The service's monitoring side: prediction log, live drift window and its gauges, realised-performance gauges.
describe("service monitoring", () => {
  let svc: TestService;
  let log: PredictionLog;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "serve-monitoring-"));
    log = new PredictionLog(path.join(dir, "predictions.sqlite"));
    const store = new LocalObjectStore(path.join(dir, "store"));
    await store.put(
      OUTCOMES_KEY,
      JSON.stringify({
        model: "1",
        overall: { auc: 0.71, lift_at_10: 3.2, inspections: 10, matched: 10, positives: 2, precision_at_10: 0.5 },
      }),
    );
    svc = await testService({ monitoring: { predictionLog: log, store, cacheMs: 0 } });
  });
  afterAll(async () => {
    await svc.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("logs every served restaurant prediction with version and role", async () => {
    const camis = svc.city.camis.slice(0, 30);
    for (const c of camis) expect((await svc.app.inject({ url: `/v1/restaurants/${c}/risk` })).statusCode).toBe(200);
    expect(log.count()).toBe(30);
    // canary-sticky restaurants are logged with role canary; take one the champion answered
    const any = camis.map((c) => log.latestBefore(c, "2999-01-01", "2000-01-01", "champion")).find(Boolean);
    expect(any?.modelVersion).toBe(svc.versions[0]);
    expect(any?.featuresDate).toBe(svc.city.asOf);
  });

  it("exports drift of the live window and the realised-performance report as gauges", async () => {
    for (const c of svc.city.camis.slice(30, 300)) await svc.app.inject({ url: `/v1/restaurants/${c}/risk` });
    const m = (await svc.app.inject({ url: "/metrics" })).body;
    expect(m).toMatch(/rodent_feature_drift_psi\{feature="n_prev_inspections"\} [0-9.e-]+/);
    expect(m).toMatch(/rodent_score_drift_psi [0-9.e-]+/);
    expect(m).toMatch(/rodent_drift_alert\{feature="score"\} [01]/);
    expect(m).toMatch(/rodent_live_window_rows \d+/);
    expect(m).toMatch(/rodent_live_auc\{model_version="1"\} 0.71/);
    expect(m).toMatch(/rodent_live_lift_at_10\{model_version="1"\} 3.2/);
    expect(m).toMatch(/rodent_model_trained_timestamp_seconds \d{10}/);
    const drift = svc.app.liveWindow.drift();
    expect(drift?.n).toBeGreaterThan(100);
  });
});
