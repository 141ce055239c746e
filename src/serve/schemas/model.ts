import { Type } from "@sinclair/typebox";
import { ErrorResponse } from "./common.js";

export const ServedModelInfo = Type.Object({
  name: Type.String(),
  version: Type.String(),
  alias: Type.String(),
  role: Type.String(),
  run_id: Type.String(),
  trained_at: Type.Union([Type.String(), Type.Null()]),
  training_snapshot: Type.Union([Type.String(), Type.Null()]),
  calibration: Type.String({ description: "the calibration map: platt, beta, isotonic-interpolated, none, isotonic" }),
  registered_at: Type.String(),
  loaded_at: Type.String(),
  rank_ms: Type.Number({ description: "time to score and rank the whole city at load" }),
  tags: Type.Record(Type.String(), Type.String()),
  metrics: Type.Unknown({ description: "the model's evaluation metrics as stored with it" }),
});

export const ModelResponse = Type.Object({
  champion: ServedModelInfo,
  canary: Type.Union([ServedModelInfo, Type.Null()]),
  canary_share: Type.Number(),
  serving: Type.Object({
    snapshot: Type.String({ description: "id of the snapshot the serving features come from" }),
    snapshot_name: Type.String({ description: "source · newest inspection · when ingested" }),
    snapshot_source: Type.Union([Type.String(), Type.Null()]),
    snapshot_created_at: Type.Union([Type.String(), Type.Null()]),
    data_to: Type.Union([Type.String(), Type.Null()], { description: "the snapshot's newest inspection" }),
    features_date: Type.String(),
    restaurants: Type.Integer(),
    loaded_at: Type.String(),
    poll_seconds: Type.Number({ description: "registry poll interval; 0 = reload only on POST /admin/reload" }),
  }),
  registry: Type.Union(
    [
      Type.Object({
        champion: Type.Union([Type.String(), Type.Null()]),
        canary: Type.Union([Type.String(), Type.Null()]),
        checked_at: Type.String(),
      }),
      Type.Null(),
    ],
    { description: "what the registry's aliases point at now (null when it could not be read)" },
  ),
  notices: Type.Array(
    Type.Object({
      code: Type.Union([
        Type.Literal("snapshot_changed"),
        Type.Literal("training_snapshot_differs"),
        Type.Literal("reload_pending"),
        Type.Literal("registry_unreachable"),
      ]),
      severity: Type.Union([Type.Literal("info"), Type.Literal("warning")]),
      message: Type.String(),
      since: Type.Union([Type.String(), Type.Null()]),
    }),
    { description: "what an operator should know about what is served (the page shows them in a banner)" },
  ),
  feature_schema: Type.Object({
    version: Type.String(),
    features: Type.Array(
      Type.Object({
        name: Type.String(),
        kind: Type.String(),
        group: Type.Optional(Type.String()),
        description: Type.String(),
      }),
    ),
  }),
});

export const modelRouteSchema = {
  summary:
    "The models serving now: versions, aliases, metrics, training snapshot, the serving snapshot, notices, feature schema",
  tags: ["model"],
  response: { 200: ModelResponse, 503: ErrorResponse },
};
