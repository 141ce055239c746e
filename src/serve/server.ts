import cluster from "node:cluster";
import type { FastifyInstance } from "fastify";
import type { Config } from "../config/index.js";
import { createObjectStore } from "../data/index.js";
import { FEATURE_SCHEMA, loadCity } from "../features/index.js";
import { PredictionLog } from "../monitor/index.js";
import type { Logger } from "../util/log.js";
import { buildApp } from "./app.js";
import { isClusterWorker, joinCluster } from "./cluster.js";
import { ModelHost } from "./model-host.js";
import { parseServeUri } from "./model-source.js";
import { sourcesFromConfig } from "./sources.js";

export interface RunningServer {
  app: FastifyInstance;
  host: ModelHost;
  /** Base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  /** Stop accepting, let in-flight requests finish (up to `graceMs`), then close the host. */
  close(): Promise<void>;
}

export interface StartOptions {
  config: Config;
  log: Logger;
  /** Override config.serve.port/host (0 = an ephemeral port). */
  port?: number;
  host?: string;
  /** Drain on SIGTERM/SIGINT and then resolve `closed` (the CLI exits after it). Default true. */
  handleSignals?: boolean;
  /** Longest wait for in-flight requests on shutdown before sockets are destroyed. */
  graceMs?: number;
  /**
   * On shutdown, keep serving this long with readiness 503 and `connection: close` before closing the listener,
   * so a load balancer stops routing here and requests already sent are read and answered (default 1000).
   */
  drainDelayMs?: number;
}

/** Build the host from config, load the first model, listen, poll the registry. The only place that listens. */
export async function startServer(opts: StartOptions): Promise<RunningServer & { closed: Promise<void> }> {
  const { config, log } = opts;
  const { name, selector } = parseServeUri(config.serve.modelUri);
  const { models, city } = await sourcesFromConfig(config, log);
  const host = new ModelHost({
    models,
    city,
    modelName: name,
    champion: selector,
    canaryAlias: "alias" in selector ? "canary" : null,
    canaryShare: config.serve.canaryShare,
    schema: FEATURE_SCHEMA,
    log,
  });
  // Not ready is not fatal: the service starts, answers 503 on /health/ready, and keeps polling.
  const first = await host.refresh();
  if (!host.ready)
    log.warn({ report: first }, "no model or serving table yet; /health/ready answers 503 until one loads");
  const lifecycle = { draining: false, inFlight: 0 };
  const app = await buildApp({
    host,
    adminToken: config.serve.adminToken,
    adminRatePerMinute: config.serve.adminRateLimit,
    timeouts: {
      request: config.serve.requestTimeoutMs,
      headers: config.serve.headersTimeoutMs,
      connection: config.serve.connectionTimeoutMs,
    },
    logger: log,
    closeHost: true,
    lifecycle,
    web: { config },
    monitoring: monitoringOptions(config, log),
    workerId: isClusterWorker() ? cluster.worker?.id : undefined,
  });
  // With --workers the primary polls and coordinates swaps (cluster.ts); this worker answers its rounds.
  const link = isClusterWorker() ? joinCluster(host, app.metrics, log) : null;
  const address = await app.listen({ port: opts.port ?? config.serve.port, host: opts.host ?? config.serve.host });
  if (link) host.pollSeconds = config.serve.pollSeconds;
  else host.startPolling(config.serve.pollSeconds);
  const url = address.replace("[::1]", "localhost");
  if (link) {
    const s = host.state;
    link.listening({
      url,
      ready: host.ready,
      champion: s.champion?.ref.version ?? null,
      canary: s.canary?.ref.version ?? null,
      snapshot: s.city?.id ?? null,
      top: s.champion && s.city ? s.city.set.camis[s.champion.order[0]] : null,
    });
  }

  let closing: Promise<void> | null = null;
  const graceMs = opts.graceMs ?? 10_000;
  const drainDelayMs = opts.drainDelayMs ?? 1000;
  const close = () => {
    closing ??= (async () => {
      log.info({ drainDelayMs, graceMs }, "draining: readiness off, finishing requests, then closing");
      lifecycle.draining = true;
      host.stopPolling();
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
      await sleep(drainDelayMs);
      // Closing destroys connections without a request in progress, including ones whose request bytes are
      // still unread in the socket because the loop was busy. So first wait until nothing has been in flight
      // for a quiet window (the loop then reads and answers whatever is pending), bounded by the grace period.
      const deadline = performance.now() + graceMs;
      let quietSince = performance.now();
      while (performance.now() < deadline) {
        if (lifecycle.inFlight > 0) quietSince = performance.now();
        else if (performance.now() - quietSince >= 200) break;
        await sleep(20);
      }
      // Nothing is in flight: what stays open is idle keep-alive sockets or ones whose request was already
      // answered (e.g. a 413 whose body was never read). Close them so close() need not wait for timeouts.
      if (lifecycle.inFlight <= 0) app.server.closeAllConnections();
      const timer = setTimeout(() => {
        log.warn("grace period over; closing remaining connections");
        app.server.closeAllConnections();
      }, graceMs).unref();
      await app.close();
      clearTimeout(timer);
      log.info("service stopped");
    })();
    return closing;
  };
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => {
    resolveClosed = r;
  });
  if (opts.handleSignals ?? true) {
    const onSignal = (sig: NodeJS.Signals) => {
      log.info({ signal: sig }, "shutdown requested");
      close().then(resolveClosed, (e) => {
        log.error({ err: e }, "shutdown failed");
        resolveClosed();
      });
    };
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
    // A worker whose primary is gone drains and exits rather than serving on alone.
    if (link) process.once("disconnect", () => onSignal("SIGTERM"));
  }
  return {
    app,
    host,
    url,
    closed,
    close: async () => {
      await close();
      resolveClosed();
    },
  };
}

/** The service's monitoring, on the deployment's object store (issue 13 §4–5): prediction log, population window. */
function monitoringOptions(config: Config, log: Logger) {
  const store = createObjectStore(config);
  return {
    store,
    predictionLog: new PredictionLog(store, {
      onError: (e: unknown) =>
        log.warn({ err: (e as Error).message }, "prediction log write failed; kept for the next flush"),
    }),
    cityData: (snapshot: string) => loadCity(store, snapshot),
  };
}
