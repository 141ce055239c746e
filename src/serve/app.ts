import { randomUUID } from "node:crypto";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyInstance, LogController } from "fastify";
import type { FeatureSchema } from "../features/schema.js";
import type { Logger } from "../util/log.js";
import type { ModelHost } from "./model-host.js";
import errors, { clientErrorHandler, collectRoutes } from "./plugins/errors.js";
import external, { DEFAULT_PRESSURE, type PressureLimits } from "./plugins/external.js";
import metrics from "./plugins/metrics.js";
import modelHost from "./plugins/model-host.js";
import monitoring, { type MonitoringOptions } from "./plugins/monitoring.js";
import { validatorCompiler } from "./plugins/validation.js";
import webStatic from "./plugins/web-static.js";
import admin from "./routes/admin.js";
import health from "./routes/health.js";
import model from "./routes/model.js";
import predict from "./routes/predict.js";
import rankings from "./routes/rankings.js";
import risk from "./routes/risk.js";
import webRoutes from "./routes/ui-routes.js";
import { MAX_ROWS } from "./schemas/predict.js";

export interface AppOptions {
  host: ModelHost;
  /** The request schema of POST /v1/predict (default: the host's schema). */
  schema?: FeatureSchema;
  /** Without a token the admin routes are not registered at all. */
  adminToken?: string;
  /** Requests per minute per client address to /admin (default 10, RODENT_ADMIN_RATE_LIMIT). */
  adminRatePerMinute?: number;
  /** Slow-client limits (ms): see `Timeouts` and docs/hardening.md. */
  timeouts?: Partial<Timeouts>;
  /** pino logger for request logs; omit for silence (tests). */
  logger?: Logger;
  pressure?: Partial<PressureLimits>;
  /** Batch limit of POST /v1/predict (documented default 1000). */
  maxRows?: number;
  /** Body limit of POST /v1/predict in bytes (default: room for maxRows full rows, at least 1 MiB). */
  bodyLimit?: number;
  /** Close the host (polling, registry handle) with the app. */
  closeHost?: boolean;
  version?: string;
  /** Live drift window, drift gauges, prediction log and realised-performance gauges (issue 7). */
  monitoring?: Omit<MonitoringOptions, "host">;
  /** With --workers: this worker's id, sent as `x-rodent-worker` (which process answered; tests and debugging). */
  workerId?: number;
  /** Set `draining` when shutdown starts: readiness turns 503 and responses ask clients to close the socket. */
  lifecycle?: Lifecycle;
}

export interface Lifecycle {
  draining: boolean;
  /** Requests received and not yet answered (server.ts waits for 0 before closing). */
  inFlight: number;
}

/**
 * How long a client may take (RODENT_REQUEST_TIMEOUT_MS, RODENT_HEADERS_TIMEOUT_MS, RODENT_CONNECTION_TIMEOUT_MS).
 * `request`: the whole request, headers and body, from its first byte; past it Node answers 408 and closes the
 * socket, so a body trickled a byte at a time cannot hold a connection (and its buffers) open. `headers`: the
 * request line and headers alone. `connection`: a socket with no traffic at all in either direction.
 */
export interface Timeouts {
  request: number;
  headers: number;
  connection: number;
}
export const DEFAULT_TIMEOUTS: Timeouts = { request: 30_000, headers: 10_000, connection: 60_000 };

/** Bytes a row of `features` numbers may need as JSON, generously ("feature_name": -1.2345678e-12,). */
const BYTES_PER_FEATURE = 64;

declare module "fastify" {
  interface FastifyInstance {
    lifecycle: Lifecycle;
  }
}

/**
 * Build the service, not listening (server.ts listens). Boot order by role: third-party plugins, app
 * plugins that decorate the instance (metrics, model host, errors), then routes that only read them.
 */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const schema = opts.schema ?? opts.host.opts.schema;
  const maxRows = opts.maxRows ?? MAX_ROWS;
  const bodyLimit = opts.bodyLimit ?? Math.max(1 << 20, maxRows * schema.features.length * BYTES_PER_FEATURE);
  const timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
  const app = Fastify({
    loggerInstance: opts.logger,
    // Fastify's two lines per request are replaced by one line of our own (below).
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: "x-request-id",
    genReqId: () => randomUUID(),
    bodyLimit: 1 << 20,
    // Keep-alive sockets outlive a request; close them on shutdown so close() can finish.
    forceCloseConnections: "idle",
    return503OnClosing: true,
    // A path parameter over find-my-way's default 100 characters was a 414 outside the document; with room for
    // any URL Node accepts, it reaches the validator and is the 400 naming the parameter.
    routerOptions: { maxParamLength: 16 * 1024 },
    requestTimeout: timeouts.request,
    connectionTimeout: timeouts.connection,
    http: {
      headersTimeout: Math.min(timeouts.headers, timeouts.request),
      // Node looks for expired requests on this period (default 30 s, which would let a slow body live up to
      // twice a 30 s timeout): a quarter of the timeout, so a request is cut within 1.25× of it.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(timeouts.request / 4))),
    },
    clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);

  const lifecycle = opts.lifecycle ?? { draining: false, inFlight: 0 };
  app.decorate("lifecycle", lifecycle);
  // First hook of all, so every request is counted; "close" fires on both a sent response and an abort.
  app.addHook("onRequest", (_req, reply, done) => {
    lifecycle.inFlight++;
    reply.raw.once("close", () => {
      lifecycle.inFlight--;
    });
    done();
  });

  // Before any route exists (the OpenAPI and docs routes come with the third-party plugins): 405 needs them all.
  const routes = collectRoutes(app as unknown as FastifyInstance);
  // 1. third-party
  await app.register(external, {
    pressure: { ...DEFAULT_PRESSURE, ...opts.pressure },
    version: opts.version ?? "0.1.0",
  });
  // 2. app plugins (decorators)
  await app.register(modelHost, { host: opts.host, closeHost: opts.closeHost ?? false });
  await app.register(metrics, { host: opts.host });
  await app.register(monitoring, { host: opts.host, ...opts.monitoring });
  await app.register(errors, { routes });
  // Callback style: an async hook costs a promise per request, on every route.
  app.addHook("onRequest", (req, reply, done) => {
    reply.header("x-request-id", req.id);
    // While draining, keep answering but move keep-alive clients off this process.
    if (lifecycle.draining) reply.header("connection", "close");
    done();
  });
  if (opts.workerId !== undefined) {
    const id = String(opts.workerId);
    app.addHook("onRequest", (_req, reply, done) => {
      reply.header("x-rodent-worker", id);
      done();
    });
  }
  if (opts.logger) {
    // One line per request, with its id; never bodies (they may be large, and are the caller's data).
    app.addHook("onResponse", async (req, reply) => {
      req.log.info(
        {
          method: req.method,
          route: req.routeOptions.url ?? "unmatched",
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 10) / 10,
          model: reply.getHeader("x-model-version"),
        },
        "request",
      );
    });
  }

  // 3. routes: the API under /v1, then the web page's static files at "/" (issue 8).
  await app.register(health);
  await app.register(
    async (v1) => {
      await v1.register(risk);
      await v1.register(predict, { schema, maxRows, bodyLimit });
      await v1.register(rankings);
      await v1.register(model);
      await v1.register(webRoutes, opts.web ?? {});
    },
    { prefix: "/v1" },
  );
  await app.register(webStatic, {});
  if (opts.adminToken)
    await app.register(admin, { prefix: "/admin", token: opts.adminToken, ratePerMinute: opts.adminRatePerMinute });
  await app.ready();
  return app as unknown as FastifyInstance;
}
