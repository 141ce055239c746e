// The 311 stream of a generated city, as (day, borough) pairs sorted by day: what src/monitor/source-drift.ts
// reads. Generating only the sightings (no restaurants, inspections or files) keeps the detector bench fast.
import { BOROUGHS } from "../src/data/records.js";
import { isoToDay } from "../src/data/synth/dates.js";
import { HEAT_WAVE } from "../src/data/synth/index.js";
import { PressureField } from "../src/data/synth/pressure.js";
import { loadReference } from "../src/data/synth/reference.js";
import { parseScenario } from "../src/data/synth/scenario.js";
import { writeSightings } from "../src/data/synth/sightings.js";
import { buildWeather } from "../src/data/synth/weather.js";

export interface Stream {
  day: Int32Array;
  borough: Uint8Array;
}

export interface StreamOptions {
  seed: number;
  from: string;
  to: string;
  scale: number;
  scenario: string;
  scenarioStart: string;
  dataDir: string;
}

/** "MM/DD/YYYY[ …]" → day number. */
export function usToDay(s: string): number {
  return isoToDay(`${s.slice(6, 10)}-${s.slice(0, 2)}-${s.slice(3, 5)}`);
}

const BORO_INDEX = new Map(BOROUGHS.map((b, i) => [b.toUpperCase(), i]));

/** Split one CSV line (RFC 4180 quotes) into fields. */
export function splitCsv(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = "";
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) {
          v += line.slice(i);
          i = line.length;
          break;
        }
        v += line.slice(i, q);
        if (line[q + 1] === '"') {
          v += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(v);
      i++; // the comma
    } else {
      const c = line.indexOf(",", i);
      const end = c < 0 ? line.length : c;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

/** Rows as the ingest would see them: created day and borough index (BOROUGHS.length for "Unspecified"). */
export function streamFromRows(rows: { day: number; borough: number }[]): Stream {
  rows.sort((a, b) => a.day - b.day);
  return { day: Int32Array.from(rows, (r) => r.day), borough: Uint8Array.from(rows, (r) => r.borough) };
}

/** The first generator's 311 stream (src/data/synth), same draws as `rodent synth` with these options. */
export async function synthStream(o: StreamOptions): Promise<Stream> {
  const ref = loadReference(o.dataDir);
  const from = isoToDay(o.from);
  const to = isoToDay(o.to);
  const start = isoToDay(o.scenarioStart);
  const scenario = parseScenario(o.scenario);
  const weather = buildWeather(
    ref,
    o.seed,
    from,
    to,
    scenario.kind === "heat-wave" ? { start, ...HEAT_WAVE } : undefined,
  );
  const field = new PressureField(ref, weather, { seed: o.seed, from, to, scenario, scenarioStart: start });
  const rows: { day: number; borough: number }[] = [];
  const sink = {
    line(l: string) {
      const f = splitCsv(l);
      rows.push({ day: usToDay(f[1]), borough: BORO_INDEX.get(f[25]) ?? BOROUGHS.length });
    },
    async maybeFlush() {},
  };
  await writeSightings(
    ref,
    field,
    { seed: o.seed, from, to, scale: o.scale, recordDay: to + 1 },
    sink as unknown as Parameters<typeof writeSightings>[3],
  );
  return streamFromRows(rows);
}
