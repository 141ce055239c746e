import type { FeatureTable } from "../features/index.js";
import {
  buildReferenceProfile,
  HISTORY_FEATURES,
  type ReferenceProfile,
  SPATIAL_FEATURES,
  WEATHER_FEATURES,
} from "../features/index.js";
import { computeDrift, DEFAULT_DRIFT_RULE, type DriftReport, type DriftRule, windowFromColumns } from "./drift.js";

/**
 * Drift of the population the service ranks (issue 13 §4): every active restaurant as of the data date, scored by
 * the champion, never the requests (which restaurants people ask about says nothing about the city). The
 * reference is the same population exactly 52 weeks earlier, rebuilt from the same snapshot and scored by the
 * same model: the same season, so the columns that move with the calendar (sightings over the last 30 and 90
 * days double from winter to summer) are judged like every other column instead of being exempt, and a real change
 * in them (a programme in one borough) shows. When the data does not reach a year back, the model's stored
 * profile (the population at the end of its training) is the reference, and the calendar-bound columns are then
 * reported but not judged, since the seasons differ.
 */
/**
 * Columns that grow with the length of the recorded history, for every restaurant alike (an export that starts on
 * a fixed day): time passing, not the city changing. Reported, never judged.
 */
export const HISTORY_LENGTH_FEATURES: readonly string[] = ["n_prev_inspections"];
const HISTORY_SPAN_WHY =
  "depends on how much history the records hold: judged only against a population built from the same span of history";
const HISTORY_WHY = "grows with the length of the recorded history for every restaurant alike: time passing, not drift";

export const CALENDAR_FEATURES: readonly string[] = [
  ...WEATHER_FEATURES.map((f) => f.name),
  ...SPATIAL_FEATURES.map((f) => f.name).filter((n) => /^rats_.*_(30|90)d$/.test(n)),
];

export interface PopulationInput {
  /** data date of `current` (serving features use data before this day) */
  asOf: string;
  current: FeatureTable;
  currentScores: Float64Array | Float32Array;
  /** the population 52 weeks before asOf, scored by the same model; null when the data does not reach back */
  yearBefore: { table: FeatureTable; scores: Float64Array | Float32Array; asOf: string } | null;
  /** the model's stored reference profile (fallback) */
  profile: ReferenceProfile | null;
  rule?: DriftRule;
}

export function populationDrift(input: PopulationInput): DriftReport | null {
  const rule = input.rule ?? DEFAULT_DRIFT_RULE;
  const t = input.current;
  const history = Object.fromEntries(HISTORY_LENGTH_FEATURES.map((c) => [c, HISTORY_WHY]));
  let report: DriftReport;
  if (input.yearBefore) {
    const ref = buildReferenceProfile(input.yearBefore.table, input.yearBefore.scores, {
      basis: `every active restaurant 52 weeks earlier (as of ${input.yearBefore.asOf}), scored by the same model`,
      asOf: input.yearBefore.asOf,
    });
    report = computeDrift(
      ref,
      windowFromColumns(t.schema, ref, (j) => t.columns[j], t.n, input.currentScores),
      rule,
      history,
    );
  } else {
    const p = input.profile;
    if (!p || p.schemaVersion !== t.schema.version) return null;
    const why =
      "moves with the calendar: judged only against the same weeks a year earlier, which the data does not reach";
    report = computeDrift(
      p,
      windowFromColumns(t.schema, p, (j) => t.columns[j], t.n, input.currentScores),
      rule,
      // The score reads the season too (the model knows the time of year): the same rule applies to it. History
      // columns depend on how much history the records hold, which differs between the profile and now.
      {
        ...Object.fromEntries(HISTORY_FEATURES.map((f) => [f.name, HISTORY_SPAN_WHY])),
        ...history,
        ...Object.fromEntries([...CALENDAR_FEATURES, "score"].map((c) => [c, why])),
      },
    );
  }
  // Act only when the model's own output moved: features that drift while the scores do not are covariate shift
  // the model reads (a warm year, a waxing hot spot), worth watching, not a reason to retrain (docs/monitoring.md).
  if (report.verdict.level === "act" && !report.drifted.includes("score"))
    report.verdict = {
      level: "watch",
      reasons: [
        ...report.verdict.reasons,
        "the model's scores did not move beyond the rule: the model reads these columns, so this is watched, not acted on",
      ],
    };
  return report;
}
