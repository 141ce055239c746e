// The continuous-training targets of issue 13, per scenario and generator, on several seeds: the whole CT loop
// (ingest of exported files through `dir:`, features, the monitor's weekly windows, the trigger, real retrains
// gated against the champion) replayed over one year of each city.
//   - a ≥ 25 % borough-level change in rodent pressure flagged within 4 weeks of data, the right borough named;
//   - no change: ≤ 1 false drift week per simulated year on average, and no retrain;
//   - after a triggered retrain, ≥ 0.95 × the oracle's lift within 8 weeks of the change (weeks 5–8, pooled);
// on the first generator (src/data/synth, where the rules were tuned) and the second (bench/city2, never tuned on).
//
//   npx tsx bench/ct-targets.ts [--generators synth,city2] [--seeds 1,2,3,4,5] [--scale 1] [--cache DIR]
//        [--out results.jsonl]    (resumable: finished runs in --out are not run again)
//        [--report]               (print the table of the runs already in --out; run nothing)
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { appendFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../src/config/index.js";
import { LocalObjectStore } from "../src/data/index.js";
import { BOROUGHS } from "../src/data/records.js";
import { isoToDay } from "../src/data/synth/dates.js";
import { writeSyntheticCity } from "../src/data/synth/index.js";
import { boroughSlug } from "../src/data/synth/scenario.js";
import { dayNumber } from "../src/features/index.js";
import { parseParams } from "../src/model/index.js";
import {
  DEFAULT_GATE_POLICY,
  DEFAULT_REPLAY_RETRAIN,
  openPipelineContext,
  prepareReplay,
  runReplay,
  type WeekRecord,
} from "../src/pipeline/index.js";
import { createLogger } from "../src/util/log.js";
import { writeCity2 } from "./city2/index.js";

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? dflt) : dflt;
}
const generators = arg("generators", "synth,city2").split(",");
const seeds = arg("seeds", "1,2,3,4,5").split(",").map(Number);
const scale = Number(arg("scale", "1"));
const cache = path.resolve(arg("cache", path.join(os.tmpdir(), "rodent-ct-targets")));
const outFile = path.resolve(arg("out", path.join(cache, "results.jsonl")));
const dataDir = path.resolve(arg("data", process.env.RODENT_DATA_DIR ?? "../shared/data"));
const log = createLogger("warn");

// Four years of city: two years for the first champion to learn from (and the monitor's year-earlier reference
// and dispersion windows), then 2022 replayed: the whole year with no change (for false alarms), from 8 weeks
// before to 13 weeks after the change otherwise.
const FROM = "2019-01-01";
const TO = "2022-12-31";
const REPLAY_FROM = "2022-01-01";
const STARTS = ["2022-03-07", "2022-05-02", "2022-07-04", "2022-09-05", "2022-04-04"];
// The replay's smaller models (as `rodent replay`): 120 trees of depth 5.
const PARAMS = parseParams({ n_estimators: "120", max_depth: "5", eta: "0.15", early_stopping_rounds: "15" });

/** The scenarios of seed index i: every borough gets each kind of change over five seeds. */
function scenarios(i: number): { name: string; kind: string; borough?: number; start: string }[] {
  const b = (k: number) => BOROUGHS.length > 0 && (i + k) % BOROUGHS.length;
  const start = STARTS[i % STARTS.length];
  return [
    { name: "none", kind: "none", start },
    { name: `pressure:${boroughSlug(b(0) as number)}:-25`, kind: "step −25 %", borough: b(0) as number, start },
    { name: `pressure:${boroughSlug(b(2) as number)}:+25`, kind: "step +25 %", borough: b(2) as number, start },
    {
      name: `pressure:${boroughSlug(b(4) as number)}:-40:ramp8`,
      kind: "gradual −40 % over 8 weeks",
      borough: b(4) as number,
      start,
    },
    { name: i % 2 ? "reporting:0.5" : "reporting:2", kind: i % 2 ? "311 reporting ×0.5" : "311 reporting ×2", start },
    { name: "heat-wave", kind: "heat wave (+10 °F, 4 weeks)", start },
  ];
}

