import { timingSafeEqual } from "node:crypto";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { RodentError } from "../../errors.js";
import { reloadRouteSchema } from "../schemas/admin.js";

/** Registered only when an admin token is configured; without one the admin routes do not exist. */
const admin: FastifyPluginAsyncTypebox<{ token: string }> = async (app, opts) => {
  const expected = Buffer.from(`Bearer ${opts.token}`);
  app.addHook("onRequest", async (req, reply) => {
    const got = Buffer.from(req.headers.authorization ?? "");
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
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
