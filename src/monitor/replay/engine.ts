import { BOROUGHS } from "../../data/records.js";
import { numericProfile } from "../../features/profile.js";
import { rocAuc, subsetTable } from "../../model/index.js";
import type { Logger } from "../../util/log.js";
import { progress } from "../../util/progress.js";
import { computeDrift, DEFAULT_DRIFT_RULE, type DriftRule, numericDrift } from "../drift.js";
import { windowFromColumns } from "../live-window.js";
import { DEFAULT_SOURCE_RULE, sourceDrift } from "../source-drift.js";
import { DEFAULT_TRIGGER_POLICY, RetrainTrigger, type TriggerPolicy } from "../trigger.js";
import type { ReplayData, ReplayModel, ReplayPolicy, ReplayResult, Retrainer, WeekRecord } from "./types.js";

export interface ReplayOptions {
  policy: ReplayPolicy;
  fromDay: number;
  toDay: number;
  scenario?: string;
  changeDay?: number | null;
  trigger?: TriggerPolicy;
  driftRule?: DriftRule;
  /** Realised AUC this far below the champion's offline AUC (pooled over 4 weeks) is a performance drop. */
  performanceTolerance?: number;
  log: Logger;
}

const K = 0.1;
const iso = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);

/** Rodent violations found in the top K of rows [lo, hi) of `order` by score, and the schedule's expectation. */
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
 * Moves a weekly clock from `fromDay` to `toDay`. Each week the champion of the day ranks the inspections of that
 * week (which it could not have seen: it was trained on earlier ones only), we record what it found, check drift
 * on the week's rows against the champion's reference profile and on the 311 stream, feed the signals to the
 * retrain trigger (policy "drift"), or retrain every week ("weekly") or never ("never"). Labels of a week become
 * known after it, so realised performance lags by one week, as in production.
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
  const acknowledged = new Map<string, number>(); // shift → quiet weeks since last seen
  const recent: { rows: Int32Array; score: Float64Array }[] = [];
  const bar = progress(log, `replay ${opts.policy}`, { unit: "weeks", logEverySeconds: 10 });
  for (let w = firstWeek; w < opts.toDay; w += 7) {
    const rows = order.subarray(lowerBound(w), lowerBound(w + 7));
    const rec: WeekRecord = {
      week: iso(w),
      n: rows.length,
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
      drifted_features: [],
      score_drift: false,
      source_drift: [],
      performance_drop: false,
      trigger: "",
      retrain: false,
      promoted: null,
      refused: null,
    };
    let score: Float64Array = new Float64Array(0);
    if (rows.length) {
      const table = subsetTable(data.table, rows);
      score = champion.predict(table);
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
      // Drift of what the champion just scored. Features are judged against its reference profile (the world at
      // training time; seasonal columns are exempt). Its scores move with the season as a whole (the model reads
      // the season), so they are judged against the same weeks a year before, scored by the same champion.
      const drift = computeDrift(
        champion.profile,
        windowFromColumns(table.schema, champion.profile, (j) => table.columns[j], table.n, score),
        opts.driftRule ?? DEFAULT_DRIFT_RULE,
      );
      const lastYear = order.subarray(lowerBound(w - 364 - 7), lowerBound(w - 364 + 14));
      if (lastYear.length >= 200) {
        const rule = opts.driftRule ?? DEFAULT_DRIFT_RULE;
        const ref = numericProfile("score", champion.predict(subsetTable(data.table, lastYear)));
        drift.score = numericDrift(ref, score, rule, champion.profile.columns.length + 1);
      }
      rec.drifted_features = drift.drifted.filter((d) => d !== "score");
      rec.score_drift = drift.score.drift;
    }
    // 311 stream shifts compare with the year before, so a lasting change stays visible for a year. Once a retrain
    // has followed a shift, that shift is acknowledged (still recorded, no longer a signal) until it is gone.
    const src = sourceDrift(data.sightings.day, data.sightings.borough, BOROUGHS.length, w - 1, DEFAULT_SOURCE_RULE);
    const active = new Map<string, string>();
    if (src.boroughShift)
      active.set(
        "borough_mix",
        `borough_mix(${BOROUGHS[src.maxShareChange.borough]} ${(100 * src.maxShareChange.change).toFixed(0)}%)`,
      );
    if (src.volumeShift)
      active.set(`volume${src.volumeRatio > 1 ? "+" : "-"}`, `volume(x${src.volumeRatio.toFixed(2)})`);
    // An acknowledged shift is forgotten only after 4 quiet weeks in a row (a noisy week is not its end).
    for (const [k, quiet] of [...acknowledged]) {
      if (active.has(k)) acknowledged.set(k, 0);
      else if (quiet + 1 >= 4) acknowledged.delete(k);
      else acknowledged.set(k, quiet + 1);
    }
    const sourceSignals: string[] = [];
    for (const [k, label] of active) {
      rec.source_drift.push(acknowledged.has(k) ? `${label} acknowledged` : label);
      if (!acknowledged.has(k)) sourceSignals.push(label);
    }

    // pooled 4-week figures (labels of earlier weeks are known by now)
    recent.push({ rows, score });
    if (recent.length > 4) recent.shift();
    let found = 0;
    let expected = 0;
    let ofound = 0;
    for (const r of recent) {
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
    // realised performance, pooled over the last 4 weeks, against the champion's offline test figures
    const pooledRows = Int32Array.from(recent.flatMap((r) => Array.from(r.rows)));
    const pooledScores = Float64Array.from(recent.flatMap((r) => Array.from(r.score)));
    const pooledLabels = Uint8Array.from(pooledRows, (r) => data.label[r]);
    const pos = pooledLabels.reduce((s, v) => s + v, 0);
    if (recent.length === 4 && pos >= 20 && pos < pooledRows.length) {
      const auc = rocAuc(pooledLabels, pooledScores);
      rec.performance_drop = auc < champion.offline.auc - (opts.performanceTolerance ?? 0.05);
    }

    if (opts.policy === "weekly") {
      pending = { reason: "weekly schedule" };
      rec.trigger = "weekly schedule";
    } else if (opts.policy === "drift") {
      const d = await trigger.observe({
        at: iso(w + 7),
        driftedFeatures: [...rec.drifted_features, ...sourceSignals],
        scoreDrift: rec.score_drift,
        performanceDrop: rec.performance_drop,
      });
      rec.trigger = d.reason;
    }
    if (pending) {
      const reason = (pending as { reason: string }).reason;
      pending = null;
      rec.retrain = true;
      for (const k of active.keys()) acknowledged.set(k, 0);
      try {
        const out = await retrainer.retrain(w + 7, reason, champion);
        if (out.accepted && out.model) {
          champion = out.model;
          rec.promoted = out.version;
          recent.length = 0;
        } else rec.refused = `${out.version}: ${out.reasons.join("; ")}`;
      } finally {
        trigger.finished();
      }
    }
    weeks.push(rec);
    bar.tick();
  }
  bar.done();
  return summarize(opts, weeks, (Date.now() - t0) / 1000);
}

