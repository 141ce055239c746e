import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { bandOf, countAbove } from "../bands.js";
import { boroughIndex, DEFAULT_K, rankingsRouteSchema } from "../schemas/rankings.js";
import { reasonsFor } from "../served-model.js";
import { answeredBy, readyState, restaurantOf } from "./answer.js";

// The city is scored, sorted by raw score and split by borough when a model is loaded, so a ranking is a slice of a
// precomputed index: no model work on the request path (reasons of the top rows are warmed at load). `rank` is the
// rank in the list asked for (city or borough), a competition rank: restaurants with equal raw scores share it.
const rankings: FastifyPluginAsyncTypebox = async (app) => {
  const host = app.modelHost;
  app.get("/rankings", { schema: rankingsRouteSchema }, async (req, reply) => {
    const s = readyState(host.state, reply);
    const m = s.champion;
    const b = req.query.borough === undefined ? -1 : boroughIndex(req.query.borough);
    const list = b < 0 ? m.order : m.byBorough[b];
    // The validator filled the default and checked 1..MAX_K on a finite integer (plugins/validation.ts).
    const k = Math.min(req.query.k ?? DEFAULT_K, list.length);
    const items = new Array(k);
    const scratch = new Float32Array(s.city.set.table.columns.length);
    const n = m.margins.length;
    let rank = 1;
    for (let r = 0; r < k; r++) {
      const i = list[r];
      if (r > 0 && m.margins[i] !== m.margins[list[r - 1]]) rank = r + 1;
      const cityRank = countAbove(m.ascending, m.margins[i]) + 1;
      items[r] = {
        rank,
        city_rank: cityRank,
        restaurant: restaurantOf(s.city, i),
        probability: m.scores[i],
        band: bandOf(cityRank / n),
        reasons: reasonsFor(m, s.city, i, scratch),
      };
    }
    if (host.hasScoredListeners && k > 0) {
      const rows = list.slice(0, k);
      host.emitScored({
        source: "rankings",
        version: m.ref.version,
        role: m.role,
        table: s.city.set.table,
        rows,
        camis: Array.from(rows, (i) => s.city.set.camis[i]),
        scores: Array.from(rows, (i) => m.scores[i]),
        at: Date.now(),
      });
    }
    return {
      borough: b < 0 ? null : restaurantOf(s.city, list[0] ?? 0).borough,
      k,
      total: list.length,
      features_date: s.city.set.asOf,
      snapshot: s.city.id,
      model: answeredBy(reply, m),
      items,
    };
  });
};
export default rankings;
