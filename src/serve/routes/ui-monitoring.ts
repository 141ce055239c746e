import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { ObjectStore } from "../../data/object-store.js";
import type { ReferenceProfile } from "../../features/profile.js";
import { computeDrift, type DriftReport, OUTCOMES_KEY, windowFromColumns } from "../../monitor/index.js";
import { ErrorResponse } from "../schemas/common.js";
import { readyState } from "./answer.js";

// GET /v1/monitoring, read-only, for the page's Health view (issue 8) and `rodent monitor drift|check --url`:
// - drift: the live window of rows the champion scored (the monitoring plugin's reservoir, `app.liveWindow`)
//   against the reference profile stored with the model at training time;
// - serving_drift: every active restaurant's features now against the same profile (no traffic needed);
// - outcomes: the latest realised-performance report `rodent monitor outcomes` left in the store.

const MonitoringResponse = Type.Object({
  model: Type.Object({ version: Type.String(), has_reference_profile: Type.Boolean() }),
  window: Type.Object({
    since: Type.Union([Type.String(), Type.Null()]),
    scored: Type.Integer({ description: "rows the champion scored since it loaded (rankings excluded)" }),
    sampled: Type.Integer({ description: "rows kept in the live window's sample" }),
  }),
  drift: Type.Union([Type.Unknown({ description: "DriftReport of the live window (src/monitor)" }), Type.Null()]),
  serving_drift: Type.Union([
    Type.Unknown({ description: "DriftReport of every active restaurant's features now" }),
    Type.Null(),
  ]),
  outcomes: Type.Union([
    Type.Unknown({
      description: "OutcomeReport of `rodent monitor outcomes` (realised AUC, precision, lift per week)",
    }),
    Type.Null(),
  ]),
});

function profileOf(meta: Record<string, unknown>): ReferenceProfile | null {
  const p = meta.reference_profile as ReferenceProfile | undefined;
  return p && Array.isArray(p.columns) && p.score ? p : null;
}

export default async function uiMonitoring(app: FastifyInstance, opts: { store?: ObjectStore }) {
  const host = app.modelHost;
  // The serving table changes only with a new snapshot or champion: its drift is computed once per pair.
  let servingCache: { key: string; report: DriftReport } | null = null;

  app.get(
    "/monitoring",
    {
      schema: {
        summary: "Drift of the scored rows and of the serving table against the model's training profile; outcomes",
        tags: ["model"],
        response: { 200: MonitoringResponse, 503: ErrorResponse },
      },
    },
    async (req, reply) => {
      const s = readyState(host.state, reply);
      const m = s.champion;
      const profile = profileOf(m.model.meta);
      const live = app.hasDecorator("liveWindow") ? app.liveWindow : null;
      const w = live?.current();
      const current = w && w.version === m.ref.version ? w : null;
      let serving: DriftReport | null = null;
      if (profile) {
        const key = `${m.ref.version}|${s.city.id}`;
        if (servingCache?.key !== key) {
          const t = s.city.set.table;
          const rows = windowFromColumns(m.model.schema, profile, (j) => t.columns[j], t.n, m.scores);
          servingCache = { key, report: computeDrift(profile, rows) };
        }
        serving = servingCache.report;
      }
      let outcomes: unknown = null;
      if (opts.store) {
        try {
          if (await opts.store.exists(OUTCOMES_KEY))
            outcomes = JSON.parse((await opts.store.get(OUTCOMES_KEY)).toString("utf8"));
        } catch (e) {
          req.log.warn({ err: e }, "could not read the realised-performance report");
        }
      }
      return {
        model: { version: m.ref.version, has_reference_profile: profile !== null },
        window: {
          since: current?.since ?? null,
          scored: current?.sample.total ?? 0,
          sampled: current?.sample.size ?? 0,
        },
        drift: live?.drift() ?? null,
        serving_drift: serving,
        outcomes,
      };
    },
  );
}
