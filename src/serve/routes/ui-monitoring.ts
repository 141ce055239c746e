import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { ReferenceProfile } from "../../features/profile.js";
import { computeDrift, type DriftReport, LiveSample, windowFromColumns } from "../../monitor/index.js";
import type { ScoredEvent } from "../model-host.js";
import { ErrorResponse } from "../schemas/common.js";
import { readyState } from "./answer.js";

// A minimal GET /v1/monitoring for the page's Health view (issue 8), from what the service itself knows:
// drift of the rows the champion scored since it loaded (a bounded reservoir sample, src/monitor's LiveSample)
// and of the whole serving table, each against the reference profile stored with the model at training time.
// Realised performance needs later inspections: `rodent monitor outcomes` computes it, the service does not.

const SAMPLE = 5000;

interface Window {
  version: string;
  sample: LiveSample;
  since: string;
}

const MonitoringResponse = Type.Object({
  model: Type.Object({ version: Type.String(), has_reference_profile: Type.Boolean() }),
  window: Type.Object({
    since: Type.String(),
    scored: Type.Integer({ description: "rows the champion scored since it loaded" }),
    sampled: Type.Integer({ description: `rows kept in the sample (at most ${SAMPLE})` }),
  }),
  drift: Type.Union([Type.Unknown({ description: "DriftReport of the scored rows (src/monitor)" }), Type.Null()]),
  serving_drift: Type.Union([
    Type.Unknown({ description: "DriftReport of every active restaurant's features now" }),
    Type.Null(),
  ]),
  outcomes: Type.Null({ description: "realised performance: computed by `rodent monitor outcomes`, not here" }),
});

function profileOf(meta: Record<string, unknown>): ReferenceProfile | null {
  const p = meta.reference_profile as ReferenceProfile | undefined;
  return p && Array.isArray(p.columns) && p.score ? p : null;
}

export default async function uiMonitoring(app: FastifyInstance) {
  const host = app.modelHost;
  let win: Window | null = null;
  const onScored = (e: ScoredEvent) => {
    if (e.role !== "champion") return;
    const width = e.table.columns.length;
    if (!win || win.version !== e.version || win.sample.width !== width) {
      win = { version: e.version, sample: new LiveSample(width, SAMPLE), since: new Date(e.at).toISOString() };
    }
    const row = new Float32Array(width);
    const count = e.rows ? e.rows.length : e.table.n;
    for (let k = 0; k < count; k++) {
      const i = e.rows ? e.rows[k] : k;
      for (let j = 0; j < width; j++) row[j] = e.table.columns[j][i];
      win.sample.add(row, Number(e.scores[k]));
    }
  };
  const off = host.onScored(onScored);
  app.addHook("onClose", async () => off());

  // The serving table changes only with a new snapshot or champion: compute its drift once per pair.
  let servingCache: { key: string; report: DriftReport } | null = null;

  app.get(
    "/monitoring",
    {
      schema: {
        summary: "Drift of the scored rows and of the serving table against the model's training profile",
        tags: ["model"],
        response: { 200: MonitoringResponse, 503: ErrorResponse },
      },
    },
    async (_req, reply) => {
      const s = readyState(host.state, reply);
      const m = s.champion;
      const profile = profileOf(m.model.meta);
      const w: Window | null = win && (win as Window).version === m.ref.version ? win : null;
      let drift: DriftReport | null = null;
      let serving: DriftReport | null = null;
      if (profile) {
        const schema = m.model.schema;
        if (w && w.sample.size > 0) drift = computeDrift(profile, w.sample.toWindow(schema, profile));
        const key = `${m.ref.version}|${s.city.id}`;
        if (servingCache?.key !== key) {
          const t = s.city.set.table;
          const live = windowFromColumns(schema, profile, (j) => t.columns[j], t.n, m.scores);
          servingCache = { key, report: computeDrift(profile, live) };
        }
        serving = servingCache.report;
      }
      return {
        model: { version: m.ref.version, has_reference_profile: profile !== null },
        window: { since: w?.since ?? m.loadedAt, scored: w?.sample.total ?? 0, sampled: w?.sample.size ?? 0 },
        drift,
        serving_drift: serving,
        outcomes: null,
      };
    },
  );
}
