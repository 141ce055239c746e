// Face of the model stage: the learner (trainModel on feature tables; train on any table of named columns), the
// model and its artifact, XGBoost JSON interchange, metrics and splits. Also the package's "rodent-risk/model"
// entry point (docs/model-library.md).

export {
  type BinaryReport,
  evaluateBinary,
  liftAtK,
  precisionAtK,
  recallAtK,
  topKHits,
  weightedPrAuc,
  weightedRocAuc,
} from "./binary-metrics.js";
export { logloss, type TrainInput, type TrainSet, trainModel } from "./booster.js";
export {
  applyCalibration,
  type Calibration,
  type CalibrationSelection,
  calibrateMargin,
  fitCalibration,
  fitIsotonic,
} from "./calibration.js";
export { saabas, treeShap } from "./contributions.js";
export { parseCsv, readCsv } from "./csv-table.js";
export { DEFAULT_METRIC, EVAL_METRICS, type EvalMetricName } from "./eval-metric.js";
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
export {
  logisticObjective,
  OBJECTIVES,
  type Objective,
  type ObjectiveName,
  objectiveFor,
  poissonObjective,
  squaredErrorObjective,
} from "./objective.js";
export { checkParams, DEFAULT_PARAMS, PARAM_SPECS, type ParamSpec, parseParams, type TrainParams } from "./params.js";
export { subsetLabels, subsetTable } from "./subset-table.js";
export {
  holdOut,
  loadTableModel,
  type RegressionReport,
  TableModel,
  type TableTrainOptions,
  train,
} from "./table.js";
export {
  type Cell,
  type Column,
  type ColumnKind,
  MISSING_STRINGS,
  type Table,
  type TableEncoding,
} from "./table-encoder.js";
export { type TimeSplit, timeSplit } from "./time-split.js";
export { fromXGBoostJSON, toXGBoostJSON, toXGBoostJSONText, xgboostJSONText } from "./xgboost-json.js";
