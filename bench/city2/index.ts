// The second, independent synthetic city (issue 13 §7): evaluation tooling, written on other assumptions than
// src/data/synth (see world.ts, sightings.ts, restaurants.ts) and kept out of the tuning of the monitor's rules.
// It writes exported files that `--source dir:PATH` ingests like any export: inspections/ (DOHMH column names,
// ISO dates, 19 of the 27 columns), rat-sightings/ (311 column names, ISO timestamps), weather/ (GHCN columns) and
// truth/ (each inspection's true probability, for the oracle).
import { once } from "node:events";
import { createWriteStream, mkdirSync } from "node:fs";
import path from "node:path";
import { createGzip } from "node:zlib";
import { isoToDay } from "../../src/data/synth/dates.js";
import { parseScenario } from "../../src/data/synth/scenario.js";
import { INSPECTION_COLUMNS, restaurants } from "./restaurants.js";
import { BOROUGH_NAMES, sightings } from "./sightings.js";
import { World } from "./world.js";

export interface City2Options {
  seed: number;
  from: string;
  to: string;
  scale: number;
  scenario: string;
  scenarioStart: string;
}

class GzLines {
  private readonly gz = createGzip({ level: 1 });
  private buf: string[] = [];
  private size = 0;
  rows = 0;
  private readonly done: Promise<unknown>;
  constructor(file: string, header: string) {
    mkdirSync(path.dirname(file), { recursive: true });
    const out = createWriteStream(file);
    this.gz.pipe(out);
    this.done = once(out, "finish");
    this.buf.push(header);
  }
  async line(s: string) {
    this.buf.push(s);
    this.rows++;
    this.size += s.length;
    if (this.size > 1 << 20) await this.flush();
  }
  private async flush() {
    const chunk = `${this.buf.join("\n")}\n`;
    this.buf = [];
    this.size = 0;
    if (!this.gz.write(chunk)) await once(this.gz, "drain");
  }
  async close() {
    await this.flush();
    this.gz.end();
    await this.done;
  }
}

const iso = (d: number) => new Date(d * 86_400_000).toISOString().slice(0, 10);
const two = (n: number) => String(n).padStart(2, "0");

export async function writeCity2(outDir: string, o: City2Options) {
  parseScenario(o.scenario);
  const world = new World({
    seed: o.seed,
    from: isoToDay(o.from),
    to: isoToDay(o.to),
    scenario: o.scenario,
    scenarioStart: isoToDay(o.scenarioStart),
  });
  const recordDay = world.opts.to + 1;
  const w = new GzLines(path.join(outDir, "weather", "weather.csv.gz"), "DATE,TMAX,TMIN,PRCP");
  for (let i = 0; i < world.tmax.length; i++)
    await w.line(`${iso(world.opts.from - 30 + i)},${world.tmax[i]},${world.tmin[i]},${world.prcp[i]}`);
  await w.close();

  const s = new GzLines(
    path.join(outDir, "rat-sightings", "rat_sightings.csv.gz"),
    "Unique Key,Created Date,Borough,Incident Zip,Location Type,Latitude,Longitude",
  );
  for (const x of sightings(world, { seed: o.seed, scale: o.scale })) {
    const t = `${iso(x.day)}T${two(Math.floor(x.sec / 3600))}:${two(Math.floor((x.sec % 3600) / 60))}:${two(x.sec % 60)}`;
    await s.line(
      `${x.key},${t},${BOROUGH_NAMES[x.borough]},${x.zip},Other (Explain Below),${x.lat.toFixed(6)},${x.lon.toFixed(6)}`,
    );
  }
  await s.close();

  const ins = new GzLines(path.join(outDir, "inspections", "inspections.csv.gz"), INSPECTION_COLUMNS.join(","));
  const truth = new GzLines(path.join(outDir, "truth", "truth.csv.gz"), "CAMIS,INSPECTION DATE,INSPECTION TYPE,P_TRUE");
  let inspections = 0;
  let found = 0;
  for (const r of restaurants(world, { seed: o.seed, scale: o.scale, recordDay })) {
    for (const l of r.lines) await ins.line(l);
    await truth.line(`${r.camis},${iso(r.day)},${r.type},${r.pTrue.toFixed(6)}`);
    inspections++;
    if (r.found) found++;
  }
  await ins.close();
  await truth.close();
  return { outDir, inspections, rodentRate: inspections ? found / inspections : 0, sightings: s.rows, rows: ins.rows };
}
