import { lowerBound } from "../util/search.js";
import type { CityTables } from "./city-tables.js";
import { CATEGORY_WORDS, INSPECTION_CATEGORIES, NOT_COUNTED, RODENT_BITS } from "./labels.js";
import type { FeatureSpec } from "./schema.js";

// The restaurant's own past: only inspections on days strictly before the query day. "Previous inspection"
// means the previous counted (sanitary) inspection; the violation counts use every past inspection of any type.

const ORDINAL = ["previous", "second-last", "third-last"];

export const HISTORY_FEATURES: FeatureSpec[] = [
  { name: "n_prev_inspections", kind: "numeric", description: "number of earlier sanitary inspections" },
  { name: "days_since_prev", kind: "numeric", description: "days since the previous sanitary inspection" },
  ...[1, 2, 3].map(
    (k): FeatureSpec => ({
      name: `prev${k}_score`,
      kind: "numeric",
      description: `score at the ${ORDINAL[k - 1]} inspection (higher is worse)`,
    }),
  ),
  ...[1, 2, 3].map(
    (k): FeatureSpec => ({
      name: `prev${k}_grade`,
      kind: "numeric",
      description: `grade at the ${ORDINAL[k - 1]} inspection (A=1, B=2, C=3)`,
    }),
  ),
  ...[1, 2, 3].map(
    (k): FeatureSpec => ({
      name: `prev${k}_critical`,
      kind: "numeric",
      description: `critical violations at the ${ORDINAL[k - 1]} inspection`,
    }),
  ),
  { name: "prev1_rodent", kind: "numeric", description: "rats or mice found at the previous inspection (1/0)" },
  { name: "past_rodent", kind: "numeric", description: "rat or mouse violations (04K/04L) at all earlier inspections" },
  { name: "past_pest", kind: "numeric", description: "roach or fly violations (04M/04N) at all earlier inspections" },
  {
    name: "past_conducive",
    kind: "numeric",
    description: "vermin-conducive conditions (08A/08B/08C) at all earlier inspections",
  },
  { name: "days_since_rodent", kind: "numeric", description: "days since rats or mice were last found" },
  {
    name: "past_mean_score",
    kind: "numeric",
    description: "average score over all earlier sanitary inspections (a steadier read of hygiene than the last 3)",
  },
];

export const TYPE_FEATURES: FeatureSpec[] = INSPECTION_CATEGORIES.map((c, i) => ({
  name: `type_${c}`,
  kind: "indicator",
  group: "inspection_type",
  description: `this is a ${CATEGORY_WORDS[i]}`,
}));

/** Query rows: a restaurant and the day its features are taken "as of" (exclusive). */
export interface FeatureQueries {
  rest: Int32Array;
  day: Int32Array;
  /** INSPECTION_CATEGORIES index of the inspection being scored */
  category: Uint8Array;
  /**
   * Optional, per row: the first day of history the row may read (inspections before it are ignored). The monitor
   * builds two populations 52 weeks apart from the same span of history this way (docs/monitoring.md).
   */
  historyFrom?: Int32Array;
}

/** HISTORY_FEATURES columns for the query rows. */
export function historyColumns(city: CityTables, q: FeatureQueries): Float32Array[] {
  const ins = city.inspections;
  const start = city.restaurants.insStart;
  const n = q.rest.length;
  const cols = HISTORY_FEATURES.map(() => new Float32Array(n).fill(Number.NaN));
  const [
    nPrev,
    daysPrev,
    s1,
    s2,
    s3,
    g1,
    g2,
    g3,
    c1,
    c2,
    c3,
    prevRodent,
    pastRodent,
    pastPest,
    pastCond,
    daysRodent,
    meanScore,
  ] = cols;
  const scoreCols = [s1, s2, s3];
  const gradeCols = [g1, g2, g3];
  const critCols = [c1, c2, c3];
  const { day, category, score, grade, critical, codes } = ins;
  for (let i = 0; i < n; i++) {
    const r = q.rest[i];
    const d = q.day[i];
    let s = start[r];
    if (q.historyFrom) {
      // first inspection on or after the history floor: nothing before it exists for this row
      const floor = q.historyFrom[i];
      let a = s;
      let b = start[r + 1];
      while (a < b) {
        const mid = (a + b) >>> 1;
        if (day[mid] < floor) a = mid + 1;
        else b = mid;
      }
      s = a;
    }
    // first inspection of the restaurant on or after d: everything before it is the past
    const pos = lowerBound(day, d, s, start[r + 1]);
    nPrev[i] = ins.cumCounted[pos] - ins.cumCounted[s];
    pastRodent[i] = ins.cumRodent[pos] - ins.cumRodent[s];
    pastPest[i] = ins.cumPest[pos] - ins.cumPest[s];
    pastCond[i] = ins.cumConducive[pos] - ins.cumConducive[s];
    const scored = ins.cumScored[pos] - ins.cumScored[s];
    if (scored > 0) meanScore[i] = (ins.cumScore[pos] - ins.cumScore[s]) / scored;
    let k = 0;
    let sawRodent = false;
    for (let j = pos - 1; j >= s && (k < 3 || !sawRodent); j--) {
      if (!sawRodent && codes[j] & RODENT_BITS) {
        sawRodent = true;
        daysRodent[i] = d - day[j];
      }
      if (k < 3 && category[j] !== NOT_COUNTED) {
        if (k === 0) {
          daysPrev[i] = d - day[j];
          prevRodent[i] = codes[j] & RODENT_BITS ? 1 : 0;
        }
        scoreCols[k][i] = score[j];
        gradeCols[k][i] = grade[j];
        critCols[k][i] = critical[j];
        k++;
      }
    }
  }
  return cols;
}

/** TYPE_FEATURES one-hot columns. */
export function typeColumns(q: FeatureQueries): Float32Array[] {
  const n = q.rest.length;
  const cols = TYPE_FEATURES.map(() => new Float32Array(n));
  for (let i = 0; i < n; i++) {
    const c = q.category[i];
    if (c < cols.length) cols[c][i] = 1;
  }
  return cols;
}
