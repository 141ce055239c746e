import { rocAuc, subsetTable } from "../../model/index.js";
import {
  DEFAULT_DRIFT_RULE,
  DEFAULT_SOURCE_RULE,
  DEFAULT_TRIGGER_POLICY,
  type DriftRule,
  monitorWindow,
  populationDrift,
  RetrainTrigger,
  type SourceDriftRule,
  sourceDrift,
  streamReport,
  type TriggerPolicy,
} from "../../monitor/index.js";
import { isoOfDay } from "../../util/days.js";
import type { Logger } from "../../util/log.js";
import { progress } from "../../util/progress.js";
import { daysEarlier } from "./days-earlier.js";
import type { ReplayData, ReplayModel, ReplayPolicy, ReplayResult, Retrainer, WeekRecord } from "./types.js";

export interface ReplayOptions {
  policy: ReplayPolicy;
  fromDay: number;
  toDay: number;
  scenario?: string;
  changeDay?: number | null;
  trigger?: TriggerPolicy;
  driftRule?: DriftRule;
  sourceRule?: SourceDriftRule;
  /** Realised AUC this far below the champion's offline AUC (pooled over 4 weeks) is a performance drop. */
  performanceTolerance?: number;
  log: Logger;
}

const K = 0.1;

/** Rodent violations found in the top K of `rows` by score, and the schedule's expectation. */
function topK(label: Uint8Array, rows: Int32Array, score: ArrayLike<number>) {
  const n = rows.length;
  if (n === 0) return { found: 0, expected: 0, positives: 0 };
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[b] - score[a]);
  const k = Math.max(1, Math.round(K * n));
  let found = 0;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += label[rows[i]];
  for (let i = 0; i < k; i++) found += label[rows[idx[i]]];
  return { found, expected: (k * positives) / n, positives };
}

/**
 * Moves a weekly clock from `fromDay` to `toDay`. Each Monday is a monitoring window with data date = that day
 * (everything before it is known), run exactly as `rodent monitor check` runs it: the population of the day
 * against the same population 52 weeks earlier, both scored by the champion; the 311 stream per borough against
 * the same weeks a year before; realised performance of the last 4 weeks against the champion's offline test. The
 * signals go to the retrain trigger (policy "drift"), or the loop retrains every week ("weekly") or never. A
 * retrain at that Monday trains on data before it. Then the champion of the day ranks the inspections of the
 * coming week (which it could not have seen), and we record what it found.
 */
