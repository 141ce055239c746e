import type { Config } from "../config/index.js";
import type { ObjectStore } from "../data/object-store.js";
import { RodentError } from "../errors.js";
import type { Registry } from "./registry.js";
import { openTrackingDb } from "./sqlite-db.js";
import { SqliteRegistry } from "./sqlite-registry.js";
import { SqliteTracker } from "./sqlite-tracker.js";
import type { Tracker } from "./tracker.js";

export interface Tracking {
  readonly kind: "embedded" | "mlflow";
  readonly tracker: Tracker;
  readonly registry: Registry;
  close(): Promise<void>;
}

/**
 * Open the tracking backend the configuration names: `embedded` (SQLite at config.tracking.dbPath, artifacts in
 * `store` under artifacts/<experiment>/<run>/) or an MLflow server (RODENT_TRACKING_URI=http://host:5000).
 */
export async function openTracking(config: Config, store: ObjectStore): Promise<Tracking> {
  const t = config.tracking;
  if (t.kind === "embedded") return openEmbeddedTracking(t.dbPath, store);
  throw new RodentError("RODENT_ERR_CONFIG", `RODENT_TRACKING_URI=${t.uri}: the MLflow backend is not available yet`);
}

/** The embedded backend on an explicit database file (tests and tools use this directly). */
export function openEmbeddedTracking(
  dbPath: string,
  store: ObjectStore,
  opts: { busyTimeoutMs?: number } = {},
): Tracking {
  const db = openTrackingDb(dbPath, opts);
  return {
    kind: "embedded",
    tracker: new SqliteTracker(db, store),
    registry: new SqliteRegistry(db),
    close: async () => {
      if (db.open) db.close();
    },
  };
}
