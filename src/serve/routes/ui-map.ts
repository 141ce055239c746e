import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { BOROUGHS } from "../../data/records.js";
import { bandOf, countAbove, RISK_BANDS } from "../bands.js";
import { AnsweredBy, ErrorResponse } from "../schemas/common.js";
import { answeredBy, readyState } from "./answer.js";

// Every active restaurant with its place and the champion's risk, for the page's map (issue 8). Columnar
// (one array per field, highest risk first) so 27 000 restaurants stay a small document; a script gets the
// same thing as the page.

const BAND_NAMES = RISK_BANDS.map((b) => b.band);

const MapResponse = Type.Object({
  features_date: Type.String(),
  snapshot: Type.String(),
  model: AnsweredBy,
  n: Type.Integer({ description: "active restaurants (rows in every array)" }),
  boroughs: Type.Array(Type.String(), { description: "names that `borough` indexes" }),
  bands: Type.Array(Type.String(), { description: "names that `band` indexes" }),
  camis: Type.Array(Type.String()),
  name: Type.Array(Type.String()),
  borough: Type.Array(Type.Integer()),
  lat: Type.Array(Type.Union([Type.Number(), Type.Null()])),
  lon: Type.Array(Type.Union([Type.Number(), Type.Null()])),
  probability: Type.Array(Type.Number(), { description: "calibrated; the arrays are in raw-score order" }),
  band: Type.Array(Type.Integer()),
});

const uiMap: FastifyPluginAsyncTypebox = async (app) => {
  const host = app.modelHost;
  app.get(
    "/restaurants",
    {
      schema: {
        summary: "Every active restaurant with its location and risk (columnar, highest risk first), for maps",
        tags: ["predictions"],
        response: { 200: MapResponse, 503: ErrorResponse },
      },
    },
    async (_req, reply) => {
      const s = readyState(host.state, reply);
      const m = s.champion;
      const set = s.city.set;
      const n = m.order.length;
      const out = {
        features_date: set.asOf,
        snapshot: s.city.id,
        model: answeredBy(reply, m),
        n,
        boroughs: [...BOROUGHS],
        bands: BAND_NAMES,
        camis: new Array<string>(n),
        name: new Array<string>(n),
        borough: new Array<number>(n),
        lat: new Array<number | null>(n),
        lon: new Array<number | null>(n),
        probability: new Array<number>(n),
        band: new Array<number>(n),
      };
      for (let r = 0; r < n; r++) {
        const i = m.order[r];
        const p = m.scores[i];
        out.camis[r] = set.camis[i];
        out.name[r] = set.name[i];
        out.borough[r] = set.borough[i];
        // Five decimals of a degree is about a metre: enough for a map, a third of the bytes.
        out.lat[r] = Number.isNaN(set.lat[i]) ? null : Math.round(set.lat[i] * 1e5) / 1e5;
        out.lon[r] = Number.isNaN(set.lon[i]) ? null : Math.round(set.lon[i] * 1e5) / 1e5;
        out.probability[r] = p;
        out.band[r] = BAND_NAMES.indexOf(bandOf((countAbove(m.ascending, m.margins[i]) + 1) / n));
      }
      return out;
    },
  );
};
export default uiMap;
