// The synthetic NYC: restaurants, DOHMH inspections, 311 rat sightings and Central Park weather in the real export
// formats, plus a truth file with each inspection's true rodent probability. See docs/data.md "The synthetic NYC".
import { rm } from "node:fs/promises";
import path from "node:path";
import { RodentError } from "../../errors.js";
import type { Logger } from "../../util/log.js";
import { progress } from "../../util/progress.js";
import { GZIP_LEVEL, GzCsvWriter, type WrittenFile } from "./csv-out.js";
import { dayToIso, dayToUs, isoToDay } from "./dates.js";
import { HEAT_WAVE, PressureField } from "./pressure.js";
import { loadReference } from "./reference.js";
import { ACTIVE_AT_SCALE_1, INSPECTIONS_HEADER, TRUTH_HEADER, writeRestaurants } from "./restaurants.js";
import { parseScenario, type Scenario } from "./scenario.js";
import { SIGHTINGS_HEADER, writeSightings } from "./sightings.js";
import { buildWeather, fmtNum } from "./weather.js";

export {
  HEAT_WAVE,
  SANITATION_BOROUGH,
  SANITATION_FACTOR,
  SURGE_FACTOR,
} from "./pressure.js";
export { INSPECTIONS_HEADER, TRUTH_HEADER } from "./restaurants.js";
export {
  boroughSlug,
  parseScenario,
  SCENARIO_PRESETS,
  SCENARIOS,
  type Scenario,
  type ScenarioSpec,
} from "./scenario.js";
export { SIGHTINGS_HEADER } from "./sightings.js";

export interface SynthOptions {
  seed: number;
  /** First simulated day, YYYY-MM-DD. */
  from: string;
  /** Last simulated day, YYYY-MM-DD. */
  to: string;
  /** Multiplies restaurants and sightings (1 ≈ 27,000 active restaurants, 15–20k sightings a year). */
  scale: number;
  scenario: Scenario;
  /** When the scenario starts; default: two thirds into [from, to]. */
  scenarioStart?: string;
  /** Folder holding nyc/ (../shared/data) with the real files used for calibration. */
  dataDir: string;
}

export const DEFAULT_SYNTH: Omit<SynthOptions, "dataDir"> = {
  seed: 1,
  from: "2015-01-01",
  to: "2024-12-31",
  scale: 1,
  scenario: "none",
};

export interface SynthSummary {
  outDir: string;
  seed: number;
  from: string;
  to: string;
  scale: number;
  scenario: Scenario;
  scenarioStart: string;
  gzipLevel: number;
  files: WrittenFile[];
  counts: {
    restaurants: number;
    activeAtEnd: number;
    neverInspected: number;
    inspections: number;
    sanitaryInspections: number;
    rodentInspections: number;
    rodentRate: number;
    meanPTrue: number;
    inspectionRows: number;
    ratSightings: number;
    weatherDays: number;
    byType: Record<string, number>;
    sightingsByBorough: Record<string, number>;
  };
  elapsedMs: number;
}

/** Two thirds into the range (the scenario default), as YYYY-MM-DD. */
export function defaultScenarioStart(from: string, to: string): string {
  const a = isoToDay(from);
  const b = isoToDay(to);
  return dayToIso(a + Math.floor(((b - a) * 2) / 3));
}

function check(opts: SynthOptions): { from: number; to: number; start: number } {
  const bad = (field: string, why: string) =>
    new RodentError("RODENT_ERR_INVALID_ARGUMENT", `synth ${field}: ${why}`, { field });
  if (!Number.isInteger(opts.seed) || opts.seed < 0 || opts.seed > 0xffffffff)
    throw bad("seed", `must be an integer in 0..4294967295, got ${opts.seed}`);
  const from = isoToDay(opts.from);
  const to = isoToDay(opts.to);
  if (!Number.isFinite(from)) throw bad("from", `not a date YYYY-MM-DD: ${JSON.stringify(opts.from)}`);
  if (!Number.isFinite(to)) throw bad("to", `not a date YYYY-MM-DD: ${JSON.stringify(opts.to)}`);
  if (to < from) throw bad("to", `${opts.to} is before from ${opts.from}`);
  if (from < isoToDay("1900-01-02")) throw bad("from", "must be after 1900-01-01 (the never-inspected placeholder)");
  if (to - from > 366 * 30) throw bad("to", "range longer than 30 years");
  if (!(opts.scale > 0 && opts.scale <= 100)) throw bad("scale", `must be in (0, 100], got ${opts.scale}`);
  parseScenario(opts.scenario); // throws naming the scenario
  const startIso = opts.scenarioStart ?? defaultScenarioStart(opts.from, opts.to);
  const start = isoToDay(startIso);
  if (!Number.isFinite(start)) throw bad("scenarioStart", `not a date YYYY-MM-DD: ${JSON.stringify(startIso)}`);
  return { from, to, start };
}

