import type { FeatureTable, ReferenceProfile } from "../../features/index.js";
import type { Verdict } from "../../monitor/index.js";

/** The champion of the day, as the replay sees it: something that scores feature rows. */
export interface ReplayModel {
  version: string;
  predict(table: FeatureTable): Float64Array;
  /** The model's stored reference profile (used when the data does not reach a year back). */
  profile: ReferenceProfile;
  /** The model's offline test metrics, the yardstick for a realised-performance drop. */
  offline: { auc: number; lift10: number };
}

export interface RetrainOutcome {
  /** The candidate's registry version (registered even when refused). */
  version: string;
  accepted: boolean;
  reasons: string[];
  /** The new champion when accepted. */
  model?: ReplayModel;
}

/**
 * Runs the real CT steps as of a day: train on every inspection before `cutoffDay`, gate against the current
 * champion, register, promote when it passes. Implemented by the pipeline stage and injected by the CLI,
 * because monitor sits to the right of pipeline and must not import it.
 */
export interface Retrainer {
  initial(cutoffDay: number): Promise<ReplayModel>;
  retrain(cutoffDay: number, reason: string, champion: ReplayModel): Promise<RetrainOutcome>;
}

/** Everything the replay reads, built once from the whole snapshot (point-in-time features make that valid). */
export interface ReplayData {
  /** one row per past inspection (the training table of the whole snapshot) */
  table: FeatureTable;
  label: Uint8Array;
  day: Int32Array;
  borough: Uint8Array;
  /** The oracle's probabilities per row (synthetic cities), NaN where unknown; absent for real data. */
  oracle?: Float64Array;
  /** 311 sightings sorted by day, with borough index (BOROUGHS.length = unknown). */
  sightings: { day: Int32Array; borough: Uint8Array };
  /**
   * The populations the monitor compares on a day (every active restaurant then, and 52 weeks earlier, from the same
   * span of history: equalLookback). Absent: the replay judges no population drift (311 and performance only).
   */
  populations?: (asOfDay: number) => { current: FeatureTable; yearBefore: FeatureTable | null } | null;
}

export type ReplayPolicy = "weekly" | "drift" | "never";

export interface WeekRecord {
  week: string;
  n: number;
  positives: number;
  champion: string;
  auc: number | null;
  precision_at_10: number | null;
  lift_at_10: number | null;
  /** Rodent violations found in the top 10% of the week's inspections, by the model and by the schedule. */
  found_top_k: number;
  status_quo_found: number;
  oracle_lift_at_10: number | null;
  /** Pooled over the last 4 weeks (weekly figures are noisy at small scales). */
  lift_at_10_4w: number | null;
  oracle_lift_at_10_4w: number | null;
  /** the monitoring window before this week (data date = this Monday): population drift */
  drifted_features: string[];
  score_drift: boolean;
  /** 311 signals, "… acknowledged" when a retrain already answered them */
  source_drift: string[];
  performance_drop: boolean;
  /** every signal key of the window, and which of them counted for the trigger */
  signals: string[];
  counted: string[];
  verdict: Verdict["level"];
  trigger: string;
  retrain: boolean;
  promoted: string | null;
  refused: string | null;
}

/** Days earlier (the Chicago food-inspection measure) over the replayed weeks, in blocks of `blockWeeks`. */
export interface DaysEarlier {
  block_weeks: number;
  positives: number;
  mean: number | null;
  median: number | null;
  sd: number | null;
  /** positives that the ranking would have found later than the schedule did */
  later: number;
  /** share of positives found in the first half of their block */
  first_half_share: number | null;
}

export interface ReplayResult {
  policy: ReplayPolicy;
  scenario: string;
  change_date: string | null;
  weeks: WeekRecord[];
  summary: {
    weeks: number;
    retrains: number;
    promotions: number;
    refused: number;
    /** weeks with a signal of a kind the trigger policy counts (acknowledged ones included) */
    drift_weeks: number;
    /** weeks with population feature drift (shown; counted only when the policy asks for it) */
    feature_drift_weeks: number;
    mean_lift_at_10: number | null;
    mean_oracle_lift_at_10: number | null;
    found_top_k: number;
    status_quo_found: number;
    days_earlier: DaysEarlier;
    /** Weeks from the change to the first signal of a kind the policy counts (null: none, or no change). */
    weeks_to_first_drift: number | null;
    /** Retrains started in the 8 weeks after the change. */
    retrains_after_change: number;
    /** 4-week pooled lift / oracle lift in weeks 1–4 and 5–8 after the change. */
    recovery_weeks_1_4: number | null;
    recovery_weeks_5_8: number | null;
  };
  elapsed_s: number;
}
