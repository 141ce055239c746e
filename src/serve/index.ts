// The prediction service: a Fastify app over a ModelHost that follows the registry's aliases.
export { type AppOptions, buildApp } from "./app.js";
export { bandOf, RISK_BANDS, type RiskBand, topFraction } from "./bands.js";
export { isCanary, keyFraction, rowFraction } from "./canary.js";
export { type CanaryPolicy, type CanaryStatus, compareFromMetrics, DEFAULT_CANARY_POLICY } from "./canary-status.js";
export { type CityRef, type CitySource, dayAfter, fixedCitySource } from "./city-source.js";
export {
  type HostState,
  type LoadOutcome,
  ModelHost,
  type ModelHostOptions,
  type RefreshReport,
  type ScoredEvent,
  type ScoredListener,
  type SwapEvent,
} from "./model-host.js";
export {
  type ModelRef,
  type ModelSelector,
  type ModelSource,
  parseServeUri,
  registryModelSource,
} from "./model-source.js";
export { createServiceMetrics, type ServiceMetrics } from "./plugins/metrics.js";
export type { Reason } from "./reasons.js";
export { MAX_ROWS } from "./schemas/predict.js";
export { MAX_K } from "./schemas/rankings.js";
export { type Role, type ServedModel, type ServingCity, servingCity } from "./served-model.js";
export { type RunningServer, type StartOptions, startServer } from "./server.js";
export { snapshotCitySource } from "./snapshot-city.js";
export { sourcesFromConfig } from "./sources.js";
