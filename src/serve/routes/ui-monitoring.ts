import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { ObjectStore } from "../../data/object-store.js";
import { readProfile } from "../../features/profile.js";
import { objectStoreTriggerState } from "../../monitor/index.js";
import { ErrorResponse } from "../schemas/common.js";
import { readyState } from "./answer.js";

// GET /v1/monitoring, read-only, for the page's Health view and `rodent monitor drift|check --url`
// (docs/monitoring.md). The monitoring window of the served (champion, snapshot) — the population as of the serving
// data date against 52 weeks earlier, the 311 stream per borough, realised performance — with one verdict; the
// request sample (shown, never judged); the latest outcomes report; the trigger's acknowledged signals.

const MonitoringResponse = Type.Object({
  model: Type.Object({
    version: Type.String(),
    has_reference_profile: Type.Boolean(),
    reference: Type.Union([
      Type.Object({ basis: Type.String(), as_of: Type.Union([Type.String(), Type.Null()]) }),
      Type.Null(),
    ]),
  }),
  snapshot: Type.String(),
  data_date: Type.String({ description: "the window covers data before this day (the serving features' date)" }),
  week: Type.String({ description: "Monday of the data date's week: the trigger's window" }),
  verdict: Type.Object({
    level: Type.Union([Type.Literal("ok"), Type.Literal("watch"), Type.Literal("act")]),
    reasons: Type.Array(Type.String()),
  }),
  signals: Type.Array(Type.Object({ key: Type.String(), kind: Type.String(), label: Type.String() })),
  population: Type.Union([
    Type.Unknown({ description: "DriftReport: every active restaurant now vs the reference" }),
    Type.Null(),
  ]),
  stream: Type.Union([
    Type.Unknown({ description: "StreamReport: 311 sightings per borough vs a year before" }),
    Type.Null(),
  ]),
  performance: Type.Union([Type.Object({ drop: Type.Boolean(), reasons: Type.Array(Type.String()) }), Type.Null()]),
  serving_drift: Type.Union([Type.Unknown({ description: "the same as `population` (earlier name)" }), Type.Null()]),
  requests: Type.Object({
    since: Type.Union([Type.String(), Type.Null()]),
    scored: Type.Integer({ description: "rows the champion scored for requests since it loaded (rankings excluded)" }),
    sampled: Type.Integer({ description: "rows kept in the request sample" }),
  }),
  window: Type.Object({
    since: Type.Union([Type.String(), Type.Null()]),
    scored: Type.Integer(),
    sampled: Type.Integer(),
  }),
  drift: Type.Union([
    Type.Unknown({ description: "the request sample against the model's profile: described, never judged" }),
    Type.Null(),
  ]),
  outcomes: Type.Union([
    Type.Unknown({
      description: "OutcomeReport of `rodent monitor outcomes` (realised AUC, precision, lift per week)",
    }),
    Type.Null(),
  ]),
  trigger: Type.Union([
    Type.Object({
      acknowledged: Type.Array(Type.String()),
      last_start: Type.Union([Type.String(), Type.Null()]),
      windows: Type.Array(Type.Unknown()),
    }),
    Type.Null(),
  ]),
  computed_at: Type.String(),
});

export default async function uiMonitoring(app: FastifyInstance, opts: { store?: ObjectStore }) {
  const host = app.modelHost;
  app.get(
    "/monitoring",
    {
      schema: {
        summary: "The monitoring window of the served champion and snapshot: population, 311 stream, outcomes, verdict",
        tags: ["model"],
        response: { 200: MonitoringResponse, 503: ErrorResponse },
      },
    },
    async (req, reply) => {
      const s = readyState(host.state, reply);
      const m = s.champion;
      const profile = readProfile(m.model.meta);
      const pop = app.hasDecorator("population") ? await app.population.get() : null;
      const live = app.hasDecorator("liveWindow") ? app.liveWindow : null;
      const w = live?.current();
      const current = w && w.version === m.ref.version ? w : null;
      const requests = {
        since: current?.since ?? null,
        scored: current?.sample.total ?? 0,
        sampled: current?.sample.size ?? 0,
      };
      let trigger: {
        acknowledged: string[];
        last_start: string | null;
        windows: unknown[];
      } | null = null;
      if (opts.store) {
        try {
          const t = await objectStoreTriggerState(opts.store).load();
          if (t)
            trigger = {
              acknowledged: Object.keys(t.acknowledged),
              last_start: t.lastStart,
              windows: t.windows.slice(-8),
            };
        } catch (e) {
          req.log.warn({ err: e }, "could not read the trigger state");
        }
      }
      const win = pop?.window;
      return {
        model: {
          version: m.ref.version,
          has_reference_profile: profile !== null,
          reference: profile ? { basis: profile.basis, as_of: profile.asOf } : null,
        },
        snapshot: s.city.id,
        data_date: win?.data_date ?? s.city.set.asOf,
        week: win?.week ?? "",
        verdict: win?.verdict ?? { level: "watch" as const, reasons: ["the monitoring window is not computed yet"] },
        signals: win?.signals ?? [],
        population: win?.population ?? null,
        stream: win?.stream ?? null,
        performance: win?.performance ?? null,
        serving_drift: win?.population ?? null,
        requests,
        window: requests,
        drift: live?.drift() ?? null,
        outcomes: app.hasDecorator("outcomes") ? app.outcomes.latest() : null,
        trigger,
        computed_at: pop?.computedAt ?? new Date().toISOString(),
      };
    },
  );
}
