import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import underPressure from "@fastify/under-pressure";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

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

export const DEFAULT_PRESSURE: PressureLimits = { maxEventLoopDelay: 1000, retryAfter: 5 };

/** Third-party plugins: overload shedding, then the OpenAPI document and its UI (assets bundled, no CDN). */
export default fp(
  async function external(app: FastifyInstance, opts: { pressure: PressureLimits; version: string }) {
    await app.register(underPressure, {
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
    await app.register(swaggerUi, { routePrefix: "/docs", staticCSP: true });
    app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  },
  { name: "rodent-external" },
);