interface Result {
  generator: string;
  seed: number;
  scenario: string;
  kind: string;
  borough: string | null;
  start: string;
  weeks: number;
  drift_weeks: number;
  retrains: number;
  retrains_after_change: number;
  /** weeks of data after the change until a counted signal, and until the right borough was named */
  first_signal: number | null;
  right_borough: number | null;
  wrong_borough_weeks: number;
  volume_signal: number | null;
  recovery_1_4: number | null;
  recovery_5_8: number | null;
  mean_lift: number | null;
  mean_oracle_lift: number | null;
  elapsed_s: number;
}

const done = new Set<string>();
if (existsSync(outFile))
  for (const l of readFileSync(outFile, "utf8").split("\n"))
    if (l) {
      const r = JSON.parse(l) as Result;
      done.add(`${r.generator}|${r.seed}|${r.scenario}`);
    }
mkdirSync(cache, { recursive: true });

const afterWeeks = (ws: WeekRecord[], start: string) => ws.filter((w) => w.week > start);
const reportOnly = process.argv.includes("--report");
for (const g of reportOnly ? [] : generators) {
  for (const [i, seed] of seeds.entries()) {
    for (const sc of scenarios(i)) {
      const id = `${g}|${seed}|${sc.name}`;
      if (done.has(id)) continue;
      const t0 = performance.now();
      const dir = path.join(cache, `${g}-${seed}-${sc.name.replace(/[^\w.+-]/g, "_")}`);
      rmSync(dir, { recursive: true, force: true });
      const opts = { seed, from: FROM, to: TO, scale, scenario: sc.name, scenarioStart: sc.start };
      if (g === "synth") await writeSyntheticCity(dir, { ...opts, dataDir }, log);
      else await writeCity2(dir, opts);
      const home = path.join(cache, "home", `${g}-${seed}-${i}`);
      rmSync(home, { recursive: true, force: true });
      const config = loadConfig({ RODENT_HOME: home, RODENT_DATA_DIR: dataDir, RODENT_LOG_LEVEL: "warn" });
      const ctx = await openPipelineContext(config, log, { store: new LocalObjectStore(path.join(home, "store")) });
      try {
        const { data, retrainer } = await prepareReplay(ctx, {
          source: `dir:${dir}`,
          params: PARAMS,
          gate: DEFAULT_GATE_POLICY,
          ...DEFAULT_REPLAY_RETRAIN,
          trainYears: 2,
        });
        const change = sc.name === "none" ? null : dayNumber(sc.start);
        const r = await runReplay(data, retrainer, {
          policy: "drift",
          fromDay: change === null ? isoToDay(REPLAY_FROM) : change - 8 * 7,
          toDay: change === null ? isoToDay(TO) + 1 : change + 13 * 7,
          scenario: sc.name,
          changeDay: change,
          log,
        });
        const after = change === null ? [] : afterWeeks(r.weeks, sc.start);
        const first = (pred: (w: WeekRecord) => boolean) => {
          const k = after.findIndex(pred);
          return k >= 0 ? k + 1 : null;
        };
        const slug = sc.borough !== undefined ? boroughSlug(sc.borough) : null;
        const res: Result = {
          generator: g,
          seed,
          scenario: sc.name,
          kind: sc.kind,
          borough: sc.borough !== undefined ? BOROUGHS[sc.borough] : null,
          start: sc.start,
          weeks: r.summary.weeks,
          drift_weeks: r.summary.drift_weeks,
          retrains: r.summary.retrains,
          retrains_after_change: r.summary.retrains_after_change,
          first_signal: change === null ? null : first((w) => w.signals.length > 0),
          right_borough: slug === null ? null : first((w) => w.signals.some((s) => s.startsWith(`borough:${slug}:`))),
          wrong_borough_weeks:
            slug === null
              ? 0
              : after
                  .slice(0, 12)
                  .filter((w) => w.signals.some((s) => s.startsWith("borough:") && !s.startsWith(`borough:${slug}:`)))
                  .length,
          volume_signal: change === null ? null : first((w) => w.signals.some((s) => s.startsWith("volume:"))),
          recovery_1_4: r.summary.recovery_weeks_1_4,
          recovery_5_8: r.summary.recovery_weeks_5_8,
          mean_lift: r.summary.mean_lift_at_10,
          mean_oracle_lift: r.summary.mean_oracle_lift_at_10,
          elapsed_s: Number(((performance.now() - t0) / 1000).toFixed(0)),
        };
        await appendFile(outFile, `${JSON.stringify(res)}\n`);
        process.stderr.write(`${id}: ${JSON.stringify(res)}\n`);
      } finally {
        await ctx.close();
        rmSync(home, { recursive: true, force: true });
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
}

// ---- the table per scenario and generator ----
const all = readFileSync(outFile, "utf8")
  .split("\n")
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Result);
const pct = (n: number, d: number) => (d ? `${Math.round((100 * n) / d)}%` : "-");
const med = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : null;
};
const f2 = (v: number | null) => (v === null ? "-" : v.toFixed(2));
const lines: string[] = [
  `scale ${scale}; seeds ${[...new Set(all.map((r) => r.seed))].sort((a, b) => a - b).join(",")}; drift policy; no change: ${REPLAY_FROM}..${TO} replayed; changes: 8 weeks before to 13 after`,
];
for (const g of generators) {
  const rs = all.filter((r) => r.generator === g);
  lines.push(
    "",
    `generator ${g} (${g === "synth" ? "src/data/synth: the rules were tuned here" : "bench/city2: never tuned on"})`,
  );
  lines.push(
    "scenario                          runs  flagged≤4w  right borough≤4w  median weeks  wrong-borough weeks  retrains  drift weeks/yr  recovery w5-8 median (min)  after a retrain: runs, median (min)",
  );
  for (const kind of [...new Set(rs.map((r) => r.kind))]) {
    const k = rs.filter((r) => r.kind === kind);
    const flagged = k.filter((r) => r.first_signal !== null && r.first_signal <= 4).length;
    const named = k.filter((r) => r.right_borough !== null && r.right_borough <= 4).length;
    const weeks = k.map((r) => r.right_borough ?? r.volume_signal ?? r.first_signal ?? 99);
    const rec = k.map((r) => r.recovery_5_8).filter((v): v is number => v !== null);
    // the target's own population: runs where a retrain followed the change
    const recRetrained = k
      .filter((r) => r.retrains_after_change > 0)
      .map((r) => r.recovery_5_8)
      .filter((v): v is number => v !== null);
    const medMin = (xs: number[]) => (xs.length ? `${f2(med(xs))} (${f2(Math.min(...xs))})` : "-");
    const perYear =
      (52 * k.reduce((s, r) => s + r.drift_weeks, 0)) /
      Math.max(
        1,
        k.reduce((s, r) => s + r.weeks, 0),
      );
    lines.push(
      `${kind.padEnd(33)} ${String(k.length).padStart(4)} ${(kind === "none" ? "-" : pct(flagged, k.length)).padStart(11)} ${(k[0].borough ? pct(named, k.length) : "-").padStart(17)} ${(kind === "none" ? "-" : String(med(weeks) === 99 ? ">12" : med(weeks))).padStart(13)} ${String(k.reduce((s, r) => s + r.wrong_borough_weeks, 0)).padStart(20)} ${`${k.reduce((s, r) => s + r.retrains, 0)}`.padStart(9)} ${perYear.toFixed(2).padStart(15)} ${medMin(rec).padStart(26)}  ${kind === "none" ? "-" : `${recRetrained.length}, ${medMin(recRetrained)}`}`,
    );
  }
}
const table = lines.join("\n");
process.stdout.write(`${table}\n`);
writeFileSync(path.join(path.dirname(outFile), "table.txt"), `${table}\n`);
