import type { ArtifactEntry, LogBatchInput, MetricPoint, RunInfo, RunRecord, TerminalStatus } from "./types.js";

/**
 * Experiment tracking: experiments hold runs; a run holds params (write-once), metrics (with steps), tags,
 * a status and artifacts (files under a run-relative path). Every method rejects with a RodentError:
 * RODENT_ERR_NOT_FOUND when the named experiment/run/artifact does not exist, RODENT_ERR_INVALID_ARGUMENT for
 * bad input (for example changing a logged param), RODENT_ERR_TRACKING when the backend itself fails.
 */
export interface Tracker {
  /** Id of the experiment with this name, creating it when missing. Safe to call concurrently. */
  getOrCreateExperiment(name: string): Promise<string>;
  /** Start a run (status RUNNING). `name` defaults to a generated one; `tags` are set at creation. */
  createRun(opts: { experimentId: string; name?: string; tags?: Record<string, string> }): Promise<RunInfo>;
  /**
   * The one write primitive. Params are write-once (same value again is fine, another value is
   * RODENT_ERR_INVALID_ARGUMENT); metrics append (step defaults to 0, timestamp to now); tags overwrite.
   */
  logBatch(runId: string, batch: LogBatchInput): Promise<void>;
  logParams(runId: string, params: Record<string, string | number | boolean>): Promise<void>;
  logMetric(runId: string, key: string, value: number, step?: number): Promise<void>;
  logMetrics(runId: string, metrics: Record<string, number>, step?: number): Promise<void>;
  setTag(runId: string, key: string, value: string): Promise<void>;
  setTags(runId: string, tags: Record<string, string>): Promise<void>;
  /** Mark the run finished/failed/killed and set its end time. */
  endRun(runId: string, status: TerminalStatus): Promise<void>;
  /** The run with params, latest metric values and tags. RODENT_ERR_NOT_FOUND when missing. */
  getRun(runId: string): Promise<RunRecord>;
  /** Every logged value of one metric, ordered by step then timestamp ([] when never logged). */
  getMetricHistory(runId: string, key: string): Promise<MetricPoint[]>;
  /** Runs of an experiment whose tags include all of `tags`, newest first. */
  searchRuns(experimentId: string, filter?: { tags?: Record<string, string> }): Promise<RunRecord[]>;
  /** Upload every file under `localDir` to `<artifactPath>/<relative path>` (run root when omitted). */
  logArtifacts(runId: string, localDir: string, artifactPath?: string): Promise<void>;
  /** Upload one file to `<artifactPath>/<basename>`. */
  logArtifact(runId: string, localFile: string, artifactPath?: string): Promise<void>;
  /** Direct children of a run-relative folder ("" = root). [] when the folder is empty or missing. */
  listArtifacts(runId: string, artifactPath?: string): Promise<ArtifactEntry[]>;
  /**
   * Download a file or a whole folder to `destDir/<artifactPath>` and return that local path
   * (`destDir` itself for the root). RODENT_ERR_NOT_FOUND when nothing exists at that path.
   */
  downloadArtifacts(runId: string, artifactPath: string, destDir: string): Promise<string>;
}

/** Convenience methods defined once, on top of logBatch, so each backend implements only the primitives. */
export abstract class BaseTracker implements Tracker {
  abstract getOrCreateExperiment(name: string): Promise<string>;
  abstract createRun(opts: { experimentId: string; name?: string; tags?: Record<string, string> }): Promise<RunInfo>;
  abstract logBatch(runId: string, batch: LogBatchInput): Promise<void>;
  abstract endRun(runId: string, status: TerminalStatus): Promise<void>;
  abstract getRun(runId: string): Promise<RunRecord>;
  abstract getMetricHistory(runId: string, key: string): Promise<MetricPoint[]>;
  abstract searchRuns(experimentId: string, filter?: { tags?: Record<string, string> }): Promise<RunRecord[]>;
  abstract logArtifacts(runId: string, localDir: string, artifactPath?: string): Promise<void>;
  abstract logArtifact(runId: string, localFile: string, artifactPath?: string): Promise<void>;
  abstract listArtifacts(runId: string, artifactPath?: string): Promise<ArtifactEntry[]>;
  abstract downloadArtifacts(runId: string, artifactPath: string, destDir: string): Promise<string>;

  logParams(runId: string, params: Record<string, string | number | boolean>): Promise<void> {
    return this.logBatch(runId, { params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])) });
  }
  logMetric(runId: string, key: string, value: number, step?: number): Promise<void> {
    return this.logBatch(runId, { metrics: [{ key, value, step }] });
  }
  logMetrics(runId: string, metrics: Record<string, number>, step?: number): Promise<void> {
    const timestamp = Date.now();
    return this.logBatch(runId, {
      metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, step, timestamp })),
    });
  }
  setTag(runId: string, key: string, value: string): Promise<void> {
    return this.logBatch(runId, { tags: { [key]: value } });
  }
  setTags(runId: string, tags: Record<string, string>): Promise<void> {
    return this.logBatch(runId, { tags });
  }
}
