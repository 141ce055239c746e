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
    snapshot: Type.String(),
    features_date: Type.String(),
    restaurants: Type.Integer(),
  }),
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
  summary: "The models serving now: versions, aliases, metrics, training snapshot, feature schema",
  tags: ["model"],
  response: { 200: ModelResponse, 503: ErrorResponse },
};
