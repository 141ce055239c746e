import os from "node:os";
import { currentOwner, ownerAlive } from "../util/process-owner.js";
import {
  type ArtifactEntry,
  type LogBatchInput,
  type MetricPoint,
  type RecoveredRun,
  type RunInfo,
  type RunRecord,
  TAGS,
  type TerminalStatus,
} from "./types.js";

/** How often a process that owns a RUNNING run stamps TAGS.heartbeat on it. */
export const HEARTBEAT_MS = 60_000;
/** A run of another host (another pod) whose heartbeat is older than this is taken as interrupted. */
export const STALE_AFTER_MS = 15 * 60_000;

export interface RecoverOptions {
  /** Only runs of these experiments (default: every experiment). */
  experimentIds?: string[];
  staleAfterMs?: number;
  /** The clock (tests). */
  now?: number;
}

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
  /**
   * Crash recovery: end as KILLED (with TAGS.endReason) every RUNNING run of this tool whose owner is gone — on
   * this host, its process is dead (or its pid was reused); on another host (another pod), its heartbeat is older
   * than `staleAfterMs`. Runs of other tools (no rodent owner tags, not started by `rodent`) are never touched.
   */
  recoverInterruptedRuns(opts?: RecoverOptions): Promise<RecoveredRun[]>;
}

/** Convenience methods defined once, on top of logBatch, so each backend implements only the primitives. */
export abstract class BaseTracker implements Tracker {
  abstract getOrCreateExperiment(name: string): Promise<string>;
  /** Create the run as given (createRun adds the owner tags and starts the heartbeat). */
  protected abstract startRun(opts: {
    experimentId: string;
    name?: string;
    tags?: Record<string, string>;
  }): Promise<RunInfo>;
  abstract logBatch(runId: string, batch: LogBatchInput): Promise<void>;
  /** Set the terminal status and end time (endRun also stops the heartbeat). */
  protected abstract finishRun(runId: string, status: TerminalStatus): Promise<void>;
  /** RUNNING runs, of the given experiments or of all. */
  protected abstract runningRuns(experimentIds?: string[]): Promise<RunRecord[]>;
  abstract getRun(runId: string): Promise<RunRecord>;
  abstract getMetricHistory(runId: string, key: string): Promise<MetricPoint[]>;
  abstract searchRuns(experimentId: string, filter?: { tags?: Record<string, string> }): Promise<RunRecord[]>;
  abstract logArtifacts(runId: string, localDir: string, artifactPath?: string): Promise<void>;
  abstract logArtifact(runId: string, localFile: string, artifactPath?: string): Promise<void>;
  abstract listArtifacts(runId: string, artifactPath?: string): Promise<ArtifactEntry[]>;
  abstract downloadArtifacts(runId: string, artifactPath: string, destDir: string): Promise<string>;

  private readonly heartbeats = new Map<string, NodeJS.Timeout>();

  async createRun(opts: { experimentId: string; name?: string; tags?: Record<string, string> }): Promise<RunInfo> {
    const o = currentOwner();
    const info = await this.startRun({
      ...opts,
      tags: {
        ...opts.tags,
        [TAGS.ownerPid]: String(o.pid),
        [TAGS.ownerHost]: o.host,
        [TAGS.ownerStart]: o.startTicks ?? "",
        [TAGS.heartbeat]: String(Date.now()),
      },
    });
    // Unref'd: a heartbeat never keeps a process alive; a failed beat is retried at the next one.
    const timer = setInterval(() => {
      this.setTag(info.runId, TAGS.heartbeat, String(Date.now())).catch(() => {});
    }, HEARTBEAT_MS);
    timer.unref();
    this.heartbeats.set(info.runId, timer);
    return info;
  }

  async endRun(runId: string, status: TerminalStatus): Promise<void> {
    clearInterval(this.heartbeats.get(runId));
    this.heartbeats.delete(runId);
    await this.finishRun(runId, status);
  }

  async recoverInterruptedRuns(opts: RecoverOptions = {}): Promise<RecoveredRun[]> {
    const now = opts.now ?? Date.now();
    const staleAfter = opts.staleAfterMs ?? STALE_AFTER_MS;
    const out: RecoveredRun[] = [];
    for (const r of await this.runningRuns(opts.experimentIds)) {
      if (this.heartbeats.has(r.info.runId)) continue; // ours, alive
      const reason = interruptedBecause(r, now, staleAfter);
      if (!reason) continue;
      await this.logBatch(r.info.runId, { tags: { [TAGS.endReason]: reason } });
      await this.finishRun(r.info.runId, "KILLED");
      out.push({ runId: r.info.runId, experimentId: r.info.experimentId, name: r.info.name, reason });
    }
    return out;
  }

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

/** Why a RUNNING run counts as interrupted, or null when its owner may still be at work (or it is not ours). */
export function interruptedBecause(r: RunRecord, now: number, staleAfterMs: number): string | null {
  const t = r.tags;
  const host = t[TAGS.ownerHost];
  const pid = Number(t[TAGS.ownerPid]);
  if (host === os.hostname() && Number.isInteger(pid) && pid > 0) {
    if (ownerAlive({ pid, host, startTicks: t[TAGS.ownerStart] || null })) return null;
    return `interrupted: process ${pid} on ${host} that ran it is gone (crashed or killed)`;
  }
  // Another host's process cannot be asked: its heartbeat says. Runs started before owner tags existed count
  // only when a rodent command started them (never another tool's runs on a shared server).
  if (!host && !(t["mlflow.source.name"] ?? "").startsWith("rodent")) return null;
  const last = Number(t[TAGS.heartbeat]) || r.info.startTime;
  if (now - last <= staleAfterMs) return null;
  const mins = Math.round((now - last) / 60_000);
  return `interrupted: no heartbeat from ${host || "its process"} for ${mins} min`;
}