export async function runReplay(data: ReplayData, retrainer: Retrainer, opts: ReplayOptions): Promise<ReplayResult> {
  const t0 = Date.now();
  const log = opts.log;
  const order = Int32Array.from({ length: data.day.length }, (_, i) => i).sort((a, b) => data.day[a] - data.day[b]);
  const sortedDays = Int32Array.from(order, (i) => data.day[i]);
  const lowerBound = (x: number) => {
    let lo = 0;
    let hi = sortedDays.length;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (sortedDays[m] < x) lo = m + 1;
      else hi = m;
    }
    return lo;
  };
  const driftRule = opts.driftRule ?? DEFAULT_DRIFT_RULE;
  const sourceRule = opts.sourceRule ?? DEFAULT_SOURCE_RULE;
  // Weeks start on Mondays (day 4 of the epoch was a Monday).
  const firstWeek = opts.fromDay - ((((opts.fromDay - 4) % 7) + 7) % 7);
  let champion: ReplayModel = await retrainer.initial(firstWeek);
  const policy: TriggerPolicy = opts.trigger ?? DEFAULT_TRIGGER_POLICY;
  let pending: { reason: string } | null = null;
  const trigger = new RetrainTrigger(policy, async (reason) => {
    pending = { reason };
    return { id: `replay-${Date.now()}` };
  });
  const weeks: WeekRecord[] = [];
  const scored: { rows: Int32Array; score: Float64Array }[] = []; // every week, for days earlier
  const recent: { rows: Int32Array; score: Float64Array }[] = []; // since the champion changed, at most 4 weeks
  const bar = progress(log, `replay ${opts.policy}`, { unit: "weeks", logEverySeconds: 10 });
  for (let w = firstWeek; w < opts.toDay; w += 7) {
    // 1. The monitoring window of this Monday (data before w).
    const pair = data.populations?.(w) ?? null;
    const current = pair?.current ?? null;
    const before = pair?.yearBefore ?? null;
    const population = current
      ? populationDrift({
          asOf: isoOfDay(w),
          current,
          currentScores: champion.predict(current),
          yearBefore: before ? { table: before, scores: champion.predict(before), asOf: isoOfDay(w - 364) } : null,
          profile: champion.profile,
          rule: driftRule,
        })
      : null;
    const stream = streamReport(sourceDrift(data.sightings.day, data.sightings.borough, 5, w, sourceRule), sourceRule);
    let performance: { drop: boolean; reasons: string[] } | null = null;
    if (recent.length === 4) {
      const rows = Int32Array.from(recent.flatMap((r) => Array.from(r.rows)));
      const scores = Float64Array.from(recent.flatMap((r) => Array.from(r.score)));
      const labels = Uint8Array.from(rows, (r) => data.label[r]);
      const pos = labels.reduce((s, v) => s + v, 0);
      if (pos >= 20 && pos < rows.length) {
        const auc = rocAuc(labels, scores);
        const bound = champion.offline.auc - (opts.performanceTolerance ?? 0.05);
        performance = {
          drop: auc < bound,
          reasons: [`realised AUC ${auc.toFixed(3)} over 4 weeks vs offline ${champion.offline.auc.toFixed(3)}`],
        };
      }
    }
    const win = monitorWindow({ dataDate: isoOfDay(w), population, stream, performance });
    const rec: WeekRecord = {
      week: isoOfDay(w),
      n: 0,
      positives: 0,
      champion: champion.version,
      auc: null,
      precision_at_10: null,
      lift_at_10: null,
      found_top_k: 0,
      status_quo_found: 0,
      oracle_lift_at_10: null,
      lift_at_10_4w: null,
      oracle_lift_at_10_4w: null,
      drifted_features: population?.drifted.filter((d) => d !== "score") ?? [],
      score_drift: population?.drifted.includes("score") ?? false,
      source_drift: [],
      performance_drop: performance?.drop ?? false,
      signals: win.signals.map((s) => s.key),
      counted: [],
      verdict: win.verdict.level,
      trigger: "",
      retrain: false,
      promoted: null,
      refused: null,
    };
    // 2. The trigger (or the schedule) decides; a retrain trains on data before w.
    if (opts.policy === "weekly") {
      pending = { reason: "weekly schedule" };
      rec.trigger = "weekly schedule";
    } else if (opts.policy === "drift") {
      const d = await trigger.observe({ dataDate: isoOfDay(w), signals: win.signals });
      rec.trigger = d.reason;
      rec.counted = d.signals;
    }
    const acknowledged = new Set(Object.keys((await trigger.state()).acknowledged));
    rec.source_drift = win.signals
      .filter((s) => s.kind === "source_drift")
      .map((s) => (acknowledged.has(s.key) && !rec.counted.includes(s.key) ? `${s.label} acknowledged` : s.label));
    if (pending) {
      const reason = (pending as { reason: string }).reason;
      pending = null;
      rec.retrain = true;
      try {
        const out = await retrainer.retrain(w, reason, champion);
        if (out.accepted && out.model) {
          champion = out.model;
          rec.promoted = out.version;
          recent.length = 0;
        } else rec.refused = `${out.version}: ${out.reasons.join("; ")}`;
      } finally {
        await trigger.finished();
      }
    }
    rec.champion = champion.version;
    // 3. The champion of the day ranks the coming week's inspections.
    const rows = order.subarray(lowerBound(w), lowerBound(w + 7));
    rec.n = rows.length;
    let score: Float64Array = new Float64Array(0);
    if (rows.length) {
      score = champion.predict(subsetTable(data.table, rows));
      const labels = Uint8Array.from(rows, (r) => data.label[r]);
      const top = topK(data.label, rows, score);
      rec.positives = top.positives;
      rec.found_top_k = top.found;
      rec.status_quo_found = Number(top.expected.toFixed(3));
      if (top.positives > 0 && top.positives < rows.length) rec.auc = rocAuc(labels, score);
      const k = Math.max(1, Math.round(K * rows.length));
      rec.precision_at_10 = top.found / k;
      rec.lift_at_10 = top.expected > 0 ? top.found / top.expected : null;
      if (data.oracle) {
        const o = Float64Array.from(rows, (r) => data.oracle![r]);
        const ot = topK(data.label, rows, o);
        rec.oracle_lift_at_10 = ot.expected > 0 ? ot.found / ot.expected : null;
      }
    }
    scored.push({ rows, score });
    recent.push({ rows, score });
    if (recent.length > 4) recent.shift();
    // pooled 4-week figures over the weeks ranked so far (labels of earlier weeks are known by now)
    const last4 = scored.slice(-4);
    let found = 0;
    let expected = 0;
    let ofound = 0;
    for (const r of last4) {
      const t = topK(data.label, r.rows, r.score);
      found += t.found;
      expected += t.expected;
      if (data.oracle)
        ofound += topK(
          data.label,
          r.rows,
          Float64Array.from(r.rows, (i) => data.oracle![i]),
        ).found;
    }
    rec.lift_at_10_4w = expected > 0 ? found / expected : null;
    rec.oracle_lift_at_10_4w = data.oracle && expected > 0 ? ofound / expected : null;
    weeks.push(rec);
    bar.tick();
  }
  bar.done();
  return summarize(opts, weeks, daysEarlier(data, scored, 8), (Date.now() - t0) / 1000);
}

