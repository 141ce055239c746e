import { RodentError } from "../errors.js";
import { type AliasGuard, BaseRegistry, checkAliasGuard, checkAliasName, type NewModelVersion } from "./registry.js";
import type { Db } from "./sqlite-db.js";
import type { ModelVersion, RegisteredModel } from "./types.js";

interface VersionRow {
  name: string;
  version: number;
  run_id: string;
  source: string;
  description: string;
  created_at: number;
}

/**
 * Embedded registry in the same SQLite file as the tracker. Every read-modify-write runs in a BEGIN IMMEDIATE
 * transaction, so version numbering and alias compare-and-set are atomic across processes sharing the file.
 */
export class SqliteRegistry extends BaseRegistry {
  constructor(private readonly db: Db) {
    super();
  }

  async createRegisteredModel(name: string): Promise<void> {
    if (!name) throw new RodentError("RODENT_ERR_INVALID_ARGUMENT", "registered model name must not be empty");
    this.db.prepare("INSERT OR IGNORE INTO registered_models (name, created_at) VALUES (?, ?)").run(name, Date.now());
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    const row = this.modelRow(name);
    const aliases = Object.fromEntries(
      (
        this.db.prepare("SELECT alias, version FROM aliases WHERE name = ? ORDER BY alias").all(name) as {
          alias: string;
          version: number;
        }[]
      ).map((a) => [a.alias, String(a.version)]),
    );
    const latest = this.db.prepare("SELECT MAX(version) AS v FROM model_versions WHERE name = ?").get(name) as {
      v: number | null;
    };
    return {
      name,
      aliases,
      latestVersion: latest.v === null ? null : String(latest.v),
      createdAt: new Date(row.created_at).toISOString(),
    };
  }

  async createModelVersion(opts: NewModelVersion): Promise<ModelVersion> {
    const version = this.db
      .transaction(() => {
        this.modelRow(opts.name);
        const { v } = this.db
          .prepare("SELECT COALESCE(MAX(version), 0) + 1 AS v FROM model_versions WHERE name = ?")
          .get(opts.name) as { v: number };
        this.db
          .prepare(
            "INSERT INTO model_versions (name, version, run_id, source, description, created_at) VALUES (?, ?, ?, ?, ?, ?)",
          )
          .run(opts.name, v, opts.runId, opts.source, opts.description ?? "", Date.now());
        const put = this.db.prepare("INSERT INTO model_version_tags (name, version, key, value) VALUES (?, ?, ?, ?)");
        for (const [k, val] of Object.entries(opts.tags ?? {})) put.run(opts.name, v, k, String(val));
        return v;
      })
      .immediate();
    return this.version(this.versionRow(opts.name, String(version)));
  }

  async getModelVersion(name: string, version: string): Promise<ModelVersion> {
    return this.version(this.versionRow(name, version));
  }

  async listModelVersions(name: string): Promise<ModelVersion[]> {
    this.modelRow(name);
    const rows = this.db
      .prepare("SELECT * FROM model_versions WHERE name = ? ORDER BY version")
      .all(name) as VersionRow[];
    return rows.map((r) => this.version(r));
  }

  async setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    this.versionRow(name, version);
    this.db
      .prepare("INSERT OR REPLACE INTO model_version_tags (name, version, key, value) VALUES (?, ?, ?, ?)")
      .run(name, Number(version), key, value);
  }

  async getAlias(name: string, alias: string): Promise<ModelVersion | null> {
    this.modelRow(name);
    const v = this.currentAlias(name, alias);
    return v === null ? null : this.version(this.versionRow(name, v));
  }

  async setAlias(name: string, alias: string, version: string, opts?: AliasGuard): Promise<void> {
    checkAliasName(alias);
    // Read, compare and write under one write lock: the losing process waits on the lock (busy_timeout),
    // then reads the winner's value and fails the comparison.
    this.db
      .transaction(() => {
        this.versionRow(name, version);
        checkAliasGuard(name, alias, this.currentAlias(name, alias), opts);
        this.db
          .prepare("INSERT OR REPLACE INTO aliases (name, alias, version) VALUES (?, ?, ?)")
          .run(name, alias, Number(version));
      })
      .immediate();
  }

  async deleteAlias(name: string, alias: string, opts?: AliasGuard): Promise<void> {
    this.db
      .transaction(() => {
        this.modelRow(name);
        checkAliasGuard(name, alias, this.currentAlias(name, alias), opts);
        this.db.prepare("DELETE FROM aliases WHERE name = ? AND alias = ?").run(name, alias);
      })
      .immediate();
  }

  private currentAlias(name: string, alias: string): string | null {
    const row = this.db.prepare("SELECT version FROM aliases WHERE name = ? AND alias = ?").get(name, alias) as
      | { version: number }
      | undefined;
    return row ? String(row.version) : null;
  }

  private modelRow(name: string): { name: string; created_at: number } {
    const row = this.db.prepare("SELECT * FROM registered_models WHERE name = ?").get(name) as
      | { name: string; created_at: number }
      | undefined;
    if (!row) throw new RodentError("RODENT_ERR_NOT_FOUND", `registered model ${name} does not exist`, { name });
    return row;
  }

  private versionRow(name: string, version: string): VersionRow {
    this.modelRow(name);
    const row = /^\d+$/.test(version)
      ? (this.db.prepare("SELECT * FROM model_versions WHERE name = ? AND version = ?").get(name, Number(version)) as
          | VersionRow
          | undefined)
      : undefined;
    if (!row) {
      throw new RodentError("RODENT_ERR_NOT_FOUND", `version ${version} of model ${name} does not exist`, {
        name,
        version,
      });
    }
    return row;
  }

  private version(r: VersionRow): ModelVersion {
    const tags = Object.fromEntries(
      (
        this.db
          .prepare("SELECT key, value FROM model_version_tags WHERE name = ? AND version = ?")
          .all(r.name, r.version) as {
          key: string;
          value: string;
        }[]
      ).map((t) => [t.key, t.value]),
    );
    const aliases = (
      this.db
        .prepare("SELECT alias FROM aliases WHERE name = ? AND version = ? ORDER BY alias")
        .all(r.name, r.version) as {
        alias: string;
      }[]
    ).map((a) => a.alias);
    return {
      name: r.name,
      version: String(r.version),
      runId: r.run_id,
      source: r.source,
      aliases,
      tags,
      description: r.description,
      createdAt: new Date(r.created_at).toISOString(),
    };
  }
}
