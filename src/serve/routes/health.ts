import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { liveRouteSchema, readyRouteSchema } from "../schemas/health.js";

// Probes and /metrics are exempt from overload shedding: a busy pod must not look dead to its kubelet.
const exempt = { pressureHandler: () => undefined };

const health: FastifyPluginAsyncTypebox = async (app) => {
  const host = app.modelHost;
  app.get("/health/live", { schema: liveRouteSchema, config: exempt }, async () => ({ status: "ok" as const }));
  app.get("/health/ready", { schema: readyRouteSchema, config: exempt }, async (_req, reply) => {
    const s = host.state;
    const ready = host.ready && !app.lifecycle.draining;
    if (!ready) reply.status(503).header("retry-after", "5");
    return {
      status: ready ? ("ready" as const) : ("not-ready" as const),
      champion: s.champion?.ref.version ?? null,
      canary: s.canary?.ref.version ?? null,
      snapshot: s.city?.id ?? null,
      generation: s.generation,
    };
  });
  app.get("/metrics", { schema: { hide: true }, config: exempt }, async (_req, reply) => {
    reply.header("content-type", app.metrics.registry.contentType);
    return app.metrics.text();
  });
};
export default health;
