import { rocAuc } from "../model/index.js";
import type { PredictionLog } from "./prediction-log.js";

/**
 * Realised performance with delayed labels (issue 7 §3): inspection results that arrived in a new snapshot are
 * joined to the prediction the champion served for that restaurant before the inspection (the latest one within
 * `maxAgeDays`), and scored per ISO week: AUC, precision and lift in the top 10% of the week's inspections.
 * A drop beyond `tolerance` under the model's offline test figures is performance drift.
 */
/** The latest realised-performance report in the object store: `rodent monitor outcomes` writes it, every
 *  service replica re-exports it as gauges (rodent_live_auc, rodent_live_lift_at_10). */
export const OUTCOMES_KEY = "monitor/outcomes/latest.json";

export interface InspectionOutcomes {
  camis: string[];
  day: Int32Array;
  label: Uint8Array;
}

export interface OutcomeWeek {
  week: string;
  inspections: number;
  matched: number;
  positives: number;
  auc: number | null;
  precision_at_10: number | null;
  lift_at_10: number | null;
}

export interface OutcomeReport {
  weeks: OutcomeWeek[];
  overall: Omit<OutcomeWeek, "week">;
  offline: { auc: number | null; lift_at_10: number | null };
  tolerance: number;
  performance_drop: boolean;
  reasons: string[];
}

const iso = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);
const monday = (day: number) => day - ((((day - 4) % 7) + 7) % 7);

function score(labels: number[], scores: number[], inspections: number, week: string): OutcomeWeek {
  const n = labels.length;
  const positives = labels.reduce((s, v) => s + v, 0);
  const out: OutcomeWeek = {
    week,
    inspections,
    matched: n,
    positives,
    auc: null,
    precision_at_10: null,
    lift_at_10: null,
  };
  if (n === 0) return out;
  if (positives > 0 && positives < n) out.auc = rocAuc(Uint8Array.from(labels), Float64Array.from(scores));
  const idx = labels.map((_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const k = Math.max(1, Math.round(0.1 * n));
  let found = 0;
  for (let i = 0; i < k; i++) found += labels[idx[i]];
  out.precision_at_10 = found / k;
  out.lift_at_10 = positives > 0 ? found / k / (positives / n) : null;
  return out;
}

export function computeOutcomes(
  inspections: InspectionOutcomes,
  log: PredictionLog,
  opts: {
    fromDay: number;
    toDay: number;
    offline: { auc: number | null; lift_at_10: number | null };
    maxAgeDays?: number;
    tolerance?: number;
    role?: string;
  },
): OutcomeReport {
  const maxAge = opts.maxAgeDays ?? 60;
  const tolerance = opts.tolerance ?? 0.05;
  const byWeek = new Map<number, { labels: number[]; scores: number[]; inspections: number }>();
  const all = { labels: [] as number[], scores: [] as number[], inspections: 0 };
  for (let i = 0; i < inspections.day.length; i++) {
    const d = inspections.day[i];
    if (d < opts.fromDay || d >= opts.toDay) continue;
    const wk = monday(d);
    let b = byWeek.get(wk);
    if (!b) {
      b = { labels: [], scores: [], inspections: 0 };
      byWeek.set(wk, b);
    }
    b.inspections++;
    all.inspections++;
    const p = log.latestBefore(inspections.camis[i], iso(d), iso(d - maxAge), opts.role ?? "champion");
    if (!p) continue;
    b.labels.push(inspections.label[i]);
    b.scores.push(p.score);
    all.labels.push(inspections.label[i]);
    all.scores.push(p.score);
  }
  const weeks = [...byWeek.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([wk, b]) => score(b.labels, b.scores, b.inspections, iso(wk)));
  const { week: _w, ...overall } = score(all.labels, all.scores, all.inspections, "");
  const reasons: string[] = [];
  if (opts.offline.auc !== null && overall.auc !== null && overall.auc < opts.offline.auc - tolerance)
    reasons.push(`realised AUC ${overall.auc.toFixed(3)} < offline ${opts.offline.auc.toFixed(3)} - ${tolerance}`);
  if (
    opts.offline.lift_at_10 !== null &&
    overall.lift_at_10 !== null &&
    overall.lift_at_10 < opts.offline.lift_at_10 * (1 - 2 * tolerance)
  )
    reasons.push(
      `realised lift@10% ${overall.lift_at_10.toFixed(2)} < offline ${opts.offline.lift_at_10.toFixed(2)} × ${(1 - 2 * tolerance).toFixed(2)}`,
    );
  return { weeks, overall, offline: opts.offline, tolerance, performance_drop: reasons.length > 0, reasons };
}
