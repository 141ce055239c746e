import type { Config } from "../config/index.js";
import type { ObjectStore } from "../data/index.js";
import { MlflowRegistry } from "./mlflow-registry.js";
import { MlflowRest, type MlflowRestOptions } from "./mlflow-rest.js";
import { MlflowTracker } from "./mlflow-tracker.js";
import type { Registry } from "./registry.js";
import { openTrackingDb, withTrackingErrors } from "./sqlite-db.js";
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
 * `store` under artifacts/<experimentId>/<runId>/) or an MLflow server (RODENT_TRACKING_URI=http://host:5000, with
 * MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/PASSWORD). The MLflow backend keeps artifacts on the server.
 */
export async function openTracking(config: Config, store: ObjectStore): Promise<Tracking> {
  const t = config.tracking;
  if (t.kind === "embedded") return openEmbeddedTracking(t.dbPath, store);
  return openMlflowTracking({ uri: t.uri, token: t.token, username: t.username, password: t.password });
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
    tracker: withTrackingErrors(new SqliteTracker(db, store), dbPath),
    registry: withTrackingErrors(new SqliteRegistry(db), dbPath),
    close: async () => {
      if (db.open) db.close();
    },
  };
}

/** The MLflow backend on a server URL. Opening makes no request; the first call reports an unreachable server. */
export function openMlflowTracking(opts: MlflowRestOptions): Tracking {
  const rest = new MlflowRest(opts);
  return {
    kind: "mlflow",
    tracker: new MlflowTracker(rest),
    registry: new MlflowRegistry(rest),
    close: async () => {},
  };
}
