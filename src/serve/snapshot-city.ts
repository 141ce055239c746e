import type { ObjectStore } from "../data/index.js";
import { latestSnapshot } from "../data/index.js";
import { buildServingSet, loadCity } from "../features/index.js";
import type { Logger } from "../util/log.js";
import { type CitySource, dayAfter } from "./city-source.js";

/** Serving features from the latest complete snapshot in the object store. */
export function snapshotCitySource(store: ObjectStore, log?: Logger): CitySource {
  return {
    async latest() {
      const m = await latestSnapshot(store);
      if (!m) return null;
      const max = m.datasets.inspections?.max_date;
      if (!max) {
        log?.warn({ snapshot: m.id }, "latest snapshot has no inspections; cannot build serving features");
        return null;
      }
      return { id: m.id, asOf: dayAfter(max), source: m.source, createdAt: m.created_at, dataTo: max.slice(0, 10) };
    },
    async load(ref) {
      return buildServingSet(await loadCity(store, ref.id), ref.asOf);
    },
  };
}
