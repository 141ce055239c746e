// Builds a service over a real registry (embedded, temp RODENT_HOME) and real tiny models, for tests.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { loadConfig } from "../config/index.js";
import { createObjectStore } from "../data/index.js";
import { FEATURE_SCHEMA, type ServingSet } from "../features/index.js";
import type { Model } from "../model/index.js";
import { openTracking, type Tracking } from "../tracking/index.js";
import { silentLogger } from "../util/log.js";
import { type AppOptions, buildApp } from "./app.js";
import { fixedCitySource } from "./city-source.js";
import { ModelHost } from "./model-host.js";
import { registryModelSource } from "./model-source.js";
import { registerArtifact, syntheticServingSet, trainTinyModel } from "./test-fixtures.js";

export interface TestService {
  app: FastifyInstance;
  host: ModelHost;
  tracking: Tracking;
  city: ServingSet;
  models: Model[];
  /** Registered versions, in the order of `models`. */
  versions: string[];
  home: string;
  close(): Promise<void>;
}

let modelCache: Promise<Model[]> | null = null;
/** Two real models (different seeds), trained once per test file. */
export function tinyModels(): Promise<Model[]> {
  modelCache ??= Promise.all([trainTinyModel(1), trainTinyModel(2)]);
  return modelCache;
}

export async function testService(
  opts: Partial<AppOptions> & { restaurants?: number; canaryShare?: number; refresh?: boolean } = {},
): Promise<TestService> {
  const home = mkdtempSync(path.join(os.tmpdir(), "rodent-serve-home-"));
  const config = loadConfig({ RODENT_HOME: home, RODENT_LOG_LEVEL: "silent" });
  const store = createObjectStore(config);
  const tracking = await openTracking(config, store);
  const models = await tinyModels();
  const versions: string[] = [];
  for (const m of models) versions.push(await registerArtifact(tracking, m));
  await tracking.registry.setAlias("rodent-risk", "champion", versions[0]);
  const city = syntheticServingSet(opts.restaurants ?? 300);
  const host = new ModelHost({
    models: await registryModelSource(config, store),
    city: fixedCitySource(city, "snap-test"),
    modelName: "rodent-risk",
    champion: { alias: "champion" },
    canaryAlias: "canary",
    canaryShare: opts.canaryShare ?? 0.25,
    schema: FEATURE_SCHEMA,
    log: silentLogger,
  });
  if (opts.refresh ?? true) await host.refresh();
  // Event-loop-delay shedding off by default here: the test process itself trains models and blocks the loop.
  const app = await buildApp({ host, closeHost: true, ...opts, pressure: { maxEventLoopDelay: 0, ...opts.pressure } });
  return {
    app,
    host,
    tracking,
    city,
    models,
    versions,
    home,
    async close() {
      await app.close();
      await tracking.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** A test service listening on a real loopback port (for tests that need sockets: slow clients, the fuzz test). */
export async function listeningService(
  opts: Parameters<typeof testService>[0] = {},
): Promise<TestService & { base: string }> {
  const svc = await testService(opts);
  const address = await svc.app.listen({ port: 0, host: "127.0.0.1" });
  return { ...svc, base: address };
}