function mean(xs: (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  return v.length ? v.reduce((s, x) => s + x, 0) / v.length : null;
}

function summarize(opts: ReplayOptions, weeks: WeekRecord[], elapsed: number): ReplayResult {
  const change = opts.changeDay ?? null;
  const after = change === null ? [] : weeks.filter((w) => Date.parse(w.week) / 86_400_000 >= change - 6);
  const firstDrift = after.findIndex(
    (w) => w.drifted_features.length > 0 || w.score_drift || w.source_drift.some((d) => !d.endsWith("acknowledged")),
  );
  const ratio = (ws: WeekRecord[]) => {
    const r = ws
      .filter((w) => w.lift_at_10_4w !== null && w.oracle_lift_at_10_4w)
      .map((w) => w.lift_at_10_4w! / w.oracle_lift_at_10_4w!);
    return mean(r);
  };
  return {
    policy: opts.policy,
    scenario: opts.scenario ?? "none",
    change_date: change === null ? null : iso(change),
    weeks,
    summary: {
      weeks: weeks.length,
      retrains: weeks.filter((w) => w.retrain).length,
      promotions: weeks.filter((w) => w.promoted).length,
      refused: weeks.filter((w) => w.refused).length,
      drift_weeks: weeks.filter((w) => w.drifted_features.length || w.score_drift || w.source_drift.length).length,
      mean_lift_at_10: mean(weeks.map((w) => w.lift_at_10)),
      mean_oracle_lift_at_10: mean(weeks.map((w) => w.oracle_lift_at_10)),
      found_top_k: weeks.reduce((s, w) => s + w.found_top_k, 0),
      status_quo_found: Number(weeks.reduce((s, w) => s + w.status_quo_found, 0).toFixed(1)),
      weeks_to_first_drift: firstDrift >= 0 ? firstDrift + 1 : null,
      retrains_after_change: after.slice(0, 8).filter((w) => w.retrain).length,
      recovery_weeks_1_4: change === null ? null : ratio(after.slice(0, 4)),
      recovery_weeks_5_8: change === null ? null : ratio(after.slice(4, 8)),
    },
    elapsed_s: Number(elapsed.toFixed(1)),
  };
}
