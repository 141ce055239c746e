// Entities shared by every tracking/registry backend. Both backends return exactly these shapes, so callers
// never know whether they talk to the embedded SQLite store or to an MLflow server.

export type RunStatus = "RUNNING" | "SCHEDULED" | "FINISHED" | "FAILED" | "KILLED";
export const TERMINAL_STATUSES = ["FINISHED", "FAILED", "KILLED"] as const;
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];

export interface RunInfo {
  runId: string;
  experimentId: string;
  name: string;
  status: RunStatus;
  /** Milliseconds since the epoch. */
  startTime: number;
  endTime: number | null;
  /** Where the run's artifacts live (store URI for embedded, mlflow-artifacts:/… for MLflow). */
  artifactUri: string;
}

export interface MetricPoint {
  key: string;
  value: number;
  step: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
}

export interface MetricInput {
  key: string;
  value: number;
  step?: number;
  timestamp?: number;
}

export interface RunRecord {
  info: RunInfo;
  params: Record<string, string>;
  /** Latest value per key: highest step, then latest timestamp (MLflow's rule). */
  metrics: Record<string, number>;
  tags: Record<string, string>;
}

export interface LogBatchInput {
  params?: Record<string, string>;
  metrics?: MetricInput[];
  tags?: Record<string, string>;
}

export interface ArtifactEntry {
  /** Path relative to the run's artifact root, POSIX separators. */
  path: string;
  isDir: boolean;
  /** Bytes, for files. */
  size?: number;
}

export interface ModelVersion {
  name: string;
  version: string;
  runId: string;
  source: string;
  aliases: string[];
  tags: Record<string, string>;
  description: string;
  /** ISO timestamp. */
  createdAt: string;
}

export interface RegisteredModel {
  name: string;
  /** alias → version */
  aliases: Record<string, string>;
  /** Highest version number, or null when none was created yet. */
  latestVersion: string | null;
  createdAt: string;
}

export interface ResolvedModelUri {
  name?: string;
  version?: string;
  runId: string;
  artifactPath: string;
}

/** Well-known tag keys. The mlflow.* ones make our runs look native in the MLflow UI. */
export const TAGS = {
  runName: "mlflow.runName",
  gitCommit: "mlflow.source.git.commit",
  sourceName: "mlflow.source.name",
  user: "mlflow.user",
  snapshotId: "rodent.snapshot_id",
  featureSchemaVersion: "rodent.feature_schema_version",
  // The process that owns a RUNNING run and when it last said so (tracker.ts, crash recovery).
  ownerPid: "rodent.owner.pid",
  ownerHost: "rodent.owner.host",
  ownerStart: "rodent.owner.start",
  heartbeat: "rodent.heartbeat",
  /** Why a run was ended by recovery rather than by its owner. */
  endReason: "rodent.end_reason",
} as const;

/** A RUNNING run whose owner is gone, as recoverInterruptedRuns ended it. */
export interface RecoveredRun {
  runId: string;
  experimentId: string;
  name: string;
  reason: string;
}
