import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { Gauge } from "prom-client";
import type { ObjectStore } from "../../data/index.js";
import type { CityData } from "../../features/index.js";
import { readProfile } from "../../features/index.js";
import {
  computeDrift,
  type DriftReport,
  LiveSample,
  type MonitorWindow,
  monitorWindow,
  OUTCOMES_KEY,
  type OutcomeReport,
  type PredictionLog,
  populationDrift,
  snapshotWindow,
} from "../../monitor/index.js";
import type { ModelHost, ScoredEvent } from "../model-host.js";

// The service's side of monitoring (issue 13 §4, §5):
// - the population window: every active restaurant as of the serving data date against the same population 52
//   weeks earlier (rebuilt from the serving snapshot's records), both scored by the champion, plus the 311 stream
//   per borough: the same report `rodent monitor check` computes, recomputed once per (champion, snapshot), off
//   the request path, and exported as gauges (the alert rules in deploy/prometheus read them);
// - a bounded sample of the rows the champion scored for requests, shown for what it is (which restaurants people
//   asked about) and never judged: requests are a selection, not the city;
// - every served prediction or ranking appended to the prediction log, stamped with the data date it was made for.

export interface MonitoringOptions {
  host: ModelHost;
  /** Where served predictions go; omit to log none (tests, benchmarks). */
  predictionLog?: PredictionLog;
  /** Rows kept in the request sample. */
  sampleSize?: number;
  /** The request sample's description is recomputed at most this often. */
  cacheMs?: number;
  /** Where `rodent monitor outcomes` leaves its latest report (OUTCOMES_KEY), read every `outcomesEveryMs`. */
  store?: ObjectStore;
  outcomesEveryMs?: number;
  /**
   * The records of the serving snapshot, for the population 52 weeks earlier and the 311 stream. Omitted (tests,
   * a fixed table): the population is compared with the model's stored profile, and there is no stream.
   */
  cityData?: (snapshotId: string) => Promise<CityData | null>;
}

export interface LiveWindowState {
  version: string;
  since: string;
  sample: LiveSample;
}

export interface PopulationState {
  key: string;
  version: string;
  snapshot: string;
  window: MonitorWindow;
  computedAt: string;
}

declare module "fastify" {
  interface FastifyInstance {
    liveWindow: { current(): LiveWindowState | null; drift(): DriftReport | null };
    population: {
      /** The window of the current (champion, snapshot), computing it on first use; null when nothing is served. */
      get(): Promise<PopulationState | null>;
      /** The last computed window, without waiting. */
      last(): PopulationState | null;
    };
    outcomes: { latest(): (OutcomeReport & { model: string }) | null };
  }
}

const REQUESTS_NOT_JUDGED =
  "the requests are a selection of restaurants (which ones people asked about), not the city: shown, never judged";

