import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { RodentError } from "../../errors.js";
import { bandOf, countAbove, countAtOrAbove } from "../bands.js";
import { keyFraction } from "../canary.js";
import { riskRouteSchema } from "../schemas/risk.js";
import { reasonsFor } from "../served-model.js";
import { answeredBy, readyState, restaurantOf } from "./answer.js";

const risk: FastifyPluginAsyncTypebox = async (app) => {
  const host = app.modelHost;
  app.get("/restaurants/:camis/risk", { schema: riskRouteSchema }, async (req, reply) => {
    const s = readyState(host.state, reply);
    const { camis } = req.params;
    const i = s.city.rowOf.get(camis);
    if (i === undefined) {
      throw new RodentError(
        "RODENT_ERR_NOT_FOUND",
        `params/camis: restaurant ${camis} is not an active restaurant in snapshot ${s.city.id}`,
        { field: "params/camis" },
      );
    }
    const m = host.pick(s, keyFraction(camis)) ?? s.champion;
    const p = m.scores[i];
    // Rank by the raw score: 1 + the restaurants scoring strictly higher; equal raw scores share it.
    const n = m.margins.length;
    const above = countAbove(m.ascending, m.margins[i]);
    const top = (above + 1) / n;
    app.metrics.score.observe({ model_version: m.ref.version, role: m.role }, p);
    if (host.hasScoredListeners) {
      host.emitScored({
        source: "risk",
        version: m.ref.version,
        role: m.role,
        table: s.city.set.table,
        rows: Int32Array.of(i),
        camis: [camis],
        scores: [p],
        at: Date.now(),
      });
    }
    return {
      restaurant: restaurantOf(s.city, i),
      probability: p,
      band: bandOf(top),
      top_fraction: top,
      rank: above + 1,
      of: n,
      tied_with: countAtOrAbove(m.ascending, m.margins[i]) - above - 1,
      features_date: s.city.set.asOf,
      snapshot: s.city.id,
      model: answeredBy(reply, m),
      reasons: reasonsFor(m, s.city, i),
    };
  });
};
export default risk;