function mean(xs: (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  return v.length ? v.reduce((s, x) => s + x, 0) / v.length : null;
}

function summarize(
  opts: ReplayOptions,
  weeks: WeekRecord[],
  de: ReplayResult["summary"]["days_earlier"],
  elapsed: number,
): ReplayResult {
  const change = opts.changeDay ?? null;
  // Weeks whose data date is after the change: the first one holds up to 7 days of changed data.
  const after = change === null ? [] : weeks.filter((w) => Date.parse(w.week) / 86_400_000 > change);
  // A drift week: a signal of a kind the policy counts (acknowledged ones included); feature drift apart.
  const kinds = (opts.trigger ?? DEFAULT_TRIGGER_POLICY).signals;
  const kindOf = (k: string) =>
    k.startsWith("feature:")
      ? "feature_drift"
      : k === "score"
        ? "score_drift"
        : k === "performance"
          ? "performance"
          : "source_drift";
  const counts = (k: string) => (kinds as readonly string[]).includes(kindOf(k));
  const firstDrift = after.findIndex((w) => w.signals.some(counts));
  const ratio = (ws: WeekRecord[]) => {
    const r = ws
      .filter((w) => w.lift_at_10_4w !== null && w.oracle_lift_at_10_4w)
      .map((w) => w.lift_at_10_4w! / w.oracle_lift_at_10_4w!);
    return mean(r);
  };
  return {
    policy: opts.policy,
    scenario: opts.scenario ?? "none",
    change_date: change === null ? null : isoOfDay(change),
    weeks,
    summary: {
      weeks: weeks.length,
      retrains: weeks.filter((w) => w.retrain).length,
      promotions: weeks.filter((w) => w.promoted).length,
      refused: weeks.filter((w) => w.refused).length,
      drift_weeks: weeks.filter((w) => w.signals.some((k) => counts(k))).length,
      feature_drift_weeks: weeks.filter((w) => w.signals.some((k) => k.startsWith("feature:"))).length,
      mean_lift_at_10: mean(weeks.map((w) => w.lift_at_10)),
      mean_oracle_lift_at_10: mean(weeks.map((w) => w.oracle_lift_at_10)),
      found_top_k: weeks.reduce((s, w) => s + w.found_top_k, 0),
      status_quo_found: Number(weeks.reduce((s, w) => s + w.status_quo_found, 0).toFixed(1)),
      days_earlier: de,
      weeks_to_first_drift: firstDrift >= 0 ? firstDrift + 1 : null,
      retrains_after_change: after.slice(0, 8).filter((w) => w.retrain).length,
      recovery_weeks_1_4: change === null ? null : ratio(after.slice(0, 4)),
      recovery_weeks_5_8: change === null ? null : ratio(after.slice(4, 8)),
    },
    elapsed_s: Number(elapsed.toFixed(1)),
  };
}
