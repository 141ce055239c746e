import { type Static, Type } from "@sinclair/typebox";
import { AnsweredBy, ErrorResponse, factsFields } from "./common.js";

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
  ...factsFields,
  rank: Type.Integer({ description: "the city rank (same as city_rank)" }),
  features_date: Type.String({ description: "the date the features describe (as of)" }),
  snapshot: Type.String(),
  model: AnsweredBy,
});
export type RiskResponse = Static<typeof RiskResponse>;

export const riskRouteSchema = {
  summary: "Rodent risk of one restaurant, with its top reasons",
  tags: ["predictions"],
  params: RiskParams,
  response: { 200: RiskResponse, 400: ErrorResponse, 404: ErrorResponse, 503: ErrorResponse },
};
