import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { RodentError } from "../../errors.js";
import { keyFraction } from "../canary.js";
import type { HostState } from "../model-host.js";
import { restaurantFacts } from "../restaurant-facts.js";
import { type RiskResponse, riskRouteSchema } from "../schemas/risk.js";
import type { ServedModel, ServingCity } from "../served-model.js";

/**
 * The risk card of serving row `i` as model `m` answers it. Everything in it is fixed for the pair (model, table),
 * so the route encodes it once and keeps the bytes (ServedModel.answers); a field added here flows into them.
 */
export function riskCard(m: ServedModel, city: ServingCity, i: number): RiskResponse {
  // Every field of the card comes from restaurantFacts, the one function behind ranking rows too.
  const facts = restaurantFacts(m, city, i);
  return {
    ...facts,
    rank: facts.city_rank,
    features_date: city.set.asOf,
    snapshot: city.id,
    model: { version: m.ref.version, role: m.role, alias: m.ref.alias },
  };
}

const JSON_TYPE = "application/json; charset=utf-8";

const risk: FastifyPluginAsyncTypebox = async (app) => {
  const host = app.modelHost;
  const metrics = app.metrics;
  // Per served model, the score histogram's child for its labels (a lookup observes one value).
  const scoreChild = new WeakMap<ServedModel, { observe(v: number): void }>();
  const unavailable = (reply: { header(k: string, v: string): unknown }, s: HostState) => {
    if (!s.champion || !s.city) {
      reply.header("retry-after", "5");
      throw new RodentError("RODENT_ERR_UNAVAILABLE", "no model or serving table loaded yet; see /health/ready");
    }
  };
  app.get("/restaurants/:camis/risk", { schema: riskRouteSchema }, async (req, reply) => {
    // One read of the state: the model and the table that answer belong to the same swap.
    const s = host.state;
    if (!s.champion || !s.city) return unavailable(reply, s);
    const city = s.city;
    const { camis } = req.params;
    const i = city.rowOf.get(camis);
    if (i === undefined) {
      throw new RodentError(
        "RODENT_ERR_NOT_FOUND",
        `params/camis: restaurant ${camis} is not an active restaurant in snapshot ${city.id}`,
        { field: "params/camis" },
      );
    }
    const m = host.pick(s, keyFraction(camis)) ?? s.champion;
    // The answer bytes, encoded by this route's own serializer the first time the pair (model, row) is asked.
    let body = m.cityId === city.id ? m.answers[i] : undefined;
    if (body === undefined) {
      const serialize = reply.getSerializationFunction("200");
      const card = riskCard(m, city, i);
      body = Buffer.from(serialize ? serialize(card) : JSON.stringify(card));
      if (m.cityId === city.id) m.answers[i] = body;
    }
    let child = scoreChild.get(m);
    if (child === undefined) {
      child = metrics.score.labels({ model_version: m.ref.version, role: m.role });
      scoreChild.set(m, child);
    }
    child.observe(m.scores[i]);
    if (host.hasScoredListeners) {
      host.emitScored({
        source: "risk",
        version: m.ref.version,
        role: m.role,
        table: city.set.table,
        rows: Int32Array.of(i),
        camis: [camis],
        scores: [m.scores[i]],
        at: Date.now(),
      });
    }
    reply.header("x-model-version", m.ref.version);
    reply.header("x-model-role", m.role);
    reply.header("content-type", JSON_TYPE);
    return reply.send(body as never);
  });
};
export default risk;
