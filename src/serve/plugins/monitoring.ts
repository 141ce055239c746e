import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { Gauge } from "prom-client";
import type { ObjectStore } from "../../data/object-store.js";
import type { ReferenceProfile } from "../../features/profile.js";
import {
  computeDrift,
  type DriftReport,
  LiveSample,
  OUTCOMES_KEY,
  type OutcomeReport,
  type PredictionLog,
} from "../../monitor/index.js";
import type { ModelHost, ScoredEvent } from "../model-host.js";

// The service's side of monitoring (issue 7 §2–3): a bounded, sampled window of the rows the champion scored
// (reservoir, restarted when the champion changes), drift of that window against the champion's reference
// profile exported as Prometheus gauges (the alert rules in deploy/prometheus read them), and every served
// prediction for a restaurant appended to the prediction log for `rodent monitor outcomes`.

export interface MonitoringOptions {
  host: ModelHost;
  /** Where served predictions go; omit to log none (tests, benchmarks). */
  predictionLog?: PredictionLog;
  /** Rows kept in the live window. */
  sampleSize?: number;
  /** Drift is recomputed at most this often on scrape. */
  cacheMs?: number;
  /** Where `rodent monitor outcomes` leaves its latest report (OUTCOMES_KEY), read every `outcomesEveryMs`. */
  store?: ObjectStore;
  outcomesEveryMs?: number;
}

export interface LiveWindowState {
  version: string;
  since: string;
  sample: LiveSample;
}

declare module "fastify" {
  interface FastifyInstance {
    liveWindow: { current(): LiveWindowState | null; drift(): DriftReport | null };
  }
}

function profileOf(meta: Record<string, unknown>): ReferenceProfile | null {
  const p = meta.reference_profile as ReferenceProfile | undefined;
  return p && Array.isArray(p.columns) && p.score ? p : null;
}

async function monitoring(app: FastifyInstance, opts: MonitoringOptions) {
  const { host } = opts;
  const size = opts.sampleSize ?? 5000;
  let win: LiveWindowState | null = null;
  const onScored = (e: ScoredEvent) => {
    const n = e.rows ? e.rows.length : e.table.n;
    if (opts.predictionLog && e.camis && host.state.city) {
      const ts = new Date(e.at).toISOString();
      const featuresDate = host.state.city.set.asOf;
      for (let k = 0; k < n; k++)
        opts.predictionLog.add({
          ts,
          camis: e.camis[k],
          modelVersion: e.version,
          role: e.role,
          score: Number(e.scores[k]),
          featuresDate,
        });
    }
    if (e.role !== "champion" || e.source === "rankings") return; // rankings re-read the same table: not new traffic
    const width = e.table.columns.length;
    if (!win || win.version !== e.version || win.sample.width !== width)
      win = { version: e.version, since: new Date(e.at).toISOString(), sample: new LiveSample(width, size) };
    const row = new Float32Array(width);
    const cols = e.table.columns;
    const sample = win.sample;
    for (let k = 0; k < n; k++) {
      const i = e.rows ? e.rows[k] : k;
      for (let j = 0; j < width; j++) row[j] = cols[j][i];
      sample.add(row, Number(e.scores[k]));
    }
  };
  const off = host.onScored(onScored);

  let cache: { at: number; total: number; version: string; report: DriftReport | null } | null = null;
  const drift = (): DriftReport | null => {
    const m = host.state.champion;
    if (!m || !win || win.version !== m.ref.version || win.sample.size === 0) return null;
    const now = Date.now();
    if (
      cache &&
      cache.version === win.version &&
      (cache.total === win.sample.total || now - cache.at < (opts.cacheMs ?? 30_000))
    )
      return cache.report;
    const profile = profileOf(m.model.meta);
    const report = profile ? computeDrift(profile, win.sample.toWindow(m.model.schema, profile)) : null;
    cache = { at: now, total: win.sample.total, version: win.version, report };
    return report;
  };
  app.decorate("liveWindow", { current: () => win, drift });

  const registers = [app.metrics.registry];
  // With --workers each worker keeps its own live window: drift is the worst worker's (max), rows are summed.
  new Gauge({
    name: "rodent_feature_drift_psi",
    help: "PSI of each feature (one-hot groups as one) in the live window against the champion's training profile",
    labelNames: ["feature"] as const,
    registers,
    aggregator: "max",
    collect() {
      this.reset();
      for (const c of drift()?.columns ?? []) this.set({ feature: c.name }, c.psi);
    },
  });
  new Gauge({
    name: "rodent_score_drift_psi",
    help: "PSI of the champion's scores in the live window against its training scores",
    registers,
    aggregator: "max",
    collect() {
      this.reset();
      const r = drift();
      if (r) this.set(r.score.psi);
    },
  });
  new Gauge({
    name: "rodent_drift_alert",
    help: "1 when a column drifts by the documented rule (significant and PSI ≥ 0.2; seasonal columns exempt)",
    labelNames: ["feature"] as const,
    registers,
    aggregator: "max",
    collect() {
      this.reset();
      const r = drift();
      if (!r) return;
      for (const c of r.columns) this.set({ feature: c.name }, r.drifted.includes(c.name) ? 1 : 0);
      this.set({ feature: "score" }, r.drifted.includes("score") ? 1 : 0);
    },
  });
  new Gauge({
    name: "rodent_live_window_rows",
    help: "Rows the champion scored since it loaded (the live window samples them)",
    registers,
    aggregator: "sum",
    collect() {
      this.reset();
      if (win) this.set(win.sample.total);
    },
  });
  new Gauge({
    name: "rodent_model_trained_timestamp_seconds",
    help: "When the served champion was trained (Unix seconds); staleness alerts read it",
    registers,
    aggregator: "max",
    collect() {
      this.reset();
      const t = Date.parse(String(host.state.champion?.model.meta.createdAt ?? ""));
      if (Number.isFinite(t)) this.set(t / 1000);
    },
  });
  // Realised performance comes from a batch job (labels arrive weeks later); the service only re-exports it.
  let outcomes: (OutcomeReport & { model: string }) | null = null;
  const readOutcomes = async () => {
    if (!opts.store) return;
    try {
      if (await opts.store.exists(OUTCOMES_KEY))
        outcomes = JSON.parse((await opts.store.get(OUTCOMES_KEY)).toString("utf8"));
    } catch (e) {
      app.log.warn({ err: e }, "could not read the realised-performance report");
    }
  };
  await readOutcomes();
  const timer = opts.store ? setInterval(readOutcomes, opts.outcomesEveryMs ?? 60_000) : undefined;
  timer?.unref();
  for (const [name, pick, help] of [
    [
      "rodent_live_auc",
      (o: OutcomeReport) => o.overall.auc,
      "realised AUC of the champion's predictions once outcomes arrived",
    ],
    [
      "rodent_live_lift_at_10",
      (o: OutcomeReport) => o.overall.lift_at_10,
      "realised lift in the top 10% once outcomes arrived",
    ],
  ] as const) {
    new Gauge({
      name,
      help,
      labelNames: ["model_version"] as const,
      registers,
      aggregator: "first",
      collect() {
        this.reset();
        const v = outcomes ? pick(outcomes) : null;
        if (outcomes && v !== null && Number.isFinite(v)) this.set({ model_version: outcomes.model }, v);
      },
    });
  }
  app.addHook("onClose", async () => {
    if (timer) clearInterval(timer);
    off();
    opts.predictionLog?.close();
  });
}

export default fp(monitoring, { name: "rodent-monitoring", dependencies: ["rodent-metrics"] });
