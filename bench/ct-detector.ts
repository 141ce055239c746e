// The 311-stream detector (src/monitor/source-drift.ts) alone, on many generated streams: how often it fires
// with no change (false drift weeks per simulated year) and how soon it names the right borough after a change.
// Fast (no restaurants, features or training), so it is where the rule's numbers were chosen, on the FIRST
// generator only; the second generator (bench/city2) is only reported, never tuned on (issue 13 §7).
//
//   npx tsx bench/ct-detector.ts [--generator synth|city2|both] [--seeds 1,2,3,4,5] [--scale 1]
//        [--changes -25,25,-40] [--rule '{"alpha":0.001}']
import { BOROUGHS } from "../src/data/records.js";
import { isoToDay } from "../src/data/synth/dates.js";
import { boroughSlug } from "../src/data/synth/scenario.js";
import { DEFAULT_SOURCE_RULE, type SourceDriftRule, sourceDrift } from "../src/monitor/source-drift.js";
import { city2Stream } from "./city2/stream.js";
import { type Stream, type StreamOptions, synthStream } from "./ct-stream.js";

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? dflt) : dflt;
}

const generators = arg("generator", "synth") === "both" ? ["synth", "city2"] : [arg("generator", "synth")];
const seeds = arg("seeds", "1,2,3,4,5").split(",").map(Number);
const scale = Number(arg("scale", "1"));
const changes = arg("changes", "-25,25,-40").split(",").map(Number);
const ramps = arg("ramps", "0").split(",").map(Number);
// One rule or a JSON array of rule variants, all judged on the same generated streams (tuning).
const ruleArg = JSON.parse(arg("rule", "{}")) as Partial<SourceDriftRule> | Partial<SourceDriftRule>[];
const rules: SourceDriftRule[] = (Array.isArray(ruleArg) ? ruleArg : [ruleArg]).map((r) => ({
  ...DEFAULT_SOURCE_RULE,
  ...r,
}));
const dataDir = arg("data", process.env.RODENT_DATA_DIR ?? "../shared/data");

// Five years of city: the detector needs a year of reference plus the dispersion windows before the weeks judged.
const FROM = "2018-01-01";
const TO = "2023-03-31";
// Change dates rotate over the year (Mondays: weekly checks see whole weeks of data after them): 311 counts are
// twice as high in summer as in winter, so how soon a change shows depends on the season it starts in.
const STARTS = arg("starts", "2022-01-03,2022-03-07,2022-05-02,2022-07-04,2022-09-05,2022-11-07").split(",");
const NULL_FROM = isoToDay("2021-01-04");
const NULL_TO = isoToDay("2022-12-26");
const WEEKS_AFTER = 12;

const stream = (g: string, o: StreamOptions): Promise<Stream> => (g === "synth" ? synthStream(o) : city2Stream(o));

interface Row {
  rule: number;
  generator: string;
  scenario: string;
  seed: number;
  /** weeks of data after the change when the right borough was first named (null: not within WEEKS_AFTER) */
  detected: number | null;
  wrongNamed: number;
  falseWeeks: number;
  nullWeeks: number;
  /** false alarms lasting two consecutive weeks or more: what would start a retrain (consecutive: 2) */
  episodes: number;
}

