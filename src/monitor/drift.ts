import type { FeatureSchema } from "../features/index.js";
import {
  type CategoricalProfile,
  categoricalCodes,
  layoutCounts,
  type NumericProfile,
  type ReferenceProfile,
  schemaGroups,
} from "../features/index.js";
import { chiSquareSurvival, ksPValue } from "./stats.js";

/**
 * Drift of a table against a reference profile (issue 13 §3). Each column gets the test that fits it:
 *  - discrete numeric columns (≤ 20 values: flags, grades, small counts) and one-hot groups are compared by
 *    category: chi-square test of homogeneity on the two count vectors, PSI on the categories;
 *  - continuous columns by the two-sample Kolmogorov–Smirnov distance, taken at the reference's bin edges
 *    (at data values, so ties stay whole and both ECDFs are exact there), PSI on about ten reference-decile
 *    groups of those bins. Missing values are a category of their own in both.
 * A column DRIFTS (act) when its shift is both statistically real (p < alpha / number of judged columns,
 * Bonferroni) and practically large (PSI ≥ psiThreshold); it is WATCHED when significant with PSI ≥ psiWatch.
 * Identical tables give identical counts: PSI 0, statistic 0, p = 1, at any size. Tables under minSample rows
 * are reported, never judged; so is a column that holds one value on each side (the weather and the time of
 * year are the same for every restaurant on a day: two days differ, two populations do not).
 */
export interface DriftRule {
  alpha: number;
  psiThreshold: number;
  psiWatch: number;
  minSample: number;
}

export const DEFAULT_DRIFT_RULE: DriftRule = { alpha: 0.01, psiThreshold: 0.2, psiWatch: 0.1, minSample: 200 };

export type Verdict = { level: "ok" | "watch" | "act"; reasons: string[] };

export interface ColumnDrift {
  name: string;
  kind: "continuous" | "discrete" | "categorical";
  test: "ks" | "chi2";
  /** rows now and in the reference */
  n: number;
  refN: number;
  psi: number;
  /** KS distance D (continuous columns) */
  ks?: number;
  /** chi-square statistic and its degrees of freedom (discrete and categorical columns) */
  chi2?: number;
  df?: number;
  /** Jensen–Shannon divergence (base 2, 0..1) of the categories */
  js?: number;
  pValue: number;
  judged: boolean;
  /** why a column is not judged */
  note?: string;
  drift: boolean;
  watch: boolean;
  /** reference vs now, as shares per group (≤ 12 groups): what the page draws */
  hist: { labels: string[]; ref: number[]; cur: number[] };
}

export interface DriftReport {
  n: number;
  rule: DriftRule;
  judged: boolean;
  /** what the rows are compared with (ReferenceProfile.basis / asOf) */
  reference: { basis: string; asOf: string | null; n: number };
  columns: ColumnDrift[];
  score: ColumnDrift;
  /** columns (and "score") that drift by the rule */
  drifted: string[];
  watched: string[];
  verdict: Verdict;
}

const EPS = 1e-4;
const MAX_GROUPS = 12;

export function psi(expected: ArrayLike<number>, actual: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < expected.length; i++) {
    if (expected[i] === 0 && actual[i] === 0) continue;
    const e = Math.max(expected[i], EPS);
    const a = Math.max(actual[i], EPS);
    s += (a - e) * Math.log(a / e);
  }
  return s;
}

export function jensenShannon(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const m = (p[i] + q[i]) / 2;
    if (p[i] > 0) s += 0.5 * p[i] * Math.log2(p[i] / m);
    if (q[i] > 0) s += 0.5 * q[i] * Math.log2(q[i] / m);
  }
  return s;
}

const shares = (c: ArrayLike<number>, n: number) => Array.from(c, (v) => (n > 0 ? v / n : 0));

