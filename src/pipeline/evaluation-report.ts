import type { ObjectStore } from "../data/index.js";
import { loadRecords } from "../data/index.js";
import { isoOfDay, type TrainingSet } from "../features/index.js";
import { type DaysEarlier, daysEarlier, type EvalMetrics, evaluateScores, subsetLabels } from "../model/index.js";

// Assembles the evaluation report (`rodent train --json`, evaluation.json) from the model stage's metrics: the model, the baselines
// (status quo, previous rodent violation, previous score) and, on synthetic data, the oracle, all on the same
// test rows.

export interface BaselineMetrics {
  auc: number;
  pr_auc: number;
  precision_at: Record<string, number>;
  lift_at: Record<string, number>;
  days_earlier: DaysEarlier;
}

export interface OracleMetrics extends EvalMetrics {
  /** Share of test rows found in the truth file. */
  coverage: number;
}

/** Gather `rows` of a typed array into a new one of the same type. */
export const pick = subsetLabels;

function strip(m: EvalMetrics): BaselineMetrics {
  return {
    auc: m.auc,
    pr_auc: m.pr_auc,
    precision_at: m.precision_at,
    lift_at: m.lift_at,
    days_earlier: m.days_earlier,
  };
}

/**
 * The schedule as it ran: the window's positives found on the days they were found, i.e. 0 days earlier by
 * definition (the order the model's days earlier is measured against).
 */
function asInspected(label: Uint8Array, day: Int32Array): DaysEarlier {
  // Scoring every row by its own date, earliest first, hands every row its own date back.
  const d = daysEarlier(
    label,
    Float64Array.from(day, (x) => -x),
    day,
  );
  return { ...d, mean: 0, median: 0, sd: 0, later: 0 };
}

/** Scores of the two rule baselines; no previous inspection counts as the lowest score. */
function ruleScore(a: Float32Array, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const v = a[rows[i]];
    out[i] = Number.isNaN(v) ? -1 : v;
  }
  return out;
}

export function baselineMetrics(ts: TrainingSet, rows: Int32Array): Record<string, BaselineMetrics> {
  const label = pick(ts.label, rows);
  const day = pick(ts.day, rows);
  const borough = pick(ts.borough, rows);
  let pos = 0;
  for (let i = 0; i < label.length; i++) pos += label[i];
  const rate = label.length ? pos / label.length : Number.NaN;
  return {
    // The schedule ignores risk: in expectation a random order, i.e. AUC 0.5, precision = base rate, lift 1.
    status_quo: {
      auc: 0.5,
      pr_auc: rate,
      precision_at: { "5": rate, "10": rate, "20": rate },
      lift_at: { "5": 1, "10": 1, "20": 1 },
      days_earlier: asInspected(label, day),
    },
    previous_rodent: strip(evaluateScores({ label, score: ruleScore(ts.prevRodent, rows), day, borough })),
    previous_score: strip(evaluateScores({ label, score: ruleScore(ts.prevScore, rows), day, borough })),
  };
}

/** The truth file's probabilities scored like a model (joined by camis + date + type); null without truth. */
export async function oracleMetrics(
  store: ObjectStore,
  snapshot: string,
  ts: TrainingSet,
  rows: Int32Array,
): Promise<OracleMetrics | null> {
  const truth = await loadRecords(store, snapshot, "truth");
  if (truth.length === 0) return null;
  const p = new Map<string, number>();
  for (const t of truth) p.set(`${t.camis}|${t.inspectionDate}|${t.inspectionType}`, t.pTrue);
  const keep: number[] = [];
  const score: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const v = p.get(`${ts.camis[r]}|${isoOfDay(ts.day[r])}|${ts.inspectionType[r]}`);
    if (v !== undefined) {
      keep.push(r);
      score.push(v);
    }
  }
  if (keep.length === 0) return null;
  const k = Int32Array.from(keep);
  const m = evaluateScores({
    label: pick(ts.label, k),
    score: Float64Array.from(score),
    day: pick(ts.day, k),
    borough: pick(ts.borough, k),
  });
  return { ...m, coverage: keep.length / rows.length };
}

/**
 * Flatten metrics into tracker metric keys: prefix_auc, prefix_lift_at_10, prefix_auc.bronx,
 * prefix_days_earlier_mean …
 */
export function flattenMetrics(
  prefix: string,
  m: BaselineMetrics & Partial<Pick<EvalMetrics, "brier" | "ece" | "n" | "positives" | "by_borough">>,
): Record<string, number> {
  const out: Record<string, number> = {};
  const put = (k: string, v: unknown) => {
    if (typeof v === "number" && Number.isFinite(v)) out[k] = v;
  };
  for (const k of ["auc", "pr_auc", "brier", "ece", "n", "positives"] as const) put(`${prefix}_${k}`, m[k]);
  for (const [f, v] of Object.entries(m.precision_at ?? {})) put(`${prefix}_precision_at_${f}`, v);
  for (const [f, v] of Object.entries(m.lift_at ?? {})) put(`${prefix}_lift_at_${f}`, v);
  if (m.days_earlier) {
    for (const k of ["mean", "median", "sd", "later", "first_half_share"] as const) {
      put(`${prefix}_days_earlier_${k}`, m.days_earlier[k]);
    }
  }
  for (const [b, bm] of Object.entries(m.by_borough ?? {})) {
    const slug = b.toLowerCase().replace(/\s+/g, "_");
    put(`${prefix}_auc.${slug}`, bm.auc);
    put(`${prefix}_lift_at_10.${slug}`, bm.lift_at["10"]);
  }
  return out;
}
