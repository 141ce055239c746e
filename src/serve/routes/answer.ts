import type { FastifyReply } from "fastify";
import { BOROUGHS } from "../../data/index.js";
import { RodentError } from "../../errors.js";
import type { HostState } from "../model-host.js";
import type { ServedModel, ServingCity } from "../served-model.js";

/** Stamp which model answered: header (for proxies and metrics) and body field (for clients). */
export function answeredBy(reply: FastifyReply, m: ServedModel) {
  reply.header("x-model-version", m.ref.version);
  reply.header("x-model-role", m.role);
  return { version: m.ref.version, role: m.role, alias: m.ref.alias };
}

/** The state with a champion and a table, or a 503 that tells the client when to retry. */
export function readyState(
  state: HostState,
  reply: FastifyReply,
): HostState & { champion: ServedModel; city: ServingCity } {
  if (!state.champion || !state.city) {
    reply.header("retry-after", "5");
    throw new RodentError("RODENT_ERR_UNAVAILABLE", "no model or serving table loaded yet; see /health/ready");
  }
  return state as HostState & { champion: ServedModel; city: ServingCity };
}

const BOROUGH_NAMES: readonly string[] = BOROUGHS;

export function restaurantOf(city: ServingCity, i: number) {
  const s = city.set;
  const lat = s.lat[i];
  const lon = s.lon[i];
  return {
    camis: s.camis[i],
    name: s.name[i],
    address: s.address[i],
    borough: BOROUGH_NAMES[s.borough[i]] ?? "Unknown",
    cuisine: s.cuisine[i],
    lat: Number.isNaN(lat) ? null : lat,
    lon: Number.isNaN(lon) ? null : lon,
  };
}
