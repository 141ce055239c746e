// Our service for bench/serve.ts, as its own process: the registry in HOME (prepared by serve.ts), the
// synthetic serving table regenerated from (N, SEED), no request logs (the reference runs without them too).
// WORKERS > 1 runs it as `rodent serve --workers` does: a primary (cluster.ts) and WORKERS copies of this script.
// Usage: tsx bench/serve-server.ts HOME PORT N SEED [WORKERS]
import { loadConfig } from "../src/config/index.js";
import { createObjectStore } from "../src/data/index.js";
import { FEATURE_SCHEMA } from "../src/features/index.js";
import { buildApp } from "../src/serve/app.js";
import { fixedCitySource } from "../src/serve/city-source.js";
import { isClusterWorker, joinCluster, runPrimary } from "../src/serve/cluster.js";
import { ModelHost } from "../src/serve/model-host.js";
import { registryModelSource } from "../src/serve/model-source.js";
import { syntheticServingSet } from "../src/serve/test-fixtures.js";
import { createLogger } from "../src/util/log.js";

const [home, port, n, seed, workers = "1"] = process.argv.slice(2);
const log = createLogger("warn");
if (Number(workers) > 1 && !isClusterWorker()) {
  const primary = runPrimary({ workers: Number(workers), log, pollSeconds: 0 });
  await primary.ready;
  process.stdout.write(`${JSON.stringify({ ready: true, workers: Number(workers) })}\n`);
  process.once("SIGTERM", () => primary.close().then(() => process.exit(0)));
} else {
  const config = loadConfig({ RODENT_HOME: home, RODENT_LOG_LEVEL: "warn" });
  const host = new ModelHost({
    models: await registryModelSource(config, createObjectStore(config)),
    city: fixedCitySource(syntheticServingSet(Number(n), Number(seed)), "bench"),
    modelName: "rodent-risk",
    champion: { alias: "champion" },
    canaryAlias: null,
    canaryShare: 0,
    schema: FEATURE_SCHEMA,
    log,
  });
  await host.refresh();
  if (!host.ready) throw new Error("bench server: no model loaded");
  const app = await buildApp({ host, closeHost: true });
  const link = isClusterWorker() ? joinCluster(host, app.metrics, log) : null;
  const url = await app.listen({ port: Number(port), host: "127.0.0.1" });
  link?.listening({ url, ready: true, champion: null, canary: null, snapshot: "bench", top: null });
  if (!link) process.stdout.write(`${JSON.stringify({ ready: true, rankMs: host.state.champion?.rankMs })}\n`);
  process.once("SIGTERM", () => app.close().then(() => process.exit(0)));
}
