import { createReadStream, createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { isRodentError, RodentError } from "../errors.js";
import { assertFile, joinArtifactPath, normalizeArtifactPath, walkFiles } from "./artifact-path.js";
import { chunkBatch } from "./log-batch-limits.js";
import { type MlflowRest, quoteFilterValue } from "./mlflow-rest.js";
import { BaseTracker } from "./tracker.js";
import {
  type ArtifactEntry,
  type LogBatchInput,
  type MetricPoint,
  type RunInfo,
  type RunRecord,
  type RunStatus,
  TAGS,
  TERMINAL_STATUSES,
  type TerminalStatus,
} from "./types.js";

// MLflow's JSON shapes (only the fields we read).
interface KV {
  key: string;
  value: string;
}
interface MlflowMetric {
  key: string;
  value: number | string;
  step?: number | string;
  timestamp?: number | string;
}
interface MlflowRunInfo {
  run_id: string;
  experiment_id: string;
  run_name?: string;
  status: RunStatus;
  start_time?: number | string;
  end_time?: number | string;
  artifact_uri: string;
}
interface MlflowRun {
  info: MlflowRunInfo;
  data?: { params?: KV[]; metrics?: MlflowMetric[]; tags?: KV[] };
}

/** MLflow sends non-finite doubles as the strings "NaN", "Infinity", "-Infinity" (protobuf JSON). */
const num = (v: number | string | undefined): number => (v === undefined ? 0 : Number(v));
const wireValue = (v: number): number | string => (Number.isFinite(v) ? v : String(v));

/**
 * Tracker on an MLflow server's REST API. Artifacts go through the server's artifact proxy
 * (`mlflow server --serve-artifacts`, the default since MLflow 2): a run's artifact_uri
 * `mlflow-artifacts:/<exp>/<run>/artifacts` maps to /api/2.0/mlflow-artifacts/artifacts/<exp>/<run>/artifacts/….
 */
export class MlflowTracker extends BaseTracker {
  private readonly artifactBases = new Map<string, string>();

  constructor(private readonly rest: MlflowRest) {
    super();
  }

  async getOrCreateExperiment(name: string): Promise<string> {
    if (!name) throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", "experiment name must not be empty");
    const existing = await this.experimentByName(name);
    if (existing) return existing;
    try {
      return (await this.rest.call<{ experiment_id: string }>("createExperiment", { name })).experiment_id;
    } catch (e) {
      // Another client created it between our lookup and create: use theirs.
      if (!isRodentError(e, "RODENT_ERR_ALREADY_EXISTS")) throw e;
      const id = await this.experimentByName(name);
      if (!id) throw e;
      return id;
    }
  }

  private async experimentByName(name: string): Promise<string | null> {
    try {
      const { experiment } = await this.rest.call<{
        experiment: { experiment_id: string; lifecycle_stage?: string };
      }>("getExperimentByName", { experiment_name: name });
      // A deleted experiment still owns its name; bring it back rather than fail on every run.
      if (experiment.lifecycle_stage === "deleted") {
        await this.rest.call("restoreExperiment", { experiment_id: experiment.experiment_id });
      }
      return experiment.experiment_id;
    } catch (e) {
      if (isRodentError(e, "RODENT_ERR_NOT_FOUND")) return null;
      throw e;
    }
  }

  protected async startRun(opts: {
    experimentId: string;
    name?: string;
    tags?: Record<string, string>;
  }): Promise<RunInfo> {
    const tags = { ...opts.tags };
    const { run } = await this.rest.call<{ run: MlflowRun }>("createRun", {
      experiment_id: opts.experimentId,
      run_name: opts.name,
      start_time: Date.now(),
      user_id: tags[TAGS.user],
      tags: Object.entries(tags).map(([key, value]) => ({ key, value: String(value) })),
    });
    return this.info(run.info);
  }

  async logBatch(runId: string, batch: LogBatchInput): Promise<void> {
    const now = Date.now();
    const chunks = chunkBatch(
      Object.entries(batch.params ?? {}),
      batch.metrics ?? [],
      Object.entries(batch.tags ?? {}).map(([k, v]) => [k, String(v)]),
    );
    if (chunks.length === 0) {
      await this.rest.call("getRun", { run_id: runId }); // still report a missing run
      return;
    }
    for (const c of chunks) {
      await this.rest.call("logBatch", {
        run_id: runId,
        params: c.params.map(([key, value]) => ({ key, value })),
        tags: c.tags.map(([key, value]) => ({ key, value })),
        metrics: c.metrics.map((m) => ({
          key: m.key,
          value: wireValue(m.value),
          step: Math.trunc(m.step ?? 0),
          timestamp: Math.trunc(m.timestamp ?? now),
        })),
      });
    }
  }

  protected async finishRun(runId: string, status: TerminalStatus): Promise<void> {
    if (!(TERMINAL_STATUSES as readonly string[]).includes(status)) {
      throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", `run status must be one of ${TERMINAL_STATUSES.join(", ")}`);
    }
    await this.rest.call("updateRun", { run_id: runId, status, end_time: Date.now() });
  }

  protected async runningRuns(experimentIds?: string[]): Promise<RunRecord[]> {
    let ids = experimentIds;
    if (!ids) {
      ids = [];
      let pageToken: string | undefined;
      do {
        const res = await this.rest.call<{ experiments?: { experiment_id: string }[]; next_page_token?: string }>(
          "searchExperiments",
          { max_results: 1000, view_type: "ACTIVE_ONLY", page_token: pageToken },
        );
        for (const e of res.experiments ?? []) ids.push(e.experiment_id);
        pageToken = res.next_page_token || undefined;
      } while (pageToken);
    }
    const out: RunRecord[] = [];
    // runs/search takes at most 100 experiments per request.
    for (let i = 0; i < ids.length; i += 100) {
      let pageToken: string | undefined;
      do {
        const res = await this.rest.call<{ runs?: MlflowRun[]; next_page_token?: string }>("searchRuns", {
          experiment_ids: ids.slice(i, i + 100),
          filter: "attributes.status = 'RUNNING'",
          run_view_type: "ACTIVE_ONLY",
          max_results: 1000,
          page_token: pageToken,
        });
        for (const r of res.runs ?? []) out.push(this.record(r));
        pageToken = res.next_page_token || undefined;
      } while (pageToken);
    }
    return out;
  }

  async getRun(runId: string): Promise<RunRecord> {
    const { run } = await this.rest.call<{ run: MlflowRun }>("getRun", { run_id: runId });
    return this.record(run);
  }

  async getMetricHistory(runId: string, key: string): Promise<MetricPoint[]> {
    const out: MetricPoint[] = [];
    let pageToken: string | undefined;
    do {
      const res = await this.rest.call<{ metrics?: MlflowMetric[]; next_page_token?: string }>("getMetricHistory", {
        run_id: runId,
        metric_key: key,
        max_results: 25000,
        page_token: pageToken,
      });
      for (const m of res.metrics ?? []) {
        out.push({ key: m.key, value: num(m.value), step: num(m.step), timestamp: num(m.timestamp) });
      }
      pageToken = res.next_page_token || undefined;
    } while (pageToken);
    return out.sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
  }

  async searchRuns(experimentId: string, filter: { tags?: Record<string, string> } = {}): Promise<RunRecord[]> {
    const clauses = Object.entries(filter.tags ?? {}).map(([k, v]) => `tags.${quoteKey(k)} = ${quoteFilterValue(v)}`);
    const out: RunRecord[] = [];
    let pageToken: string | undefined;
    do {
      const res = await this.rest.call<{ runs?: MlflowRun[]; next_page_token?: string }>("searchRuns", {
        experiment_ids: [experimentId],
        filter: clauses.join(" AND "),
        run_view_type: "ACTIVE_ONLY",
        max_results: 1000,
        order_by: ["attributes.start_time DESC"],
        page_token: pageToken,
      });
      for (const r of res.runs ?? []) out.push(this.record(r));
      pageToken = res.next_page_token || undefined;
    } while (pageToken);
    return out;
  }

  async logArtifacts(runId: string, localDir: string, artifactPath?: string): Promise<void> {
    const files = await walkFiles(localDir);
    const base = await this.artifactBase(runId);
    const dest = normalizeArtifactPath(artifactPath);
    for (const rel of files) await this.upload(base, joinArtifactPath(dest, rel), path.join(localDir, rel));
  }

  async logArtifact(runId: string, localFile: string, artifactPath?: string): Promise<void> {
    await assertFile(localFile);
    const base = await this.artifactBase(runId);
    await this.upload(base, joinArtifactPath(normalizeArtifactPath(artifactPath), path.basename(localFile)), localFile);
  }

  async listArtifacts(runId: string, artifactPath?: string): Promise<ArtifactEntry[]> {
    const base = await this.artifactBase(runId);
    return this.list(base, normalizeArtifactPath(artifactPath));
  }

  async downloadArtifacts(runId: string, artifactPath: string, destDir: string): Promise<string> {
    const base = await this.artifactBase(runId);
    const rel = normalizeArtifactPath(artifactPath);
    const target = rel ? path.join(destDir, ...rel.split("/")) : destDir;
    // Listing a file and listing a missing folder both answer empty, so: folder if it has entries, else try a file.
    const entries = await this.list(base, rel);
    if (entries.length > 0) {
      const walk = async (items: ArtifactEntry[]): Promise<void> => {
        for (const e of items) {
          if (e.isDir) await walk(await this.list(base, e.path));
          else
            await this.download(base, e.path, path.join(target, ...e.path.slice(rel ? rel.length + 1 : 0).split("/")));
        }
      };
      await walk(entries);
      return target;
    }
    if (!rel) throw new RodentError("RODENT_ERR_NOT_FOUND", `run ${runId} has no artifacts`, { runId });
    try {
      await this.download(base, rel, target);
    } catch (e) {
      if (isRodentError(e, "RODENT_ERR_NOT_FOUND")) {
        throw new RodentError("RODENT_ERR_NOT_FOUND", `run ${runId} has no artifact at ${JSON.stringify(rel)}`, {
          runId,
          artifactPath: rel,
        });
      }
      throw e;
    }
    return target;
  }

  /** "<exp>/<run>/artifacts" — the run's folder on the artifact proxy. */
  private async artifactBase(runId: string): Promise<string> {
    const cached = this.artifactBases.get(runId);
    if (cached) return cached;
    const { run } = await this.rest.call<{ run: MlflowRun }>("getRun", { run_id: runId });
    const uri = run.info.artifact_uri;
    const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/+(.*?)\/*$/.exec(uri);
    if (!m) {
      throw new RodentError(
        "RODENT_ERR_TRACKING",
        `run ${runId} stores artifacts at ${uri}, which this client cannot reach; start the MLflow server with --serve-artifacts (the default) so artifacts go through its proxy`,
        { runId, artifactUri: uri },
      );
    }
    this.artifactBases.set(runId, m[1]);
    return m[1];
  }

  private async list(base: string, rel: string): Promise<ArtifactEntry[]> {
    const res = await this.rest.artifacts("GET", `?path=${encodeURIComponent(joinArtifactPath(base, rel))}`);
    const { files = [] } = (await res.json()) as {
      files?: { path: string; is_dir?: boolean; file_size?: number | string }[];
    };
    return files.map((f) => {
      const name = f.path.split("/").pop()!;
      const e: ArtifactEntry = { path: joinArtifactPath(rel, name), isDir: !!f.is_dir };
      if (!f.is_dir && f.file_size !== undefined) e.size = Number(f.file_size);
      return e;
    });
  }

  private async upload(base: string, rel: string, file: string): Promise<void> {
    const res = await this.rest.artifacts("PUT", `/${encodePath(joinArtifactPath(base, rel))}`, () => ({
      body: Readable.toWeb(createReadStream(file)) as unknown as NonNullable<RequestInit["body"]>,
      duplex: "half",
    }));
    await res.body?.cancel();
  }

  private async download(base: string, rel: string, dest: string): Promise<void> {
    const res = await this.rest.artifacts("GET", `/${encodePath(joinArtifactPath(base, rel))}`);
    await fs.mkdir(path.dirname(dest), { recursive: true });
    const tmp = `${dest}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      if (!res.body) await fs.writeFile(tmp, "");
      else await pipeline(Readable.fromWeb(res.body as unknown as WebReadableStream), createWriteStream(tmp));
      await fs.rename(tmp, dest);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw new RodentError(
        "RODENT_ERR_TRACKING",
        `downloading artifact ${rel} failed: ${(e as Error).message}`,
        undefined,
        {
          cause: e,
        },
      );
    }
  }

  private info(i: MlflowRunInfo): RunInfo {
    return {
      runId: i.run_id,
      experimentId: String(i.experiment_id),
      name: i.run_name ?? "",
      status: i.status,
      startTime: num(i.start_time),
      endTime: i.end_time === undefined || i.end_time === null ? null : num(i.end_time),
      artifactUri: i.artifact_uri,
    };
  }

  private record(r: MlflowRun): RunRecord {
    const d = r.data ?? {};
    return {
      info: this.info(r.info),
      params: Object.fromEntries((d.params ?? []).map((p) => [p.key, p.value])),
      // runs/get already returns the latest value per key.
      metrics: Object.fromEntries((d.metrics ?? []).map((m) => [m.key, num(m.value)])),
      tags: Object.fromEntries((d.tags ?? []).map((t) => [t.key, t.value])),
    };
  }
}

const encodePath = (p: string) => p.split("/").map(encodeURIComponent).join("/");

/** Backticks around a tag key in MLflow's search syntax. */
function quoteKey(k: string): string {
  if (k.includes("`"))
    throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", `tag key ${JSON.stringify(k)}: backticks cannot be searched`);
  return `\`${k}\``;
}