/** Chi-square test of homogeneity of two count vectors (slots empty on both sides dropped). */
export function chiSquareHomogeneity(
  ref: ArrayLike<number>,
  cur: ArrayLike<number>,
): { chi2: number; df: number; p: number } {
  let R = 0;
  let C = 0;
  for (let i = 0; i < ref.length; i++) {
    R += ref[i];
    C += cur[i];
  }
  if (R === 0 || C === 0) return { chi2: 0, df: 0, p: 1 };
  let chi2 = 0;
  let k = 0;
  for (let i = 0; i < ref.length; i++) {
    const t = ref[i] + cur[i];
    if (t === 0) continue;
    k++;
    const er = (t * R) / (R + C);
    const ec = (t * C) / (R + C);
    chi2 += ((ref[i] - er) * (ref[i] - er)) / er + ((cur[i] - ec) * (cur[i] - ec)) / ec;
  }
  const df = Math.max(k - 1, 0);
  return { chi2, df, p: df > 0 ? chiSquareSurvival(chi2, df) : 1 };
}

/** Largest distance between the two cumulative count vectors (as shares): KS at the slot boundaries. */
export function ksDistance(ref: ArrayLike<number>, cur: ArrayLike<number>): number {
  let R = 0;
  let C = 0;
  for (let i = 0; i < ref.length; i++) {
    R += ref[i];
    C += cur[i];
  }
  if (R === 0 || C === 0) return 0;
  let fr = 0;
  let fc = 0;
  let d = 0;
  for (let i = 0; i < ref.length; i++) {
    fr += ref[i];
    fc += cur[i];
    d = Math.max(d, Math.abs(fr / R - fc / C));
  }
  return d;
}

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));

/** Merge the fine bins of a binned profile into ≤ 10 groups of ~10 % reference mass each (PSI and the page). */
function coarseGroups(p: NumericProfile): { ends: number[]; labels: string[] } {
  const total = p.counts.reduce((s, c) => s + c, 0);
  const ends: number[] = [];
  let acc = 0;
  let next = total / 10;
  for (let i = 0; i < p.counts.length; i++) {
    acc += p.counts[i];
    if (acc >= next - 1e-9 || i === p.counts.length - 1) {
      ends.push(i);
      while (next <= acc + 1e-9) next += total / 10;
    }
  }
  if (ends.at(-1) !== p.counts.length - 1) ends.push(p.counts.length - 1);
  const labels = ends.map((e, g) => {
    const lo = g === 0 ? null : p.points[ends[g - 1]];
    const hi = e < p.points.length ? p.points[e] : null;
    if (lo === null && hi !== null) return `≤ ${fmt(hi)}`;
    if (hi === null && lo !== null) return `> ${fmt(lo)}`;
    if (lo === null || hi === null) return "all";
    return `${fmt(lo)}–${fmt(hi)}`;
  });
  return { ends, labels };
}

function group(counts: ArrayLike<number>, ends: number[]): number[] {
  const out: number[] = [];
  let i = 0;
  for (const e of ends) {
    let s = 0;
    for (; i <= e; i++) s += counts[i];
    out.push(s);
  }
  return out;
}

/** Top levels by combined count, the rest as "other": a readable histogram for many categories. */
function topGroups(labels: string[], ref: number[], cur: number[]): ColumnDrift["hist"] {
  const R = ref.reduce((s, v) => s + v, 0) || 1;
  const C = cur.reduce((s, v) => s + v, 0) || 1;
  if (labels.length <= MAX_GROUPS) return { labels, ref: shares(ref, R), cur: shares(cur, C) };
  const order = labels.map((_, i) => i).sort((a, b) => ref[b] / R + cur[b] / C - (ref[a] / R + cur[a] / C));
  const keep = order.slice(0, MAX_GROUPS - 1).sort((a, b) => a - b);
  const rest = order.slice(MAX_GROUPS - 1);
  const sum = (xs: number[], idx: number[]) => idx.reduce((s, i) => s + xs[i], 0);
  return {
    labels: [...keep.map((i) => labels[i]), `other (${rest.length})`],
    ref: [...keep.map((i) => ref[i] / R), sum(ref, rest) / R],
    cur: [...keep.map((i) => cur[i] / C), sum(cur, rest) / C],
  };
}