async function monitoring(app: FastifyInstance, opts: MonitoringOptions) {
  const { host } = opts;
  const size = opts.sampleSize ?? 5000;
  let win: LiveWindowState | null = null;
  const onScored = (e: ScoredEvent) => {
    const n = e.rows ? e.rows.length : e.table.n;
    if (opts.predictionLog && e.camis && host.state.city) {
      const ts = new Date(e.at).toISOString();
      const dataDate = host.state.city.set.asOf;
      for (let k = 0; k < n; k++)
        opts.predictionLog.add({
          ts,
          camis: e.camis[k],
          modelVersion: e.version,
          role: e.role,
          score: Number(e.scores[k]),
          dataDate,
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

  // The request sample, described against the model's profile: every column reported, none judged.
  let cache: { at: number; total: number; version: string; report: DriftReport | null } | null = null;
  const requestDrift = (): DriftReport | null => {
    const m = host.state.champion;
    if (!m || !win || win.version !== m.ref.version || win.sample.size === 0) return null;
    const now = Date.now();
    if (
      cache &&
      cache.version === win.version &&
      (cache.total === win.sample.total || now - cache.at < (opts.cacheMs ?? 30_000))
    )
      return cache.report;
    const profile = readProfile(m.model.meta);
    const report = profile
      ? computeDrift(
          profile,
          win.sample.toWindow(m.model.schema, profile),
          undefined,
          Object.fromEntries([...profile.columns.map((c) => c.name), "score"].map((c) => [c, REQUESTS_NOT_JUDGED])),
        )
      : null;
    if (report) report.verdict = { level: "ok", reasons: [REQUESTS_NOT_JUDGED] };
    cache = { at: now, total: win.sample.total, version: win.version, report };
    return report;
  };
  app.decorate("liveWindow", { current: () => win, drift: requestDrift });

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
  app.decorate("outcomes", { latest: () => outcomes });

  // The population window, once per (champion, snapshot), computed off the request path.
  const keyOf = () => {
    const s = host.state;
    if (!s.champion || !s.city) return "";
    const p = readProfile(s.champion.model.meta);
    return `${s.champion.ref.version}|${s.city.id}|${s.city.set.asOf}|${p?.createdAt ?? "-"}`;
  };
  let pop: { key: string; promise: Promise<PopulationState | null>; value: PopulationState | null } | null = null;
  const compute = async (): Promise<PopulationState | null> => {
    const s = host.state;
    const m = s.champion;
    if (!m || !s.city) return null;
    const key = keyOf();
    const performance =
      outcomes && outcomes.model === m.ref.version
        ? { drop: outcomes.performance_drop, reasons: outcomes.reasons }
        : null;
    const records = opts.cityData ? await opts.cityData(s.city.id) : null;
    const window = records
      ? snapshotWindow({
          city: records,
          model: { version: m.ref.version, predictProba: (t) => m.model.predictProba(t), meta: m.model.meta },
          dataDate: s.city.set.asOf,
          performance,
        })
      : monitorWindow({
          dataDate: s.city.set.asOf,
          population: populationDrift({
            asOf: s.city.set.asOf,
            current: s.city.set.table,
            currentScores: m.scores,
            yearBefore: null,
            profile: readProfile(m.model.meta),
          }),
          stream: null,
          performance,
        });
    return { key, version: m.ref.version, snapshot: s.city.id, window, computedAt: new Date().toISOString() };
  };
  const population = {
    get(): Promise<PopulationState | null> {
      const key = keyOf();
      if (!pop || pop.key !== key) {
        const entry: { key: string; promise: Promise<PopulationState | null>; value: PopulationState | null } = {
          key,
          promise: Promise.resolve(null),
          value: null,
        };
        entry.promise = compute().then(
          (v) => {
            entry.value = v;
            return v;
          },
          (e) => {
            app.log.error({ err: e }, "population monitoring window failed");
            if (pop === entry) pop = null; // try again next time
            return null;
          },
        );
        pop = entry;
      }
      return pop.promise;
    },
    last: () => pop?.value ?? null,
  };
  app.decorate("population", population);
  // Start the first window as soon as something is served (not on the first request for it).
  setImmediate(() => void population.get());

  const registers = [app.metrics.registry];
  // With --workers each worker computes these: drift is the worst worker's (max), live rows are summed.
  const current = (): MonitorWindow | null => {
    void population.get(); // recompute when the champion or snapshot changed since
    return population.last()?.window ?? null;
  };
  new Gauge({
    name: "rodent_feature_drift_psi",
    help: "PSI of each feature (one-hot groups as one): the population now against 52 weeks earlier (docs/monitoring.md)",
    labelNames: ["feature"] as const,
    registers,
    aggregator: "max",
    collect() {
      this.reset();
      for (const c of current()?.population?.columns ?? []) this.set({ feature: c.name }, c.psi);
    },
  });
  new Gauge({
    name: "rodent_score_drift_psi",
    help: "PSI of the champion's scores of the population now against 52 weeks earlier",
    registers,
    aggregator: "max",
    collect() {
      this.reset();
      const r = current()?.population;
      if (r) this.set(r.score.psi);
    },
  });
  new Gauge({
    name: "rodent_drift_alert",
    help: "1 when a column of the population drifts by the documented rule (significant and PSI ≥ 0.2)",
    labelNames: ["feature"] as const,
    registers,
    aggregator: "max",
    collect() {
      this.reset();
      const r = current()?.population;
      if (!r) return;
      for (const c of r.columns) this.set({ feature: c.name }, c.drift ? 1 : 0);
      this.set({ feature: "score" }, r.score.drift ? 1 : 0);
    },
  });
  new Gauge({
    name: "rodent_source_drift_ratio",
    help: "311 sightings per borough against the rest of the city and the same weeks a year before (1 = no change)",
    labelNames: ["borough"] as const,
    registers,
    aggregator: "max",
    collect() {
      this.reset();
      for (const b of current()?.stream?.boroughs ?? [])
        if (Number.isFinite(b.ratio)) this.set({ borough: b.borough }, b.ratio);
    },
  });
  new Gauge({
    name: "rodent_source_drift_alert",
    help: "1 when a borough's 311 sightings changed significantly against the rest of the city (or citywide volume: borough=all)",
    labelNames: ["borough"] as const,
    registers,
    aggregator: "max",
    collect() {
      this.reset();
      const s = current()?.stream;
      if (!s) return;
      for (const b of s.boroughs) this.set({ borough: b.borough }, b.signal ? 1 : 0);
      this.set({ borough: "all" }, s.volume.signal ? 1 : 0);
    },
  });
  new Gauge({
    name: "rodent_monitor_verdict",
    help: "The monitoring window's verdict: 0 ok, 1 watch, 2 act",
    registers,
    aggregator: "max",
    collect() {
      this.reset();
      const w = current();
      if (w) this.set({ ok: 0, watch: 1, act: 2 }[w.verdict.level]);
    },
  });
  new Gauge({
    name: "rodent_live_window_rows",
    help: "Rows the champion scored for requests since it loaded (the request sample draws from them)",
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
    await pop?.promise;
    await opts.predictionLog?.close();
  });
}

export default fp(monitoring, { name: "rodent-monitoring", dependencies: ["rodent-metrics"] });
