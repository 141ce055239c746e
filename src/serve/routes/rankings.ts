import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { dayNumber } from "../../features/index.js";
import { type LeadFilter, passes, restaurantFacts } from "../restaurant-facts.js";
import { boroughIndex, DEFAULT_K, rankingsRouteSchema } from "../schemas/rankings.js";
import { answeredBy, readyState, restaurantOf } from "./answer.js";

// The city is scored, sorted by raw score and split by borough when a model is loaded, so a ranking is a slice of a
// precomputed index: no model work on the request path (reasons of the top rows are warmed at load). `rank` is the
// rank in the list asked for (city or borough), a competition rank: restaurants with equal raw scores share it.
// The lead filters (not inspected in the last N days, not already due) skip rows but never renumber them: Brooklyn's
// #37 stays #37 in a "new leads" view, so the list and the risk card agree.
const rankings: FastifyPluginAsyncTypebox = async (app) => {
  const host = app.modelHost;
  app.get("/rankings", { schema: rankingsRouteSchema }, async (req, reply) => {
    const s = readyState(host.state, reply);
    const m = s.champion;
    const q = req.query;
    const b = q.borough === undefined ? -1 : boroughIndex(q.borough);
    const list = b < 0 ? m.order : m.byBorough[b];
    const filter: LeadFilter = { notInspectedDays: q.not_inspected_days, notDue: q.not_due };
    const filtered = filter.notInspectedDays !== undefined || filter.notDue === true;
    const asOfDay = dayNumber(s.city.set.asOf);
    // The validator filled the default and checked 1..MAX_K on a finite integer (plugins/validation.ts).
    const want = q.k ?? DEFAULT_K;
    const items = [];
    const rows: number[] = [];
    const scratch = new Float32Array(s.city.set.table.columns.length);
    let matching = 0;
    let rank = 1;
    for (let r = 0; r < list.length; r++) {
      const i = list[r];
      if (r > 0 && m.margins[i] !== m.margins[list[r - 1]]) rank = r + 1;
      if (filtered && !passes(s.city, i, filter, asOfDay)) continue;
      matching++;
      if (items.length < want) {
        rows.push(i);
        items.push({ rank, ...restaurantFacts(m, s.city, i, scratch) });
      } else if (!filtered) {
        matching = list.length;
        break;
      }
    }
    if (host.hasScoredListeners && rows.length > 0) {
      host.emitScored({
        source: "rankings",
        version: m.ref.version,
        role: m.role,
        table: s.city.set.table,
        rows: Int32Array.from(rows),
        camis: rows.map((i) => s.city.set.camis[i]),
        scores: rows.map((i) => m.scores[i]),
        at: Date.now(),
      });
    }
    return {
      borough: b < 0 ? null : restaurantOf(s.city, list[0] ?? 0).borough,
      k: items.length,
      total: list.length,
      matching,
      filters: { not_inspected_days: q.not_inspected_days ?? null, not_due: q.not_due ?? false },
      features_date: s.city.set.asOf,
      snapshot: s.city.id,
      model: answeredBy(reply, m),
      items,
    };
  });
};
export default rankings;
