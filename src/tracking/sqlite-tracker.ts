import { randomUUID } from "node:crypto";
import path from "node:path";
import type { ObjectStore } from "../data/index.js";
import { RodentError } from "../errors.js";
import { assertFile, joinArtifactPath, normalizeArtifactPath, walkFiles } from "./artifact-path.js";
import type { Db } from "./sqlite-db.js";
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

interface RunRow {
  run_id: string;
  experiment_id: number;
  name: string;
  status: RunStatus;
  start_time: number;
  end_time: number | null;
}

/**
 * Embedded tracker: run metadata in SQLite, artifacts in the object store under
 * `artifacts/<experimentId>/<runId>/<path>` (a folder locally, or S3 when the store is S3).
 */
export class SqliteTracker extends BaseTracker {
  constructor(
    private readonly db: Db,
    private readonly store: ObjectStore,
  ) {
    super();
  }

  async getOrCreateExperiment(name: string): Promise<string> {
    if (!name) throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", "experiment name must not be empty");
    // INSERT OR IGNORE makes two processes creating the same experiment agree on one id.
    this.db.prepare("INSERT OR IGNORE INTO experiments (name, created_at) VALUES (?, ?)").run(name, Date.now());
    const row = this.db.prepare("SELECT experiment_id FROM experiments WHERE name = ?").get(name) as {
      experiment_id: number;
    };
    return String(row.experiment_id);
  }

  protected async startRun(opts: {
    experimentId: string;
    name?: string;
    tags?: Record<string, string>;
  }): Promise<RunInfo> {
    const exp = this.db.prepare("SELECT experiment_id FROM experiments WHERE experiment_id = ?").get(opts.experimentId);
    if (!exp) throw new RodentError("RODENT_ERR_NOT_FOUND", `experiment ${opts.experimentId} does not exist`);
    const runId = randomUUID().replace(/-/g, "");
    const name = opts.name || `run-${runId.slice(0, 8)}`;
    const now = Date.now();
    this.db
      .transaction(() => {
        this.db
          .prepare(
            "INSERT INTO runs (run_id, experiment_id, name, status, start_time, end_time) VALUES (?, ?, ?, 'RUNNING', ?, NULL)",
          )
          .run(runId, Number(opts.experimentId), name, now);
        this.putTags(runId, { ...opts.tags, [TAGS.runName]: name });
      })
      .immediate();
    return this.info(this.runRow(runId));
  }

  async logBatch(runId: string, batch: LogBatchInput): Promise<void> {
    this.runRow(runId);
    const now = Date.now();
    this.db
      .transaction(() => {
        const getParam = this.db.prepare("SELECT value FROM params WHERE run_id = ? AND key = ?");
        const putParam = this.db.prepare("INSERT OR IGNORE INTO params (run_id, key, value) VALUES (?, ?, ?)");
        for (const [key, value] of Object.entries(batch.params ?? {})) {
          const old = getParam.get(runId, key) as { value: string } | undefined;
          if (old && old.value !== value) {
            throw new RodentError(
              "RODENT_ERR_INVALID_ARGUMENT",
              `param ${key} of run ${runId} is already ${JSON.stringify(old.value)}; params are write-once (got ${JSON.stringify(value)})`,
              { runId, key },
            );
          }
          putParam.run(runId, key, value);
        }
        const putMetric = this.db.prepare(
          "INSERT INTO metrics (run_id, key, value, step, timestamp) VALUES (?, ?, ?, ?, ?)",
        );
        for (const m of batch.metrics ?? []) {
          if (typeof m.value !== "number") {
            throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", `metric ${m.key}: value must be a number`);
          }
          // SQLite stores NaN as NULL; read back as NaN.
          putMetric.run(runId, m.key, m.value, Math.trunc(m.step ?? 0), Math.trunc(m.timestamp ?? now));
        }
        if (batch.tags) this.putTags(runId, batch.tags);
      })
      .immediate();
  }

  protected async finishRun(runId: string, status: TerminalStatus): Promise<void> {
    if (!(TERMINAL_STATUSES as readonly string[]).includes(status)) {
      throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", `run status must be one of ${TERMINAL_STATUSES.join(", ")}`);
    }
    this.runRow(runId);
    this.db.prepare("UPDATE runs SET status = ?, end_time = ? WHERE run_id = ?").run(status, Date.now(), runId);
  }

  protected async runningRuns(experimentIds?: string[]): Promise<RunRecord[]> {
    const ids = experimentIds?.map(Number) ?? [];
    const sql =
      "SELECT * FROM runs WHERE status = 'RUNNING'" +
      (experimentIds ? ` AND experiment_id IN (${ids.map(() => "?").join(",") || "NULL"})` : "") +
      " ORDER BY start_time, rowid";
    return (this.db.prepare(sql).all(...ids) as RunRow[]).map((r) => this.record(r));
  }

  async getRun(runId: string): Promise<RunRecord> {
    return this.record(this.runRow(runId));
  }

  async getMetricHistory(runId: string, key: string): Promise<MetricPoint[]> {
    this.runRow(runId);
    const rows = this.db
      .prepare(
        "SELECT key, value, step, timestamp FROM metrics WHERE run_id = ? AND key = ? ORDER BY step, timestamp, seq",
      )
      .all(runId, key) as { key: string; value: number | null; step: number; timestamp: number }[];
    return rows.map((r) => ({ key: r.key, value: r.value ?? Number.NaN, step: r.step, timestamp: r.timestamp }));
  }

