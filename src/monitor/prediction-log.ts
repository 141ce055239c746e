import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

/**
 * Every served prediction, for realised performance once inspection outcomes arrive (issue 7 §3).
 * SQLite under RODENT_HOME; bounded (oldest rows go first past `maxRows`); no personal data: the restaurant id,
 * the score, the model version and role, and when. Writes are buffered and flushed in one transaction, so the
 * request path only pushes onto an array.
 */
/** Where the service logs predictions under RODENT_HOME; `rodent monitor outcomes` reads the same file. */
export const predictionLogFile = (home: string) => path.join(home, "monitor", "predictions.sqlite");

export interface LoggedPrediction {
  ts: string;
  camis: string;
  modelVersion: string;
  role: string;
  score: number;
  featuresDate: string;
}

export class PredictionLog {
  private readonly db: Database.Database;
  private buffer: LoggedPrediction[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inserted = 0;
  constructor(
    file: string,
    readonly maxRows = 2_000_000,
    flushEveryMs = 1000,
  ) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("busy_timeout = 5000");
    this.db.exec(`CREATE TABLE IF NOT EXISTS predictions (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      ts TEXT NOT NULL, camis TEXT NOT NULL, model_version TEXT NOT NULL, role TEXT NOT NULL,
      score REAL NOT NULL, features_date TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS predictions_camis_ts ON predictions (camis, ts);`);
    this.timer = setInterval(() => this.flush(), flushEveryMs);
    this.timer.unref();
  }
  add(p: LoggedPrediction): void {
    this.buffer.push(p);
    if (this.buffer.length >= 5000) this.flush();
  }
  flush(): void {
    if (!this.buffer.length) return;
    const rows = this.buffer;
    this.buffer = [];
    const ins = this.db.prepare(
      "INSERT INTO predictions (ts, camis, model_version, role, score, features_date) VALUES (?, ?, ?, ?, ?, ?)",
    );
    this.db.transaction(() => {
      for (const r of rows) ins.run(r.ts, r.camis, r.modelVersion, r.role, r.score, r.featuresDate);
    })();
    this.inserted += rows.length;
    if (this.inserted >= Math.max(1000, this.maxRows / 100)) {
      this.inserted = 0;
      this.trim();
    }
  }
  /** Drop the oldest rows beyond maxRows. */
  trim(): void {
    const max = (this.db.prepare("SELECT MAX(id) AS m FROM predictions").get() as { m: number | null }).m;
    if (max !== null) this.db.prepare("DELETE FROM predictions WHERE id <= ?").run(max - this.maxRows);
  }
  count(): number {
    this.flush();
    return (this.db.prepare("SELECT COUNT(*) AS n FROM predictions").get() as { n: number }).n;
  }
  /**
   * The latest prediction for each restaurant made before `before` (exclusive) and not earlier than `notBefore`,
   * by the given role (the champion by default).
   */
  latestBefore(camis: string, before: string, notBefore: string, role = "champion"): LoggedPrediction | undefined {
    this.flush();
    const r = this.db
      .prepare(
        `SELECT ts, camis, model_version AS modelVersion, role, score, features_date AS featuresDate FROM predictions
         WHERE camis = ? AND ts < ? AND ts >= ? AND role = ? ORDER BY ts DESC LIMIT 1`,
      )
      .get(camis, before, notBefore, role) as LoggedPrediction | undefined;
    return r;
  }
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.flush();
    this.db.close();
  }
}