/** Whether a profile column, and a column of values, each hold a single value (no missing ones). */
function singleValued(p: NumericProfile, values: ArrayLike<number>): boolean {
  if (p.layout !== "discrete" || p.points.length !== 1 || p.missing > 0) return false;
  if (values.length === 0 || !Number.isFinite(values[0])) return false;
  for (let i = 1; i < values.length; i++) if (values[i] !== values[0]) return false;
  return true;
}

export function numericDrift(p: NumericProfile, values: ArrayLike<number>, rule: DriftRule, m: number): ColumnDrift {
  const { counts, missing } = layoutCounts(p, values);
  const n = values.length;
  // Slots: missing first, then the layout's counts (values or bins).
  const ref = [p.missing, ...p.counts];
  const cur = [missing, ...counts];
  const base = {
    name: p.name,
    n,
    refN: p.n,
    judged: n >= rule.minSample && p.n >= rule.minSample,
  };
  let col: ColumnDrift;
  if (p.layout === "discrete") {
    const { chi2, df, p: pValue } = chiSquareHomogeneity(ref, cur);
    const labels = ["missing", ...p.points.map(fmt), "other"];
    const keep = labels.map((_, i) => ref[i] + cur[i] > 0 || i === 1);
    const pick = <T>(xs: T[]) => xs.filter((_, i) => keep[i]);
    col = {
      ...base,
      kind: "discrete",
      test: "chi2",
      psi: psi(shares(ref, p.n), shares(cur, n)),
      chi2,
      df,
      js: jensenShannon(shares(ref, p.n), shares(cur, n)),
      pValue,
      drift: false,
      watch: false,
      hist: topGroups(pick(labels), pick(ref), pick(cur)),
    };
  } else {
    const d = ksDistance(ref, cur);
    const { ends, labels } = coarseGroups(p);
    const gr = [p.missing, ...group(p.counts, ends)];
    const gc = [missing, ...group(counts, ends)];
    const show = p.missing + missing > 0;
    col = {
      ...base,
      kind: "continuous",
      test: "ks",
      psi: psi(shares(gr, p.n), shares(gc, n)),
      ks: d,
      pValue: n > 0 && p.n > 0 ? ksPValue(d, n, p.n) : 1,
      drift: false,
      watch: false,
      hist: show
        ? { labels: ["missing", ...labels], ref: shares(gr, p.n), cur: shares(gc, n) }
        : { labels, ref: shares(gr.slice(1), p.n), cur: shares(gc.slice(1), n) },
    };
  }
  if (singleValued(p, values)) {
    col.judged = false;
    col.note = "one value on each side (the same for every row on a day: weather, time of year): nothing to compare";
  }
  return judge(col, rule, m);
}

function judge(c: ColumnDrift, rule: DriftRule, m: number): ColumnDrift {
  const significant = c.judged && c.pValue < rule.alpha / m;
  c.drift = significant && c.psi >= rule.psiThreshold;
  c.watch = significant && !c.drift && c.psi >= rule.psiWatch;
  return c;
}

export function categoricalDrift(p: CategoricalProfile, codes: Int32Array, rule: DriftRule, m: number): ColumnDrift {
  const n = codes.length;
  const cur = new Array<number>(p.counts.length).fill(0);
  for (let i = 0; i < n; i++) cur[codes[i]]++;
  const { chi2, df, p: pValue } = chiSquareHomogeneity(p.counts, cur);
  const col: ColumnDrift = {
    name: p.name,
    kind: "categorical",
    test: "chi2",
    n,
    refN: p.n,
    psi: psi(shares(p.counts, p.n), shares(cur, n)),
    chi2,
    df,
    js: jensenShannon(shares(p.counts, p.n), shares(cur, n)),
    pValue,
    judged: n >= rule.minSample && p.n >= rule.minSample,
    drift: false,
    watch: false,
    hist: topGroups(
      p.levels.map((l) => l.replace(/^(boro|cuisine|type)_/, "")),
      p.counts,
      cur,
    ),
  };
  return judge(col, rule, m);
}

