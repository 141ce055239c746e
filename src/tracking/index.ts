// Face of the tracking stage: experiment tracking and the model registry, embedded (SQLite + object store) or
// on a real MLflow server. Pick with openTracking(config, store).

export {
  MLMODEL_DATA_FILE,
  type MlflowModelMeta,
  RODENT_ARTIFACT_FILE,
  writeMlflowModelDir,
} from "./mlflow-model-dir.js";
export { type ModelUri, parseModelUri, runsUri, sourceToRunPath } from "./model-uri.js";
export { openEmbeddedTracking, openTracking, type Tracking } from "./open.js";
export { type AliasGuard, BaseRegistry, type NewModelVersion, type Registry } from "./registry.js";
export { BaseTracker, type Tracker } from "./tracker.js";
export * from "./types.js";
