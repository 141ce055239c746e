import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { ModelHost } from "../model-host.js";

declare module "fastify" {
  interface FastifyInstance {
    modelHost: ModelHost;
  }
}

/** Makes the host (the one service routes read) available to every route scope. */
export default fp(
  async function modelHost(app: FastifyInstance, opts: { host: ModelHost; closeHost: boolean }) {
    app.decorate("modelHost", opts.host);
    if (opts.closeHost) app.addHook("onClose", async () => opts.host.close());
  },
  { name: "rodent-model-host" },
);
