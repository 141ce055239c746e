import { constants as zlib } from "node:zlib";
import compress from "@fastify/compress";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import underPressure, { type FastifyUnderPressureOptions } from "@fastify/under-pressure";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { RodentError } from "../../errors.js";

export interface PressureLimits {
  /** Mean event-loop delay (ms) above which requests get 503. */
  maxEventLoopDelay: number;
  maxHeapUsedBytes?: number;
  maxRssBytes?: number;
  /** Seconds sent in Retry-After. */
  retryAfter: number;
  /** How often (ms) the limits are sampled. */
  sampleInterval?: number;
}

/**
 * The CSP of /docs. The plugin's default (staticCSP: true) blocks the one inline <style> swagger-ui's bundle inserts
 * (a console error on every load) and sends upgrade-insecure-requests, which on a plain-http service (the default,
 * and any port-forward) asks the browser to fetch the page's own assets over https. Here: that style allowed by
 * its hash (the browser test in test/web/docs.test.ts fails when a swagger-ui upgrade changes it), nothing loaded
 * from elsewhere (the UI's assets are bundled; no CDN, no validator badge), no upgrade.
 */
export const DOCS_CSP =
  "default-src 'self'; base-uri 'self'; font-src 'self' data:; frame-ancestors 'self'; img-src 'self' data:; " +
  "object-src 'none'; script-src 'self'; script-src-attr 'none'; connect-src 'self'; " +
  "style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='";

export const DEFAULT_PRESSURE: PressureLimits = { maxEventLoopDelay: 1000, retryAfter: 5 };

/** Third-party plugins: overload shedding, then the OpenAPI document and its UI (assets bundled, no CDN). */
export default fp(
  async function external(app: FastifyInstance, opts: { pressure: PressureLimits; version: string }) {
    // brotli or gzip for JSON and the page's assets when the client asks (GET /v1/restaurants: 2.2 MB → ~0.4 MB).
    // Answers are compressed per request, so brotli runs at quality 4 (close to gzip -9 in size, a fraction of
    // quality 11's CPU); bodies under 1 KiB go as they are.
    await app.register(compress, {
      global: true,
      threshold: 1024,
      encodings: ["br", "gzip"],
      brotliOptions: { params: { [zlib.BROTLI_PARAM_QUALITY]: 4 } },
    });
    // The delay histogram starts at registration, so its first sample covers boot (schema compilation, on a
    // busy machine over a second). Shedding on that would refuse the first requests of a healthy process.
    let readyAt = Number.POSITIVE_INFINITY;
    app.addHook("onReady", async () => {
      readyAt = performance.now();
    });
    const interval = opts.pressure.sampleInterval ?? 1000;
    const retryAfter = String(opts.pressure.retryAfter);
    await app.register(underPressure, {
      // Returning a value makes under-pressure send it (index.js handlePressure); its types only say void.
      pressureHandler: ((_req: FastifyRequest, reply: FastifyReply, type: string, value: number | undefined) => {
        if (type === "eventLoopDelay" && performance.now() - readyAt < 2 * interval) return undefined;
        reply.status(503).header("retry-after", retryAfter);
        return new RodentError(
          "RODENT_ERR_UNAVAILABLE",
          `overloaded (${type} ${Math.round(Number(value))}); retry later`,
        );
      }) as unknown as FastifyUnderPressureOptions["pressureHandler"],
      maxEventLoopDelay: opts.pressure.maxEventLoopDelay,
      maxHeapUsedBytes: opts.pressure.maxHeapUsedBytes,
      maxRssBytes: opts.pressure.maxRssBytes,
      retryAfter: opts.pressure.retryAfter,
      sampleInterval: opts.pressure.sampleInterval,
    });
    await app.register(swagger, {
      openapi: {
        openapi: "3.1.0",
        info: {
          title: "rodent-risk",
          version: opts.version,
          description:
            "Risk that a NYC restaurant's next inspection finds rats or mice. Every prediction says which model " +
            "version answered (body `model.version` and header `x-model-version`).",
        },
        components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
        tags: [
          { name: "predictions", description: "risk of one restaurant, feature rows, the ranked city" },
          { name: "model", description: "what is serving" },
          { name: "health", description: "probes and metrics" },
          { name: "admin", description: "needs RODENT_ADMIN_TOKEN; off without it" },
        ],
      },
    });
    await app.register(swaggerUi, { routePrefix: "/docs", staticCSP: DOCS_CSP });
    app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  },
  { name: "rodent-external" },
);
