import type { Config } from "../config/index.js";
import type { ObjectStore } from "../data/index.js";
import { createObjectStore } from "../data/index.js";
import type { Logger } from "../util/log.js";
import type { CitySource } from "./city-source.js";
import { type ModelSource, registryModelSource } from "./model-source.js";
import { snapshotCitySource } from "./snapshot-city.js";

/** Both real sources from the frozen config. */
export async function sourcesFromConfig(
  config: Config,
  log: Logger,
): Promise<{ models: ModelSource; city: CitySource; store: ObjectStore }> {
  const store = createObjectStore(config);
  return { models: await registryModelSource(config, store), city: snapshotCitySource(store, log), store };
}
