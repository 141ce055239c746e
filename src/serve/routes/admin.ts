import { createHash, timingSafeEqual } from "node:crypto";
import rateLimit from "@fastify/rate-limit";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { RodentError } from "../../errors.js";
import { reloadRouteSchema } from "../schemas/admin.js";

export interface AdminOptions {
  token: string;
  /** Requests per minute per client address to /admin, counted before the token is checked (default 10). */
  ratePerMinute?: number;
}

const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest();

/** The token of an `Authorization: Bearer <token>` header; the scheme is case-insensitive (RFC 9110 §11.1). */
export function bearerToken(header: string | undefined): string | null {
  const m = /^[ \t]*bearer[ \t]+([^ \t].*?)[ \t]*$/i.exec(header ?? "");
  return m ? m[1] : null;
}

/** Registered only when an admin token is configured; without one the admin routes do not exist. */
const admin: FastifyPluginAsyncTypebox<AdminOptions> = async (app, opts) => {
  // Compare digests, not the tokens: equal-length inputs for timingSafeEqual whatever was sent, so neither the
  // comparison time nor an early length check tells a caller anything about the token's length or bytes.
  const expected = sha256(opts.token);
  // A small limit against guessing, per client address, over every /admin request: the rate limit's onRequest
  // hook is added first, so a request over the limit gets 429 before its token is even looked at.
  await app.register(rateLimit, {
    global: false,
    max: opts.ratePerMinute ?? 10,
    timeWindow: 60_000,
    errorResponseBuilder: (_req, ctx) =>
      new RodentError(
        "RODENT_ERR_RATE_LIMITED",
        `at most ${ctx.max} admin requests per minute from one address; retry in ${Math.ceil(ctx.ttl / 1000)} s`,
      ),
  });
  app.addHook("onRequest", app.rateLimit());
  app.addHook("onRequest", async (req, reply) => {
    const token = bearerToken(req.headers.authorization);
    if (token === null || !timingSafeEqual(sha256(token), expected)) {
      reply.header("www-authenticate", 'Bearer realm="rodent-admin"');
      throw new RodentError(
        "RODENT_ERR_UNAUTHORIZED",
        "headers/authorization: a valid admin bearer token is required",
        {
          field: "headers/authorization",
        },
      );
    }
  });
  app.post("/reload", { schema: reloadRouteSchema }, async () => app.modelHost.refresh());
};
export default admin;
