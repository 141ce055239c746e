import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { RegistryView } from "../model-host.js";
import { servingNotices, trainingSnapshotOf } from "../notices.js";
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
    training_snapshot: trainingSnapshotOf(m),
    calibration: m.model.calibration.kind,
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
    // What the registry says now, to tell a reader that a promotion or rollback has not reached this service yet.
    let registry: RegistryView | null = null;
    let registryError: string | undefined;
    try {
      registry = await host.registryView();
    } catch (e) {
      registryError = (e as Error).message;
    }
    const notices = servingNotices({
      state: s,
      registry,
      registryError,
      pollSeconds: host.pollSeconds,
      lastRefresh: host.lastRefresh?.report ?? null,
      now: Date.now(),
    });
    // Load the moved alias now rather than at the next poll (fixes "champion v2 for 30–60 s after a rollback").
    if (notices.some((n) => n.code === "reload_pending")) host.refreshSoon();
    reply.header("x-model-version", s.champion.ref.version);
    const snap = s.city.snapshot;
    return {
      champion: info(s.champion),
      canary: s.canary ? info(s.canary) : null,
      canary_share: s.canaryShare,
      serving: {
        snapshot: s.city.id,
        snapshot_name: snap.name,
        snapshot_source: snap.source,
        snapshot_created_at: snap.createdAt,
        data_to: snap.dataTo,
        features_date: s.city.set.asOf,
        restaurants: s.city.set.table.n,
        loaded_at: s.city.loadedAt,
        poll_seconds: host.pollSeconds,
      },
      registry: registry && { champion: registry.champion, canary: registry.canary, checked_at: registry.checkedAt },
      notices,
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