const rows: Row[] = [];
const t0 = performance.now();
for (const g of generators) {
  for (const seed of seeds) {
    const base = { seed, from: FROM, to: TO, scale, scenarioStart: STARTS[0], dataDir };
    // No change: every Monday from 2021-01-04 to the end is a null week.
    const none = await stream(g, { ...base, scenario: "none" });
    for (const [ri, rule] of rules.entries()) {
      let falseWeeks = 0;
      let nullWeeks = 0;
      let episodes = 0;
      let run = 0;
      for (let d = NULL_FROM; d <= NULL_TO; d += 7) {
        const r = sourceDrift(none.day, none.borough, BOROUGHS.length, d, rule);
        nullWeeks++;
        const alarm = r.boroughs.some((b) => b.signal) || r.volume.signal !== null;
        if (alarm) falseWeeks++;
        run = alarm ? run + 1 : 0;
        if (run === 2) episodes++;
      }
      rows.push({
        rule: ri,
        generator: g,
        scenario: "none",
        seed,
        detected: null,
        wrongNamed: 0,
        falseWeeks,
        nullWeeks,
        episodes,
      });
    }
    for (let b = 0; b < BOROUGHS.length; b++) {
      for (const [ci, pct] of changes.entries()) {
        for (const ramp of ramps) {
          const scenario = `pressure:${boroughSlug(b)}:${pct > 0 ? "+" : ""}${pct}${ramp ? `:ramp${ramp}` : ""}`;
          const start = STARTS[(seed + b + ci) % STARTS.length];
          const s = await stream(g, { ...base, scenario, scenarioStart: start });
          for (const [ri, rule] of rules.entries()) {
            let detected: number | null = null;
            let wrongNamed = 0;
            for (let k = 1; k <= WEEKS_AFTER; k++) {
              const r = sourceDrift(s.day, s.borough, BOROUGHS.length, isoToDay(start) + 7 * k, rule);
              const named = r.boroughs.filter((x) => x.signal);
              if (named.some((x) => x.borough !== b)) wrongNamed++;
              if (detected === null && named.some((x) => x.borough === b && (x.signal === "up") === pct > 0))
                detected = k;
            }
            rows.push({
              rule: ri,
              generator: g,
              scenario,
              seed,
              detected,
              wrongNamed,
              falseWeeks: 0,
              nullWeeks: 0,
              episodes: 0,
            });
          }
        }
      }
    }
    process.stderr.write(`${g} seed ${seed} done (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
  }
}

const pctOf = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(0)}%` : "-");
console.log(`scale ${scale}; seeds ${seeds.join(",")}; changes start on ${STARTS.join(", ")}`);
for (const [ri, rule] of rules.entries())
  for (const g of generators) {
    const mine = rows.filter((r) => r.generator === g && r.rule === ri);
    const nulls = mine.filter((r) => r.scenario === "none");
    const fw = nulls.reduce((s, r) => s + r.falseWeeks, 0);
    const nw = nulls.reduce((s, r) => s + r.nullWeeks, 0);
    console.log(`\nrule ${JSON.stringify(rule)}`);
    const ep = nulls.reduce((s, r) => s + r.episodes, 0);
    console.log(
      `${g}: no change: ${fw} false drift weeks in ${nw} weeks = ${((52 * fw) / Math.max(1, nw)).toFixed(2)} per year; ${ep} lasting ≥ 2 weeks (would start a retrain) = ${((52 * ep) / Math.max(1, nw)).toFixed(2)} per year`,
    );
    console.log("borough          change  runs  named ≤2w  ≤4w   ≤8w   median weeks  weeks naming another borough");
    for (let b = 0; b < BOROUGHS.length; b++) {
      for (const pct of changes) {
        for (const ramp of ramps) {
          const rs = mine.filter(
            (r) => r.scenario === `pressure:${boroughSlug(b)}:${pct > 0 ? "+" : ""}${pct}${ramp ? `:ramp${ramp}` : ""}`,
          );
          const det = rs.map((r) => r.detected ?? 99).sort((a, z) => a - z);
          const within = (k: number) => det.filter((d) => d <= k).length;
          const med = det[Math.floor(det.length / 2)];
          console.log(
            `${BOROUGHS[b].padEnd(16)} ${`${pct > 0 ? "+" : ""}${pct}%${ramp ? ` r${ramp}` : ""}`.padStart(7)} ${String(rs.length).padStart(5)} ${pctOf(within(2), rs.length).padStart(10)} ${pctOf(within(4), rs.length).padStart(5)} ${pctOf(within(8), rs.length).padStart(5)} ${(med === 99 ? ">12" : String(med)).padStart(14)}  ${rs.reduce((s, r) => s + r.wrongNamed, 0)}`,
          );
        }
      }
    }
  }
