import { type Static, Type } from "@sinclair/typebox";
import { AnsweredBy, ErrorResponse, Reason, RiskBand } from "./common.js";

export const RiskParams = Type.Object({
  camis: Type.String({ pattern: "^[A-Za-z0-9_-]{1,32}$", description: "DOHMH restaurant id (CAMIS)" }),
});
export type RiskParams = Static<typeof RiskParams>;

export const Restaurant = Type.Object({
  camis: Type.String(),
  name: Type.String(),
  address: Type.String(),
  borough: Type.String(),
  cuisine: Type.String(),
  lat: Type.Union([Type.Number(), Type.Null()]),
  lon: Type.Union([Type.Number(), Type.Null()]),
});

export const RiskResponse = Type.Object({
  restaurant: Restaurant,
  probability: Type.Number({
    description: "calibrated probability that the next inspection finds rodents, strictly between 0 and 1",
  }),
  band: RiskBand,
  top_fraction: Type.Number({
    description: "rank / restaurants in the city: the share at or above this one (rank 1 of 30,922 → 0.0000323)",
  }),
  rank: Type.Integer({
    description:
      "1 = highest risk in the city, by the model's raw score; restaurants with equal raw scores share a rank",
  }),
  of: Type.Integer({ description: "active restaurants in the city (the rank is out of these)" }),
  tied_with: Type.Integer({ description: "other restaurants with exactly the same raw score (usually 0)" }),
  features_date: Type.String({ description: "the date the features describe (as of)" }),
  snapshot: Type.String(),
  model: AnsweredBy,
  reasons: Type.Array(Reason, { description: "the features that raised this score most, in plain words" }),
});
export type RiskResponse = Static<typeof RiskResponse>;

export const riskRouteSchema = {
  summary: "Rodent risk of one restaurant, with its top reasons",
  tags: ["predictions"],
  params: RiskParams,
  response: { 200: RiskResponse, 400: ErrorResponse, 404: ErrorResponse, 503: ErrorResponse },
};
