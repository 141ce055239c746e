import { BOROUGHS } from "../data/index.js";
import type { DriftReport, Verdict } from "./drift.js";
import { DEFAULT_SOURCE_RULE, type SourceDrift, type SourceDriftRule } from "./source-drift.js";

/**
 * One monitoring window (issue 13 §2, §4): what the monitor saw for one data date — the population's drift, the
 * 311 stream, realised performance — as named signals and one verdict (ok / watch / act, and why). Signals carry
 * stable keys, so the trigger can count them over consecutive windows and acknowledge them one by one:
 *   feature:NAME, score, borough:SLUG:up|down, volume:up|down, performance.
 */
export type SignalKind = "feature_drift" | "score_drift" | "source_drift" | "performance";

export interface Signal {
  key: string;
  kind: SignalKind;
  label: string;
}

export interface StreamBorough {
  borough: string;
  current: number;
  expected: number;
  ratio: number;
  z: number;
  p_value: number;
  signal: "up" | "down" | null;
}

/** The 311 stream part of a window, in JSON-friendly names. */
export interface StreamReport {
  window: { from: string; to: string; days: number };
  reference: string;
  judged: boolean;
  dispersion: number;
  sightings: number;
  boroughs: StreamBorough[];
  volume: {
    current: number;
    expected: number;
    ratio: number;
    z: number;
    p_value: number;
    signal: "up" | "down" | null;
  };
  rule: SourceDriftRule;
  verdict: Verdict;
}

export interface MonitorWindow {
  /** the data date: the window covers data before this day */
  data_date: string;
  /** Monday of the data date's week: windows are weeks of data time */
  week: string;
  population: DriftReport | null;
  stream: StreamReport | null;
  performance: { drop: boolean; reasons: string[] } | null;
  signals: Signal[];
  verdict: Verdict;
}

const DAY = 86_400_000;

import { isoOfDay } from "../util/days.js";

export { isoOfDay };
export const dayOfIso = (s: string) => Math.floor(Date.parse(`${s.slice(0, 10)}T00:00:00Z`) / DAY);
/** Monday of the week holding day d (day 4 of the epoch was a Monday). */
export const mondayOf = (d: number) => d - ((((d - 4) % 7) + 7) % 7);
export const slug = (b: string) => b.toLowerCase().replace(/\s+/g, "-");
const pct = (r: number) => `${r >= 1 ? "+" : ""}${(100 * (r - 1)).toFixed(0)}%`;

export function streamReport(s: SourceDrift, rule: SourceDriftRule = DEFAULT_SOURCE_RULE): StreamReport {
  const boroughs = s.boroughs.map(
    (b): StreamBorough => ({
      borough: BOROUGHS[b.borough],
      current: b.current,
      expected: b.expected,
      ratio: b.ratio,
      z: b.z,
      p_value: b.pValue,
      signal: b.signal,
    }),
  );
  const reasons: string[] = [];
  let level: Verdict["level"] = "ok";
  for (const b of boroughs)
    if (b.signal) {
      level = "act";
      reasons.push(
        `${b.borough}: ${b.current} sightings where ${b.expected.toFixed(0)} were expected from the rest of the city and the same weeks a year before (${pct(b.ratio)}, z ${b.z.toFixed(1)})`,
      );
    }
  if (s.volume.signal) {
    level = "act";
    reasons.push(
      `citywide volume ×${s.volume.ratio.toFixed(2)} against the same weeks a year before (${s.volume.current} vs ${s.volume.expected.toFixed(0)})`,
    );
  }
  if (level === "ok") {
    const near = boroughs.filter((b) => b.p_value < rule.alpha * 10 && Number.isFinite(b.ratio));
    if (!s.judged) {
      level = "watch";
      reasons.push("the stream does not reach a year and a window back: nothing to compare with yet");
    } else if (near.length) {
      level = "watch";
      for (const b of near)
        reasons.push(
          `${b.borough} ${pct(b.ratio)} against the rest of the city (z ${b.z.toFixed(1)}): not significant yet`,
        );
    } else
      reasons.push(
        `no borough moved against the rest of the city; volume ×${s.volume.ratio.toFixed(2)} of a year before`,
      );
  }
  return {
    window: { from: isoOfDay(s.asOfDay - s.windowDays), to: isoOfDay(s.asOfDay - 1), days: s.windowDays },
    reference: `the same weeks a year before (±${rule.baselinePadDays} days), each borough against the rest of the city`,
    judged: s.judged,
    dispersion: s.dispersion,
    sightings: s.current,
    boroughs,
    volume: {
      current: s.volume.current,
      expected: s.volume.expected,
      ratio: s.volume.ratio,
      z: s.volume.z,
      p_value: s.volume.pValue,
      signal: s.volume.signal,
    },
    rule,
    verdict: { level, reasons },
  };
}

/** The signals of a window, with stable keys (one per column, per borough and direction, …). */
export function windowSignals(
  population: DriftReport | null,
  stream: StreamReport | null,
  performance: { drop: boolean; reasons: string[] } | null,
): Signal[] {
  const out: Signal[] = [];
  for (const name of population?.drifted ?? []) {
    if (name === "score") out.push({ key: "score", kind: "score_drift", label: "score drift" });
    else out.push({ key: `feature:${name}`, kind: "feature_drift", label: `feature drift (${name})` });
  }
  for (const b of stream?.boroughs ?? [])
    if (b.signal)
      out.push({
        key: `borough:${slug(b.borough)}:${b.signal}`,
        kind: "source_drift",
        label: `311 sightings in ${b.borough} ${pct(b.ratio)}`,
      });
  if (stream?.volume.signal)
    out.push({
      key: `volume:${stream.volume.signal}`,
      kind: "source_drift",
      label: `311 volume ×${stream.volume.ratio.toFixed(2)}`,
    });
  if (performance?.drop) out.push({ key: "performance", kind: "performance", label: "realised performance drop" });
  return out;
}

export function monitorWindow(input: {
  dataDate: string;
  population: DriftReport | null;
  stream: StreamReport | null;
  performance: { drop: boolean; reasons: string[] } | null;
}): MonitorWindow {
  const signals = windowSignals(input.population, input.stream, input.performance);
  const parts: [string, Verdict | null][] = [
    ["population", input.population?.verdict ?? null],
    ["311", input.stream?.verdict ?? null],
    [
      "outcomes",
      input.performance
        ? input.performance.drop
          ? { level: "act", reasons: input.performance.reasons }
          : { level: "ok", reasons: ["realised performance within the tolerance"] }
        : null,
    ],
  ];
  const rank = { ok: 0, watch: 1, act: 2 } as const;
  let level: Verdict["level"] = "ok";
  const reasons: string[] = [];
  for (const [name, v] of parts) {
    if (!v) continue;
    if (rank[v.level] > rank[level]) level = v.level;
    if (v.level !== "ok") for (const r of v.reasons) reasons.push(`${name}: ${r}`);
  }
  if (level === "ok") reasons.push("nothing moved beyond the rules");
  const day = dayOfIso(input.dataDate);
  return {
    data_date: input.dataDate,
    week: isoOfDay(mondayOf(day)),
    population: input.population,
    stream: input.stream,
    performance: input.performance,
    signals,
    verdict: { level, reasons },
  };
}
