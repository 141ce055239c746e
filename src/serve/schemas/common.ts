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
});

export const errorResponses = {
  400: ErrorResponse,
  404: ErrorResponse,
  413: ErrorResponse,
  503: ErrorResponse,
} as const;