  async searchRuns(experimentId: string, filter: { tags?: Record<string, string> } = {}): Promise<RunRecord[]> {
    const tags = Object.entries(filter.tags ?? {});
    const sql =
      "SELECT * FROM runs r WHERE experiment_id = ?" +
      tags
        .map(() => " AND EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = r.run_id AND t.key = ? AND t.value = ?)")
        .join("") +
      " ORDER BY start_time DESC, rowid DESC";
    const rows = this.db.prepare(sql).all(Number(experimentId), ...tags.flat()) as RunRow[];
    return rows.map((r) => this.record(r));
  }

  async logArtifacts(runId: string, localDir: string, artifactPath?: string): Promise<void> {
    const root = this.artifactRoot(runId);
    const base = normalizeArtifactPath(artifactPath);
    for (const rel of await walkFiles(localDir)) {
      await this.store.putFile(joinArtifactPath(root, base, rel), path.join(localDir, rel));
    }
  }

  async logArtifact(runId: string, localFile: string, artifactPath?: string): Promise<void> {
    const root = this.artifactRoot(runId);
    await assertFile(localFile);
    await this.store.putFile(
      joinArtifactPath(root, normalizeArtifactPath(artifactPath), path.basename(localFile)),
      localFile,
    );
  }

  async listArtifacts(runId: string, artifactPath?: string): Promise<ArtifactEntry[]> {
    const root = this.artifactRoot(runId);
    const base = normalizeArtifactPath(artifactPath);
    const prefix = `${joinArtifactPath(root, base)}/`;
    const out = new Map<string, ArtifactEntry>();
    for (const key of await this.store.list(prefix)) {
      const rest = key.slice(prefix.length);
      const slash = rest.indexOf("/");
      const child = slash < 0 ? rest : rest.slice(0, slash);
      const rel = joinArtifactPath(base, child);
      if (!out.has(rel)) out.set(rel, { path: rel, isDir: slash >= 0 });
    }
    return [...out.values()];
  }

  async downloadArtifacts(runId: string, artifactPath: string, destDir: string): Promise<string> {
    const root = this.artifactRoot(runId);
    const rel = normalizeArtifactPath(artifactPath);
    const target = rel ? path.join(destDir, ...rel.split("/")) : destDir;
    const fileKey = joinArtifactPath(root, rel);
    if (rel && (await this.store.exists(fileKey))) {
      await this.store.getFile(fileKey, target);
      return target;
    }
    const prefix = `${fileKey}/`;
    const keys = await this.store.list(prefix);
    if (keys.length === 0) {
      throw new RodentError("RODENT_ERR_NOT_FOUND", `run ${runId} has no artifact at ${JSON.stringify(rel || "/")}`, {
        runId,
        artifactPath: rel,
      });
    }
    for (const key of keys) await this.store.getFile(key, path.join(target, ...key.slice(prefix.length).split("/")));
    return target;
  }

  private artifactRoot(runId: string): string {
    const row = this.runRow(runId);
    return `artifacts/${row.experiment_id}/${row.run_id}`;
  }

  private putTags(runId: string, tags: Record<string, string>): void {
    const put = this.db.prepare("INSERT OR REPLACE INTO run_tags (run_id, key, value) VALUES (?, ?, ?)");
    for (const [k, v] of Object.entries(tags)) put.run(runId, k, String(v));
    // MLflow keeps the run name and the mlflow.runName tag in step; so do we.
    if (tags[TAGS.runName] !== undefined) {
      this.db.prepare("UPDATE runs SET name = ? WHERE run_id = ?").run(String(tags[TAGS.runName]), runId);
    }
  }

  private runRow(runId: string): RunRow {
    const row = this.db.prepare("SELECT * FROM runs WHERE run_id = ?").get(runId) as RunRow | undefined;
    if (!row) throw new RodentError("RODENT_ERR_NOT_FOUND", `run ${runId} does not exist`, { runId });
    return row;
  }

  private info(r: RunRow): RunInfo {
    return {
      runId: r.run_id,
      experimentId: String(r.experiment_id),
      name: r.name,
      status: r.status,
      startTime: r.start_time,
      endTime: r.end_time,
      artifactUri: `${this.store.uri}/artifacts/${r.experiment_id}/${r.run_id}`,
    };
  }

  private record(r: RunRow): RunRecord {
    const params = Object.fromEntries(
      (
        this.db.prepare("SELECT key, value FROM params WHERE run_id = ?").all(r.run_id) as {
          key: string;
          value: string;
        }[]
      ).map((p) => [p.key, p.value]),
    );
    const tags = Object.fromEntries(
      (
        this.db.prepare("SELECT key, value FROM run_tags WHERE run_id = ?").all(r.run_id) as {
          key: string;
          value: string;
        }[]
      ).map((t) => [t.key, t.value]),
    );
    // Ordered so the last row per key is the latest (highest step, then latest timestamp).
    const metrics: Record<string, number> = {};
    for (const m of this.db
      .prepare("SELECT key, value FROM metrics WHERE run_id = ? ORDER BY key, step, timestamp, seq")
      .all(r.run_id) as { key: string; value: number | null }[]) {
      metrics[m.key] = m.value ?? Number.NaN;
    }
    return { info: this.info(r), params, metrics, tags };
  }
}