/** A table in the profile's layout: per profile column, numeric values or categorical codes; and the scores. */
export interface LiveWindow {
  n: number;
  columns: (Float32Array | Float64Array | Int32Array)[];
  scores: Float64Array | Float32Array;
}

/** Lay out feature columns (by schema index) as the profile's columns: numeric values or one-hot codes. */
export function windowFromColumns(
  schema: FeatureSchema,
  profile: ReferenceProfile,
  column: (featureIndex: number) => Float32Array,
  n: number,
  scores: Float64Array | Float32Array,
): LiveWindow {
  const groups = new Map(schemaGroups(schema).map((g) => [g.name, g]));
  const columns = profile.columns.map((c) => {
    const g = groups.get(c.name);
    if (!g) throw new Error(`profile column ${c.name} is not in feature schema ${schema.version}`);
    return c.kind === "numeric" ? column(g.idx[0]) : categoricalCodes(g.idx.map(column), n);
  });
  return { n, columns, scores };
}

function describe(c: ColumnDrift): string {
  const stat = c.test === "ks" ? `KS ${c.ks?.toFixed(3)}` : `χ² ${c.chi2?.toFixed(1)} (df ${c.df})`;
  const p = c.pValue < 1e-4 ? "p < 0.0001" : `p = ${c.pValue.toFixed(4)}`;
  return `${c.name} (PSI ${c.psi.toFixed(2)}, ${stat}, ${p})`;
}

/**
 * Compare a table with a reference profile. `notJudged` names columns reported but never judged, with the reason
 * (e.g. calendar-bound columns when the reference is not from the same season).
 */
export function computeDrift(
  profile: ReferenceProfile,
  live: LiveWindow,
  rule: DriftRule = DEFAULT_DRIFT_RULE,
  notJudged: Record<string, string> = {},
): DriftReport {
  const m = profile.columns.filter((c) => !(c.name in notJudged)).length + ("score" in notJudged ? 0 : 1);
  const skip = (d: ColumnDrift) => {
    if (!(d.name in notJudged)) return d;
    return { ...d, judged: false, note: notJudged[d.name], drift: false, watch: false };
  };
  const columns = profile.columns.map((c, i) =>
    skip(
      c.kind === "numeric"
        ? numericDrift(c, live.columns[i], rule, m)
        : categoricalDrift(c, live.columns[i] as Int32Array, rule, m),
    ),
  );
  const score = skip(numericDrift(profile.score, live.scores, rule, m));
  columns.sort((a, b) => Number(b.drift) - Number(a.drift) || Number(b.watch) - Number(a.watch) || b.psi - a.psi);
  const drifted = columns.filter((c) => c.drift).map((c) => c.name);
  const watched = columns.filter((c) => c.watch).map((c) => c.name);
  if (score.drift) drifted.push("score");
  if (score.watch) watched.push("score");
  const judged = live.n >= rule.minSample && profile.n >= rule.minSample;
  const all = [score, ...columns];
  let verdict: Verdict;
  if (!judged)
    verdict = {
      level: "watch",
      reasons: [
        `${live.n} rows against ${profile.n}: too few to judge (the rule needs ${rule.minSample} on each side)`,
      ],
    };
  else if (drifted.length)
    verdict = {
      level: "act",
      reasons: all.filter((c) => c.drift).map((c) => `drifts: ${describe(c)}`),
    };
  else if (watched.length)
    verdict = {
      level: "watch",
      reasons: all.filter((c) => c.watch).map((c) => `moved, below the action threshold: ${describe(c)}`),
    };
  else
    verdict = {
      level: "ok",
      reasons: [
        `${all.filter((c) => c.judged).length} columns judged (score included): none moved beyond the rule (PSI ≥ ${rule.psiThreshold} and p < ${rule.alpha}/${m})`,
      ],
    };
  return {
    n: live.n,
    rule,
    judged,
    reference: { basis: profile.basis, asOf: profile.asOf, n: profile.n },
    columns,
    score,
    drifted,
    watched,
    verdict,
  };
}
