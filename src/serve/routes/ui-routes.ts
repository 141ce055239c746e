import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { Config } from "../../config/index.js";
import { createObjectStore } from "../../data/index.js";
import { openTracking, type Tracking } from "../../tracking/index.js";
import uiEvaluation from "./ui-evaluation.js";
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
    readArtifact: async (runId, artifactPath) => {
      const dir = await mkdtemp(path.join(os.tmpdir(), "rodent-artifact-"));
      try {
        const file = await (await open()).tracker.downloadArtifacts(runId, artifactPath, dir);
        return await readFile(file, "utf8");
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/** When the page's data-age badge turns red, in days, unless RODENT_STALE_DAYS says otherwise. */
export const DEFAULT_STALE_DAYS = 14;

export default async function webRoutes(app: FastifyInstance, opts: WebRoutesOptions) {
  const modelName = opts.modelName ?? app.modelHost.opts.modelName;
  const staleAfter = opts.config?.serve.staleDays ?? DEFAULT_STALE_DAYS;
  app.get(
    "/ui/settings",
    {
      schema: {
        summary: "The page's settings: after how many days the data-age badge turns red (RODENT_STALE_DAYS)",
        tags: ["model"],
        response: { 200: Type.Object({ stale_after_days: Type.Integer({ minimum: 0 }) }) },
      },
    },
    async () => ({ stale_after_days: staleAfter }),
  );
  await app.register(uiMap);
  const source = opts.config ? lazyHistorySource(app, opts.config, modelName) : undefined;
  await app.register(uiHistory, { source });
  await app.register(uiEvaluation, { source });
  await app.register(uiReplay, { home: opts.config?.home });
  await app.register(uiMonitoring, { store: opts.config ? createObjectStore(opts.config) : undefined });
}
