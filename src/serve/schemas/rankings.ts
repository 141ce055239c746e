import { type Static, Type } from "@sinclair/typebox";
import { BOROUGHS } from "../../data/records.js";
import { AnsweredBy, ErrorResponse, factsFields } from "./common.js";
import { Restaurant } from "./risk.js";

export const MAX_K = 500;
export const DEFAULT_K = 20;

/** Borough names as written in BOROUGHS, lower case, or slugs ("staten-island"). */
export const BOROUGH_VALUES = [
  ...new Set(BOROUGHS.flatMap((b) => [b, b.toLowerCase(), b.toLowerCase().replace(/ /g, "-")])),
];

export function boroughIndex(value: string): number {
  const v = value.toLowerCase().replace(/-/g, " ");
  return BOROUGHS.findIndex((b) => b.toLowerCase() === v);
}

export const RankingsQuery = Type.Object({
  borough: Type.Optional(Type.Union(BOROUGH_VALUES.map((b) => Type.Literal(b)))),
  // Optional with a default (Ajv fills it in), so the OpenAPI document does not list it as required.
  k: Type.Optional(
    Type.Integer({ minimum: 1, maximum: MAX_K, default: DEFAULT_K, description: `how many restaurants (1–${MAX_K})` }),
  ),
  not_inspected_days: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 3650,
      description: "leave out restaurants inspected in the last N days before the features date (0–3650)",
    }),
  ),
  not_due: Type.Optional(
    Type.Boolean({ description: "true: leave out restaurants with a re-inspection or reopening already due" }),
  ),
});
export type RankingsQuery = Static<typeof RankingsQuery>;

export const RankedRestaurant = Type.Object({
  rank: Type.Integer({
    description:
      "rank in this list (city or borough) by the model's raw score; equal raw scores share a rank; filters skip rows without renumbering",
  }),
  restaurant: Restaurant,
  ...factsFields,
});

export const RankingsResponse = Type.Object({
  borough: Type.Union([Type.String(), Type.Null()]),
  k: Type.Integer(),
  total: Type.Integer({ description: "active restaurants in the list (city or borough)" }),
  matching: Type.Integer({ description: "restaurants in the list that pass the filters (total when none)" }),
  filters: Type.Object({
    not_inspected_days: Type.Union([Type.Integer(), Type.Null()]),
    not_due: Type.Boolean(),
  }),
  features_date: Type.String(),
  snapshot: Type.String(),
  model: AnsweredBy,
  items: Type.Array(RankedRestaurant),
});
export type RankingsResponse = Static<typeof RankingsResponse>;

export const rankingsRouteSchema = {
  summary: "The top-k restaurants to inspect next (the champion's ranking)",
  tags: ["predictions"],
  querystring: RankingsQuery,
  response: { 200: RankingsResponse, 400: ErrorResponse, 503: ErrorResponse },
};
