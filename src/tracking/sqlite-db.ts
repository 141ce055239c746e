import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { RodentError } from "../errors.js";

export type Db = Database.Database;

// Schema of the embedded tracking store. Bump SCHEMA_VERSION with a migration when it changes.
const SCHEMA_VERSION = 1;
const SCHEMA = `
CREATE TABLE IF NOT EXISTS experiments (
  experiment_id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
  run_id TEXT PRIMARY KEY,
  experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id),
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  start_time INTEGER NOT NULL,
  end_time INTEGER
);
CREATE INDEX IF NOT EXISTS runs_by_experiment ON runs(experiment_id, start_time);
CREATE TABLE IF NOT EXISTS params (
  run_id TEXT NOT NULL REFERENCES runs(run_id),
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
);
CREATE TABLE IF NOT EXISTS metrics (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL REFERENCES runs(run_id),
  key TEXT NOT NULL,
  value REAL,
  step INTEGER NOT NULL,
  timestamp INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS metrics_by_run ON metrics(run_id, key, step, timestamp);
CREATE TABLE IF NOT EXISTS run_tags (
  run_id TEXT NOT NULL REFERENCES runs(run_id),
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
);
CREATE TABLE IF NOT EXISTS registered_models (
  name TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS model_versions (
  name TEXT NOT NULL REFERENCES registered_models(name),
  version INTEGER NOT NULL,
  run_id TEXT NOT NULL,
  source TEXT NOT NULL,
  description TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (name, version)
);
CREATE TABLE IF NOT EXISTS model_version_tags (
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (name, version, key),
  FOREIGN KEY (name, version) REFERENCES model_versions(name, version)
);
CREATE TABLE IF NOT EXISTS aliases (
  name TEXT NOT NULL REFERENCES registered_models(name),
  alias TEXT NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (name, alias),
  FOREIGN KEY (name, version) REFERENCES model_versions(name, version)
);
`;

/**
 * Open (creating if needed) the embedded tracking database. WAL lets readers run beside one writer in other
 * processes; busy_timeout makes a writer wait for the lock instead of failing at once. Writes that must be
 * atomic across processes use BEGIN IMMEDIATE (`db.transaction(fn).immediate()`), which takes the write lock
 * before reading, so a read-compare-write cannot interleave with another process's.
 */
export function openTrackingDb(dbPath: string, opts: { busyTimeoutMs?: number } = {}): Db {
  let db: Db;
  try {
    mkdirSync(path.dirname(dbPath), { recursive: true });
    db = new Database(dbPath);
  } catch (e) {
    throw new RodentError("RODENT_ERR_TRACKING", `cannot open tracking database ${dbPath}: ${(e as Error).message}`, {
      dbPath,
    });
  }
  db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 15_000}`);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.transaction(() => {
    const v = db.pragma("user_version", { simple: true }) as number;
    if (v > SCHEMA_VERSION) {
      throw new RodentError(
        "RODENT_ERR_TRACKING",
        `tracking database ${dbPath} has schema version ${v}, newer than this program's ${SCHEMA_VERSION}; upgrade rodent-risk`,
      );
    }
    if (v < SCHEMA_VERSION) {
      db.exec(SCHEMA);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }
  }).immediate();
  return db;
}

/**
 * Wrap a backend object so that anything thrown that is not already a RodentError (SQLite I/O errors, "database is
 * locked" after busy_timeout) reaches callers as RODENT_ERR_TRACKING naming the database file, with the cause kept.
 */
export function withTrackingErrors<T extends object>(target: T, dbPath: string): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const v = Reflect.get(obj, prop, receiver);
      if (typeof v !== "function") return v;
      // Call on the target itself, so the backend's own (synchronous) helpers are not wrapped.
      return (...args: unknown[]) => {
        try {
          return Promise.resolve(v.apply(obj, args)).catch((e: unknown) => {
            throw toTrackingError(e, dbPath);
          });
        } catch (e) {
          return Promise.reject(toTrackingError(e, dbPath));
        }
      };
    },
  });
}

function toTrackingError(e: unknown, dbPath: string): unknown {
  if (e instanceof RodentError) return e;
  const err = e as { message?: string; code?: string };
  return new RodentError(
    "RODENT_ERR_TRACKING",
    `tracking database ${dbPath}: ${err?.message ?? String(e)}`,
    { dbPath, sqliteCode: err?.code },
    { cause: e },
  );
}
