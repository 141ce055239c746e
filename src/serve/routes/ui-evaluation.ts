import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { RodentError } from "../../errors.js";
import { ErrorResponse } from "../schemas/common.js";
import { readyState } from "./answer.js";
import type { HistorySource } from "./ui-history.js";

// What an operator checks before trusting a served model (issue 15 §4): the gate's checks with their bounds and
// values, calibration on the test window (ECE, Brier, reliability bins), per-borough results with their positives,
// and the business measure (days earlier). Read from the version's run artifacts the pipeline writes
// (evaluation.json by the train step, gate.json by the evaluate step); artifacts never change, so each run's answer
// is kept in memory once read.

const Num = Type.Union([Type.Number(), Type.Null()]);
const Slice = Type.Object({
  n: Type.Integer(),
  positives: Type.Integer(),
  auc: Num,
  ece: Num,
  brier: Num,
  lift_at_10: Num,
});
const EvaluationResponse = Type.Object({
  version: Type.String(),
  run_id: Type.String(),
  window: Type.Union([
    Type.Object({ from: Type.Union([Type.String(), Type.Null()]), to: Type.Union([Type.String(), Type.Null()]) }),
    Type.Null(),
  ]),
  test: Type.Union([
    Type.Object({
      ...Slice.properties,
      precision_at_10: Num,
      reliability: Type.Array(
        Type.Object({ lo: Type.Number(), hi: Type.Number(), n: Type.Integer(), mean_score: Num, positive_rate: Num }),
      ),
      by_borough: Type.Record(Type.String(), Slice),
      days_earlier: Type.Record(Type.String(), Num),
    }),
    Type.Null(),
  ]),
  gate: Type.Union([
    Type.Object({
      passed: Type.Boolean(),
      against: Type.Union([Type.String(), Type.Null()]),
      checks: Type.Array(
        Type.Object({
          name: Type.String(),
          scope: Type.String(),
          metric: Type.String(),
          candidate: Num,
          comparison: Type.String(),
          threshold: Num,
          champion: Num,
          passed: Type.Boolean(),
        }),
      ),
      skipped: Type.Array(Type.String()),
    }),
    Type.Null(),
  ]),
});

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === "object" ? (v as Json) : {});
const n = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const int = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? Math.round(v) : 0);

function slice(m: Json) {
  return {
    n: int(m.n),
    positives: int(m.positives),
    auc: n(m.auc),
    ece: n(m.ece),
    brier: n(m.brier),
    lift_at_10: n(obj(m.lift_at)["10"]),
  };
}

/** The parts of evaluation.json and gate.json the page shows; anything missing is null, never invented. */
export function evaluationOf(version: string, runId: string, evaluation: Json | null, gate: Json | null) {
  const test = evaluation ? obj(evaluation.test) : null;
  const win = evaluation ? obj(obj(evaluation.windows).test) : null;
  const g = gate ? obj(gate.gate) : null;
  return {
    version,
    run_id: runId,
    window: win
      ? { from: typeof win.from === "string" ? win.from : null, to: typeof win.to === "string" ? win.to : null }
      : null,
    test: test
      ? {
          ...slice(test),
          precision_at_10: n(obj(test.precision_at)["10"]),
          reliability: (Array.isArray(test.reliability) ? test.reliability : []).map((b) => {
            const x = obj(b);
            return {
              lo: n(x.lo) ?? 0,
              hi: n(x.hi) ?? 0,
              n: int(x.n),
              mean_score: n(x.mean_score),
              positive_rate: n(x.positive_rate),
            };
          }),
          by_borough: Object.fromEntries(Object.entries(obj(test.by_borough)).map(([b, m]) => [b, slice(obj(m))])),
          days_earlier: Object.fromEntries(Object.entries(obj(test.days_earlier)).map(([k, v]) => [k, n(v)])),
        }
      : null,
    gate: g
      ? {
          passed: g.passed === true,
          against: gate?.champion ? `version ${String(obj(gate.champion).version ?? "?")}` : null,
          checks: (Array.isArray(g.checks) ? g.checks : []).map((c) => {
            const x = obj(c);
            return {
              name: String(x.name ?? ""),
              scope: String(x.scope ?? "overall"),
              metric: String(x.metric ?? ""),
              candidate: n(x.candidate),
              comparison: x.comparison === "<=" ? "<=" : ">=",
              threshold: n(x.threshold),
              champion: n(x.champion),
              passed: x.passed === true,
            };
          }),
          skipped: (Array.isArray(g.skipped) ? g.skipped : []).map(String),
        }
      : null,
  };
}

const uiEvaluation: FastifyPluginAsyncTypebox<{ source?: HistorySource }> = async (app, opts) => {
  const host = app.modelHost;
  const cache = new Map<string, ReturnType<typeof evaluationOf>>();
  app.get(
    "/model/evaluation",
    {
      schema: {
        summary: "The served champion's (or ?version=) gate checks, calibration, per-borough metrics, days earlier",
        tags: ["model"],
        querystring: Type.Object({
          version: Type.Optional(
            Type.String({ pattern: "^[0-9]{1,9}$", description: "model version (default: the champion served)" }),
          ),
        }),
        response: { 200: EvaluationResponse, 400: ErrorResponse, 404: ErrorResponse, 503: ErrorResponse },
      },
    },
    async (req, reply) => {
      const s = readyState(host.state, reply);
      const src = opts.source;
      const version = req.query.version ?? s.champion.ref.version;
      let runId = [s.champion, s.canary].find((m) => m?.ref.version === version)?.ref.runId;
      if (!runId && src) runId = (await src.listVersions()).find((v) => v.version === version)?.runId;
      if (!runId || !src?.readArtifact) {
        throw new RodentError(
          "RODENT_ERR_NOT_FOUND",
          `query/version: no run artifacts for version ${version} (this service has no registry to read them from)`,
          { field: "query/version" },
        );
      }
      const hit = cache.get(runId);
      if (hit) return hit;
      const read = async (p: string): Promise<Json | null> => {
        try {
          return obj(JSON.parse(await (src.readArtifact as NonNullable<HistorySource["readArtifact"]>)(runId, p)));
        } catch {
          return null; // not written (an older run, or a model registered by hand)
        }
      };
      const [evaluation, gate] = await Promise.all([read("evaluation.json"), read("gate.json")]);
      const out = evaluationOf(version, runId, evaluation, gate);
      if (evaluation || gate) cache.set(runId, out);
      return out;
    },
  );
};
export default uiEvaluation;
