// Face of the monitor stage: drift of the population the service ranks, of the scores and of the 311 stream;
// realised performance with delayed labels; the retrain trigger (in-process or Argo). The replay of the CT
// loop over a city's history is the pipeline's (src/pipeline/replay/). docs/monitoring.md describes all of it.
export { type ArgoSubmitOptions, argoLauncher } from "./argo-submit.js";
export {
  type ColumnDrift,
  computeDrift,
  DEFAULT_DRIFT_RULE,
  type DriftReport,
  type DriftRule,
  type LiveWindow,
  type Verdict,
  windowFromColumns,
} from "./drift.js";
export { LiveSample } from "./live-window.js";
export {
  type BackfillScorer,
  computeOutcomes,
  type InspectionOutcomes,
  OUTCOMES_KEY,
  type OutcomeReport,
  type OutcomeWeek,
} from "./outcomes.js";
export { CALENDAR_FEATURES, HISTORY_LENGTH_FEATURES, type PopulationInput, populationDrift } from "./population.js";
export {
  type LoggedPrediction,
  PREDICTIONS_PREFIX,
  PredictionLog,
  type PredictionLookup,
  readPredictions,
  trimPredictions,
} from "./prediction-log.js";
export { dataDateOf, type MonitoredModel, sightingStream, snapshotWindow } from "./snapshot-window.js";
export { DEFAULT_SOURCE_RULE, type SourceDrift, type SourceDriftRule, sourceDrift } from "./source-drift.js";
export {
  DEFAULT_TRIGGER_POLICY,
  DEFAULT_TRIGGER_SIGNALS,
  decideTrigger,
  INITIAL_TRIGGER_STATE,
  type Launcher,
  memoryTriggerState,
  objectStoreTriggerState,
  RetrainTrigger,
  TRIGGER_SIGNALS,
  TRIGGER_STATE_KEY,
  type TriggerDecision,
  type TriggerPolicy,
  TriggerPolicySchema,
  type TriggerState,
  type TriggerWindow,
} from "./trigger.js";
export {
  type MonitorWindow,
  monitorWindow,
  type Signal,
  type SignalKind,
  type StreamReport,
  streamReport,
  windowSignals,
} from "./window.js";
