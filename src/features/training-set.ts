import { dayNumber } from "../util/days.js";
import type { Logger } from "../util/log.js";
import { featureTable } from "./feature-rows.js";
import { labelOf, NOT_COUNTED } from "./labels.js";
import { type CityData, type PreparedCity, prepareCity } from "./prepared-city.js";
import type { FeatureTable } from "./schema.js";

export interface TrainingSet {
  table: FeatureTable;
  label: Uint8Array;
  /** inspection day number */
  day: Int32Array;
  camis: string[];
  inspectionType: string[];
  /** index in BOROUGHS (255 unknown) */
  borough: Uint8Array;
  /** baselines: rats/mice at the previous sanitary inspection (1/0), its score; NaN when none */
  prevRodent: Float32Array;
  prevScore: Float32Array;
}

export interface TrainingSetOptions {
  log?: Logger;
  /** first inspection date kept (inclusive, YYYY-MM-DD); earlier data still feeds features */
  from?: string;
  /** last inspection date kept (inclusive) */
  to?: string;
}

/**
 * One row per counted inspection (see labels.ts), ordered by day then restaurant; label 1 when 04K or 04L was
 * recorded at it. Features use only data dated strictly before the inspection day.
 */
export function buildTrainingSet(city: CityData | PreparedCity, opts: TrainingSetOptions = {}): TrainingSet {
  const t0 = performance.now();
  const prepared = "restaurants" in city ? city : prepareCity(city);
  const t1 = performance.now();
  const ins = prepared.inspections;
  const from = opts.from ? dayNumber(opts.from) : Number.NEGATIVE_INFINITY;
  const to = opts.to ? dayNumber(opts.to) : Number.POSITIVE_INFINITY;

  // Keep counted inspections in range; order them by day (stable counting sort keeps restaurant order within a day).
  let minDay = 2 ** 31 - 1;
  let maxDay = -(2 ** 31);
  let n = 0;
  for (let k = 0; k < ins.n; k++) {
    const d = ins.day[k];
    if (ins.category[k] === NOT_COUNTED || d < from || d > to) continue;
    n++;
    if (d < minDay) minDay = d;
    if (d > maxDay) maxDay = d;
  }
  const order = new Int32Array(n);
  if (n > 0) {
    const start = new Int32Array(maxDay - minDay + 2);
    for (let k = 0; k < ins.n; k++) {
      const d = ins.day[k];
      if (ins.category[k] !== NOT_COUNTED && d >= from && d <= to) start[d - minDay + 1]++;
    }
    for (let i = 1; i < start.length; i++) start[i] += start[i - 1];
    for (let k = 0; k < ins.n; k++) {
      const d = ins.day[k];
      if (ins.category[k] !== NOT_COUNTED && d >= from && d <= to) order[start[d - minDay]++] = k;
    }
  }

  const rest = new Int32Array(n);
  const day = new Int32Array(n);
  const category = new Uint8Array(n);
  const label = new Uint8Array(n);
  const camis: string[] = new Array(n);
  const inspectionType: string[] = new Array(n);
  const borough = new Uint8Array(n);
  const rs = prepared.restaurants;
  for (let i = 0; i < n; i++) {
    const k = order[i];
    const r = ins.rest[k];
    rest[i] = r;
    day[i] = ins.day[k];
    category[i] = ins.category[k];
    label[i] = labelOf(ins.codes[k]);
    camis[i] = rs.camis[r];
    inspectionType[i] = ins.types[ins.typeId[k]];
    borough[i] = rs.borough[r];
  }
  const table = featureTable(prepared, { rest, day, category });
  const names = table.schema.features.map((f) => f.name);
  const prevRodent = table.columns[names.indexOf("prev1_rodent")];
  const prevScore = table.columns[names.indexOf("prev1_score")];
  if (opts.log) {
    let pos = 0;
    for (let i = 0; i < n; i++) pos += label[i];
    opts.log.info(
      {
        rows: n,
        positives: pos,
        features: names.length,
        schema: table.schema.version,
        prepare_ms: Math.round(t1 - t0),
        rows_ms: Math.round(performance.now() - t1),
      },
      "training set built",
    );
  }
  return { table, label, day, camis, inspectionType, borough, prevRodent, prevScore };
}
