import { BOROUGHS } from "../data/records.js";
import { RodentError } from "../errors.js";
import type { ServingSet } from "../features/index.js";
import type { FeatureTable } from "../features/schema.js";
import { applyCalibration, type Model } from "../model/index.js";
import { sortedColumnsOf } from "./column-ranks.js";
import type { ModelRef } from "./model-source.js";
import { type Reason, topReasons } from "./reasons.js";

export type Role = "champion" | "canary";

/** What the serving table was built from, in words an operator recognises (see CityRef). */
export interface SnapshotInfo {
  /** Snapshot id (content hash). */
  id: string;
  /** "synth:1 · inspections to 2024-12-30 · ingested 2026-12-03 14:10 UTC" */
  name: string;
  source: string | null;
  createdAt: string | null;
  /** The newest inspection in the snapshot. */
  dataTo: string | null;
}

/** The serving feature table plus a CAMIS → row index, built once per snapshot. */
export interface ServingCity {
  readonly id: string;
  readonly snapshot: SnapshotInfo;
  readonly set: ServingSet;
  readonly rowOf: ReadonlyMap<string, number>;
  readonly loadedAt: string;
}

/** The operator-facing name of a snapshot: where it came from, how far its data goes, when it was made. */
export function snapshotName(s: Omit<SnapshotInfo, "name">): string {
  const parts = [s.source ?? "unknown source"];
  if (s.dataTo) parts.push(`inspections to ${s.dataTo}`);
  if (s.createdAt) parts.push(`ingested ${s.createdAt.slice(0, 16).replace("T", " ")} UTC`);
  return parts.join(" · ");
}

export function servingCity(
  id: string,
  set: ServingSet,
  info: Partial<Omit<SnapshotInfo, "id" | "name">> = {},
): ServingCity {
  const rowOf = new Map<string, number>();
  for (let i = 0; i < set.camis.length; i++) rowOf.set(set.camis[i], i);
  const base = { id, source: info.source ?? null, createdAt: info.createdAt ?? null, dataTo: info.dataTo ?? null };
  return { id, snapshot: { ...base, name: snapshotName(base) }, set, rowOf, loadedAt: new Date().toISOString() };
}

/**
 * A model ready to answer: every active restaurant scored once at load, sorted, and indexed per borough,
 * so rankings are a slice and a band lookup is a binary search. Immutable after construction, except
 * the lazily filled reasons cache (a pure function of model and row, so filling it is safe).
 */
export interface ServedModel {
  readonly ref: ModelRef;
  readonly role: Role;
  readonly model: Model;
  readonly cityId: string;
  /** Calibrated probability per serving row (what is shown). */
  readonly scores: Float64Array;
  /** Raw score (margin, log-odds) per serving row: what ranks. */
  readonly margins: Float64Array;
  /** The margins sorted ascending (for rank and top-fraction lookups). */
  readonly ascending: Float64Array;
  /** Row indices, highest raw score first (equal raw scores by row): all rows, then one list per BOROUGHS index. */
  readonly order: Int32Array;
  readonly byBorough: readonly Int32Array[];
  readonly reasons: (Reason[] | undefined)[];
  /**
   * The encoded body of GET /v1/restaurants/:camis/risk per serving row, filled the first time a row is asked
   * (routes/risk.ts): a lookup then costs what the HTTP stack costs, not the building and encoding of its card.
   */
  readonly answers: (Buffer | undefined)[];
  readonly loadedAt: string;
  /** Milliseconds spent scoring and ranking the whole city at load. */
  readonly rankMs: number;
}

/** A zero-copy view of rows [start, end) of a column-major table. */
export function sliceTable(t: FeatureTable, start: number, end: number): FeatureTable {
  return { schema: t.schema, n: end - start, columns: t.columns.map((c) => c.subarray(start, end)) };
}

/** Copy one row of a column-major table into `out` (schema order). */
export function readRow(
  t: FeatureTable,
  i: number,
  out: Float32Array = new Float32Array(t.columns.length),
): Float32Array {
  for (let j = 0; j < t.columns.length; j++) out[j] = t.columns[j][i];
  return out;
}

/**
 * Calibrated probabilities of raw margins, computed exactly as Model.predictProba does (calibration of the
 * objective's transform of the margin),
 * so a row scored here and through the model agree to the last bit.
 */
