// Feature build benchmark: the synthetic NYC at scale 1 (2015–2024), ingested through the file source, then the
// training set (every counted inspection) and the serving set built from the loaded records. Target: training set
// ≤ 30 s. Prints the median of --runs (default 3) and one JSON line.
//   npx tsx bench/features.ts [--runs 3] [--seed 1]
import { buildServingSet, buildTrainingSet, isoOfDay, loadCity, prepareCity } from "../src/features/index.js";
import { createLogger } from "../src/util/log.js";
import { benchCity, median } from "./features-city.js";

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? dflt) : dflt;
}

const log = createLogger("warn");
const runs = Number(arg("runs", "3"));
const seed = Number(arg("seed", "1"));
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const { store, snapshot } = await benchCity(seed, log);
let t = performance.now();
const city = await loadCity(store, snapshot);
const loadSeconds = (performance.now() - t) / 1000;
console.error(
  `loaded ${snapshot}: ${city.inspections.length} inspection rows, ${city.ratSightings.length} sightings, ` +
    `${city.weather.length} weather days in ${loadSeconds.toFixed(1)} s`,
);

const results: { wall: number; cpu: number; prepare: number; rows: number; serving: number }[] = [];
let summary = { rows: 0, positives: 0, features: 0, servingRows: 0, restaurants: 0, inspections: 0 };
for (let run = 0; run < runs; run++) {
  const c0 = cpuMs();
  t = performance.now();
  const prepared = prepareCity(city);
  const tPrep = performance.now();
  const ts = buildTrainingSet(prepared);
  const tRows = performance.now();
  let maxDay = 0;
  for (let i = 0; i < ts.day.length; i++) if (ts.day[i] > maxDay) maxDay = ts.day[i];
  const ss = buildServingSet(prepared, isoOfDay(maxDay + 1));
  const tServe = performance.now();
  results.push({
    wall: (tRows - t) / 1000,
    cpu: (cpuMs() - c0) / 1000,
    prepare: (tPrep - t) / 1000,
    rows: (tRows - tPrep) / 1000,
    serving: (tServe - tRows) / 1000,
  });
  let pos = 0;
  for (let i = 0; i < ts.label.length; i++) pos += ts.label[i];
  summary = {
    rows: ts.table.n,
    positives: pos,
    features: ts.table.columns.length,
    servingRows: ss.table.n,
    restaurants: prepared.restaurants.n,
    inspections: prepared.inspections.n,
  };
  const r = results[run];
  console.error(
    `run ${run + 1}/${runs}: training set ${r.wall.toFixed(1)} s (prepare ${r.prepare.toFixed(1)} s, rows ` +
      `${r.rows.toFixed(1)} s), serving set ${r.serving.toFixed(1)} s, cpu ${r.cpu.toFixed(1)} s`,
  );
}
const m = (k: keyof (typeof results)[number]) => Math.round(median(results.map((r) => r[k])) * 100) / 100;
const out = {
  bench: "features",
  snapshot,
  runs,
  load_seconds: Math.round(loadSeconds * 10) / 10,
  training_set_seconds_median: m("wall"),
  prepare_seconds_median: m("prepare"),
  rows_seconds_median: m("rows"),
  serving_set_seconds_median: m("serving"),
  cpu_seconds_median: m("cpu"),
  target_seconds: 30,
  ...summary,
  peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
};
console.error(
  `training set build: median ${out.training_set_seconds_median} s over ${runs} runs (target ≤ 30 s); ` +
    `${out.rows} rows × ${out.features} features, ${out.positives} positives`,
);
console.log(JSON.stringify(out));
