import { randomBytes } from "node:crypto";
import os from "node:os";
import { gunzipSync, gzipSync } from "node:zlib";
import type { ObjectStore } from "../data/index.js";

/**
 * Every prediction or ranking the service serves for a restaurant, for realised performance once inspection
 * outcomes arrive (issue 13 §5). Each row is stamped with the DATA DATE it was made for (the day after the data
 * its features read), so an inspection is joined to what was predicted for it in data time, whatever the wall
 * clock said. The log lives in the object store under monitor/predictions/DATA_DATE/ — a folder on one machine,
 * S3 on a cluster — as gzip NDJSON segments, one per flush per writer, so every replica writes its own objects and
 * `rodent monitor outcomes` (a cluster job) reads them all. No personal data: restaurant id, score, model version
 * and role, times. The request path only pushes onto an array; a timer flushes.
 */
export const PREDICTIONS_PREFIX = "monitor/predictions/";

export interface LoggedPrediction {
  /** wall-clock time it was served (ISO) */
  ts: string;
  camis: string;
  modelVersion: string;
  role: string;
  score: number;
  /** the data date it was made for (YYYY-MM-DD): features use data before this day */
  dataDate: string;
}

interface Row {
  t: string;
  c: string;
  v: string;
  r: string;
  s: number;
  d: string;
}

export class PredictionLog {
  private buffer: LoggedPrediction[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private seq = 0;
  private readonly writer =
    `${os.hostname().replace(/[^\w.-]/g, "_")}-${process.pid}-${randomBytes(3).toString("hex")}`;
  /** rows dropped because the store failed for longer than the buffer holds */
  dropped = 0;
  written = 0;
  constructor(
    private readonly store: ObjectStore,
    private readonly opts: { flushEveryMs?: number; maxBuffer?: number; onError?: (e: unknown) => void } = {},
  ) {
    this.timer = setInterval(() => void this.flush(), opts.flushEveryMs ?? 10_000);
    this.timer.unref();
  }
  add(p: LoggedPrediction): void {
    this.buffer.push(p);
    const max = this.opts.maxBuffer ?? 500_000;
    if (this.buffer.length > max) {
      this.dropped += this.buffer.length - max;
      this.buffer.splice(0, this.buffer.length - max);
    }
  }
  /** Write what is buffered, one segment per data date. Never throws: a failed write keeps its rows for the next. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (!this.buffer.length) return;
      const rows = this.buffer;
      this.buffer = [];
      const byDate = new Map<string, LoggedPrediction[]>();
      for (const r of rows) {
        const b = byDate.get(r.dataDate) ?? [];
        byDate.set(r.dataDate, b);
        b.push(r);
      }
      for (const [date, part] of byDate) {
        const body = part
          .map((p) =>
            JSON.stringify({
              t: p.ts,
              c: p.camis,
              v: p.modelVersion,
              r: p.role,
              s: p.score,
              d: p.dataDate,
            } satisfies Row),
          )
          .join("\n");
        const stamp = new Date().toISOString().replace(/[-:.]/g, "");
        const key = `${PREDICTIONS_PREFIX}${date}/${stamp}-${this.writer}-${this.seq++}.ndjson.gz`;
        try {
          await this.store.put(key, gzipSync(`${body}\n`));
          this.written += part.length;
        } catch (e) {
          this.buffer.unshift(...part);
          this.opts.onError?.(e);
        }
      }
    });
    return this.flushing;
  }
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }
}

/** Predictions read back for joining: the latest one made for a restaurant before an inspection. */
export interface PredictionLookup {
  count: number;
  /**
   * The latest prediction for the restaurant by `role` made for a data date on or before `day` (its features knew
   * nothing of that day) and not more than maxAgeDays before it; later wall-clock time wins a tie.
   */
  latestFor(camis: string, day: string, maxAgeDays: number, role?: string): LoggedPrediction | undefined;
}

const DAY = 86_400_000;
const minusDays = (iso: string, n: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) - n * DAY).toISOString().slice(0, 10);

/** Read the segments of data dates in [from, to] (ISO days, inclusive). */
export async function readPredictions(store: ObjectStore, from: string, to: string): Promise<PredictionLookup> {
  const keys = (await store.list(PREDICTIONS_PREFIX)).filter((k) => {
    const date = k.slice(PREDICTIONS_PREFIX.length, PREDICTIONS_PREFIX.length + 10);
    return date >= from && date <= to && k.endsWith(".ndjson.gz");
  });
  const byCamis = new Map<string, LoggedPrediction[]>();
  let count = 0;
  for (const key of keys) {
    const text = gunzipSync(await store.get(key)).toString("utf8");
    for (const line of text.split("\n")) {
      if (!line) continue;
      const r = JSON.parse(line) as Row;
      const p: LoggedPrediction = { ts: r.t, camis: r.c, modelVersion: r.v, role: r.r, score: r.s, dataDate: r.d };
      const list = byCamis.get(p.camis) ?? [];
      byCamis.set(p.camis, list);
      list.push(p);
      count++;
    }
  }
  for (const list of byCamis.values())
    list.sort((a, b) => (a.dataDate === b.dataDate ? a.ts.localeCompare(b.ts) : a.dataDate.localeCompare(b.dataDate)));
  return {
    count,
    latestFor(camis, day, maxAgeDays, role = "champion") {
      const list = byCamis.get(camis);
      if (!list) return undefined;
      const floor = minusDays(day, maxAgeDays);
      for (let i = list.length - 1; i >= 0; i--) {
        const p = list[i];
        if (p.dataDate > day || p.role !== role) continue;
        return p.dataDate >= floor ? p : undefined;
      }
      return undefined;
    },
  };
}

/** Delete the segments of data dates before `before` (retention; `rodent monitor outcomes` keeps 400 days). */
export async function trimPredictions(store: ObjectStore, before: string): Promise<number> {
  let n = 0;
  for (const k of await store.list(PREDICTIONS_PREFIX)) {
    if (k.slice(PREDICTIONS_PREFIX.length, PREDICTIONS_PREFIX.length + 10) < before) {
      await store.delete(k);
      n++;
    }
  }
  return n;
}
