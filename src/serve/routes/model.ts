import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { modelRouteSchema } from "../schemas/model.js";
import type { ServedModel } from "../served-model.js";
import { readyState } from "./answer.js";

function info(m: ServedModel) {
  const meta = m.model.meta;
  return {
    name: m.ref.name,
    version: m.ref.version,
    alias: m.ref.alias,
    role: m.role,
    run_id: m.ref.runId,
    trained_at: typeof meta.createdAt === "string" ? meta.createdAt : null,
    training_snapshot: meta.trainingSnapshot ?? m.ref.tags["rodent.snapshot_id"] ?? null,
    registered_at: m.ref.createdAt,
    loaded_at: m.loadedAt,
    rank_ms: m.rankMs,
    tags: m.ref.tags,
    metrics: meta.metrics ?? null,
  };
}

const model: FastifyPluginAsyncTypebox = async (app) => {
  const host = app.modelHost;
  app.get("/model", { schema: modelRouteSchema }, async (_req, reply) => {
    const s = readyState(host.state, reply);
    const schema = s.champion.model.schema;
    reply.header("x-model-version", s.champion.ref.version);
    return {
      champion: info(s.champion),
      canary: s.canary ? info(s.canary) : null,
      canary_share: s.canaryShare,
      serving: { snapshot: s.city.id, features_date: s.city.set.asOf, restaurants: s.city.set.table.n },
      feature_schema: {
        version: schema.version,
        features: schema.features.map((f) => ({
          name: f.name,
          kind: f.kind,
          ...(f.group ? { group: f.group } : {}),
          description: f.description,
        })),
      },
    };
  });
};
export default model;
