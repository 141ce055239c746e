import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalObjectStore } from "../data/index.js";
import { buildReferenceProfile } from "../features/index.js";
import { OUTCOMES_KEY, PredictionLog, readPredictions } from "../monitor/index.js";
import { type TestService, testService } from "./test-helper.js";

// The service's monitoring side: prediction log (object store, data-date stamps), the population window and its
// gauges, the request sample (never judged), realised-performance gauges.
describe("service monitoring", () => {
  let svc: TestService;
  let log: PredictionLog;
  let store: LocalObjectStore;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "serve-monitoring-"));
    store = new LocalObjectStore(path.join(dir, "store"));
    log = new PredictionLog(store, { flushEveryMs: 60_000 });
    await store.put(
      OUTCOMES_KEY,
      JSON.stringify({
        model: "1",
        performance_drop: false,
        reasons: [],
        overall: { auc: 0.71, lift_at_10: 3.2, inspections: 10, matched: 10, positives: 2, precision_at_10: 0.5 },
      }),
    );
    svc = await testService({ monitoring: { predictionLog: log, store, cacheMs: 0 } });
  });
  afterAll(async () => {
    await svc.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("logs every served restaurant prediction with version, role and the data date it was made for", async () => {
    const camis = svc.city.camis.slice(0, 30);
    for (const c of camis) expect((await svc.app.inject({ url: `/v1/restaurants/${c}/risk` })).statusCode).toBe(200);
    await log.flush();
    const look = await readPredictions(store, "2000-01-01", "2999-01-01");
    expect(look.count).toBe(30);
    // canary-sticky restaurants are logged with role canary; take one the champion answered
    const any = camis.map((c) => look.latestFor(c, svc.city.asOf, 60, "champion")).find(Boolean);
    expect(any?.modelVersion).toBe(svc.versions[0]);
    expect(any?.dataDate).toBe(svc.city.asOf);
  });

  it("exports the population window and the realised-performance report as gauges", async () => {
    const champion = svc.host.state.champion!;
    // A profile from another sample of the city, so the population has something to be compared with.
    champion.model.meta.reference_profile = buildReferenceProfile(svc.city.table, champion.scores, {
      basis: "the serving table at load (test)",
      asOf: svc.city.asOf,
    });
    try {
      for (const c of svc.city.camis.slice(30, 300)) await svc.app.inject({ url: `/v1/restaurants/${c}/risk` });
      await svc.app.population.get();
      const m = (await svc.app.inject({ url: "/metrics" })).body;
      expect(m).toMatch(/rodent_feature_drift_psi\{feature="n_prev_inspections"\} [0-9.e-]+/);
      expect(m).toMatch(/rodent_score_drift_psi [0-9.e-]+/);
      expect(m).toMatch(/rodent_drift_alert\{feature="score"\} [01]/);
      expect(m).toMatch(/rodent_monitor_verdict [012]/);
      expect(m).toMatch(/rodent_live_window_rows \d+/);
      expect(m).toMatch(/rodent_live_auc\{model_version="1"\} 0.71/);
      expect(m).toMatch(/rodent_live_lift_at_10\{model_version="1"\} 3.2/);
      expect(m).toMatch(/rodent_model_trained_timestamp_seconds \d{10}/);
      // The request sample is described, never judged: which restaurants were asked about says nothing of the city.
      const req = svc.app.liveWindow.drift();
      expect(req?.n).toBeGreaterThan(100);
      expect(req?.columns.every((c) => !c.judged && !c.drift)).toBe(true);
      expect(req?.drifted).toEqual([]);
    } finally {
      delete champion.model.meta.reference_profile;
    }
  });
});
