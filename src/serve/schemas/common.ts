import { type Static, Type } from "@sinclair/typebox";

/** Every error the service sends: a stable code to branch on, the field at fault, and what to do. */
export const ErrorResponse = Type.Object(
  {
    statusCode: Type.Integer(),
    code: Type.String({ description: "RODENT_ERR_* (see docs/errors.md)" }),
    error: Type.String(),
    message: Type.String(),
    field: Type.Optional(Type.String({ description: "where the problem is, e.g. body/rows/3/rats_30d_010" })),
    missing: Type.Optional(Type.Array(Type.String(), { description: "features missing from the row" })),
    extra: Type.Optional(Type.Array(Type.String(), { description: "unknown features in the row" })),
    hint: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
  },
  { $id: "ErrorResponse" },
);
export type ErrorResponse = Static<typeof ErrorResponse>;

export const Role = Type.Union([Type.Literal("champion"), Type.Literal("canary")]);

/** Which model answered; also sent as the x-model-version header. */
export const AnsweredBy = Type.Object({
  version: Type.String(),
  role: Role,
  alias: Type.String(),
});

export const RiskBand = Type.Union(
  [Type.Literal("high"), Type.Literal("elevated"), Type.Literal("moderate"), Type.Literal("low")],
  { description: "by rank in the city: high = top 5%, elevated = top 5–20%, moderate = 20–50%, low = the rest" },
);

export const Reason = Type.Object({
  feature: Type.String(),
  value: Type.Union([Type.Number(), Type.Null()]),
  contribution: Type.Number({ description: "contribution to the log-odds of this prediction" }),
  text: Type.String(),
  percentile: Type.Union([Type.Number(), Type.Null()], {
    description: "share of active restaurants with a strictly lower value of this feature (0–1)",
  }),
  relative: Type.Union([Type.String(), Type.Null()], {
    description: 'where this value stands among active restaurants, e.g. "higher than 98% of active restaurants"',
  }),
});

export const Visit = Type.Object({
  date: Type.String(),
  type: Type.String({ description: "DOHMH inspection type, e.g. Cycle Inspection / Initial Inspection" }),
  score: Type.Union([Type.Number(), Type.Null()]),
  grade: Type.Union([Type.String(), Type.Null()]),
  rodent: Type.Boolean({ description: "rats or mice found (violation 04K or 04L)" }),
  closed: Type.Boolean(),
  result: Type.String({ description: "plain words" }),
});

export const InspectionContext = Type.Object({
  last_date: Type.Union([Type.String(), Type.Null()], {
    description: "the last inspection (any type) before the features date",
  }),
  last_type: Type.Union([Type.String(), Type.Null()]),
  last_result: Type.Union([Type.String(), Type.Null()]),
  days_since: Type.Union([Type.Integer(), Type.Null()], {
    description: "days from the last inspection to the features date",
  }),
  next: Type.Union([Type.String(), Type.Null()], {
    description: "the kind of inspection due next under the city's rules",
  }),
  reinspection_due: Type.Boolean({
    description: "a re-inspection (initial inspection scored 14 or more) or a reopening inspection is pending",
  }),
  due_reason: Type.Union([Type.String(), Type.Null()]),
  history: Type.Array(Visit, { description: "the last inspections, newest first (at most 5)" }),
});

/** The fields of restaurantFacts (restaurant-facts.ts), shared by a ranking row and a risk card. */
export const factsFields = {
  probability: Type.Number({
    description: "calibrated probability that the next inspection finds rodents, strictly between 0 and 1",
  }),
  band: RiskBand,
  top_fraction: Type.Number({
    description: "city rank / restaurants in the city: the share at or above this one (rank 1 of 30,922 → 0.0000323)",
  }),
  city_rank: Type.Integer({
    description: "1 = highest risk in the city, by the model's raw score; equal raw scores share a rank",
  }),
  of: Type.Integer({ description: "active restaurants in the city (the city rank is out of these)" }),
  tied_with: Type.Integer({ description: "other restaurants with exactly the same raw score (usually 0)" }),
  inspection: InspectionContext,
  reasons: Type.Array(Reason, {
    description: "the features that raised this score most, in plain words, the rarest among restaurants first",
  }),
};

export const errorResponses = {
  400: ErrorResponse,
  404: ErrorResponse,
  413: ErrorResponse,
  503: ErrorResponse,
} as const;
