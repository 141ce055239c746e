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
  probability: Type.Number({ description: "calibrated probability that the next inspection finds rodents" }),
  band: RiskBand,
  top_fraction: Type.Number({ description: "share of the city's active restaurants with a higher score" }),
  rank: Type.Integer({ description: "1 = highest risk in the city" }),
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
