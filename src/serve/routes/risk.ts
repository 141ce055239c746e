import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { RodentError } from "../../errors.js";
import { keyFraction } from "../canary.js";
import { restaurantFacts } from "../restaurant-facts.js";
import { riskRouteSchema } from "../schemas/risk.js";
import { answeredBy, readyState } from "./answer.js";

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
    const facts = restaurantFacts(m, s.city, i);
    const p = facts.probability;
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
      ...facts,
      rank: facts.city_rank,
      features_date: s.city.set.asOf,
      snapshot: s.city.id,
      model: answeredBy(reply, m),
    };
  });
};
export default risk;
