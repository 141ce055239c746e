// Public face of the data stage: sources → validation → immutable snapshots in an object store.
export {
  cleanIngestTemp,
  type IngestOptions,
  type IngestResult,
  ingest,
  type ValidateResult,
  validateFiles,
} from "./ingest/ingest.js";
export { canonicalSource, parseSource, type SourceSpec } from "./ingest/source-spec.js";
export { LocalObjectStore, type ObjectStore, streamToBuffer } from "./object-store.js";
export { dayNumber, dayString, parseDay, parseInstant } from "./parse/dates.js";
export { normalizeBorough, normalizeColumnName } from "./parse/values.js";
export * from "./records.js";
export { S3ObjectStore, type S3StoreOptions } from "./s3-store.js";
export {
  type DatasetSummary,
  manifestKey,
  type SnapshotFile,
  type SnapshotManifest,
  snapshotDir,
} from "./snapshot/manifest.js";
export {
  gcSnapshots,
  latestSnapshot,
  listSnapshots,
  loadRecords,
  readManifest,
  readRecords,
} from "./snapshot/store.js";
export { OVERLAP_DAYS, SOCRATA_DATASETS } from "./sources/socrata.js";
export { createObjectStore } from "./store-factory.js";
export {
  DEFAULT_SYNTH,
  parseScenario,
  SCENARIOS,
  type SynthOptions,
  writeSyntheticCity,
} from "./synth/index.js";
export { type DatasetQuality, formatQualityTable, isBalanced, type QualityReport } from "./validate/quality.js";
export type { QuarantineEntry } from "./validate/quarantine.js";
export { REASONS, type Reason } from "./validate/spec.js";
