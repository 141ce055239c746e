import type { FastifyInstance } from "fastify";
import type { Config } from "../../config/index.js";
import { createObjectStore } from "../../data/index.js";
import { openTracking, type Tracking } from "../../tracking/index.js";
import type { HistorySource } from "./ui-history.js";
import uiHistory from "./ui-history.js";
import uiMap from "./ui-map.js";
import uiMonitoring from "./ui-monitoring.js";
import uiReplay from "./ui-replay.js";

// The read-only JSON routes the web page needs beyond the service's own (issue 8), under /v1 like the rest:
// GET /v1/restaurants (map), GET /v1/model/history (registry), GET /v1/replay[/chart.svg] (replay output),
// GET /v1/monitoring (drift of the live window and the serving table, published outcomes).

export interface WebRoutesOptions {
  /**
   * The service's configuration: RODENT_HOME (replay output) and the registry to list versions from.
   * Without it (apps built in tests) the history is what the host serves and /v1/replay answers 404.
   */
  config?: Config;
  modelName?: string;
}

declare module "../app.js" {
  interface AppOptions {
    /** Where the web page's routes read the registry and RODENT_HOME from (routes/ui-routes.ts). */
    web?: WebRoutesOptions;
  }
}

/** A registry handle opened on first use and closed with the app (the host keeps its own). */
function lazyHistorySource(app: FastifyInstance, config: Config, modelName: string): HistorySource {
  let opened: Promise<Tracking> | null = null;
  const open = () => {
    opened ??= openTracking(config, createObjectStore(config));
    return opened;
  };
  app.addHook("onClose", async () => {
    if (opened) await (await opened.catch(() => null))?.close();
  });
  return {
    modelName,
    listVersions: async () => (await open()).registry.listModelVersions(modelName),
    getRun: async (runId) => (await open()).tracker.getRun(runId),
  };
}

export default async function webRoutes(app: FastifyInstance, opts: WebRoutesOptions) {
  const modelName = opts.modelName ?? app.modelHost.opts.modelName;
  await app.register(uiMap);
  await app.register(uiHistory, { source: opts.config ? lazyHistorySource(app, opts.config, modelName) : undefined });
  await app.register(uiReplay, { home: opts.config?.home });
  await app.register(uiMonitoring, { store: opts.config ? createObjectStore(opts.config) : undefined });
}
