// Face of the monitor stage: drift of features, scores and the 311 stream; realised performance with delayed
// labels; the retrain trigger (in-process or Argo); the replay of the CT loop over a city's history.
export { type ArgoSubmitOptions, argoLauncher } from "./argo-submit.js";
export {
  type ColumnDrift,
  computeDrift,
  DEFAULT_DRIFT_RULE,
  type DriftReport,
  type DriftRule,
  type LiveWindow,
} from "./drift.js";
export { LiveSample, windowFromColumns } from "./live-window.js";
export {
  computeOutcomes,
  type InspectionOutcomes,
  OUTCOMES_KEY,
  type OutcomeReport,
  type OutcomeWeek,
} from "./outcomes.js";
export { type LoggedPrediction, PredictionLog, predictionLogFile } from "./prediction-log.js";
export { replayChartSvg, replayCsv } from "./replay/chart.js";
export { type ReplayOptions, runReplay } from "./replay/engine.js";
export type {
  ReplayData,
  ReplayModel,
  ReplayPolicy,
  ReplayResult,
  Retrainer,
  RetrainOutcome,
  WeekRecord,
} from "./replay/types.js";
export { DEFAULT_SOURCE_RULE, type SourceDrift, type SourceDriftRule, sourceDrift } from "./source-drift.js";
export {
  DEFAULT_TRIGGER_POLICY,
  decideTrigger,
  type Launcher,
  RetrainTrigger,
  type TriggerPolicy,
  TriggerPolicySchema,
  type TriggerState,
} from "./trigger.js";
