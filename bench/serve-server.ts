// Our service for bench/serve.ts, as its own process: the registry in HOME (prepared by serve.ts), the
// synthetic serving table regenerated from (N, SEED), no request logs (the reference runs without them too).
// Usage: tsx bench/serve-server.ts HOME PORT N SEED
import { loadConfig } from "../src/config/index.js";
import { createObjectStore } from "../src/data/index.js";
import { FEATURE_SCHEMA } from "../src/features/index.js";
import { buildApp } from "../src/serve/app.js";
import { fixedCitySource } from "../src/serve/city-source.js";
import { ModelHost } from "../src/serve/model-host.js";
import { registryModelSource } from "../src/serve/model-source.js";
import { syntheticServingSet } from "../src/serve/test-fixtures.js";
import { createLogger } from "../src/util/log.js";

const [home, port, n, seed] = process.argv.slice(2);
const config = loadConfig({ RODENT_HOME: home, RODENT_LOG_LEVEL: "warn" });
const log = createLogger("warn");
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
await app.listen({ port: Number(port), host: "127.0.0.1" });
process.stdout.write(`${JSON.stringify({ ready: true, rankMs: host.state.champion?.rankMs })}\n`);
process.once("SIGTERM", () => app.close().then(() => process.exit(0)));
