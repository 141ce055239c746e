// Public face of the pipeline stage: the CT steps as functions (each idempotent, runnable alone), the whole
// loop (runPipeline), the gate, promotion/rollback, the run lock and the scheduler.

export { collect, parseAssignments } from "./assignments.js";
export { type ChampionSpan, championHistory, championModels, championOfDay } from "./champion-history.js";
export { codeVersion } from "./code-version.js";
export { type OpenPipelineContext, openPipelineContext, type PipelineContext } from "./context.js";
export { orderNodes } from "./definition.js";
export type { BaselineMetrics, OracleMetrics } from "./evaluation-report.js";
export { decideGate, type GateCheck, type GateDecision, type GateMetrics } from "./gate.js";
export { DEFAULT_GATE_POLICY, type GatePolicy, loadGatePolicy, parseGatePolicy } from "./gate-policy.js";
export { loadRunModel, MODEL_ARTIFACT } from "./model-loader.js";
export {
  type AliasPlan,
  type AppliedPlan,
  applyPlan,
  isPromoteTarget,
  MODEL_NAME,
  PREVIOUS_ALIAS,
  PROMOTE_TARGETS,
  type PromoteTarget,
  planPromotion,
  planRollback,
  VERSION_TAGS,
} from "./promotion.js";
export { replayChartSvg, replayCsv } from "./replay/chart.js";
export { daysEarlier } from "./replay/days-earlier.js";
export { type ReplayOptions, runReplay } from "./replay/engine.js";
export { type PolicyRecommendation, recommendPolicy } from "./replay/recommend.js";
export { DEFAULT_REPLAY_RETRAIN, prepareReplay, type ReplayRetrainerOptions } from "./replay/retrainer.js";
export type {
  DaysEarlier,
  ReplayData,
  ReplayModel,
  ReplayPolicy,
  ReplayResult,
  Retrainer,
  RetrainOutcome,
  WeekRecord,
} from "./replay/types.js";
export { formatEvaluation, formatPipelineSummary, formatPlanMoves, formatTrainReport } from "./report.js";
export {
  type PipelineDetails,
  PipelineFailure,
  type PipelineResult,
  type RunPipelineOptions,
  runPipeline,
  runPipelineDetailed,
} from "./run.js";
export { acquireRunLock, type HeldLock, LOCK_FILE, withRunLock } from "./run-lock.js";
export {
  DEFAULT_CRON,
  nextRuns,
  type RunningSchedule,
  runTick,
  SCHEDULE_TIME_ZONE,
  startSchedule,
  type TickOutcome,
} from "./schedule.js";
export {
  checkCandidateSource,
  type ResolvedSource,
  resolveTrainingSource,
  SOURCE_TAG,
  type SourceOrigin,
  snapshotSource,
  versionSource,
} from "./source-rule.js";
export { cachedStep, StepCache, stepKey } from "./step-cache.js";
export { type EvaluationOutput, evaluateStep, resolveCandidate } from "./steps/evaluate.js";
export { type FeaturesOutput, featuresStep, loadTrainingSet } from "./steps/features.js";
export { DEFAULT_SOURCE, type IngestOutput, ingestStep } from "./steps/ingest.js";
export { promoteStep, rollback } from "./steps/promote.js";
export { type RegisterOutput, registerStep } from "./steps/register.js";
export type { StepResult } from "./steps/step-result.js";
export { EXPERIMENT_NAME, SPLIT, type TrainReport, trainStep } from "./steps/train.js";
export { type ValidateOutput, validateStep } from "./steps/validate.js";
