import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { BatchHistogram } from "../batch-histogram.js";
import type { ModelHost } from "../model-host.js";

/** The service's Prometheus metrics; names are shared with deploy/prometheus rules and dashboards. */
export interface ServiceMetrics {
  registry: Registry;
  requests: Counter<"route" | "method" | "status_code" | "model_version">;
  duration: Histogram<"route" | "model_version">;
  /** Observed a batch at a time (batch-histogram.ts): POST /v1/predict scores up to 1000 rows per request. */
  score: BatchHistogram<"model_version" | "role">;
  /** The exposition /metrics serves: this registry's, or with --workers every worker's aggregated (cluster.ts). */
  text: () => Promise<string>;
}

/**
 * Each app gets its own Registry (no global default), so app instances in one test run never collide.
 * Model labels are read from the host at scrape time through collect callbacks.
 */
export function createServiceMetrics(host: ModelHost): ServiceMetrics {
  const registry = new Registry();
  const registers = [registry];
  const requests = new Counter({
    name: "rodent_http_requests_total",
    help: "HTTP requests by route, method, status code and the model version that answered ('none' if no model)",
    labelNames: ["route", "method", "status_code", "model_version"] as const,
    registers,
  });
  const duration = new Histogram({
    name: "rodent_http_request_duration_seconds",
    help: "HTTP request latency by route and model version",
    labelNames: ["route", "model_version"] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  const score = new BatchHistogram({
    name: "rodent_prediction_score",
    help: "Served probabilities by model version and role",
    labelNames: ["model_version", "role"] as const,
    buckets: [0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1],
    registers,
  });
  new Gauge({
    name: "rodent_model_info",
    help: "1 for each model being served, labelled by version, alias, role, training time and data snapshot",
    labelNames: ["version", "alias", "role", "trained_at", "snapshot"] as const,
    registers,
    // Across workers (--workers): 1 for each version any worker serves, not the number of workers.
    aggregator: "max",
    collect() {
      this.reset();
      const s = host.state;
      for (const m of [s.champion, s.canary]) {
        if (!m) continue;
        this.set(
          {
            version: m.ref.version,
            alias: m.ref.alias,
            role: m.role,
            trained_at: String(m.model.meta.createdAt ?? ""),
            snapshot: String(m.model.meta.trainingSnapshot ?? m.ref.tags["rodent.snapshot_id"] ?? ""),
          },
          1,
        );
      }
    },
  });
  new Counter({
    name: "rodent_model_load_failures_total",
    help: "Model versions (or serving tables) refused at load or smoke check; the previous one kept serving",
    labelNames: ["role"] as const,
    registers,
    // Every worker loads (and refuses) the same version: one refusal, not one per worker.
    aggregator: "max",
    collect() {
      this.reset();
      for (const [role, n] of Object.entries(host.failures)) this.inc({ role }, n);
    },
  });
  new Gauge({
    name: "rodent_canary_share",
    help: "Share of keyed traffic answered by the canary (0 when no canary is loaded)",
    registers,
    aggregator: "max",
    collect() {
      this.set(host.state.canaryShare);
    },
  });
  return { registry, requests, duration, score, text: () => registry.metrics() };
}

declare module "fastify" {
  interface FastifyInstance {
    metrics: ServiceMetrics;
  }
}

/** Counts and times every request, labelled by route pattern and the version that answered. */
export default fp(
  async function metrics(app: FastifyInstance, opts: { host: ModelHost }) {
    const m = createServiceMetrics(opts.host);
    app.decorate("metrics", m);
    // The children per label set are kept: prom-client hashes the labels on every inc()/observe() otherwise,
    // a measurable share of a lookup that is otherwise a ready buffer. The key space is small (routes × methods ×
    // statuses × live versions). Callback style: an async hook costs a promise per request.
    const children = new Map<string, { inc(): void; observe(v: number): void }>();
    app.addHook("onResponse", (req, reply, done) => {
      const route = req.routeOptions.url ?? "unmatched";
      const version = (reply.getHeader("x-model-version") as string | undefined) ?? "none";
      const status = reply.statusCode;
      const key = `${route} ${req.method} ${status} ${version}`;
      let c = children.get(key);
      if (c === undefined) {
        const counter = m.requests.labels({
          route,
          method: req.method,
          status_code: String(status),
          model_version: version,
        });
        const hist = m.duration.labels({ route, model_version: version });
        c = { inc: () => counter.inc(), observe: (v) => hist.observe(v) };
        children.set(key, c);
      }
      c.inc();
      c.observe(reply.elapsedTime / 1000);
      done();
    });
  },
  { name: "rodent-metrics" },
);
