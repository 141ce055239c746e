// Face of the model stage: the learner (trainModel), the model and its artifact, XGBoost JSON interchange,
// metrics and splits.

export { logloss, type TrainInput, trainModel } from "./booster.js";
export {
  applyCalibration,
  type Calibration,
  type CalibrationSelection,
  calibrateMargin,
  fitCalibration,
  fitIsotonic,
} from "./calibration.js";
export { saabas, treeShap } from "./contributions.js";
export { Forest } from "./forest.js";
export { loadModel } from "./load.js";
export {
  brier,
  type CoreMetrics,
  type DaysEarlier,
  daysEarlier,
  type EvalMetrics,
  ece,
  evaluateScores,
  isoWeekIndex,
  liftAtFraction,
  prAuc,
  precisionAtFraction,
  type ReliabilityBin,
  rocAuc,
} from "./metrics.js";
export {
  type ContributionMethod,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  Model,
  type ModelArtifactJSON,
  type ModelMeta,
} from "./model.js";
export { checkParams, DEFAULT_PARAMS, PARAM_SPECS, type ParamSpec, parseParams, type TrainParams } from "./params.js";
export { subsetLabels, subsetTable } from "./subset-table.js";
export { type TimeSplit, timeSplit } from "./time-split.js";
export { fromXGBoostJSON, toXGBoostJSON, toXGBoostJSONText, xgboostJSONText } from "./xgboost-json.js";