export function probabilitiesOf(model: Model, margins: Float64Array): Float64Array {
  const c = model.calibration;
  const t = model.objective.transform;
  const out = new Float64Array(margins.length);
  for (let i = 0; i < margins.length; i++) out[i] = applyCalibration(c, t(margins[i]));
  return out;
}

/**
 * Score a whole table in chunks, yielding to the event loop between them so requests keep flowing: the raw margins
 * (which rank) and the calibrated probabilities (which are shown).
 */
export async function scoreInChunks(
  model: Model,
  table: FeatureTable,
  chunk = 2048,
): Promise<{ margins: Float64Array; scores: Float64Array }> {
  const margins = new Float64Array(table.n);
  for (let s = 0; s < table.n; s += chunk) {
    const e = Math.min(table.n, s + chunk);
    margins.set(model.predictMargin(sliceTable(table, s, e)), s);
    if (e < table.n) await new Promise<void>((r) => setImmediate(r));
  }
  return { margins, scores: probabilitiesOf(model, margins) };
}

/** Row indices sorted by descending raw score (ties by row index, so the order is deterministic). */
export function rankRows(scores: Float64Array, rows?: Int32Array): Int32Array {
  const idx = rows ? Int32Array.from(rows) : Int32Array.from({ length: scores.length }, (_, i) => i);
  idx.sort((a, b) => scores[b] - scores[a] || a - b);
  return idx;
}

/**
 * Load-time check and precompute. The smoke check refuses a model whose schema differs from the serving
 * table, whose scores are not probabilities, or whose single-row path disagrees with the batch path.
 */
export async function prepareServedModel(
  model: Model,
  ref: ModelRef,
  role: Role,
  city: ServingCity,
  warmReasons = 50,
): Promise<ServedModel> {
  const t0 = performance.now();
  const table = city.set.table;
  model.assertSchema(table.schema);
  const { margins, scores } = await scoreInChunks(model, table);
  for (let i = 0; i < scores.length; i++) {
    const p = scores[i];
    // A probability of exactly 0 or 1 is a claim no model can support: refuse it as a broken calibration.
    if (!(p > 0 && p < 1) || Number.isNaN(margins[i])) {
      throw new RodentError(
        "RODENT_ERR_MODEL",
        `smoke check: score of row ${i} is ${p}, not a probability strictly between 0 and 1`,
        {
          version: ref.version,
        },
      );
    }
  }
  if (table.n > 0) {
    const row = readRow(table, 0);
    const single = model.predictRow(row);
    if (!(Math.abs(single - scores[0]) <= 1e-6)) {
      throw new RodentError(
        "RODENT_ERR_MODEL",
        `smoke check: predictRow gives ${single} but predictProba gives ${scores[0]} for row 0`,
        { version: ref.version },
      );
    }
    const contrib = model.contributions(row);
    if (contrib.length !== table.columns.length + 1 || !contrib.every(Number.isFinite)) {
      throw new RodentError(
        "RODENT_ERR_MODEL",
        "smoke check: contributions are not one finite value per feature + bias",
        {
          version: ref.version,
        },
      );
    }
  }
  const ascending = Float64Array.from(margins).sort();
  const order = rankRows(margins);
  const boroughRows: number[][] = BOROUGHS.map(() => []);
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    boroughRows[city.set.borough[i]]?.push(i);
  }
  const served: ServedModel = {
    ref,
    role,
    model,
    cityId: city.id,
    scores,
    margins,
    ascending,
    order,
    byBorough: boroughRows.map((r) => Int32Array.from(r)),
    reasons: new Array(table.n),
    answers: new Array(table.n),
    loadedAt: new Date().toISOString(),
    rankMs: performance.now() - t0,
  };
  // Warm the reasons of the restaurants most likely to be asked for (the top of each list).
  const row = new Float32Array(table.columns.length);
  const warm = (list: Int32Array) => {
    for (let k = 0; k < Math.min(warmReasons, list.length); k++) reasonsFor(served, city, list[k], row);
  };
  warm(order);
  served.byBorough.forEach(warm);
  return served;
}

/** Top reasons of one serving row, cached per served model. */
export function reasonsFor(served: ServedModel, city: ServingCity, i: number, scratch?: Float32Array): Reason[] {
  const hit = served.reasons[i];
  if (hit) return hit;
  const t = city.set.table;
  const r = topReasons(served.model, readRow(t, i, scratch), 3, undefined, sortedColumnsOf(t));
  served.reasons[i] = r;
  return r;
}