/**
 * Write the synthetic city under outDir in the layout of ../shared/data/nyc:
 * inspections/inspections.csv.gz, rat-sightings/rat_sightings.csv.gz, weather/weather.csv.gz, truth/truth.csv.gz.
 * Same options → byte-identical files.
 */
export async function writeSyntheticCity(outDir: string, opts: SynthOptions, log: Logger): Promise<SynthSummary> {
  const t0 = performance.now();
  const { from, to, start } = check(opts);
  const ref = loadReference(opts.dataDir);
  const scenario = parseScenario(opts.scenario);
  const heat = scenario.kind === "heat-wave" ? { start, ...HEAT_WAVE } : undefined;
  const weather = buildWeather(ref, opts.seed, from, to, heat);
  const field = new PressureField(ref, weather, {
    seed: opts.seed,
    from,
    to,
    scenario,
    scenarioStart: start,
  });
  // The export's RECORD DATE: the day after the simulated range (when it was "pulled").
  const recordDay = to + 1;
  const recordDate = dayToUs(recordDay);
  const rels = {
    inspections: "inspections/inspections.csv.gz",
    sightings: "rat-sightings/rat_sightings.csv.gz",
    weather: "weather/weather.csv.gz",
    truth: "truth/truth.csv.gz",
  };
  for (const rel of Object.values(rels)) await rm(path.join(outDir, rel), { force: true });
  log.info(
    { outDir, seed: opts.seed, from: opts.from, to: opts.to, scale: opts.scale, scenario: opts.scenario },
    "synth: writing synthetic NYC",
  );

  const wWeather = new GzCsvWriter(outDir, rels.weather, "DATE,PRCP,SNOW,SNWD,TMIN,TMAX");
  for (let i = 0; i < weather.n; i++) {
    wWeather.line(
      `${dayToIso(weather.day0 + i)},${fmtNum(weather.prcp[i])},${fmtNum(weather.snow[i])},${fmtNum(weather.snwd[i])},${fmtNum(weather.tmin[i])},${fmtNum(weather.tmax[i])}`,
    );
  }
  const weatherFile = await wWeather.close();

  const wInsp = new GzCsvWriter(outDir, rels.inspections, INSPECTIONS_HEADER);
  const wTruth = new GzCsvWriter(outDir, rels.truth, TRUTH_HEADER);
  const bar = progress(log, "synth restaurants", { unit: "restaurants" });
  const rs = await writeRestaurants(
    ref,
    field,
    { seed: opts.seed, from, to, scale: opts.scale, recordDate },
    wInsp,
    wTruth,
    () => bar.tick(),
  );
  bar.done({ inspections: rs.inspections });
  const inspFile = await wInsp.close();
  const truthFile = await wTruth.close();

  const wSight = new GzCsvWriter(outDir, rels.sightings, SIGHTINGS_HEADER);
  const ss = await writeSightings(ref, field, { seed: opts.seed, from, to, scale: opts.scale, recordDay }, wSight);
  const sightFile = await wSight.close();

  const elapsedMs = Math.round(performance.now() - t0);
  const summary: SynthSummary = {
    outDir,
    seed: opts.seed,
    from: opts.from,
    to: opts.to,
    scale: opts.scale,
    scenario: opts.scenario,
    scenarioStart: dayToIso(start),
    gzipLevel: GZIP_LEVEL,
    files: [inspFile, sightFile, weatherFile, truthFile],
    counts: {
      restaurants: rs.restaurants,
      activeAtEnd: rs.activeAtEnd,
      neverInspected: rs.neverInspected,
      inspections: rs.inspections,
      sanitaryInspections: rs.sanitaryInspections,
      rodentInspections: rs.rodentInspections,
      rodentRate: rs.sanitaryInspections ? rs.rodentInspections / rs.sanitaryInspections : 0,
      meanPTrue: rs.meanPTrue,
      inspectionRows: inspFile.rows,
      ratSightings: ss.sightings,
      weatherDays: weatherFile.rows,
      byType: rs.byType,
      sightingsByBorough: ss.byBorough,
    },
    elapsedMs,
  };
  log.info({ elapsedMs, ...summary.counts, byType: undefined }, "synth: done");
  return summary;
}

export { ACTIVE_AT_SCALE_1 };
