import { HISTORY_FEATURES, TYPE_FEATURES } from "./inspection-history.js";
import { PLACE_FEATURES } from "./place.js";
import type { FeatureSchema, FeatureSpec } from "./schema.js";
import { SPATIAL_FEATURES } from "./spatial-counts.js";
import { WEATHER_FEATURES } from "./weather-windows.js";

/** Families in column order; feature-rows.ts fills them in this same order. */
const FEATURES: FeatureSpec[] = [
  ...HISTORY_FEATURES,
  ...TYPE_FEATURES,
  ...SPATIAL_FEATURES,
  ...PLACE_FEATURES,
  ...WEATHER_FEATURES,
];

/** Bump the version whenever a name, the order, a kind or a meaning changes. */
export const FEATURE_SCHEMA: FeatureSchema = Object.freeze({
  version: "2026.11-2",
  features: Object.freeze(FEATURES.map((f) => Object.freeze({ ...f }))) as FeatureSpec[],
}) as FeatureSchema;

const byName = new Map(FEATURES.map((f) => [f.name, f]));
const ORDINAL: Record<string, string> = { "1": "previous", "2": "second-last", "3": "third-last" };
const GRADE = ["", "A", "B", "C"];

function num(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(Math.abs(v) < 10 ? 2 : 1);
}

function plural(v: number, one: string, many: string): string {
  return `${num(v)} ${v === 1 ? one : many}`;
}

/** A feature's value in plain words, for the reasons shown next to a prediction. */
export function describeFeature(name: string, value: number): string {
  const missing = !Number.isFinite(value);
  let m = /^rats_r(\d{3})_(\d+)d$/.exec(name);
  if (m) {
    if (missing) return `rat sightings within ${Number(m[1]) / 100} mile in the last ${m[2]} days: unknown location`;
    return `${plural(value, "rat sighting", "rat sightings")} within ${Number(m[1]) / 100} mile in the last ${m[2]} days`;
  }
  m = /^rodent_other_r(\d{3})_(\d+)d$/.exec(name);
  if (m) {
    const where = `within ${Number(m[1]) / 100} mile in the last ${m[2]} days`;
    if (missing) return `rodent findings at other restaurants ${where}: unknown location`;
    return `${plural(value, "other restaurant inspection", "other restaurant inspections")} found rats or mice ${where}`;
  }
  m = /^prev([123])_(score|grade|critical)$/.exec(name);
  if (m) {
    const which = `the ${ORDINAL[m[1]]} inspection`;
    if (missing) return m[2] === "grade" ? `no grade at ${which}` : `no ${which}`;
    if (m[2] === "score") return `score ${num(value)} at ${which}`;
    if (m[2] === "grade") return `grade ${GRADE[Math.round(value)] ?? num(value)} at ${which}`;
    return `${plural(value, "critical violation", "critical violations")} at ${which}`;
  }
  m = /^(type|boro|cuisine)_(.+)$/.exec(name);
  if (m) {
    const what = byName.get(name)?.description ?? name;
    if (value === 1) return what;
    if (m[1] === "type") return what.replace("this is a", "this is not a");
    if (m[1] === "boro") return `not ${what}`;
    return name === "cuisine_other" ? "one of the 12 most common cuisines" : `cuisine is not ${what.slice(9)}`;
  }
  switch (name) {
    case "n_prev_inspections":
      return value === 0 ? "no earlier inspection" : plural(value, "earlier inspection", "earlier inspections");
    case "days_since_prev":
      return missing ? "no previous inspection" : `${plural(value, "day", "days")} since the previous inspection`;
    case "prev1_rodent":
      if (missing) return "no previous inspection";
      return value ? "rats or mice found at the previous inspection" : "no rats or mice at the previous inspection";
    case "past_rodent":
      return `${plural(value, "rat or mouse violation", "rat or mouse violations")} at earlier inspections`;
    case "past_pest":
      return `${plural(value, "roach or fly violation", "roach or fly violations")} at earlier inspections`;
    case "past_conducive":
      return `${plural(value, "vermin-conducive condition", "vermin-conducive conditions")} at earlier inspections`;
    case "days_since_rodent":
      return missing
        ? "rats or mice never found before"
        : `rats or mice last found ${plural(value, "day", "days")} ago`;
    case "tmax_mean_7d":
      return missing ? "no weather data for the last 7 days" : `average high ${num(value)}°F over the last 7 days`;
    case "tmax_mean_30d":
      return missing ? "no weather data for the last 30 days" : `average high ${num(value)}°F over the last 30 days`;
    case "prcp_sum_30d":
      return missing ? "no weather data for the last 30 days" : `${num(value)} inches of rain over the last 30 days`;
    case "past_mean_score":
      return missing ? "no earlier score" : `average score ${num(value)} over earlier inspections`;
    case "tmax_anomaly_30d":
      if (missing) return "no weather data for the last 30 days";
      return `last 30 days ${num(Math.abs(value))}°F ${value >= 0 ? "warmer" : "cooler"} than normal`;
    case "month_sin":
    case "month_cos":
      return `time of year (${name.replace("_", " ")} ${num(value)})`;
  }
  return `${name} = ${missing ? "missing" : num(value)}`;
}
