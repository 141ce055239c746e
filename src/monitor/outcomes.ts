import { rocAuc } from "../model/index.js";
import type { PredictionLookup } from "./prediction-log.js";

/**
 * Realised performance with delayed labels (issue 13 §5): each inspection in a new snapshot is joined to the
 * champion's prediction for that restaurant made for a data date on or before the inspection day (the latest
 * one, at most `maxAgeDays` old): the logged one when the service served it, else — the backfill — the score of
 * the champion of its time (the model that was champion at that data date, scored now on the inspection's own
 * point-in-time features). So realised AUC, precision and lift in the top 10 % exist per ISO week for history and
 * for new weeks alike, and each week says which predictions it rests on. A drop of the CURRENT champion's
 * realised figures beyond `tolerance` under its offline test figures is performance drift.
 */
/** The latest realised-performance report in the object store: `rodent monitor outcomes` writes it, every
 *  service replica re-exports it as gauges (rodent_live_auc, rodent_live_lift_at_10). */
export const OUTCOMES_KEY = "monitor/outcomes/latest.json";

export interface InspectionOutcomes {
  camis: string[];
  day: Int32Array;
  label: Uint8Array;
}

/** The champion of an inspection's time and its score for it (backfill), or null when none existed. */
export type BackfillScorer = (row: number) => { score: number; version: string } | null;

export interface OutcomeWeek {
  week: string;
  inspections: number;
  matched: number;
  /** how many of the matched predictions were logged by the service, and how many backfilled */
  matched_logged: number;
  matched_backfill: number;
  /** the model versions whose predictions the week rests on */
  models: string[];
  positives: number;
  auc: number | null;
  precision_at_10: number | null;
  lift_at_10: number | null;
}

export interface OutcomeReport {
  weeks: OutcomeWeek[];
  overall: Omit<OutcomeWeek, "week">;
  /** the current champion's own realised figures (what performance drift is judged on) */
  current: { version: string | null; matched: number; auc: number | null; lift_at_10: number | null };
  offline: { auc: number | null; lift_at_10: number | null };
  tolerance: number;
  performance_drop: boolean;
  reasons: string[];
}

const iso = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);
const monday = (day: number) => day - ((((day - 4) % 7) + 7) % 7);

interface Bucket {
  labels: number[];
  scores: number[];
  inspections: number;
  logged: number;
  backfill: number;
  models: Set<string>;
}
const bucket = (): Bucket => ({ labels: [], scores: [], inspections: 0, logged: 0, backfill: 0, models: new Set() });

/** Ranks within a bucket: logged scores of different versions are all probabilities, so they share one scale. */
function score(b: Bucket, week: string): OutcomeWeek {
  const n = b.labels.length;
  const positives = b.labels.reduce((s, v) => s + v, 0);
  const out: OutcomeWeek = {
    week,
    inspections: b.inspections,
    matched: n,
    matched_logged: b.logged,
    matched_backfill: b.backfill,
    models: [...b.models].sort((x, y) => Number(x) - Number(y) || x.localeCompare(y)),
    positives,
    auc: null,
    precision_at_10: null,
    lift_at_10: null,
  };
  if (n === 0) return out;
  if (positives > 0 && positives < n) out.auc = rocAuc(Uint8Array.from(b.labels), Float64Array.from(b.scores));
  // Top 10 % by score; a tie at the cut counts fractionally (no arbitrary order among ties).
  const idx = b.labels.map((_, i) => i).sort((x, y) => b.scores[y] - b.scores[x]);
  const k = Math.max(1, Math.round(0.1 * n));
  const cut = b.scores[idx[k - 1]];
  let above = 0;
  let abovePos = 0;
  let tied = 0;
  let tiedPos = 0;
  for (let i = 0; i < n; i++) {
    if (b.scores[i] > cut) {
      above++;
      abovePos += b.labels[i];
    } else if (b.scores[i] === cut) {
      tied++;
      tiedPos += b.labels[i];
    }
  }
  const found = abovePos + ((k - above) * tiedPos) / tied;
  out.precision_at_10 = found / k;
  out.lift_at_10 = positives > 0 ? found / k / (positives / n) : null;
  return out;
}

export function computeOutcomes(
  inspections: InspectionOutcomes,
  log: PredictionLookup,
  opts: {
    fromDay: number;
    toDay: number;
    offline: { auc: number | null; lift_at_10: number | null };
    /** the current champion's version: performance drift is judged on its predictions */
    currentVersion?: string | null;
    backfill?: BackfillScorer | null;
    maxAgeDays?: number;
    tolerance?: number;
    role?: string;
  },
): OutcomeReport {
  const maxAge = opts.maxAgeDays ?? 60;
  const tolerance = opts.tolerance ?? 0.05;
  const byWeek = new Map<number, Bucket>();
  const all = bucket();
  const cur = bucket();
  for (let i = 0; i < inspections.day.length; i++) {
    const d = inspections.day[i];
    if (d < opts.fromDay || d >= opts.toDay) continue;
    const wk = monday(d);
    const b = byWeek.get(wk) ?? bucket();
    byWeek.set(wk, b);
    b.inspections++;
    all.inspections++;
    const p = log.latestFor(inspections.camis[i], iso(d), maxAge, opts.role ?? "champion");
    let s: { score: number; version: string; logged: boolean } | null = p
      ? { score: p.score, version: p.modelVersion, logged: true }
      : null;
    if (!s && opts.backfill) {
      const f = opts.backfill(i);
      if (f) s = { ...f, logged: false };
    }
    if (!s) continue;
    for (const x of s.version === opts.currentVersion ? [b, all, cur] : [b, all]) {
      x.labels.push(inspections.label[i]);
      x.scores.push(s.score);
      x.models.add(s.version);
      if (s.logged) x.logged++;
      else x.backfill++;
    }
  }
  const weeks = [...byWeek.entries()].sort((a, b) => a[0] - b[0]).map(([wk, b]) => score(b, iso(wk)));
  const { week: _w, ...overall } = score(all, "");
  const c = score(cur, "");
  const reasons: string[] = [];
  if (opts.offline.auc !== null && c.auc !== null && c.auc < opts.offline.auc - tolerance)
    reasons.push(
      `realised AUC ${c.auc.toFixed(3)} of v${opts.currentVersion} < offline ${opts.offline.auc.toFixed(3)} - ${tolerance}`,
    );
  if (
    opts.offline.lift_at_10 !== null &&
    c.lift_at_10 !== null &&
    c.lift_at_10 < opts.offline.lift_at_10 * (1 - 2 * tolerance)
  )
    reasons.push(
      `realised lift@10% ${c.lift_at_10.toFixed(2)} of v${opts.currentVersion} < offline ${opts.offline.lift_at_10.toFixed(2)} × ${(1 - 2 * tolerance).toFixed(2)}`,
    );
  return {
    weeks,
    overall,
    current: { version: opts.currentVersion ?? null, matched: c.matched, auc: c.auc, lift_at_10: c.lift_at_10 },
    offline: opts.offline,
    tolerance,
    performance_drop: reasons.length > 0,
    reasons,
  };
}
