import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { ModelVersion, RunRecord } from "../../tracking/index.js";
import { ErrorResponse } from "../schemas/common.js";

// The registered model's versions with their gate decisions, promotions and rollbacks, for the page's Model view
// (issue 8). Read from the registry (listModelVersions + the tags the pipeline sets, see notes/API.md) on each
// request; the tag names are repeated here because serve must not import the pipeline stage.

/** What the history needs from the registry and the tracker; the service passes the configured ones. */
export interface HistorySource {
  modelName: string;
  listVersions(): Promise<ModelVersion[]>;
  getRun(runId: string): Promise<RunRecord>;
  /** The text of a run's artifact (evaluation.json, gate.json); rejects when it does not exist. */
  readArtifact?(runId: string, artifactPath: string): Promise<string>;
}

/** Headline numbers kept per version: the test window's, the baselines' and the oracle's. */
const METRIC =
  /^(test|oracle|baseline_[a-z_]+?)_(auc|pr_auc|ece|brier|n|positives|precision_at_(?:5|10|20)|lift_at_(?:5|10|20)|days_earlier_(?:mean|median|sd|later|first_half_share))$/;

const Version = Type.Object({
  version: Type.String(),
  created_at: Type.String(),
  run_id: Type.String(),
  aliases: Type.Array(Type.String()),
  snapshot: Type.Union([Type.String(), Type.Null()]),
  feature_schema: Type.Union([Type.String(), Type.Null()]),
  gate: Type.Union([Type.String(), Type.Null()], { description: "passed | refused | null (not gated)" }),
  gate_reasons: Type.Array(Type.String()),
  previous_champion: Type.Union([Type.String(), Type.Null()]),
  promoted_at: Type.Union([Type.String(), Type.Null()]),
  rolled_back_at: Type.Union([Type.String(), Type.Null()]),
  metrics: Type.Record(Type.String(), Type.Number()),
});

const Event = Type.Object({
  at: Type.String(),
  kind: Type.Union([
    Type.Literal("registered"),
    Type.Literal("refused"),
    Type.Literal("promoted"),
    Type.Literal("rolled back"),
  ]),
  version: Type.String(),
  detail: Type.String(),
});

const HistoryResponse = Type.Object({
  name: Type.String(),
  aliases: Type.Record(Type.String(), Type.String()),
  versions: Type.Array(Version, { description: "newest first" }),
  events: Type.Array(Event, { description: "registrations, refusals, promotions and rollbacks, newest first" }),
});

function reasonsOf(tag: string | undefined): string[] {
  if (!tag) return [];
  try {
    const v: unknown = JSON.parse(tag);
    return Array.isArray(v) ? v.map(String) : [String(v)];
  } catch {
    return [tag];
  }
}

const uiHistory: FastifyPluginAsyncTypebox<{ source?: HistorySource }> = async (app, opts) => {
  const host = app.modelHost;
  app.get(
    "/model/history",
    {
      schema: {
        summary: "Every registered version: gate decision, promotions, rollbacks, test metrics vs baselines",
        tags: ["model"],
        response: { 200: HistoryResponse, 503: ErrorResponse },
      },
    },
    async () => {
      const src = opts.source;
      const s = host.state;
      // Without a registry handle (an app built in a test), what the host serves is the whole known history.
      const listed: ModelVersion[] = src
        ? await src.listVersions()
        : [s.champion, s.canary]
            .filter((m) => m !== null)
            .map((m) => ({
              name: m.ref.name,
              version: m.ref.version,
              runId: m.ref.runId,
              source: "",
              aliases: [m.ref.alias],
              tags: m.ref.tags,
              description: "",
              createdAt: m.ref.createdAt,
            }));
      const runs = await Promise.all(
        listed.map((v) => (src && v.runId ? src.getRun(v.runId).catch(() => null) : Promise.resolve(null))),
      );
      const aliases: Record<string, string> = {};
      const events: {
        at: string;
        kind: "registered" | "refused" | "promoted" | "rolled back";
        version: string;
        detail: string;
      }[] = [];
      const versions = listed.map((v, i) => {
        for (const a of v.aliases) aliases[a] = v.version;
        const t = v.tags;
        const metrics: Record<string, number> = {};
        for (const [k, x] of Object.entries(runs[i]?.metrics ?? {})) if (METRIC.test(k)) metrics[k] = x;
        const gate = t["rodent.gate"] ?? null;
        const reasons = reasonsOf(t["rodent.gate_reasons"]);
        events.push({
          at: v.createdAt,
          kind: gate === "refused" ? "refused" : "registered",
          version: v.version,
          detail:
            gate === "refused" ? reasons.join("; ") : `trained on ${t["rodent.snapshot_id"] ?? "an unknown snapshot"}`,
        });
        if (t["rodent.promoted_at"]) {
          const prev = t["rodent.previous_champion"];
          events.push({
            at: t["rodent.promoted_at"],
            kind: "promoted",
            version: v.version,
            detail: prev ? `champion, replacing version ${prev}` : "first champion",
          });
        }
        if (t["rodent.rolled_back_at"]) {
          events.push({
            at: t["rodent.rolled_back_at"],
            kind: "rolled back",
            version: v.version,
            detail: "champion rolled back to the previous one",
          });
        }
        return {
          version: v.version,
          created_at: v.createdAt,
          run_id: v.runId,
          aliases: v.aliases,
          snapshot: t["rodent.snapshot_id"] ?? null,
          feature_schema: t["rodent.feature_schema_version"] ?? null,
          gate,
          gate_reasons: reasons,
          previous_champion: t["rodent.previous_champion"] ?? null,
          promoted_at: t["rodent.promoted_at"] ?? null,
          rolled_back_at: t["rodent.rolled_back_at"] ?? null,
          metrics,
        };
      });
      versions.sort((a, b) => Number(b.version) - Number(a.version));
      events.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : Number(b.version) - Number(a.version)));
      return { name: src?.modelName ?? host.opts.modelName, aliases, versions, events };
    },
  );
};
export default uiHistory;
